import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import type { ClockMetric } from '../../sla/config';
import { utcFromSql } from '../datetime';
import { openSubjectOf } from './sla-sql';
import {
  dueOrder,
  idOrder,
  matchesNothing,
  monitorRows,
  timeLeftOrder,
  type MonitorQuery,
  type MonitorSqlRow,
} from './monitor-query';

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

/** The live list of open tickets under the module (monitor-query.ts with the ticket's columns). */
export class MonitorService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  async list(filters: MonitorFilters, now: Date): Promise<{ rows: MonitorRow[]; total: number }> {
    const query: MonitorQuery = {
      subjectType: 'ticket',
      open: openSubjectOf,
      columns: ['department', 'priority', 'assigned', 'userid'],
      equals: [
        ['department', filters.department],
        ['priority', filters.priority],
        ['assigned', filters.agent],
        ['policy_id', filters.policy],
        ['subject_id', filters.ids],
        ['department', filters.departments],
      ],
      clocks: filters.metric ? { sql: 'c.metric = ?', bindings: [filters.metric] } : undefined,
      state: filters.state,
      orderBy: { sql: orderBy(filters.sort, filters.dir), bindings: [] },
      page: filters.page,
      perPage: filters.perPage,
    };
    if (matchesNothing(query)) return { rows: [], total: 0 };
    const { rows, total } = await monitorRows(this.db, this.prefix, query, now);
    return { rows: rows.map(toMonitorRow), total };
  }

  /** Policy names of one kind, for the filter and the rows (a handful of rows: the configuration). */
  async policyNames(subject: 'ticket' | 'lead' = 'ticket'): Promise<Map<number, string>> {
    const rows: { id: number; name: string }[] = await this.db(this.t('policies'))
      .where('subject', subject)
      .select('id', 'name')
      .orderBy([{ column: 'position' }, { column: 'id' }]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}

function orderBy(sort: MonitorSort, dir: 'asc' | 'desc'): string {
  switch (sort) {
    case 'ticket':
      return idOrder(dir);
    case 'due':
      return dueOrder(dir);
    case 'time_left':
      return timeLeftOrder(dir);
  }
}

function toMonitorRow(r: MonitorSqlRow): MonitorRow {
  return {
    ticketId: r.subject_id,
    department: Number(r.department),
    priority: Number(r.priority),
    assigned: Number(r.assigned),
    userid: Number(r.userid),
    policyId: r.policy_id,
    state: r.row_state as ClockState,
    metric: (r.metric as ClockMetric | null) ?? null,
    cycle: r.cycle === null ? null : Number(r.cycle),
    dueAt: r.due_at ? utcFromSql(r.due_at) : null,
  };
}
