import type { Knex } from 'knex';
import { STATE_RANK } from '../../sla/clocks/live-state';
import type { ClockState } from '../../sla/clocks/sla-event';
import {
  effectiveStateOf,
  openSubjectOf,
  rankStateOf,
  runningClockOf,
  sqlTime,
  stateRankSql,
  urgencyKeyDueOf,
  urgencyKeyOf,
  urgencyKeyRankDueOf,
} from './sla-sql';
import { liveRankOf, liveRankRangeOf, rankOf, urgencyStaleOf } from './urgency-sql';

/**
 * A ticket's SLA state now, as SQL over the module's tables, for a query on the host's tickets
 * (the ticket list's filter and sort): correlated subqueries on `idColumn` only, no joins, so the
 * host can add them to the query it counts and the one it pages. The same definition as
 * ticketState in src/sla/clocks/live-state.ts: the most urgent running clock's live state, else
 * what the subject row stored, else (not seen yet, or no policy) no policy. Aliases are prefixed
 * `sv_` so they never capture the host's own.
 */
/** The subject kind whose list is filtered: tickets by default, leads for the lead list (same rules). */
export type ListKind = 'ticket' | 'lead';

export interface SqlPart {
  sql: string;
  bindings: Knex.Value[];
}

/** The due part of a sort key for a ticket with no running clock: after every real due time. */
const NO_DUE = '9999-12-31 00:00:00.000000';

/**
 * MIN(`value`) over the ticket's running clocks (NULL when none runs): a `ref` lookup plus an
 * aggregate with no sort (an `ORDER BY <most urgent> LIMIT 1` costs a small filesort per ticket).
 * `value` is the urgency key (urgencyKeyOf in sla-sql.ts) for the sort and the due time, or just
 * the rank of the live state for the state (cheaper: no string building).
 */
function urgentMin(prefix: string, idColumn: string, at: string, value: string, kind: ListKind): SqlPart {
  return {
    sql:
      `(SELECT MIN(${value}) FROM ?? AS sv_c WHERE sv_c.subject_type = ? ` +
      `AND sv_c.subject_id = ?? AND ${runningClockOf('sv_c')})`,
    bindings: [at, at, `${prefix}sla_vigil_clocks`, kind, idColumn],
  };
}

/** The urgency key of the ticket's most urgent running clock. */
const urgentKey = (prefix: string, idColumn: string, at: string, kind: ListKind): SqlPart =>
  urgentMin(prefix, idColumn, at, urgencyKeyOf('sv_c'), kind);

/** What the subject row stored (no running clock): its summary, or no policy. */
function storedState(
  prefix: string,
  idColumn: string,
  column: (state: string) => string,
  kind: ListKind,
): SqlPart {
  return {
    sql:
      `(SELECT ${column("CASE WHEN sv_s.policy_id IS NULL THEN 'no_policy' ELSE sv_s.sla_state END")} ` +
      `FROM ?? AS sv_s WHERE sv_s.subject_type = ? AND sv_s.subject_id = ??)`,
    bindings: [`${prefix}sla_vigil_subjects`, kind, idColumn],
  };
}

/** The ticket's state now: breached, at_risk, on_track, paused, met or no_policy. */
export function ticketStateSql(
  prefix: string,
  idColumn: string,
  now: Date,
  kind: ListKind = 'ticket',
): SqlPart {
  const rank = urgentMin(prefix, idColumn, sqlTime(now), stateRankSql(`(${effectiveStateOf('sv_c')})`), kind);
  const stored = storedState(prefix, idColumn, (state) => state, kind);
  return {
    sql: `COALESCE(${rankStateOf(rank.sql)}, ${stored.sql}, 'no_policy')`,
    bindings: [...rank.bindings, ...stored.bindings],
  };
}

/** The states a ticket list can be filtered by (what its badge shows), in the order a manager reads them. */
export const TICKET_LIST_STATES = [
  'breached',
  'at_risk',
  'on_track',
  'paused',
  'met',
  'no_policy',
] as const satisfies readonly ClockState[];

/**
 * The states of work still to do: a list filtered by one of them holds open tickets under a
 * policy only, the set the dashboard's cards and the monitor count under the same name (a closed
 * ticket whose badge still reads breached is history, for the reports).
 */
export const OPEN_ONLY_LIST_STATES: ReadonlySet<ClockState> = new Set([
  'breached',
  'at_risk',
  'on_track',
  'paused',
]);

/**
 * "The ticket's state now is `state`": the one WHERE condition behind every SLA filter of a ticket
 * list (the devhost's `?sla=` and the rule the Perfex module adds to Perfex's own list). For the
 * states of OPEN_ONLY_LIST_STATES, also "the module watches it as open, under a policy"
 * (openSubjectOf, as the dashboard counts), so `?sla=breached` counts what its Breached card does.
 */
