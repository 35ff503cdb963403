import type { TFunction } from 'i18next';
import { METRICS, type PolicyConfig, type SlaSettings, type TargetConfig } from '../../sla/config';
import type { NamedRow } from '../../host/host-context';
import { addError, type FieldErrors, type PathRule } from './form-errors';
import { list, rawList, rowIndexes, text, type FormValues } from './form-values';
import { parseId } from '../../sla/strict-input';
import { MATCH_FIELDS_OF, type MatchField, type SubjectType } from '../../sla/config/subject-types';

/** Which extra select an action uses; the others on its row are ignored. */
export const ACTION_TARGET: Record<
  string,
  'staffId' | 'departmentId' | 'priorityId' | 'rota' | 'webhook' | undefined
> = {
  notify_staff: 'staffId',
  reassign_staff: 'staffId',
  notify_department: 'departmentId',
  reassign_department: 'departmentId',
  raise_priority: 'priorityId',
  // An on-call rota is chosen by its key, not by a host id.
  notify_on_call: 'rota',
  webhook: 'webhook',
};

/** Blank escalation rows rendered below the used ones, so levels can be added without JS. */
export const BLANK_ROWS = 2;
export const MIN_ROWS = 3;

/** The metrics with a target of their own per kind: leads only have status windows. */
export const TARGET_METRICS_OF: Record<SubjectType, readonly (typeof METRICS)[number][]> = {
  ticket: METRICS,
  lead: [],
};

/** The fields a policy form of `subject` may post (its own match fields and metrics only). */
export function policyFields(subject: SubjectType): RegExp[] {
  const metrics = TARGET_METRICS_OF[subject];
  return [
    /^(key|name|active|calendar|pauseStatusIds|passedLevels)$/,
    matchPattern(subject),
    ...(metrics.length
      ? [new RegExp(`^targets\\.(${metrics.join('|')})\\.(amount|unit|warnType|warnValue)$`)]
      : []),
    /^targets\.status_time\.[1-9]\d{0,9}\.(amount|unit|warnType|warnValue)$/,
    // Every action's target field, on either kind: an action a kind refuses is named by the schema.
    /^escalations\.\d{1,2}\.(metric|trigger|minutes|action|staffId|departmentId|priorityId|rota|webhook|deliver|unassigned|internal)$/,
    // Internal targets per team (tickets; a lead policy posting them is refused by the schema).
    ...(metrics.length
      ? [
          /^internalTargets\.\d{1,2}\.(name|departmentId|staffIds)$/,
          new RegExp(
            `^internalTargets\\.\\d{1,2}\\.targets\\.(${metrics.join('|')})\\.(amount|unit|warnType|warnValue)$`,
          ),
        ]
      : []),
  ];
}

/** The fields of `subject`'s form that are lists (multi-selects, checkbox groups). */
export function policyLists(subject: SubjectType): RegExp[] {
  return [/^pauseStatusIds$/, /^active$/, matchPattern(subject), /^internalTargets\.\d{1,2}\.staffIds$/];
}

const matchPattern = (subject: SubjectType) =>
  new RegExp(`^match\\.(${MATCH_FIELDS_OF[subject].join('|')})$`);
const ROW = /^escalations\.(\d+)\.[a-zA-Z]+$/;
/** A team's row of internal targets: `internalTargets.<row>.name`, `.departmentId`, `.targets.<metric>.amount`... */
const INTERNAL_ROW = /^internalTargets\.(\d+)\./;
/** A status limit's fields are `targets.status_time.<status id>.amount` and so on. */
const STATUS_LIMIT = /^targets\.status_time\.(\d+)\.(amount|unit|warnType|warnValue)$/;
const statusPrefix = (statusId: number | string): string => `targets.status_time.${statusId}`;

