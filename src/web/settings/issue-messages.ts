import type { TFunction } from 'i18next';
import type { ConfigIssue } from '../../sla/config';

/**
 * The viewer's-language message for a configuration issue. The schema (zod, CalendarError) writes
 * its messages in English for logs and the API; a settings page shows staff a translated one,
 * chosen by what the issue's path points at. Where one field can fail in more than one way, the
 * schema's own message (written in this repository) tells which. The raw message is only the last
 * resort for an issue no rule knows, so nothing is ever swallowed.
 */
interface MessageRule {
  /** On the path relative to the calendar, policy or settings it is about. */
  path: RegExp;
  /** On the schema's message, for fields that fail in more than one way. */
  when?: RegExp;
  /** Under `settings.errors.`. */
  key: string;
  params?: (issue: ConfigIssue, t: TFunction) => Record<string, unknown>;
}

/** The value a schema message quotes as `got "…"` (holiday dates, times). */
const quoted = (issue: ConfigIssue): Record<string, unknown> => {
  const m = /got ("(?:[^"\\]|\\.)*")/.exec(issue.message);
  return { value: m ? (JSON.parse(m[1]) as string) : '' };
};

/** The policy a never-open calendar message names (`policy "base" uses this calendar`). */
const usedBy = (issue: ConfigIssue): string => /policy "([^"]+)" uses/.exec(issue.message)?.[1] ?? '';