export function ticketStateIsSqlFromClocks(
  prefix: string,
  idColumn: string,
  now: Date,
  state: ClockState,
  kind: ListKind = 'ticket',
): SqlPart {
  const current = ticketStateSql(prefix, idColumn, now, kind);
  if (!OPEN_ONLY_LIST_STATES.has(state))
    return { sql: `${current.sql} = ?`, bindings: [...current.bindings, state] };
  return {
    sql:
      `${current.sql} = ? AND EXISTS (SELECT 1 FROM ?? AS sv_o WHERE sv_o.subject_type = ? ` +
      `AND sv_o.subject_id = ?? AND sv_o.policy_id IS NOT NULL AND ${openOf(kind, 'sv_o')})`,
    bindings: [...current.bindings, state, `${prefix}sla_vigil_subjects`, kind, idColumn],
  };
}

/** Still work to do: an open ticket (as the dashboard counts), or a lead neither deleted nor ended. */
function openOf(kind: ListKind, alias: string): string {
  return kind === 'ticket' ? openSubjectOf(alias) : `${alias}.deleted = 0 AND ${alias}.ended IS NULL`;
}

/** The urgency rank of the ticket's state (0 = breached ... 5 = no policy). */
export function ticketRankSql(prefix: string, idColumn: string, now: Date): SqlPart {
  const state = ticketStateSql(prefix, idColumn, now);
  return { sql: stateRankSql(state.sql), bindings: state.bindings };
}

/** The due time of the ticket's most urgent running clock (NULL when none runs). */
export function urgentDueSql(prefix: string, idColumn: string, now: Date): SqlPart {
  const key = urgentKey(prefix, idColumn, sqlTime(now), 'ticket');
  return { sql: urgencyKeyDueOf(key.sql), bindings: key.bindings };
}

/**
 * The list's sort in one value: the rank digit of the ticket's state, then the due time of the
 * clock it shows ('9999-12-31' when none runs, so met, no policy and closed breaches follow the
 * running ones of their rank). Ordering by it equals ordering by ticketRankSql then
 * COALESCE(urgentDueSql, '9999-12-31'), with one clock subquery instead of two.
 */
export function ticketSortKeySqlFromClocks(
  prefix: string,
  idColumn: string,
  now: Date,
  kind: ListKind = 'ticket',
): SqlPart {
  const key = urgentKey(prefix, idColumn, sqlTime(now), kind);
  const stored = storedState(
    prefix,
    idColumn,
    (state) => `CONCAT(${stateRankSql(`(${state})`)}, '${NO_DUE}')`,
    kind,
  );
  return {
    sql: `COALESCE(${urgencyKeyRankDueOf(key.sql)}, ${stored.sql}, '${STATE_RANK.no_policy}${NO_DUE}')`,
    bindings: [...key.bindings, ...stored.bindings],
  };
}

/**
 * How the filter's condition reaches the subject rows (both give the same rows; the cheaper one
 * depends on how many subjects are in the state, see list-filter-form.ts):
 * - `semijoin`: `id IN (SELECT ...)` at the top of the WHERE. MariaDB turns it into a join that
 *   starts from the subjects' index range of the state (named, so the plan does not depend on
 *   statistics) and looks each match up in the host's table: cost follows the matches, but the
 *   host's page query then joins its name tables for every match and sorts them in a temporary
 *   table (the sort column is not on the first table), ~10 µs per match.
 * - `probe`: the same IN, compared to 1. A predicate that is not a plain top-level IN is never
 *   turned into a semi-join, so the host's table stays first: MariaDB materializes the state's
 *   subject ids once (a hash-indexed temporary table) and probes it per host row, sorts only the
 *   host rows that pass and joins its name tables for the page's rows alone: cost follows the host's
 *   list (~1 µs per listed row), whatever the share. Not EXISTS or a scalar subquery compared to a
 *   constant: those run the subquery once per host row (~3 µs each).
 */
export type ListFilterForm = 'semijoin' | 'probe';

/**
 * The subjects' indexes that hold every subject whose live rank is `rank` (liveRankRangeOf):
 * the stored rank's range, plus the breach or warning times for breached and at risk.
 */
function stateIndexes(prefix: string, rank: number): string[] {
  const indexes = [`${prefix}slav_subjects_list_rank`];
  if (rank === STATE_RANK.breached) indexes.push(`${prefix}slav_subjects_breach_at`);
  if (rank === STATE_RANK.at_risk) indexes.push(`${prefix}slav_subjects_risk_at`);
  return indexes;
}

/**
 * "The ticket's state now is `state`" from the subjects' urgency columns: the same rows as
 * ticketStateIsSqlFromClocks (tested over the benchmark's mix, in both forms), answered from the
 * subject rows (the state's range, see liveRankRangeOf) instead of aggregating every ticket's
 * clocks. A ticket without a subject row has no policy.
 */
