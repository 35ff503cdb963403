import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import type { ClockMetric } from '../../sla/config';
import { utcFromSql } from '../datetime';
import {
  OPEN_SUBJECT,
  RUNNING_CLOCK,
  num,
  selectRows,
  sqlTime,
  urgencyKeyCycleOf,
  urgencyKeyDueOf,
  urgencyKeyMetricOf,
  urgencyKeyOf,
  urgencyKeyStateOf,
} from './sla-sql';

export const MONITOR_SORTS = ['time_left', 'due', 'ticket'] as const;
export type MonitorSort = (typeof MONITOR_SORTS)[number];

export interface MonitorFilters {
  state?: ClockState;
  department?: number;
  priority?: number;
  /** Assignee staff id; 0 = unassigned. */
  agent?: number;
  policy?: number;
  metric?: ClockMetric;
  /** Only these ticket ids (a search the host answered); an empty list matches nothing. */
  ids?: readonly number[];
  /** Only tickets of these departments (the viewer's access scope); an empty list matches nothing. */
  departments?: readonly number[];
  sort: MonitorSort;
  dir: 'asc' | 'desc';
  page: number;
  perPage: number;
}

/** One open ticket and its most urgent running clock (none: no policy, or every target met). */
export interface MonitorRow {
  ticketId: number;
  department: number;
  priority: number;
  assigned: number;
  userid: number;
  policyId: number | null;
  state: ClockState;
  metric: ClockMetric | null;
  cycle: number | null;
  dueAt: Date | null;
}

interface Row {
  subject_id: number;
  department: number;
  priority: number;
  assigned: number;
  userid: number;
  policy_id: number | null;
  metric: string | null;
  /** A BIGINT expression: a number or a string, depending on the driver's settings. */
  cycle: number | string | null;
  due_at: string | Date | null;
  row_state: string;
}

/**
 * The live list of open tickets under the module. One query pages, filters and sorts in SQL:
 * each open subject joined to its most urgent running clock (the MIN of the running clocks'
 * urgency keys per subject, see urgencyKeyOf in sla-sql.ts).
 */