const RULES: readonly MessageRule[] = [
  // zod's strict objects, on any path (the import of a hand-written document).
  {
    path: /./,
    when: /^Unrecognized keys?:/,
    key: 'unknown_fields',
    params: (i) => ({ fields: i.message.split(': ').at(-1) ?? '' }),
  },
  // A key written twice in one object of an imported document (strict JSON reading).
  {
    path: /./,
    when: /appears more than once in the same object/,
    key: 'duplicate_key',
    params: (i) => ({ field: i.path }),
  },
  { path: /^key$/, when: /^duplicate key/, key: 'key_taken' },
  { path: /^key$/, when: /required/, key: 'required' },
  { path: /^key$/, key: 'key_format' },
  { path: /^name$/, when: /NUL or unpaired surrogate/, key: 'name_characters' },
  { path: /^name$/, key: 'name' },
  { path: /^timezone$/, key: 'timezone' },
  // On-call rotas (settings/on-call) and staff schedules.
  { path: /^rotation\.handover$/, key: 'rota_handover' },
  { path: /^rotation\.startsAt$/, key: 'rota_date' },
  { path: /^rotation\.timezone$/, key: 'timezone' },
  { path: /^rotation\.staffIds$/, key: 'rota_people' },
  { path: /^rotation\.ranges\[\d+\]\.to$/, when: /after from/, key: 'rota_range_order' },
  { path: /^escalations\[\d+\]\.action\.rota$/, key: 'rota_missing' },
  { path: /^escalations\[\d+\]\.deliver$/, when: /only notify/, key: 'deliver_notify_only' },
  { path: /^week\.\w+\[\d+\]\[0\]$/, when: /got "/, key: 'start_time', params: quoted },
  { path: /^week\.\w+\[\d+\]\[1\]$/, when: /got "/, key: 'end_time', params: quoted },
  { path: /^week\.\w+\[\d+\]$/, when: /overlaps/, key: 'overlap' },
  { path: /^week\.\w+$/, when: /unknown weekday/, key: 'weekday' },
  { path: /^week$/, when: /never opens/, key: 'never_open_week', params: (i) => ({ policies: usedBy(i) }) },
  { path: /^week\b/, key: 'week' },
  { path: /^holidays\[\d+\]$/, when: /got "/, key: 'holiday_date', params: quoted },
  {
    path: /^holidays$/,
    when: /in a row/,
    key: 'never_open_holidays',
    params: (i) => {
      const m = /closed for (\d+) days in a row from ([\d-]+)/.exec(i.message);
      return { days: m?.[1] ?? '', from: m?.[2] ?? '', policies: usedBy(i) };
    },
  },
  { path: /^holidays\b/, key: 'holidays' },
  { path: /^holidayCountry$/, key: 'country_code' },
  { path: /^holidayRegion$/, when: /needs holidayCountry/, key: 'region_needs_country' },
  {
    path: /^holidayRegion$/,
    when: /^unknown region/,
    key: 'unknown_region',
    params: (i) => {
      const m = /^unknown region ("(?:[^"\\]|\\.)*") of (\w+)$/.exec(i.message);
      return { region: m ? (JSON.parse(m[1]) as string) : '', country: m?.[2] ?? '' };
    },
  },
  { path: /^holidayRegion$/, key: 'region_code' },
  { path: /^targets$/, key: 'targets_required' },
  // A target is `targets.<metric>` or a status limit, `targets.status_time.byStatus.<status id>`.
  { path: /^targets\.(\w+|status_time\.byStatus\.\w+)\.minutes$/, key: 'target_minutes' },
  { path: /^targets\.(\w+|status_time\.byStatus\.\w+)\.warnAtPercent$/, key: 'warn_percent' },
  {
    path: /^targets\.(\w+|status_time\.byStatus\.\w+)\.warnBeforeMinutes$/,
    when: /less than minutes/,
    key: 'warn_before_less',
  },
  { path: /^targets\.(\w+|status_time\.byStatus\.\w+)\.warnBeforeMinutes$/, key: 'warn_before_minutes' },
  { path: /^targets\.(\w+|status_time\.byStatus\.\w+)$/, when: /not both/, key: 'warn_not_both' },
  { path: /^targets\b/, key: 'targets' },
  { path: /^match\b/, key: 'match_ids' },
  {
    path: /^calendar$/,
    when: /never opens/,
    key: 'calendar_never_opens',
    params: (i) => ({ calendar: /^calendar "([^"]+)"/.exec(i.message)?.[1] ?? '' }),
  },
  { path: /^calendar$/, key: 'calendar' },
  { path: /^position$/, key: 'position' },
  { path: /^(pauseStatusIds|defaultPauseStatusIds)\b/, key: 'statuses' },
  {
    path: /^escalations\[\d+\]\.metric$/,
    when: /has no \w+ target/,
    key: 'escalation_no_target',
    params: (i, t) => ({ metric: t(`metrics.${/has no (\w+) target/.exec(i.message)?.[1] ?? ''}`) }),
  },
  { path: /^escalations\[\d+\]\.trigger\.minutes$/, key: 'trigger_minutes' },
  // Internal targets (OLA): shorter than the customer's, by department or staff group.
  {
    path: /^escalations\[\d+\]\.scope$/,
    when: /internal targets are for ticket policies/,
    key: 'internal_targets',
  },
  {
    path: /^escalations\[\d+\]\.scope$/,
    when: /no internal target/,
    key: 'level_internal_no_target',
    params: (i, t) => ({ metric: t(`metrics.${/internal target of (\w+)/.exec(i.message)?.[1] ?? ''}`) }),
  },
  {
    path: /^internalTargets\[\d+\]\.targets\.\w+\.minutes$/,
    when: /shorter than the customer/,
    key: 'internal_shorter',
    params: (i) => ({ minutes: /\((\d+(?:\.\d+)?) minutes\)/.exec(i.message)?.[1] ?? '' }),
  },
  {
    path: /^internalTargets\[\d+\]\.targets\.(\w+)$/,
    when: /no customer/,
    key: 'internal_no_customer',
    params: (i, t) => ({ metric: t(`metrics.${/targets\.(\w+)$/.exec(i.path)?.[1] ?? ''}`) }),
  },
  { path: /^internalTargets\[\d+\]\.targets\.\w+\.minutes$/, key: 'target_minutes' },
  { path: /^internalTargets\[\d+\]\.targets\.\w+\.warnAtPercent$/, key: 'warn_percent' },
  { path: /^internalTargets\[\d+\]\.targets$/, key: 'internal_targets_required' },
  { path: /^internalTargets\[\d+\]\.team\b/, key: 'internal_team' },
  { path: /^internalTargets\[\d+\]\.name$/, key: 'name' },
  { path: /^internalTargets\b/, key: 'internal_targets' },
  {
    path: /^escalations\[\d+\]\.action\.(staffId|departmentId|priorityId)$/,
    key: 'action_target',
    params: (i, t) => ({
      what: t(`settings.policy.${/\.(staffId|departmentId|priorityId)$/.exec(i.path)?.[1] ?? ''}`),
    }),
  },
  { path: /^(active|escalations\b)/, key: 'choice' },
  { path: /^cooldownMinutes$/, key: 'cooldown' },
  { path: /^defaultWarnAtPercent$/, key: 'warn_percent' },
  { path: /^scanIntervalMinutes$/, key: 'scan_interval' },
  { path: /^(\(document\)|calendars|policies|settings)$/, key: 'document' },
];

/** `policies[2].targets.resolution.minutes` -> `targets.resolution.minutes` (import paths are whole-document). */
function relativePath(path: string): string {
  return path.replace(/^(calendars|policies)\[\d+\]\.|^settings\./, '');
}

export function issueMessage(issue: ConfigIssue, t: TFunction): string {
  const path = relativePath(issue.path);
  for (const rule of RULES) {
    if (!rule.path.test(path) || (rule.when && !rule.when.test(issue.message))) continue;
    return t(`settings.errors.${rule.key}`, rule.params?.(issue, t) ?? {});
  }
  return issue.message;
}

/** The issues with translated messages and their paths kept (the import's list shows both). */
export function translateIssues(issues: readonly ConfigIssue[], t: TFunction): ConfigIssue[] {
  return issues.map((issue) => ({ path: issue.path, message: issueMessage(issue, t) }));
}