/** The form for a stored policy, or for a new one (active, the default pause statuses). */
export function policyToForm(
  policy: PolicyConfig | undefined,
  settings: SlaSettings,
  subject: SubjectType = 'ticket',
): FormValues {
  // The default pause statuses are ticket statuses; a new lead policy pauses on none.
  const pause = policy?.pauseStatusIds ?? (subject === 'ticket' ? settings.defaultPauseStatusIds : []);
  const values: FormValues = {
    key: policy?.key ?? '',
    name: policy?.name ?? '',
    calendar: policy?.calendar ?? '',
    pauseStatusIds: pause.map(String),
  };
  for (const f of MATCH_FIELDS_OF[subject]) values[`match.${f}`] = (policy?.match[f] ?? []).map(String);
  if (policy?.active ?? true) values.active = ['1'];
  for (const metric of TARGET_METRICS_OF[subject])
    Object.assign(values, targetToForm(metric, policy?.targets[metric]));
  for (const [status, target] of Object.entries(policy?.targets.status_time?.byStatus ?? {})) {
    Object.assign(values, targetToForm(`status_time.${status}`, target));
  }
  (policy?.escalations ?? []).forEach((e, i) => {
    const row = `escalations.${i}`;
    values[`${row}.metric`] = e.metric;
    values[`${row}.trigger`] = e.trigger.type;
    values[`${row}.minutes`] = e.trigger.minutes === undefined ? '' : String(e.trigger.minutes);
    values[`${row}.action`] = e.action.type;
    for (const f of ['staffId', 'departmentId', 'priorityId', 'rota', 'webhook'] as const) {
      values[`${row}.${f}`] = e.action[f] === undefined ? '' : String(e.action[f]);
    }
    values[`${row}.deliver`] = e.deliver ?? '';
    if (e.when?.unassigned) values[`${row}.unassigned`] = '1';
    if (e.scope === 'internal') values[`${row}.internal`] = '1';
  });
  (policy?.internalTargets ?? []).forEach((team, i) => {
    const row = `internalTargets.${i}`;
    values[`${row}.name`] = team.name ?? '';
    values[`${row}.departmentId`] =
      team.team.departmentId === undefined ? '' : String(team.team.departmentId);
    values[`${row}.staffIds`] = (team.team.staffIds ?? []).map(String);
    for (const metric of TARGET_METRICS_OF[subject]) {
      for (const [field, value] of Object.entries(targetToForm(metric, team.targets[metric])))
        values[`${row}.${field}`] = value;
    }
  });
  return values;
}

/** A team row left empty (no name, team or target): not an internal target. */
function internalRowIsBlank(values: FormValues, i: number): boolean {
  const row = `internalTargets.${i}`;
  return (
    !text(values, `${row}.name`) &&
    !text(values, `${row}.departmentId`) &&
    rawList(values, `${row}.staffIds`).length === 0 &&
    METRICS.every((m) => !text(values, `${row}.targets.${m}.amount`))
  );
}

/** Team rows to render: every row in use, then one blank one to add a team without JS. */
export function internalRowCount(values: FormValues): number {
  const used = rowIndexes(values, INTERNAL_ROW).filter((i) => !internalRowIsBlank(values, i));
  return (used.at(-1) ?? -1) + 2;
}

/** Whole hours are shown as hours ("8 h" reads better than "480 min"). */
function targetToForm(metric: string, target: TargetConfig | undefined): FormValues {
  const p = `targets.${metric}`;
  if (!target)
    return { [`${p}.amount`]: '', [`${p}.unit`]: 'hours', [`${p}.warnType`]: '', [`${p}.warnValue`]: '' };
  const hours = target.minutes >= 60 && target.minutes % 60 === 0;
  const warnType =
    target.warnAtPercent !== undefined ? 'percent' : target.warnBeforeMinutes !== undefined ? 'minutes' : '';
  return {
    [`${p}.amount`]: String(hours ? target.minutes / 60 : target.minutes),
    [`${p}.unit`]: hours ? 'hours' : 'minutes',
    [`${p}.warnType`]: warnType,
    [`${p}.warnValue`]: String(target.warnAtPercent ?? target.warnBeforeMinutes ?? ''),
  };
}

function rowIsBlank(values: FormValues, i: number): boolean {
  return !text(values, `escalations.${i}.metric`) && !text(values, `escalations.${i}.action`);
}

/** Escalation rows to render: every row in use, then BLANK_ROWS blank ones (at least MIN_ROWS). */
export function escalationRowCount(values: FormValues): number {
  const used = rowIndexes(values, ROW).filter((i) => !rowIsBlank(values, i));
  return Math.max(MIN_ROWS, (used.at(-1) ?? -1) + 1 + BLANK_ROWS);
}