export class MonitorService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  async list(filters: MonitorFilters, now: Date): Promise<{ rows: MonitorRow[]; total: number }> {
    if (filters.ids && filters.ids.length === 0) return { rows: [], total: 0 };
    if (filters.departments && filters.departments.length === 0) return { rows: [], total: 0 };
    const at = sqlTime(now);
    // now twice, for the live state inside the urgency key.
    const innerBindings: Knex.Value[] = [this.t('subjects'), at, at, this.t('clocks')];
    let metricFilter = '';
    if (filters.metric) {
      metricFilter = ' AND c.metric = ?';
      innerBindings.push(filters.metric);
    }
    // The ticket's state is that of its most urgent running clock (worst live state, then the
    // earliest due time), else what the subject stored: ticketState in live-state.ts, as the
    // host list's badge and filter read it. The most urgent clock is MIN of its urgency key per
    // subject (one GROUP BY, a narrow row per subject), decoded here instead of joined back.
    const k = 'u.k';
    const inner = `SELECT s.subject_id, s.department, s.priority, s.assigned, s.userid, s.policy_id,
                          ${urgencyKeyMetricOf(k)} AS metric, ${urgencyKeyCycleOf(k)} AS cycle,
                          ${urgencyKeyDueOf(k)} AS due_at,
                          CASE WHEN ${k} IS NOT NULL THEN ${urgencyKeyStateOf(k)}
                               WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state
                     FROM ?? s
                     LEFT JOIN (
                       SELECT c.subject_id, MIN(${urgencyKeyOf('c')}) AS k
                         FROM ?? c
                        WHERE c.subject_type = 'ticket' AND ${RUNNING_CLOCK}${metricFilter}
                        GROUP BY c.subject_id
                     ) u ON u.subject_id = s.subject_id
                    WHERE ${OPEN_SUBJECT}`;
    // Filters on the subject's own columns, for `x` (the rows above) or `s` (the subjects alone).
    const subjectWhere = (alias: string): { sql: string[]; bindings: Knex.Value[] } => {
      const sql: string[] = [];
      const bindings: Knex.Value[] = [];
      const add = (cond: string, ...values: Knex.Value[]) => {
        sql.push(cond);
        bindings.push(...values);
      };
      if (filters.department !== undefined) add(`${alias}.department = ?`, filters.department);
      if (filters.priority !== undefined) add(`${alias}.priority = ?`, filters.priority);
      if (filters.agent !== undefined) add(`${alias}.assigned = ?`, filters.agent);
      if (filters.policy !== undefined) add(`${alias}.policy_id = ?`, filters.policy);
      if (filters.ids)
        add(`${alias}.subject_id IN (${filters.ids.map(() => '?').join(', ')})`, ...filters.ids);
      if (filters.departments)
        add(
          `${alias}.department IN (${filters.departments.map(() => '?').join(', ')})`,
          ...filters.departments,
        );
      return { sql, bindings };
    };
    const own = subjectWhere('x');
    const where = [...own.sql];
    const bindings = [...innerBindings, ...own.bindings];
    if (filters.metric) where.unshift('x.metric IS NOT NULL');
    if (filters.state) {
      where.push('x.row_state = ?');
      bindings.push(filters.state);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const base = `FROM (${inner}) x ${whereSql}`;

    // Without a state or metric filter every open subject is a row: count them alone, without
    // ranking any clock.
    let countRow: { n: unknown };
    if (!filters.state && !filters.metric) {
      const bare = subjectWhere('s');
      [countRow] = await selectRows<{ n: unknown }>(
        this.db,
        `SELECT COUNT(*) AS n FROM ?? s WHERE ${[OPEN_SUBJECT, ...bare.sql].join(' AND ')}`,
        [this.t('subjects'), ...bare.bindings],
      );
    } else {
      [countRow] = await selectRows<{ n: unknown }>(this.db, `SELECT COUNT(*) AS n ${base}`, bindings);
    }
    const rows = await selectRows<Row>(
      this.db,
      `SELECT x.* ${base} ORDER BY ${orderBy(filters.sort, filters.dir)} LIMIT ? OFFSET ?`,
      [...bindings, filters.perPage, (filters.page - 1) * filters.perPage],
    );
    return { rows: rows.map(toMonitorRow), total: num(countRow.n) };
  }

  /** Policy names for the filter and the rows (a handful of rows: the configuration). */
  async policyNames(): Promise<Map<number, string>> {
    const rows: { id: number; name: string }[] = await this.db(this.t('policies'))
      .select('id', 'name')
      .orderBy([{ column: 'position' }, { column: 'id' }]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}

function orderBy(sort: MonitorSort, dir: 'asc' | 'desc'): string {
  const d = dir === 'desc' ? 'DESC' : 'ASC';
  switch (sort) {
    case 'ticket':
      return `x.subject_id ${d}`;
    case 'due':
      return `(x.due_at IS NULL) ASC, x.due_at ${d}, x.subject_id ${d}`;
    case 'time_left':
      // Overdue clocks have the earliest due times, so ascending puts them first. A paused
      // clock's time left is frozen, so it follows the running ones; tickets without a running
      // clock come last either way.
      return `(x.due_at IS NULL) ASC, (x.row_state = 'paused') ASC, x.due_at ${d}, x.subject_id ${d}`;
  }
}

function toMonitorRow(r: Row): MonitorRow {
  return {
    ticketId: r.subject_id,
    department: r.department,
    priority: r.priority,
    assigned: r.assigned,
    userid: r.userid,
    policyId: r.policy_id,
    state: r.row_state as ClockState,
    metric: (r.metric as ClockMetric | null) ?? null,
    cycle: r.cycle === null ? null : Number(r.cycle),
    dueAt: r.due_at ? utcFromSql(r.due_at) : null,
  };
}
