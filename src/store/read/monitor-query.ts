import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import {
  RUNNING_CLOCK,
  num,
  selectRows,
  sqlTime,
  urgencyKeyCycleOf,
  urgencyKeyDueOf,
  urgencyKeyMetricOf,
  urgencyKeyOf,
  urgencyKeyStateOf,
  rankStateOf,
} from './sla-sql';
import { rankOf, urgencyFreshOf, urgencyStaleOf } from './urgency-sql';

/** A piece of SQL and its `?` bindings. */
export interface SqlPart {
  sql: string;
  bindings: Knex.Value[];
}

/** What one kind of subject asks of the monitor's list query. */
export interface MonitorQuery {
  subjectType: 'ticket' | 'lead';
  /** "Still watched" for subjects aliased `alias`. */
  open: (alias: string) => string;
  /** The subject's own columns each row carries (beside subject_id and policy_id). */
  columns: readonly string[];
  /** Filters on the subject's own columns: each `column = value` or `column IN (values)`. */
  equals: readonly (readonly [column: string, value: number | readonly number[] | undefined])[];
  /** Only these running clocks count (e.g. one metric); a subject without one is left out. */
  clocks?: SqlPart;
  state?: ClockState;
  /** ORDER BY over `x` (the rows): see the *Order helpers below. */
  orderBy: SqlPart;
  /**
   * The same order over `x.sv_group` (timeLeftGroupOf) and plain columns, which an index on the
   * subject rows serves (timeLeftIndexOrder); none: orderBy.
   */
  indexOrder?: SqlPart;
  page: number;
  perPage: number;
}

/** A row as the query returns it: subject columns plus its most urgent running clock, decoded. */
export interface MonitorSqlRow {
  subject_id: number;
  policy_id: number | null;
  metric: string | null;
  /** A BIGINT expression: a number or a string, depending on the driver's settings. */
  cycle: number | string | null;
  due_at: string | Date | null;
  row_state: string;
  [column: string]: unknown;
}

/**
 * The live list of open subjects of one kind under the module. One query pages, filters and sorts
 * in SQL: each open subject joined to its most urgent running clock (the MIN of the running
 * clocks' urgency keys per subject, see urgencyKeyOf in sla-sql.ts). The tickets' and the leads'
 * monitor differ only in the columns, filters and sort they pass.
 */