export interface ParsedPolicy {
  input: Record<string, unknown>;
  errors: FieldErrors;
  /** The form row each saved escalation came from (blank rows are skipped). */
  rowOf: number[];
  /** The form row each saved internal target came from. */
  internalRowOf: number[];
}

const number = (s: string): number | undefined =>
  s === '' || !Number.isFinite(Number(s)) ? undefined : Number(s);

export function formToPolicy(
  values: FormValues,
  t: TFunction,
  position: number,
  subject: SubjectType = 'ticket',
): ParsedPolicy {
  const errors: FieldErrors = {};
  const need = (field: string): string => {
    const v = text(values, field);
    if (!v) addError(errors, field, t('settings.errors.required'));
    return v;
  };
  /** A number the person typed, or an error next to the field. */
  const num = (field: string): number | undefined => {
    const v = text(values, field);
    const n = number(v);
    if (v !== '' && n === undefined) addError(errors, field, t('settings.errors.number'));
    return n;
  };
  const idList = (field: string, from: string[]): number[] => {
    const bad = from.filter((s) => parseId(s) === undefined);
    if (bad.length) addError(errors, field, t('settings.errors.ids', { values: bad.join(', ') }));
    return from.flatMap((s) => parseId(s) ?? []);
  };
  /** One id the person chose or typed, or an error next to the field. */
  const oneId = (field: string): number | undefined => {
    const v = values[field];
    const id = typeof v === 'string' ? parseId(v) : undefined;
    if (v !== undefined && v !== '' && id === undefined) addError(errors, field, t('settings.errors.id'));
    return id;
  };

  const match: Record<string, number[]> = {};
  for (const f of MATCH_FIELDS_OF[subject]) {
    const ids = idList(`match.${f}`, rawList(values, `match.${f}`));
    if (ids.length) match[f] = ids;
  }

  /** One target row (amount, unit, optional warning); undefined when its amount is left empty. */
  const readTarget = (p: string): TargetConfig | undefined => {
    const amount = num(`${p}.amount`);
    const warnType = text(values, `${p}.warnType`);
    const warn = num(`${p}.warnValue`);
    if (amount === undefined) return undefined;
    const target: TargetConfig = { minutes: text(values, `${p}.unit`) === 'hours' ? amount * 60 : amount };
    if (warnType && warn === undefined && !errors[`${p}.warnValue`]) {
      addError(errors, `${p}.warnValue`, t('settings.errors.required'));
    }
    if (warnType === 'percent' && warn !== undefined) target.warnAtPercent = warn;
    if (warnType === 'minutes' && warn !== undefined) target.warnBeforeMinutes = warn;
    return target;
  };
  const targets: Record<string, unknown> = {};
  for (const metric of TARGET_METRICS_OF[subject]) {
    const target = readTarget(`targets.${metric}`);
    if (target) targets[metric] = target;
  }
  const byStatus: Record<string, TargetConfig> = {};
  for (const status of statusLimitIds(values)) {
    const target = readTarget(statusPrefix(status));
    if (target) byStatus[String(status)] = target;
  }
  // No status limit at all: the policy has no status_time target (as a document without it).
  if (Object.keys(byStatus).length) targets.status_time = { byStatus };

  const rowOf: number[] = [];
  const escalations: Record<string, unknown>[] = [];
  for (const i of rowIndexes(values, ROW)) {
    if (rowIsBlank(values, i)) continue;
    const row = `escalations.${i}`;
    const metric = need(`${row}.metric`);
    const actionType = need(`${row}.action`);
    const trigger: Record<string, unknown> = { type: text(values, `${row}.trigger`) || 'at_due' };
    const minutes = num(`${row}.minutes`);
    if (minutes !== undefined && trigger.type !== 'at_due') trigger.minutes = minutes;
    const action: Record<string, unknown> = { type: actionType };
    const targetField = ACTION_TARGET[actionType];
    if (targetField === 'rota') {
      const rota = text(values, `${row}.rota`);
      if (rota) action.rota = rota;
    } else if (targetField === 'webhook') {
      const key = text(values, `${row}.webhook`);
      if (key) action.webhook = key;
    } else if (targetField) {
      const id = oneId(`${row}.${targetField}`);
      if (id !== undefined) action[targetField] = id;
    }
    // Blank is "now" (no field, so the level keeps its key); anything else the schema judges.
    const deliver = text(values, `${row}.deliver`);
    // The checkbox sends "1" when ticked; anything else is not a condition the schema knows.
    const unassigned = text(values, `${row}.unassigned`);
    // Ticked: the level fires on the team's internal clock; anything but "1" the schema names.
    const internal = text(values, `${row}.internal`);
    escalations.push({
      metric,
      trigger,
      action,
      ...(unassigned && { when: { unassigned: unassigned === '1' ? true : unassigned } }),
      ...(deliver && { deliver }),
      ...(internal && { scope: internal === '1' ? 'internal' : internal }),
    });
    rowOf.push(i);
  }

  const internalRowOf: number[] = [];
  const internalTargets: Record<string, unknown>[] = [];
  for (const i of rowIndexes(values, INTERNAL_ROW)) {
    if (internalRowIsBlank(values, i)) continue;
    const row = `internalTargets.${i}`;
    const own: Record<string, unknown> = {};
    for (const metric of TARGET_METRICS_OF[subject]) {
      const target = readTarget(`${row}.targets.${metric}`);
      if (target) own[metric] = target;
    }
    const departmentId = oneId(`${row}.departmentId`);
    const staffIds = idList(`${row}.staffIds`, rawList(values, `${row}.staffIds`));
    const name = text(values, `${row}.name`);
    internalTargets.push({
      ...(name && { name }),
      team: {
        ...(departmentId !== undefined && { departmentId }),
        ...(staffIds.length && { staffIds }),
      },
      targets: own,
    });
    internalRowOf.push(i);
  }

  const input: Record<string, unknown> = {
    key: need('key'),
    name: need('name'),
    subject,
    active: list(values, 'active').length > 0,
    position,
    match,
    calendar: text(values, 'calendar') || null,
    targets,
    pauseStatusIds: idList('pauseStatusIds', rawList(values, 'pauseStatusIds')),
    escalations,
    // Left out when none: a policy saved without teams stores and exports as before.
    ...(internalTargets.length && { internalTargets }),
  };
  return { input, errors, rowOf, internalRowOf };
}