export function ticketStateIsSql(
  prefix: string,
  idColumn: string,
  now: Date,
  state: ClockState,
  kind: ListKind = 'ticket',
  form: ListFilterForm = 'probe',
): SqlPart {
  const at = sqlTime(now);
  const subjects = `${prefix}sla_vigil_subjects`;
  const rank = rankOf(state);
  // The live rank is no policy exactly when the stored one is (no running clock can pass a time).
  // NOT IN is never a semi-join: one materialized set of the other subjects, probed per host row.
  if (state === 'no_policy')
    return {
      sql: `?? NOT IN (SELECT sv_u.subject_id FROM ?? AS sv_u WHERE sv_u.subject_type = ? AND sv_u.list_rank <> ?)`,
      bindings: [idColumn, subjects, kind, rank],
    };
  const range = liveRankRangeOf('sv_u', rank);
  const open = OPEN_ONLY_LIST_STATES.has(state)
    ? ` AND sv_u.policy_id IS NOT NULL AND ${openOf(kind, 'sv_u')}`
    : '';
  const indexes = stateIndexes(prefix, rank);
  // The semi-join reads the state's index range (an index merge for breached and at risk); the
  // probe's one materialization reads the subjects by primary key, cheaper for a large state.
  const hint = form === 'semijoin' ? ` FORCE INDEX (${indexes.map(() => '??').join(', ')})` : '';
  const select =
    `SELECT sv_u.subject_id FROM ?? AS sv_u${hint} WHERE sv_u.subject_type = ? ` +
    `AND ${range.sql} AND ${liveRankOf('sv_u')} = ?${open}`;
  const bindings = [
    subjects,
    ...(form === 'semijoin' ? indexes : []),
    kind,
    ...Array<string>(range.nows).fill(at),
    at,
    at,
    rank,
  ];
  return {
    sql: form === 'semijoin' ? `?? IN (${select})` : `(?? IN (${select})) = 1`,
    bindings: [idColumn, ...bindings],
  };
}

/** The due part of an integer sort key for a subject with no running clock (as NO_DUE). */
const NO_DUE_MS = `TO_SECONDS('9999-12-31 00:00:00') * 1000`;
/** A rank's weight in an integer sort key: above any due time in milliseconds (year 9999: 3.2e14). */
const RANK_WEIGHT = '1000000000000000';
/** A DATETIME(3) as milliseconds since year 0, ordered as its 'YYYY-MM-DD HH:MM:SS.ffffff' text. */
const msOf = (datetime: string): string =>
  `(TO_SECONDS(${datetime}) * 1000 + MICROSECOND(${datetime}) DIV 1000)`;

/**
 * The list's sort key (ordered exactly as ticketSortKeySqlFromClocks: rank, then the due time of
 * the clock the badge shows) as one integer, rank * 10^15 + due in milliseconds, from one
 * primary-key lookup of the subject row. The host's sort evaluates it once per listed row, so it
 * is the cheapest value the row gives: arithmetic on two columns, no date formatting or string
 * building (a fifth of the per-row time). A subject whose due or warning time passed since its
 * clocks were written, or that has no row, takes the minimum of its running clocks' (live rank,
 * due), else its stored summary: subqueries of their own at the top of the COALESCE, evaluated
 * only for those rows (nested inside the row's lookup they would make MariaDB join every listed
 * row to the host's name tables before sorting).
 */
export function ticketSortKeySql(
  prefix: string,
  idColumn: string,
  now: Date,
  kind: ListKind = 'ticket',
): SqlPart {
  const at = sqlTime(now);
  const subjects = `${prefix}sla_vigil_subjects`;
  const summaryRank = stateRankSql(
    "(CASE WHEN sv_s.policy_id IS NULL THEN 'no_policy' ELSE sv_s.sla_state END)",
  );
  return {
    sql:
      `COALESCE((SELECT CASE WHEN ${urgencyStaleOf('sv_u')} THEN NULL ` +
      `ELSE sv_u.list_rank * ${RANK_WEIGHT} + COALESCE(${msOf('sv_u.urgency_due')}, ${NO_DUE_MS}) END ` +
      `FROM ?? AS sv_u WHERE sv_u.subject_type = ? AND sv_u.subject_id = ??), ` +
      `(SELECT MIN(${stateRankSql(`(${effectiveStateOf('sv_c')})`)} * ${RANK_WEIGHT} + ${msOf('sv_c.due_at')}) ` +
      `FROM ?? AS sv_c WHERE sv_c.subject_type = ? AND sv_c.subject_id = ?? AND ${runningClockOf('sv_c')}), ` +
      `(SELECT ${summaryRank} * ${RANK_WEIGHT} + ${NO_DUE_MS} FROM ?? AS sv_s ` +
      `WHERE sv_s.subject_type = ? AND sv_s.subject_id = ??), ` +
      `${STATE_RANK.no_policy} * ${RANK_WEIGHT} + ${NO_DUE_MS})`,
    bindings: [
      at,
      subjects,
      kind,
      idColumn,
      at,
      at,
      `${prefix}sla_vigil_clocks`,
      kind,
      idColumn,
      subjects,
      kind,
      idColumn,
    ],
  };
}
