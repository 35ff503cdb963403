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
import { countedTotal, keptTotalOf, subjectWhere, totalOfKept, type KeptTotalRow } from './monitor-count';
import { breachingClocksOf, monitorWindowRows } from './monitor-window';
import { liveKeyOf } from './monitor-stale';

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
  /**
   * Only subjects with a running clock that breaches after now and at or before this time if
   * nothing changes (breachingClocksOf in monitor-window.ts): the row is the most urgent of those.
   */
  breachBy?: Date;
  state?: ClockState;
  /** The page's order: see the *Order helpers below. */
  order: MonitorOrder;
  page: number;
  perPage: number;
}

/**
 * One order of the list, spelled twice: over the rows `x` (their state and due time, whichever
 * branch they come from), and over the subject rows `s` by their own columns (the same order for a
 * subject whose stored urgency is up to date), which the covering index slav_subjects_monitor
 * holds, so a page's keys are found without reading whole rows.
 */
export interface MonitorOrder {
  rows: SqlPart;
  keys: SqlPart;
  /**
   * Where the keys are read: the covering index (any order of its columns: in its own order a
   * range read that stops at the page, otherwise a sort of its narrow entries), or the primary key
   * (the subject id order, which the clustered rows already have).
   */
  from: 'covering' | 'primary';
  /**
   * Within each `monitor_group` the keys run by (urgency_due, subject_id), in one direction: each
   * group's range of an index is then read apart in that order, cut at the page's end, and the
   * groups merged (time left descending, due time), which one read of the index cannot serve.
   */
  byGroup?: 'ASC' | 'DESC';
  /** The keys are the covering index's own order (time left ascending): one read, no merge. */
  indexOrder?: boolean;
}

/** monitor_group's values (migration 20261206070000_subject_urgency). */
const MONITOR_GROUPS = [0, 1, 2, 3] as const;

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
  const clockFilter = clocksOf(q, now);
  const clockWhere = clockFilter ? ` AND ${clockFilter.sql}` : '';
  const columns = q.columns.map((c) => `s.${c}`).join(', ');
  const inner = `SELECT s.subject_id, ${columns}${columns ? ', ' : ''}s.policy_id,
                        ${urgencyRowColumns(k)}
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
    ...(clockFilter?.bindings ?? []),
  ];
  const own = (alias: string) => subjectWhere(alias, q.equals);
  const x = own('x');
  const where = [...x.sql];
  const bindings = [...innerBindings, ...x.bindings];
  if (clockFilter) where.unshift('x.metric IS NOT NULL');
  if (q.state) {
    where.push('x.row_state = ?');
    bindings.push(q.state);
  }
  const base = `FROM (${inner}) x ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;

  // Without a state or clock filter every open subject is a row: count them alone, without
  // ranking any clock.
  let countRow: { n: unknown };
  if (!q.state && !clockFilter) {
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
    `SELECT x.* ${base} ORDER BY ${q.order.rows.sql} LIMIT ? OFFSET ?`,
    [...bindings, ...q.order.rows.bindings, q.perPage, (q.page - 1) * q.perPage],
  );
  return { rows, total: num(countRow.n) };
}

/** The clocks a query counts: its clock filter and its breach window, or all (undefined). */
function clocksOf(q: MonitorQuery, now: Date): SqlPart | undefined {
  const parts = [
    ...(q.clocks ? [q.clocks] : []),
    ...(q.breachBy ? [breachingClocksOf('c', now, q.breachBy)] : []),
  ];
  if (parts.length === 0) return undefined;
  return { sql: parts.map((p) => p.sql).join(' AND '), bindings: parts.flatMap((p) => p.bindings) };
}

/** An empty IN list matches nothing: callers answer without asking the database. */
export const matchesNothing = (q: Pick<MonitorQuery, 'equals'>): boolean =>
  q.equals.some(([, v]) => Array.isArray(v) && v.length === 0);

const direction = (dir: 'asc' | 'desc'): 'ASC' | 'DESC' => (dir === 'desc' ? 'DESC' : 'ASC');
const plain = (rows: string, keys: string, more: Partial<MonitorOrder> = {}): MonitorOrder => ({
  rows: { sql: rows, bindings: [] },
  keys: { sql: keys, bindings: [] },
  from: 'covering',
  ...more,
});