/**
 * Refuses match ids the host does not know (a posted value no option offered, or a client deleted
 * since), next to their field. Ids the stored policy already has are kept, known or not: editing
 * a policy's name must not fail because a client it names was deleted in the CRM meanwhile.
 */
export function checkMatchIds(
  match: Partial<Record<MatchField, number[]>>,
  known: Partial<Record<MatchField, readonly { id: number }[]>>,
  stored: Partial<Record<MatchField, number[]>> | undefined,
  errors: FieldErrors,
  t: TFunction,
): void {
  for (const [f, rows] of Object.entries(known) as [MatchField, readonly { id: number }[]][]) {
    const ids = new Set(rows.map((r) => r.id));
    const unknown = (match[f] ?? []).filter((id) => !ids.has(id) && !stored?.[f]?.includes(id));
    if (unknown.length)
      addError(errors, `match.${f}`, t(`settings.errors.unknown_${f}`, { values: unknown.join(', ') }));
  }
}

/** The status limits a parsed form holds (by status id), if any. */
export function postedStatusLimits(input: ParsedPolicy['input']): Record<string, TargetConfig> | undefined {
  return (input.targets as { status_time?: { byStatus: Record<string, TargetConfig> } }).status_time
    ?.byStatus;
}

/** The status ids the form has limit fields for (given or blank), in id order. */
export function statusLimitIds(values: FormValues): number[] {
  return rowIndexes(values, STATUS_LIMIT);
}

/**
 * Refuses a status limit for a status the host does not have, or for a status where the subject's
 * clocks end (a closed ticket, a lead that became a customer: a window there could never run),
 * next to its field. `ending` maps such a status id to the message key that says why. As with
 * match ids, a window the stored policy already has is kept: a status deleted in the CRM must not
 * block editing the policy's name.
 */
