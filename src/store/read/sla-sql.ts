import type { Knex } from 'knex';
import { STATE_RANK } from '../../sla/clocks/live-state';
import { PERFEX_CLOSED_STATUS } from '../../host/perfex/perfex-statuses';
import { utcToSql } from '../datetime';

/**
 * SQL fragments the dashboard and the monitor share, so "open", "running" and "breached now"
 * mean the same on both pages. Aliases: `s` = subjects, `c` = clocks.
 */

/** A ticket the module still watches: not closed, not merged, not deleted. */
export const OPEN_SUBJECT = openSubjectOf('s');

/** A clock cycle still counting (neither met nor ended). */
export const RUNNING_CLOCK = runningClockOf('c');

/**
 * A running clock's state at `now` (two `?` bindings: now, now), for clocks aliased `alias`.
 * Derived from its due and warning times as well as the stored state, so the pages tell the truth
 * even when the cron (which advances stored states) is late. A paused clock's stored due time is
 * provisional, so paused stays paused until an event or the scan says otherwise.
 * The JS twin is liveState in src/sla/clocks/live-state.ts (same order of tests; one shared case
 * table in test/integration/live-state-sql.test.ts runs both).
 */
export function effectiveStateOf(alias: string): string {
  const c = alias;
  return `CASE WHEN ${c}.state = 'paused' THEN 'paused' WHEN ${c}.state = 'breached' OR ${c}.due_at <= ? THEN 'breached' WHEN ${c}.state = 'at_risk' OR ${c}.warn_at <= ? THEN 'at_risk' ELSE 'on_track' END`;
}

/** effectiveStateOf('c'): two `?` bindings, now and now. */
export const EFFECTIVE_STATE = effectiveStateOf('c');

/** The urgency rank of a state expression (0 = breached ... 5 = no policy), from STATE_RANK. */
export function stateRankSql(stateSql: string): string {
  const whens = Object.entries(STATE_RANK)
    .map(([state, rank]) => `WHEN '${state}' THEN ${Number(rank)}`)
    .join(' ');
  return `CASE ${stateSql} ${whens} ELSE ${STATE_RANK.no_policy} END`;
}

/**
 * ORDER BY for the running clocks of one subject, most urgent first: the worst live state, then
 * the earliest due time, then the metric (as mostUrgent in live-state.ts). Two `?` bindings: now, now.
 */
export function mostUrgentOrderOf(alias: string): string {
  return `${stateRankSql(`(${effectiveStateOf(alias)})`)} ASC, ${alias}.due_at ASC, ${alias}.metric ASC, ${alias}.cycle DESC`;
}

/**
 * One fixed-width string per running clock that sorts exactly as mostUrgentOrderOf does, so the
 * most urgent clock of a subject is a plain MIN(...) per group (one aggregation, no window
 * function and no per-row sort): rank digit (1), due_at as 'YYYY-MM-DD HH:MM:SS.ffffff' (26),
 * metric right-padded to the column's 32, then 2147483647 - cycle zero-padded to 10 (cycle DESC).
 * Decode it with the urgencyKey* helpers below. Two `?` bindings: now, now.
 * In latin1_bin (all of it is ASCII): a 69-byte value instead of 276 in utf8mb4, so the monitor's
 * temporary tables stay in memory at 100 000 tickets (utf8mb4 sent them to disk: 2.6 s instead of
 * 0.6 s); and metric names compare byte by byte, as mostUrgent in live-state.ts compares them.
 */
export function urgencyKeyOf(alias: string): string {
  return (
    `CONVERT(CONCAT(${stateRankSql(`(${effectiveStateOf(alias)})`)}, DATE_FORMAT(${alias}.due_at, '%Y-%m-%d %H:%i:%s.%f'), ` +
    `RPAD(${alias}.metric, 32, ' '), LPAD(2147483647 - ${alias}.cycle, 10, '0')) USING latin1) COLLATE latin1_bin`
  );
}

/** The rank digit and due time of an urgency key: what the list sorts by (rank, then due). */
export const urgencyKeyRankDueOf = (key: string): string => `LEFT(${key}, 27)`;

/** The state a rank stands for (NULL for a NULL rank): the inverse of stateRankSql. */
export function rankStateOf(rankSql: string): string {
  const whens = Object.entries(STATE_RANK)
    .map(([state, rank]) => `WHEN ${Number(rank)} THEN '${state}'`)
    .join(' ');
  return `CASE ${rankSql} ${whens} END`;
}

/** The live state an urgency key encodes (NULL for a NULL key). */
export const urgencyKeyStateOf = (key: string): string => rankStateOf(`CAST(LEFT(${key}, 1) AS UNSIGNED)`);

/** The due time an urgency key encodes, as DATETIME(3). */
export const urgencyKeyDueOf = (key: string): string => `CAST(SUBSTRING(${key}, 2, 26) AS DATETIME(3))`;

/** The metric an urgency key encodes. */
export const urgencyKeyMetricOf = (key: string): string => `RTRIM(SUBSTRING(${key}, 28, 32))`;

/** The cycle an urgency key encodes. */
export const urgencyKeyCycleOf = (key: string): string =>
  `(2147483647 - CAST(SUBSTRING(${key}, 60, 10) AS SIGNED))`;

/** A running clock of `alias` (neither met nor ended). */
/** A ticket the module still watches (not closed, merged or deleted), for subjects aliased `alias`. */
export function openSubjectOf(alias: string): string {
  return `${alias}.subject_type = 'ticket' AND ${alias}.deleted = 0 AND (${alias}.merged_into IS NULL OR ${alias}.merged_into = 0) AND ${alias}.status <> ${Number(PERFEX_CLOSED_STATUS)}`;
}

export function runningClockOf(alias: string): string {
  // The customer's clocks only: a team's internal clock (OLA) never sets a badge, list state or
  // the dashboard's customer counts.
  return `${alias}.met_at IS NULL AND ${alias}.ended_at IS NULL AND ${alias}.scope = 'customer'`;
}

/** Rows of a raw SELECT (mysql2 returns [rows, fields]). */
export async function selectRows<T>(db: Knex, sql: string, bindings: readonly Knex.Value[]): Promise<T[]> {
  const result = (await db.raw(sql, bindings as Knex.Value[])) as unknown as [T[], unknown];
  return result[0];
}

export const sqlTime = utcToSql;

/** DECIMAL / COUNT values arrive as strings or numbers; NULL (SUM over no rows) is 0. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
