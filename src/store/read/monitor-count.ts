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

/**
 * The monitor list's total and an upper bound of its out-of-date rows (the page needs it to skip
 * keys). The parts are monitorRows' own: `fresh` the condition on subjects `s` up to date (open,
 * filters, state), `stale` the out-of-date rows (`FROM ... x`, filters and state applied).
 *
 * From the kept counts (rollup_monitor, one row per combination of the filter columns and
 * `list_rank`, kept with the live member rows by rollup-writer.ts): their sum over the groups the
 * filters select, less what the member rows kept for the subjects that moved since (a due or
 * warning time passed since the last tick, or a host change the reconcile wrote but no recompute
 * has followed yet: `computed_version` dirty), plus what those subjects are now. Every other
 * subject's row is what its member row says, so the sum is exact; the moved ones are two index
 * ranges (slav_subjects_changes_at, slav_subjects_version), about none right after a tick.
 *
 * Without kept counts (before the first build, or a filter by ids, which is a primary-key read
 * of those ids anyway) it counts the subject rows.
 */
export async function monitorTotal(
  db: Knex,
  prefix: string,
  q: MonitorQuery,
  now: Date,
  parts: { fresh: SqlPart; stale: SqlPart },
): Promise<{ total: number; staleBound: number }> {
  const subjects = `${prefix}sla_vigil_subjects`;
  const at = sqlTime(now);
  const bound: SqlPart = {
    sql: `(SELECT COUNT(*) FROM ?? sb WHERE sb.subject_type = ? AND sb.urgency_changes_at <= ?)`,
    bindings: [subjects, q.subjectType, at],
  };
  const countable = q.equals.every(([column, value]) => value === undefined || keptColumn(column));
  if (countable) {
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
      ? `(SELECT COUNT(*) FROM ?? s WHERE ${moved('s')} AND ${parts.fresh.sql}) + (SELECT COUNT(*) ${parts.stale.sql})`
      : `(SELECT COUNT(*) FROM ?? s WHERE ${[moved('s'), q.open('s'), ...s.sql].join(' AND ')})`;
    const nowBindings = q.state
      ? [subjects, at, DIRTY, ...parts.fresh.bindings, ...parts.stale.bindings]
      : [subjects, at, DIRTY, ...s.bindings];
    const [row] = await selectRows<{
      built: unknown;
      kept: unknown;
      was: unknown;
      is: unknown;
      bound: unknown;
    }>(
      db,
      `SELECT (SELECT COUNT(*) FROM ${t.meta} WHERE id = 1) AS built,
              (SELECT SUM(g.n) FROM ${t.monitor} g
                WHERE ${['g.subject_type = ?', ...g.sql, ...inRank('g')].join(' AND ')}) AS kept,
              (SELECT COUNT(*) FROM ?? c
                 JOIN ${t.live} m ON m.subject_type = c.subject_type AND m.subject_id = c.subject_id
                WHERE ${['c.subject_type = ?', moved('c'), ...m.sql, ...inRank('m')].join(' AND ')}) AS was,
              ${nowSql} AS \`is\`,
              ${bound.sql} AS bound`,
      [
        q.subjectType,
        ...g.bindings,
        ...rank,
        subjects,
        q.subjectType,
        at,
        DIRTY,
        ...m.bindings,
        ...rank,
        ...nowBindings,
        ...bound.bindings,
      ],
    );
    if (num(row.built) > 0) {
      return { total: num(row.kept) - num(row.was) + num(row.is), staleBound: num(row.bound) };
    }
  }
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