/**
 * Most urgent first (ascending): overdue clocks have the earliest due times. A paused clock's time
 * left is frozen, so it follows the running ones; subjects without a running clock come last
 * either way. Over the subject rows: `monitor_group` (0 running, 1 paused, 2 none running, 3 none
 * running and stored paused) says the same, and the index serves the ascending order as it is.
 */
export const timeLeftOrder = (dir: 'asc' | 'desc'): MonitorOrder =>
  plain(
    `(x.due_at IS NULL) ASC, (x.row_state = 'paused') ASC, x.due_at ${direction(dir)}, x.subject_id ${direction(dir)}`,
    `s.monitor_group ASC, s.urgency_due ${direction(dir)}, s.subject_id ${direction(dir)}`,
    { byGroup: direction(dir), indexOrder: dir === 'asc' },
  );

/** By due time, paused or not; subjects without a running clock last either way. */
export const dueOrder = (dir: 'asc' | 'desc'): MonitorOrder =>
  plain(
    `(x.due_at IS NULL) ASC, x.due_at ${direction(dir)}, x.subject_id ${direction(dir)}`,
    `(s.urgency_due IS NULL) ASC, s.urgency_due ${direction(dir)}, s.subject_id ${direction(dir)}`,
    // Within a group the index holds this order (the due time is set in groups 0 and 1 only).
    { byGroup: direction(dir) },
  );

/** By the subject's id (the host's ticket or lead number). */
export const idOrder = (dir: 'asc' | 'desc'): MonitorOrder =>
  plain(`x.subject_id ${direction(dir)}`, `s.subject_id ${direction(dir)}`, { from: 'primary' });

/**
 * By a column's place in `ids` (the order its names read in: the host's pipeline for statuses,
 * the alphabet for markets and owners); ids not in the list (none, unknown) after all of them.
 * Ties go most urgent first. Parameterised: the ids are bindings.
 */
export function rankOrder(column: string, ids: readonly number[], dir: 'asc' | 'desc'): MonitorOrder {
  const d = direction(dir);
  const then = timeLeftOrder('asc');
  const by = (a: string, tie: SqlPart): SqlPart =>
    ids.length === 0
      ? { sql: `${a}.${column} ${d}, ${tie.sql}`, bindings: [] }
      : {
          sql: `COALESCE(NULLIF(FIELD(${a}.${column}, ${ids.map(() => '?').join(', ')}), 0), ?) ${d}, ${tie.sql}`,
          bindings: [...ids, ids.length + 1],
        };
  return { rows: by('x', then.rows), keys: by('s', then.keys), from: 'covering' };
}

/**
 * The monitor's list from each subject's urgency columns (urgency-sql.ts): the subjects whose
 * stored urgency is up to date, found in the page's order on the covering index
 * slav_subjects_monitor (keys only) and then read whole for the page's 25, plus the few whose due
 * or warning time passed since their clocks were last written (the next tick catches up), which
 * take their most urgent clock from the clocks as monitorRowsFromClocks does. The total comes from
 * kept counts (monitor-count.ts). With a clock filter (a metric, a breach window) the subject's
 * urgency is not the one asked for: monitorRowsFromClocks.
 *
 * A deep page skips keys, not rows: the merged list's first `offset` rows hold every up-to-date
 * subject before index `offset - S` (S: at least the out-of-date ones, which are all read), so the
 * up-to-date part starts there and the merge skips only the rest.
 */
