import type { Knex } from 'knex';
import { num, selectRows, sqlTime } from './sla-sql';
import { rankOf } from './urgency-sql';
import { MONITOR_GROUP, rollupTables } from '../rollups/rollup-tables';
import { DIRTY } from '../subject-repository';
import type { MonitorQuery, SqlPart } from './monitor-query';

/**
 * Whether rollup_monitor counts by this filter column (its groups less the kind and the rank).
 * Asked at call time: rollup-tables.ts and this file import each other through the services.
 */
function keptColumn(column: string): boolean {
  return (
    column !== 'subject_type' &&
    column !== 'list_rank' &&
    (MONITOR_GROUP as readonly string[]).includes(column)
  );
}

/** `column = ?` / `column IN (?, ...)` for each set filter, on rows aliased `alias`. */
export function subjectWhere(
  alias: string,
  equals: MonitorQuery['equals'],
): { sql: string[]; bindings: Knex.Value[] } {
  const sql: string[] = [];
  const bindings: Knex.Value[] = [];
  for (const [column, value] of equals) {
    if (value === undefined) continue;
    if (typeof value === 'number') {
      sql.push(`${alias}.${column} = ?`);
      bindings.push(value);
    } else {
      sql.push(`${alias}.${column} IN (${value.map(() => '?').join(', ')})`);
      bindings.push(...value);
    }
  }
  return { sql, bindings };
}

/** The list's total and an upper bound of its out-of-date rows (a deep page skips keys by it). */
export interface MonitorTotal {
  total: number;
  staleBound: number;
}

/** The columns keptTotalOf's one row holds (prefixed: they sit beside a page's columns). */
export interface KeptTotalRow {
  mt_built: unknown;
  mt_kept: unknown;
  mt_was: unknown;
  mt_is: unknown;
  mt_bound: unknown;
}

/**
 * The moved subjects' two index ranges (index_merge sort_union): without the hint MariaDB reads
 * every subject of the kind by the primary key below ~100 000 of them (ANALYZE at 10 000: 10 000
 * rows read for none moved).
 */
const MOVED_INDEXES = 'FORCE INDEX (??, ??)';

/** The upper bound of the out-of-date subjects of a kind: those past their urgency_changes_at. */
function staleBoundOf(subjects: string, q: MonitorQuery, now: Date): SqlPart {
  return {
    sql: `(SELECT COUNT(*) FROM ?? sb WHERE sb.subject_type = ? AND sb.urgency_changes_at <= ?)`,
    bindings: [subjects, q.subjectType, sqlTime(now)],
  };
}

/**
 * The monitor list's total from the kept counts: a one-row SELECT of KeptTotalRow's columns
 * (totalOfKept reads it), or undefined when a filter is not a kept column (ids). The parts are
 * monitorRows' own: `fresh` the condition on subjects `s` up to date (open, filters, state),
 * `stale` the out-of-date rows (`FROM ... x`, filters and state applied).
 *
 * From rollup_monitor (one row per combination of the filter columns and `list_rank`, kept with
 * the live member rows by rollup-writer.ts): their sum over the groups the filters select, less
 * what the member rows kept for the subjects that moved since (a due or warning time passed since
 * the last tick, or a host change the reconcile wrote but no recompute has followed yet:
 * `computed_version` dirty), plus what those subjects are now. Every other subject's row is what
 * its member row says, so the sum is exact; the moved ones are two index ranges
 * (slav_subjects_changes_at, slav_subjects_version), about none right after a tick. Before the
 * first build (`mt_built` 0) the caller counts the rows (countedTotal).
 */
