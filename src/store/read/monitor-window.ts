import type { Knex } from 'knex';
import {
  num,
  selectRows,
  sqlTime,
  urgencyKeyCycleOf,
  urgencyKeyDueOf,
  urgencyKeyMetricOf,
  urgencyKeyStateOf,
} from './sla-sql';
import { clocksKeyOf, storedKeyOf } from './monitor-stale';
import { urgencyFreshOf, urgencyStaleOf } from './urgency-sql';
import { subjectWhere } from './monitor-count';
import type { MonitorQuery, MonitorSqlRow, SqlPart } from './monitor-query';

/**
 * The clocks of `alias` that breach after `now` and at or before `until` if nothing changes:
 * running, neither paused nor breached (forecastClocksOf in forecast-query.ts, whose window end
 * this takes as a time).
 */
export function breachingClocksOf(alias: string, now: Date, until: Date): SqlPart {
  return {
    sql: `${alias}.state NOT IN ('paused', 'breached') AND ${alias}.due_at > ? AND ${alias}.due_at <= ?`,
    bindings: [sqlTime(now), sqlTime(until)],
  };
}

/**
 * The monitor's list filtered by a breach window (`q.breachBy`), from the subject rows instead of
 * an aggregation of every running clock due in the window: the same rows, order and total as
 * monitorRowsFromClocks with that window's clocks (test/integration/subject-urgency.test.ts).
 *
 * A subject up to date (nothing passed since its clocks were written, so every clock's live state
 * is its stored one) has a clock in the window exactly when `urgency_breach_at` (the earliest due
 * time of its clocks neither paused nor breached) is after now and at or before the window's end:
 * a range of slav_subjects_breach_at. Its row is the most urgent such clock, which is the stored
 * most urgent one when that is on track (then no clock is at risk, and the earliest on-track one
 * is in the window), or at risk and due in the window (the earliest at-risk clock, in the window).
 * Otherwise (its most urgent clock breached, or at risk but due after the window) it is the MIN of
 * the urgency keys of its clocks in the window: a few rows by the clocks' subject index. A subject
 * out of date takes that MIN too, found by slav_subjects_changes_at (about none right after a
 * tick).
 *
 * One statement: the total is `COUNT(*) OVER ()` beside the page's rows; only a page past the end
 * (no rows) asks for it again.
 */
export async function monitorWindowRows(
  db: Knex,
  prefix: string,
  q: MonitorQuery,
  until: Date,
  now: Date,
): Promise<{ rows: MonitorSqlRow[]; total: number }> {
  const subjects = `${prefix}sla_vigil_subjects`;
  const at = sqlTime(now);
  const end = sqlTime(until);
  const columns = q.columns.map((c) => `s.${c}, `).join('');
  const window = breachingClocksOf('c', now, until);
  const clockKey = clocksKeyOf(prefix, 's', now, window);
  const own = subjectWhere('s', q.equals);
  const fresh = `SELECT s.subject_id, ${columns}s.policy_id,
                        CASE WHEN s.urgency_rank = 2 OR (s.urgency_rank = 1 AND s.urgency_due <= ?)
                             THEN ${storedKeyOf('s')} ELSE ${clockKey.sql} END AS k
                   FROM ?? s FORCE INDEX (??)
                  WHERE ${[
                    's.subject_type = ?',
                    's.urgency_breach_at > ?',
                    's.urgency_breach_at <= ?',
                    urgencyFreshOf('s'),
                    q.open('s'),
                    ...own.sql,
                  ].join(' AND ')}`;
  const freshBindings: Knex.Value[] = [
    end,
    ...clockKey.bindings,
    subjects,
    `${prefix}slav_subjects_breach_at`,
    q.subjectType,
    at,
    end,
    at,
    ...own.bindings,
  ];
  const stale = `SELECT s.subject_id, ${columns}s.policy_id, ${clockKey.sql} AS k
                   FROM ?? s FORCE INDEX (??)
                  WHERE ${[urgencyStaleOf('s'), q.open('s'), ...own.sql].join(' AND ')}`;
  const staleBindings: Knex.Value[] = [
    ...clockKey.bindings,
    subjects,
    `${prefix}slav_subjects_changes_at`,
    at,
    ...own.bindings,
  ];
  const keyed = `SELECT w.*, ${urgencyKeyMetricOf('w.k')} AS metric, ${urgencyKeyCycleOf('w.k')} AS cycle,
                        ${urgencyKeyDueOf('w.k')} AS due_at, ${urgencyKeyStateOf('w.k')} AS row_state
                   FROM ((${fresh}) UNION ALL (${stale})) w
                  WHERE w.k IS NOT NULL`;
  const where = q.state ? 'WHERE x.row_state = ?' : '';
  const from = `FROM (${keyed}) x ${where}`;
  const bindings = [...freshBindings, ...staleBindings, ...(q.state ? [q.state] : [])];
  const rows = await selectRows<MonitorSqlRow & { k?: unknown; total_n?: unknown }>(
    db,
    `SELECT x.*, COUNT(*) OVER () AS total_n ${from} ORDER BY ${q.order.rows.sql} LIMIT ? OFFSET ?`,
    [...bindings, ...q.order.rows.bindings, q.perPage, (q.page - 1) * q.perPage],
  );
  let total: number;
  if (rows.length > 0) total = num(rows[0].total_n);
  else if (q.page === 1) total = 0;
  else
    [{ n: total }] = (await selectRows<{ n: unknown }>(db, `SELECT COUNT(*) AS n ${from}`, bindings)).map(
      (r) => ({ n: num(r.n) }),
    );
  return {
    rows: rows.map(({ k: _k, total_n: _n, ...row }) => row as MonitorSqlRow),
    total,
  };
}