export async function monitorRows(
  db: Knex,
  prefix: string,
  q: MonitorQuery,
  now: Date,
): Promise<{ rows: MonitorSqlRow[]; total: number }> {
  if (q.clocks) return monitorRowsFromClocks(db, prefix, q, now);
  if (q.breachBy) return monitorWindowRows(db, prefix, q, q.breachBy, now);
  const subjects = `${prefix}sla_vigil_subjects`;
  const at = sqlTime(now);
  const columns = q.columns.map((c) => `s.${c}, `).join('');
  // Up to date: the stored urgency is the live one; the state filter is the stored rank.
  const bare = subjectWhere('s', q.equals);
  const fresh: SqlPart = {
    sql: [q.open('s'), urgencyFreshOf('s'), ...bare.sql, ...(q.state ? ['s.list_rank = ?'] : [])].join(
      ' AND ',
    ),
    bindings: [at, ...bare.bindings, ...(q.state ? [rankOf(q.state)] : [])],
  };
  // Out of date: the live key from the stored one or the subject's clocks (monitor-stale.ts).
  const live = liveKeyOf(prefix, 's', now);
  const staleRows = `SELECT s.subject_id, ${columns}s.policy_id, ${urgencyRowColumns('s.k')}
                       FROM (SELECT s.subject_id, ${columns}s.policy_id, s.sla_state, ${live.sql} AS k
                               FROM ?? s FORCE INDEX (??)
                              WHERE ${q.open('s')} AND ${urgencyStaleOf('s')}) s`;
  const own = subjectWhere('x', q.equals);
  const staleWhere = [...own.sql, ...(q.state ? ['x.row_state = ?'] : [])];
  const stale: SqlPart = {
    sql: `FROM (${staleRows}) x ${staleWhere.length ? `WHERE ${staleWhere.join(' AND ')}` : ''}`,
    bindings: [
      ...live.bindings,
      subjects,
      `${prefix}slav_subjects_changes_at`,
      at,
      ...own.bindings,
      ...(q.state ? [q.state] : []),
    ],
  };

  const parts = { fresh, stale };
  const offset = (q.page - 1) * q.perPage;
  // The page's rows after `skip` keys of the up-to-date part (at most offset - S, see above).
  const page = (skip: number): SqlPart => {
    const keys = pageKeys(subjects, prefix, q, fresh, offset + q.perPage - skip, skip);
    // The metric in latin1_bin, as the stale rows decode it from the urgency key (one UNION type).
    return {
      sql: `SELECT x.* FROM ((SELECT s.subject_id, ${columns}s.policy_id,
                              CONVERT(s.urgency_metric USING latin1) COLLATE latin1_bin AS metric,
                              s.urgency_cycle AS cycle, s.urgency_due AS due_at,
                              CASE WHEN s.urgency_rank IS NOT NULL THEN ${rankStateOf('s.urgency_rank')}
                                   WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state
                         FROM (${keys.sql}) page
                         JOIN ?? s ON s.subject_type = ? AND s.subject_id = page.subject_id)
                      UNION ALL (SELECT x.* ${stale.sql})) x
      ORDER BY ${q.order.rows.sql} LIMIT ? OFFSET ?`,
      bindings: [
        ...keys.bindings,
        subjects,
        q.subjectType,
        ...stale.bindings,
        ...q.order.rows.bindings,
        q.perPage,
        offset - skip,
      ],
    };
  };
  const read = (part: SqlPart) => selectRows<MonitorSqlRow>(db, part.sql, part.bindings);
  const kept = keptTotalOf(prefix, q, now, parts);
  if (kept) {
    // One statement: the kept total's one row beside the page's rows (one row of NULLs for an
    // empty page). A deep page does not know S before it asks, so it skips up to STALE_GUESS fewer
    // keys than its offset (a few more index entries read) and asks again only when more subjects
    // than that are out of date.
    const guess = Math.max(0, offset - STALE_GUESS);
    const first = page(guess);
    const joined = await selectRows<MonitorSqlRow & KeptTotalRow>(
      db,
      `SELECT t.*, x.* FROM (${kept.sql}) t LEFT JOIN (${first.sql}) x ON 1 = 1 ORDER BY ${q.order.rows.sql}`,
      [...kept.bindings, ...first.bindings, ...q.order.rows.bindings],
    );
    const counted = totalOfKept(joined[0]);
    if (counted) {
      const skip = Math.max(0, offset - counted.staleBound);
      if (guess > skip) return { rows: await read(page(skip)), total: counted.total };
      const rows = joined
        .filter((r) => r.subject_id !== null)
        .map(
          ({ mt_built: _b, mt_kept: _k, mt_was: _w, mt_is: _i, mt_bound: _s, ...row }) =>
            row as MonitorSqlRow,
        );
      return { rows, total: counted.total };
    }
  }
  // No kept counts for these filters (or none yet): the rows counted, beside the page (the first
  // page skips nothing, so it needs no bound and is asked at once; a deeper page waits for it).
  const counting = countedTotal(db, prefix, q, now, parts);
  const skip = offset === 0 ? 0 : Math.max(0, offset - (await counting).staleBound);
  const [{ total }, rows] = await Promise.all([counting, read(page(skip))]);
  return { rows, total };
}

