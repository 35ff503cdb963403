import type { TFunction } from 'i18next';
import type { HostContext } from '../host/host-context';
import type { ClockState } from '../sla/clocks/sla-event';
import { formatDuration, type DurationUnits } from '../i18n/format-duration';
import { languageCode } from '../host/perfex/perfex-languages';

/**
 * What the module's pieces inside the host's own pages (list column, ticket panel, home widget)
 * share: the viewer's language (who may see them: widgetViewer in ticket-scope.ts), and how a running clock reads (its state now is
 * liveState in src/sla/clocks/live-state.ts, the one definition every page uses).
 */

/** The staff member's language (Perfex `default_language`) as a locale code: one host query. */
export async function staffLanguage(host: HostContext, staffId: number): Promise<string> {
  const staff = (await host.tickets.listStaff()).find((s) => s.id === staffId);
  return languageCode(staff?.defaultLanguage);
}

/**
 * Wall-clock minutes between now and the due instant, rounded the way assets/countdown.js rounds
 * (time left rounds up, so "0m left" never shows before the due time; overdue rounds down).
 */
export function minutesFromDue(dueAt: Date, now: Date): { overdue: boolean; minutes: number } {
  const ms = dueAt.getTime() - now.getTime();
  return ms > 0
    ? { overdue: false, minutes: Math.ceil(ms / 60_000) }
    : { overdue: true, minutes: Math.floor(-ms / 60_000) };
}

const SENTINEL = 987654;

/**
 * The countdown's phrases in the viewer's language, for assets/countdown.js: units with `{n}`
 * for the number, "left" and "overdue" with `{d}` for the duration.
 */
export function countdownTemplates(
  t: TFunction,
): Record<'days' | 'hours' | 'minutes' | 'left' | 'overdue', string> {
  const unit = (key: string) =>
    t(`column.units.${key}`, { count: SENTINEL }).replace(String(SENTINEL), '{n}');
  return {
    days: unit('days'),
    hours: unit('hours'),
    minutes: unit('minutes'),
    left: t('column.left', { duration: '{d}' }),
    overdue: t('column.overdue', { duration: '{d}' }),
  };
}

function units(t: TFunction): DurationUnits {
  return {
    days: (count) => t('column.units.days', { count }),
    hours: (count) => t('column.units.hours', { count }),
    minutes: (count) => t('column.units.minutes', { count }),
  };
}

/** "2h 10m left", "35m overdue" or "paused", in the viewer's language. */
export function timeLeftText(t: TFunction, state: ClockState, dueAt: Date, now: Date): string {
  if (state === 'paused') return t('column.paused');
  const { overdue, minutes } = minutesFromDue(dueAt, now);
  const duration = formatDuration(minutes, units(t));
  return overdue ? t('column.overdue', { duration }) : t('column.left', { duration });
}