export function keptTotalOf(
  prefix: string,
  q: MonitorQuery,
  now: Date,
  parts: { fresh: SqlPart; stale: SqlPart },
): SqlPart | undefined {
  const countable = q.equals.every(([column, value]) => value === undefined || keptColumn(column));
  if (!countable) return undefined;
  const subjects = `${prefix}sla_vigil_subjects`;
  const at = sqlTime(now);
  const bound = staleBoundOf(subjects, q, now);
  const t = rollupTables(prefix);
  const rank = q.state ? [rankOf(q.state)] : [];
  const g = subjectWhere('g', q.equals);
  const m = subjectWhere('m', q.equals);
  const s = subjectWhere('s', q.equals);
  const moved = (a: string) => `(${a}.urgency_changes_at <= ? OR ${a}.computed_version = ?)`;
  const inRank = (a: string) => (q.state ? [`${a}.list_rank = ?`] : []);
  // Now: with a state, the moved subjects up to date by their rank and the out-of-date ones by
  // their clocks (all of which moved); without, every moved subject open and filtered is a row.
  const nowSql = q.state
    ? `(SELECT COUNT(*) FROM ?? s ${MOVED_INDEXES} WHERE ${moved('s')} AND ${parts.fresh.sql}) + (SELECT COUNT(*) ${parts.stale.sql})`
    : `(SELECT COUNT(*) FROM ?? s ${MOVED_INDEXES} WHERE ${[moved('s'), q.open('s'), ...s.sql].join(' AND ')})`;
  const movedIndexes = [`${prefix}slav_subjects_changes_at`, `${prefix}slav_subjects_version`];
  const nowBindings = q.state
    ? [subjects, ...movedIndexes, at, DIRTY, ...parts.fresh.bindings, ...parts.stale.bindings]
    : [subjects, ...movedIndexes, at, DIRTY, ...s.bindings];
  return {
    sql: `SELECT (SELECT COUNT(*) FROM ${t.meta} WHERE id = 1) AS mt_built,
                 (SELECT SUM(g.n) FROM ${t.monitor} g
                   WHERE ${['g.subject_type = ?', ...g.sql, ...inRank('g')].join(' AND ')}) AS mt_kept,
                 (SELECT COUNT(*) FROM ?? c ${MOVED_INDEXES}
                    JOIN ${t.live} m ON m.subject_type = c.subject_type AND m.subject_id = c.subject_id
                   WHERE ${['c.subject_type = ?', moved('c'), ...m.sql, ...inRank('m')].join(' AND ')}) AS mt_was,
                 ${nowSql} AS mt_is,
                 ${bound.sql} AS mt_bound`,
    bindings: [
      q.subjectType,
      ...g.bindings,
      ...rank,
      subjects,
      ...movedIndexes,
      q.subjectType,
      at,
      DIRTY,
      ...m.bindings,
      ...rank,
      ...nowBindings,
      ...bound.bindings,
    ],
  };
}

/** The total keptTotalOf's row says, or undefined before the kept counts' first build. */
export function totalOfKept(row: KeptTotalRow): MonitorTotal | undefined {
  if (num(row.mt_built) === 0) return undefined;
  return { total: num(row.mt_kept) - num(row.mt_was) + num(row.mt_is), staleBound: num(row.mt_bound) };
}

/** The total counted over the subject rows (no kept counts for these filters, or none yet). */
export async function countedTotal(
  db: Knex,
  prefix: string,
  q: MonitorQuery,
  now: Date,
  parts: { fresh: SqlPart; stale: SqlPart },
): Promise<MonitorTotal> {
  const subjects = `${prefix}sla_vigil_subjects`;
  const bound = staleBoundOf(subjects, q, now);
  const s = subjectWhere('s', q.equals);
  const [row] = await selectRows<{ n: unknown; bound: unknown }>(
    db,
    q.state
      ? `SELECT (SELECT COUNT(*) FROM ?? s WHERE ${parts.fresh.sql}) + (SELECT COUNT(*) ${parts.stale.sql}) AS n,
                ${bound.sql} AS bound`
      : `SELECT (SELECT COUNT(*) FROM ?? s WHERE ${[q.open('s'), ...s.sql].join(' AND ')}) AS n, ${bound.sql} AS bound`,
    q.state
      ? [subjects, ...parts.fresh.bindings, ...parts.stale.bindings, ...bound.bindings]
      : [subjects, ...s.bindings, ...bound.bindings],
  );
  return { total: num(row.n), staleBound: num(row.bound) };
}