/** How many out-of-date subjects a deep page's one statement allows for (see monitorRows). */
const STALE_GUESS = 100;

/**
 * The ids of the up-to-date subjects of a page, in its order: `limit` keys after `skip`. A search
 * (ids) reads those ids by primary key. A state filter with an order by group and due time reads
 * that rank's range of slav_subjects_list_rank (rank, due, id) twice: the subjects with a due time
 * (the lower group of that rank) and those without, each in order and cut at the page's end. An
 * order by group and due time otherwise reads each group's range of the covering index; any other
 * order reads where MonitorOrder.from says.
 */
function pageKeys(
  subjects: string,
  prefix: string,
  q: MonitorQuery,
  fresh: SqlPart,
  limit: number,
  skip: number,
): SqlPart {
  const { keys, byGroup } = q.order;
  const byIds = q.equals.some(([column, value]) => column === 'subject_id' && value !== undefined);
  // Each part's keys in the order its range holds them (without a due time: the id alone).
  const merged = (index: string, parts: readonly (SqlPart & { order?: string })[]): SqlPart => {
    const branch = (part: SqlPart & { order?: string }) =>
      `(SELECT s.subject_id, s.monitor_group, s.urgency_due FROM ?? s FORCE INDEX (??)
         WHERE ${fresh.sql} AND ${part.sql} ORDER BY ${part.order ?? `s.urgency_due ${byGroup}, s.subject_id ${byGroup}`} LIMIT ?)`;
    return {
      sql: `SELECT s.subject_id FROM (${parts.map(branch).join(' UNION ALL ')}) s ORDER BY ${keys.sql} LIMIT ? OFFSET ?`,
      bindings: [
        ...parts.flatMap((part) => [subjects, index, ...fresh.bindings, ...part.bindings, skip + limit]),
        ...keys.bindings,
        limit,
        skip,
      ],
    };
  };
  if (byGroup && !byIds && q.state) {
    // Within one rank a due time means the lower group (running or paused) and none the upper.
    return merged(`${prefix}slav_subjects_list_rank`, [
      { sql: 's.urgency_due IS NOT NULL', bindings: [] },
      { sql: 's.urgency_due IS NULL', bindings: [], order: `s.subject_id ${byGroup}` },
    ]);
  }
  if (byGroup && !byIds && !q.order.indexOrder) {
    return merged(
      `${prefix}slav_subjects_monitor`,
      MONITOR_GROUPS.map((g) => ({ sql: 's.monitor_group = ?', bindings: [g] })),
    );
  }
  const covering = q.order.from === 'covering' && !byIds;
  return {
    sql: `SELECT s.subject_id FROM ?? s${covering ? ' FORCE INDEX (??)' : ''} WHERE ${fresh.sql}
           ORDER BY ${keys.sql} LIMIT ? OFFSET ?`,
    bindings: [
      subjects,
      ...(covering ? [`${prefix}slav_subjects_monitor`] : []),
      ...fresh.bindings,
      ...keys.bindings,
      limit,
      skip,
    ],
  };
}

/**
 * A row's most urgent clock decoded from its urgency key `k` (metric, cycle, due time), and the
 * state the row shows: the clock's, else the subject's own summary (no policy without one).
 */
function urgencyRowColumns(k: string): string {
  return `${urgencyKeyMetricOf(k)} AS metric, ${urgencyKeyCycleOf(k)} AS cycle, ${urgencyKeyDueOf(k)} AS due_at,
          CASE WHEN ${k} IS NOT NULL THEN ${urgencyKeyStateOf(k)}
               WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state`;
}