export async function monitorRowsFromClocks(
  db: Knex,
  prefix: string,
  q: MonitorQuery,
  now: Date,
): Promise<{ rows: MonitorSqlRow[]; total: number }> {
  const subjects = `${prefix}sla_vigil_subjects`;
  const at = sqlTime(now);
  // The subject's state is that of its most urgent running clock (worst live state, then the
  // earliest due time), else what the subject stored: ticketState in live-state.ts, as the host
  // list's badge and filter read it. The most urgent clock is MIN of its urgency key per subject
  // (one GROUP BY, a narrow row per subject), decoded here instead of joined back.
  const k = 'u.k';
  const clockWhere = q.clocks ? ` AND ${q.clocks.sql}` : '';
  const columns = q.columns.map((c) => `s.${c}`).join(', ');
  const inner = `SELECT s.subject_id, ${columns}${columns ? ', ' : ''}s.policy_id,
                        ${urgencyKeyMetricOf(k)} AS metric, ${urgencyKeyCycleOf(k)} AS cycle,
                        ${urgencyKeyDueOf(k)} AS due_at,
                        CASE WHEN ${k} IS NOT NULL THEN ${urgencyKeyStateOf(k)}
                             WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state
                   FROM ?? s
                   LEFT JOIN (
                     SELECT c.subject_id, MIN(${urgencyKeyOf('c')}) AS k
                       FROM ?? c
                      WHERE c.subject_type = ? AND ${RUNNING_CLOCK}${clockWhere}
                      GROUP BY c.subject_id
                   ) u ON u.subject_id = s.subject_id
                  WHERE ${q.open('s')}`;
  // now twice, for the live state inside the urgency key.
  const innerBindings: Knex.Value[] = [
    subjects,
    at,
    at,
    `${prefix}sla_vigil_clocks`,
    q.subjectType,
    ...(q.clocks?.bindings ?? []),
  ];
  const own = (alias: string) => subjectWhere(alias, q.equals);
  const x = own('x');
  const where = [...x.sql];
  const bindings = [...innerBindings, ...x.bindings];
  if (q.clocks) where.unshift('x.metric IS NOT NULL');
  if (q.state) {
    where.push('x.row_state = ?');
    bindings.push(q.state);
  }
  const base = `FROM (${inner}) x ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;

  // Without a state or clock filter every open subject is a row: count them alone, without
  // ranking any clock.
  let countRow: { n: unknown };
  if (!q.state && !q.clocks) {
    const bare = own('s');
    [countRow] = await selectRows<{ n: unknown }>(
      db,
      `SELECT COUNT(*) AS n FROM ?? s WHERE ${[q.open('s'), ...bare.sql].join(' AND ')}`,
      [subjects, ...bare.bindings],
    );
  } else {
    [countRow] = await selectRows<{ n: unknown }>(db, `SELECT COUNT(*) AS n ${base}`, bindings);
  }
  const rows = await selectRows<MonitorSqlRow>(
    db,
    `SELECT x.* ${base} ORDER BY ${q.orderBy.sql} LIMIT ? OFFSET ?`,
    [...bindings, ...q.orderBy.bindings, q.perPage, (q.page - 1) * q.perPage],
  );
  return { rows, total: num(countRow.n) };
}

/** `column = ?` / `column IN (?, ...)` for each set filter, on subjects aliased `alias`. */
function subjectWhere(
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

/** An empty IN list matches nothing: callers answer without asking the database. */
export const matchesNothing = (q: Pick<MonitorQuery, 'equals'>): boolean =>
  q.equals.some(([, v]) => Array.isArray(v) && v.length === 0);

const direction = (dir: 'asc' | 'desc'): string => (dir === 'desc' ? 'DESC' : 'ASC');

/**
 * Most urgent first (ascending): overdue clocks have the earliest due times. A paused clock's time
 * left is frozen, so it follows the running ones; subjects without a running clock come last
 * either way.
 */
export const timeLeftOrder = (dir: 'asc' | 'desc'): string =>
  `(x.due_at IS NULL) ASC, (x.row_state = 'paused') ASC, x.due_at ${direction(dir)}, x.subject_id ${direction(dir)}`;

/** By due time, paused or not; subjects without a running clock last either way. */
export const dueOrder = (dir: 'asc' | 'desc'): string =>
  `(x.due_at IS NULL) ASC, x.due_at ${direction(dir)}, x.subject_id ${direction(dir)}`;

/** By the subject's id (the host's ticket or lead number). */
export const idOrder = (dir: 'asc' | 'desc'): string => `x.subject_id ${direction(dir)}`;

/**
 * By a column's place in `ids` (the order its names read in: the host's pipeline for statuses,
 * the alphabet for markets and owners); ids not in the list (none, unknown) after all of them.
 * Ties go most urgent first. Parameterised: the ids are bindings.
 */
export function rankOrder(column: string, ids: readonly number[], dir: 'asc' | 'desc'): SqlPart {
  const d = direction(dir);
  const then = timeLeftOrder('asc');
  if (ids.length === 0) return { sql: `x.${column} ${d}, ${then}`, bindings: [] };
  return {
    sql: `COALESCE(NULLIF(FIELD(x.${column}, ${ids.map(() => '?').join(', ')}), 0), ?) ${d}, ${then}`,
    bindings: [...ids, ids.length + 1],
  };
}

/**
 * The monitor's list from each subject's urgency columns (urgency-sql.ts): an index range read of
 * the subject rows in the page's order, plus the few subjects whose due or warning time passed
 * since their clocks were last written (the next tick catches up), which take their most urgent
 * clock from the clocks as monitorRowsFromClocks does. Each part is cut to the page's end before
 * the two are merged, so the first page reads about 25 rows. With a clock filter (a metric, a
 * breach window) the subject's urgency is not the one asked for: monitorRowsFromClocks.
 */
export async function monitorRows(
  db: Knex,
  prefix: string,
  q: MonitorQuery,
  now: Date,
): Promise<{ rows: MonitorSqlRow[]; total: number }> {
  if (q.clocks) return monitorRowsFromClocks(db, prefix, q, now);
  const subjects = `${prefix}sla_vigil_subjects`;
  const at = sqlTime(now);
  const columns = q.columns.map((c) => `s.${c}, `).join('');
  // Fresh rows: the stored urgency is the live one; the state filter is the stored rank (indexed).
  // The metric in latin1_bin, as the stale rows decode it from the urgency key (one UNION type).
  const freshState = q.state ? ' AND s.list_rank = ?' : '';
  const fresh = `SELECT s.subject_id, ${columns}s.policy_id,
                        CONVERT(s.urgency_metric USING latin1) COLLATE latin1_bin AS metric, s.urgency_cycle AS cycle,
                        s.urgency_due AS due_at,
                        CASE WHEN s.urgency_rank IS NOT NULL THEN ${rankStateOf('s.urgency_rank')}
                             WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state,
                        s.monitor_group AS sv_group
                   FROM ?? s
                  WHERE ${q.open('s')} AND ${urgencyFreshOf('s')}${freshState}`;
  const freshBindings: Knex.Value[] = [subjects, at, ...(q.state ? [rankOf(q.state)] : [])];
  const k = 'u.k';
  const stale = `SELECT y.*, CASE WHEN y.due_at IS NULL THEN CASE WHEN y.row_state = 'paused' THEN 3 ELSE 2 END
                                  WHEN y.row_state = 'paused' THEN 1 ELSE 0 END AS sv_group
                   FROM (SELECT s.subject_id, ${columns}s.policy_id,
                                ${urgencyKeyMetricOf(k)} AS metric, ${urgencyKeyCycleOf(k)} AS cycle,
                                ${urgencyKeyDueOf(k)} AS due_at,
                                CASE WHEN ${k} IS NOT NULL THEN ${urgencyKeyStateOf(k)}
                                     WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state
                           FROM ?? s
                           LEFT JOIN (
                             SELECT c.subject_id, MIN(${urgencyKeyOf('c')}) AS k
                               FROM ?? sv_t JOIN ?? c ON c.subject_type = sv_t.subject_type AND c.subject_id = sv_t.subject_id
                              WHERE sv_t.subject_type = ? AND ${urgencyStaleOf('sv_t')} AND ${RUNNING_CLOCK}
                              GROUP BY c.subject_id
                           ) u ON u.subject_id = s.subject_id
                          WHERE ${q.open('s')} AND ${urgencyStaleOf('s')}) y`;
  const staleBindings: Knex.Value[] = [
    subjects,
    at,
    at,
    subjects,
    `${prefix}sla_vigil_clocks`,
    q.subjectType,
    at,
    at,
  ];
  const own = subjectWhere('x', q.equals);
  const branch = (inner: string, bindings: Knex.Value[], state: boolean): SqlPart => {
    const where = [...own.sql];
    const all = [...bindings, ...own.bindings];
    if (state && q.state) {
      where.push('x.row_state = ?');
      all.push(q.state);
    }
    return { sql: `FROM (${inner}) x ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, bindings: all };
  };
  const freshPart = branch(fresh, freshBindings, false);
  const stalePart = branch(stale, staleBindings, true);

  let total: number;
  if (!q.state) {
    const bare = subjectWhere('s', q.equals);
    const [row] = await selectRows<{ n: unknown }>(
      db,
      `SELECT COUNT(*) AS n FROM ?? s WHERE ${[q.open('s'), ...bare.sql].join(' AND ')}`,
      [subjects, ...bare.bindings],
    );
    total = num(row.n);
  } else {
    const [row] = await selectRows<{ n: unknown; m: unknown }>(
      db,
      `SELECT (SELECT COUNT(*) ${freshPart.sql}) AS n, (SELECT COUNT(*) ${stalePart.sql}) AS m`,
      [...freshPart.bindings, ...stalePart.bindings],
    );
    total = num(row.n) + num(row.m);
  }
  const end = q.page * q.perPage;
  const first = q.indexOrder ?? q.orderBy;
  const rows = await selectRows<MonitorSqlRow>(
    db,
    `SELECT x.* FROM ((SELECT x.* ${freshPart.sql} ORDER BY ${first.sql} LIMIT ?)
                      UNION ALL (SELECT x.* ${stalePart.sql})) x
      ORDER BY ${q.orderBy.sql} LIMIT ? OFFSET ?`,
    [
      ...freshPart.bindings,
      ...first.bindings,
      end,
      ...stalePart.bindings,
      ...q.orderBy.bindings,
      q.perPage,
      (q.page - 1) * q.perPage,
    ],
  );
  return { rows: rows.map(({ sv_group: _group, ...row }) => row as MonitorSqlRow), total };
}

/**
 * timeLeftOrder over the subject rows' `monitor_group` (`x.sv_group`: 0 running, 1 paused, 2 none
 * running, 3 none running and stored paused), which the index (subject_type, monitor_group,
 * urgency_due) serves in ascending order: the same order as timeLeftOrder.
 */
export const timeLeftIndexOrder = (dir: 'asc' | 'desc'): string =>
  `x.sv_group ASC, x.due_at ${direction(dir)}, x.subject_id ${direction(dir)}`;
