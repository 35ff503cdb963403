import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import { utcFromSql } from '../datetime';
import { selectRows } from './sla-sql';
import { rollupTables } from '../rollups/rollup-tables';
import { DIRTY } from '../subject-repository';
import { forecastCells } from './forecast-query';
import { windowEnd, type ForecastWindow, type WindowCounts } from '../../sla/forecast/breach-forecast';
import {
  dueOrder,
  idOrder,
  monitorRows,
  rankOrder,
  timeLeftOrder,
  type MonitorQuery,
  type MonitorSqlRow,
  type MonitorOrder,
} from './monitor-query';

export const LEAD_MONITOR_SORTS = ['time_left', 'due', 'lead', 'status', 'market', 'owner'] as const;
export type LeadMonitorSort = (typeof LEAD_MONITOR_SORTS)[number];
/** The sorts by a name the host gives (status, market, owner): the caller passes the ids in that order. */
export type LeadNameSort = Extract<LeadMonitorSort, 'status' | 'market' | 'owner'>;

export interface LeadMonitorFilters {
  state?: ClockState;
  /** Country id; 0 = no market. */
  market?: number;
  source?: number;
  /** Staff id; 0 = unassigned. */
  owner?: number;
  status?: number;
  policy?: number;
  /** Only leads with a clock that breaches within this window if nothing changes (forecast-query.ts). */
  breachWithin?: ForecastWindow;
  sort: LeadMonitorSort;
  dir: 'asc' | 'desc';
  /**
   * For a sort by status, market or owner: that column's ids in the order their names read
   * (the host's pipeline for statuses, the alphabet for the others); other ids come after them.
   */
  nameOrder?: readonly number[];
  page: number;
  perPage: number;
}

/** One open lead and its most urgent running clock (none: no policy, or no windowed stay now). */
export interface LeadMonitorRow {
  leadId: number;
  status: number;
  country: number;
  source: number;
  assigned: number;
  policyId: number | null;
  state: ClockState;
  dueAt: Date | null;
}

/** Still work to do: a lead neither deleted nor ended (lost, junk, converted). */
export const openLeadOf = (alias: string): string =>
  `${alias}.subject_type = 'lead' AND ${alias}.deleted = 0 AND ${alias}.ended IS NULL`;

/** The column each name sort ranks. */
const NAME_COLUMN: Record<LeadNameSort, string> = { status: 'status', market: 'country', owner: 'assigned' };

/**
 * The monitor's lead list: open leads with their most urgent running clock, filtered, sorted and
 * paged in SQL by the ticket monitor's query (monitor-query.ts) with the lead's columns.
 */
export class LeadMonitorService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  async list(filters: LeadMonitorFilters, now: Date): Promise<{ rows: LeadMonitorRow[]; total: number }> {
    const { rows, total } = await monitorRows(
      this.db,
      this.prefix,
      {
        subjectType: 'lead',
        open: openLeadOf,
        columns: ['status', 'country', 'source', 'assigned'],
        equals: leadEquals(filters),
        breachBy: filters.breachWithin ? windowEnd(filters.breachWithin, now) : undefined,
        state: filters.state,
        order: orderBy(filters),
        page: filters.page,
        perPage: filters.perPage,
      },
      now,
    );
    return { rows: rows.map(toLeadRow), total };
  }

  /**
   * How many of the leads the list shows for these filters breach within 1, 4 and 24 hours: each
   * equal to the list's total with `breachWithin` set to that window.
   */
  async forecast(filters: LeadForecastFilters, now: Date): Promise<WindowCounts> {
    const [totals] = await forecastCells(
      this.db,
      this.prefix,
      {
        subjectType: 'lead',
        open: openLeadOf,
        equals: leadEquals(filters),
        state: filters.state,
        groupBy: [],
      },
      now,
    );
    return totals;
  }

  /**
   * The markets of the open leads (their country ids, 0 for none): what the market filter offers.
   * From the kept counts (rollup_monitor's groups by market, a few rows) once built: the markets
   * with an open lead there, less the leads a reconcile moved but no recompute has followed yet
   * (dirty: their member rows are what they were), plus where those leads are now.
   */
  async markets(): Promise<number[]> {
    const t = rollupTables(this.prefix);
    const [built] = await selectRows<{ n: unknown }>(
      this.db,
      `SELECT COUNT(*) AS n FROM ${t.meta} WHERE id = 1`,
      [],
    );
    const rows =
      Number(built.n) > 0
        ? await selectRows<{ country: number | null }>(
            this.db,
            `SELECT g.country FROM ${t.monitor} g
               LEFT JOIN (SELECT m.country, COUNT(*) AS n
                            FROM ${t.subjects} d
                            JOIN ${t.live} m ON m.subject_type = d.subject_type AND m.subject_id = d.subject_id
                           WHERE d.subject_type = 'lead' AND d.computed_version = ?
                           GROUP BY m.country) moved ON moved.country = g.country
              WHERE g.subject_type = 'lead'
              GROUP BY g.country
             HAVING SUM(g.n) > MAX(COALESCE(moved.n, 0))
             UNION
             SELECT COALESCE(s.country, 0) FROM ${t.subjects} s WHERE s.computed_version = ? AND ${openLeadOf('s')}`,
            [DIRTY, DIRTY],
          )
        : await selectRows<{ country: number | null }>(
            this.db,
            `SELECT DISTINCT s.country FROM ?? s WHERE ${openLeadOf('s')}`,
            [`${this.prefix}sla_vigil_subjects`],
          );
    return [...new Set(rows.map((r) => Number(r.country ?? 0)))];
  }
}

/** The list's filters without its order and page: what the forecast strip counts over. */
export type LeadForecastFilters = Omit<LeadMonitorFilters, 'sort' | 'dir' | 'nameOrder' | 'page' | 'perPage'>;

/** The list's filters on the lead's own columns. */
function leadEquals(filters: LeadForecastFilters): MonitorQuery['equals'] {
  // The snapshot stores the host's 0 for no market and no owner (lead-snapshot.ts).
  return [
    ['status', filters.status],
    ['country', filters.market],
    ['source', filters.source],
    ['assigned', filters.owner],
    ['policy_id', filters.policy],
  ];
}

function orderBy(f: LeadMonitorFilters): MonitorOrder {
  switch (f.sort) {
    case 'lead':
      return idOrder(f.dir);
    case 'due':
      return dueOrder(f.dir);
    case 'time_left':
      return timeLeftOrder(f.dir);
    default:
      return rankOrder(NAME_COLUMN[f.sort], f.nameOrder ?? [], f.dir);
  }
}

function toLeadRow(r: MonitorSqlRow): LeadMonitorRow {
  return {
    leadId: r.subject_id,
    status: Number(r.status ?? 0),
    country: Number(r.country ?? 0),
    source: Number(r.source ?? 0),
    assigned: Number(r.assigned ?? 0),
    policyId: r.policy_id,
    state: r.row_state as ClockState,
    dueAt: r.due_at ? utcFromSql(r.due_at) : null,
  };
}
