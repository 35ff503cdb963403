/** Reading the settings pages' HTML in tests: text as the reader sees it, field errors, form rows. */

/** Text as the reader sees it (EJS escapes quotes and markup characters). */
export function decode(html: string): string {
  return html
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The messages shown next to one form field. */
export function fieldError(html: string, field: string): string[] {
  const re = new RegExp(
    `class="sv-field-error" data-field="${field.replace(/\./g, '\\.')}"[^>]*>([^<]*)<`,
    'g',
  );
  return [...html.matchAll(re)].map((m) => decode(m[1]));
}

/** The fields of one status limit (a status window) row, as the policy forms post them. */
export const statusWindow = (
  status: number,
  amount: string,
  unit = 'hours',
  warnType = '',
  warnValue = '',
) => ({
  [`targets.status_time.${status}.amount`]: amount,
  [`targets.status_time.${status}.unit`]: unit,
  [`targets.status_time.${status}.warnType`]: warnType,
  [`targets.status_time.${status}.warnValue`]: warnValue,
});

/** A calendar form open Mondays 09-17 in Berlin, without holidays. */
export const mondayCalendarForm = (key: string, name: string): Record<string, string> => ({
  key,
  name,
  timezone: 'Europe/Berlin',
  'week.mon.0.start': '09:00',
  'week.mon.0.end': '17:00',
  holidays: '',
  holidayCountry: '',
  holidayRegion: '',
  holidayFrom: '2026',
  holidayTo: '2026',
});

/**
 * A lead ladder as the form posts it: notify the owner 15 minutes before a status window runs
 * out, and hand the lead to `staffId` an hour after it did.
 */
export const leadLadderForm = (staffId: number): Record<string, string> => ({
  'escalations.0.metric': 'status_time',
  'escalations.0.trigger': 'before_due',
  'escalations.0.minutes': '15',
  'escalations.0.action': 'notify_assignee',
  'escalations.1.metric': 'status_time',
  'escalations.1.trigger': 'after_due',
  'escalations.1.minutes': '60',
  'escalations.1.action': 'reassign_staff',
  'escalations.1.staffId': String(staffId),
});
