import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import type { ClockMetric } from '../../sla/config';
import { utcFromSql } from '../datetime';
import { openSubjectOf } from './sla-sql';
import { forecastCells } from './forecast-query';
import { windowEnd, type ForecastWindow, type WindowCounts } from '../../sla/forecast/breach-forecast';
import {
  dueOrder,
  idOrder,
  matchesNothing,
  monitorRows,
  timeLeftOrder,
  type MonitorQuery,
  type MonitorSqlRow,
  type MonitorOrder,
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
  /** Only tickets with a clock that breaches within this window if nothing changes (forecast-query.ts). */
  breachWithin?: ForecastWindow;
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
      equals: ticketEquals(filters),
      clocks: filters.metric ? { sql: 'c.metric = ?', bindings: [filters.metric] } : undefined,
      breachBy: filters.breachWithin ? windowEnd(filters.breachWithin, now) : undefined,
      state: filters.state,
      order: orderBy(filters.sort, filters.dir),
      page: filters.page,
      perPage: filters.perPage,
    };
    if (matchesNothing(query)) return { rows: [], total: 0 };
    const { rows, total } = await monitorRows(this.db, this.prefix, query, now);
    return { rows: rows.map(toMonitorRow), total };
  }

  /**
   * How many of the tickets the list shows for these filters breach within 1, 4 and 24 hours: each
   * equal to the list's total with `breachWithin` set to that window (the window filter itself is
   * ignored here, so the strip shows all three).
   */
  async forecast(filters: TicketForecastFilters, now: Date): Promise<WindowCounts> {
    const [totals] = await forecastCells(
      this.db,
      this.prefix,
      {
        subjectType: 'ticket',
        open: openSubjectOf,
        equals: ticketEquals(filters),
        metric: filters.metric,
        state: filters.state,
        groupBy: [],
      },
      now,
    );
    return totals;
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

/** The list's filters without its order and page: what the forecast strip counts over. */
export type TicketForecastFilters = Omit<MonitorFilters, 'sort' | 'dir' | 'page' | 'perPage'>;

/** The list's filters on the ticket's own columns (the forecast strip counts the same tickets). */
function ticketEquals(filters: TicketForecastFilters): MonitorQuery['equals'] {
  return [
    ['department', filters.department],
    ['priority', filters.priority],
    ['assigned', filters.agent],
    ['policy_id', filters.policy],
    ['subject_id', filters.ids],
    ['department', filters.departments],
  ];
}

function orderBy(sort: MonitorSort, dir: 'asc' | 'desc'): MonitorOrder {
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