export function checkStatusLimits(
  byStatus: Readonly<Record<string, TargetConfig>> | undefined,
  statuses: readonly NamedRow[],
  ending: ReadonlyMap<number, string>,
  stored: Readonly<Record<string, TargetConfig>> | undefined,
  errors: FieldErrors,
  t: TFunction,
): void {
  const known = new Set(statuses.map((s) => String(s.id)));
  for (const id of Object.keys(byStatus ?? {})) {
    if (stored?.[id]) continue;
    const ends = ending.get(Number(id));
    if (ends) addError(errors, `${statusPrefix(id)}.amount`, t(ends));
    else if (!known.has(id))
      addError(errors, `${statusPrefix(id)}.amount`, t('settings.errors.unknown_status', { id }));
  }
}

/** Where policy issue paths (relative to the policy) belong on the form. */
export function policyIssueRules(rowOf: number[], internalRowOf: number[] = []): PathRule[] {
  const row = (i: string) => rowOf[Number(i)] ?? Number(i);
  const team = (i: string) => `internalTargets.${internalRowOf[Number(i)] ?? Number(i)}`;
  return [
    [/^internalTargets\[(\d+)\]\.targets\.(\w+)\.minutes$/, (m) => `${team(m[1])}.targets.${m[2]}.amount`],
    [/^internalTargets\[(\d+)\]\.targets\.(\w+)\.warn\w*$/, (m) => `${team(m[1])}.targets.${m[2]}.warnValue`],
    [/^internalTargets\[(\d+)\]\.targets\.(\w+)$/, (m) => `${team(m[1])}.targets.${m[2]}.amount`],
    [/^internalTargets\[(\d+)\]\.team\.staffIds/, (m) => `${team(m[1])}.staffIds`],
    [/^internalTargets\[(\d+)\]\.name/, (m) => `${team(m[1])}.name`],
    [/^internalTargets\[(\d+)\]/, (m) => `${team(m[1])}.departmentId`],
    [/^internalTargets/, () => 'targets'],
    [/^escalations\[(\d+)\]\.scope$/, (m) => `escalations.${row(m[1])}.internal`],
    [/^(key|name|calendar|active)$/, (m) => m[1]],
    [/^match\.(\w+)/, (m) => `match.${m[1]}`],
    [/^targets\.status_time\.byStatus\.(\w+)\.minutes$/, (m) => `${statusPrefix(m[1])}.amount`],
    [/^targets\.status_time\.byStatus\.(\w+)\.warn\w*$/, (m) => `${statusPrefix(m[1])}.warnValue`],
    [/^targets\.status_time\.byStatus\.(\w+)$/, (m) => `${statusPrefix(m[1])}.amount`],
    [/^targets\.status_time\b/, () => 'targets'],
    [/^targets\.(\w+)\.minutes$/, (m) => `targets.${m[1]}.amount`],
    [/^targets\.(\w+)\.warn\w*$/, (m) => `targets.${m[1]}.warnValue`],
    [/^targets\.(\w+)$/, (m) => `targets.${m[1]}.amount`],
    [/^targets$/, () => 'targets'],
    [/^pauseStatusIds/, () => 'pauseStatusIds'],
    [/^escalations\[(\d+)\]\.trigger\.minutes$/, (m) => `escalations.${row(m[1])}.minutes`],
    [/^escalations\[(\d+)\]\.trigger/, (m) => `escalations.${row(m[1])}.trigger`],
    [
      /^escalations\[(\d+)\]\.action\.(staffId|departmentId|priorityId|rota|webhook)$/,
      (m) => `escalations.${row(m[1])}.${m[2]}`,
    ],
    [/^escalations\[(\d+)\]\.action/, (m) => `escalations.${row(m[1])}.action`],
    [/^escalations\[(\d+)\]\.when/, (m) => `escalations.${row(m[1])}.unassigned`],
    [/^escalations\[(\d+)\]\.deliver/, (m) => `escalations.${row(m[1])}.deliver`],
    [/^escalations\[(\d+)\]/, (m) => `escalations.${row(m[1])}.metric`],
  ];
}
