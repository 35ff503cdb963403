import type { Knex } from 'knex';
import { utcFromSql, utcToSql } from '../datetime';
import { businessMinutesBetween, type CalendarLike } from '../../sla/calendar';
import type { PolicyBook } from '../../sla/policy/policy-book';
import { median, p90 } from '../../sla/stats/percentile';
import { CLOCK_CORE_COLUMNS, clockCoreFromRow, type ClockCore, type ClockCoreRow } from '../clock-repository';

/** One finished lead window with the lead facts the module keeps, for the per-lead CSV. */
export interface LeadWindowRow extends ClockCore {
  /** The status the window timed. */
  status: number | null;
  country: number | null;
  source: number | null;
  assigned: number | null;
}

interface WindowRow extends ClockCoreRow {
  status: number | null;
  country: number | null;
  source: number | null;
  assigned: number | null;
}

export const LEAD_REPORT_GROUPS = ['market', 'source', 'status', 'owner'] as const;
export type LeadReportGroupBy = (typeof LEAD_REPORT_GROUPS)[number];

/** Figures of one group of finished lead windows; minutes are business minutes to met. */
export interface LeadReportStats {
  finished: number;
  metOnTime: number;
  breached: number;
  compliancePercent: number | null;
  median: number | null;
  p90: number | null;
}

export interface LeadReport {
  /** key: country, source, status or staff id as text; `none` for no value. */
  groups: (LeadReportStats & { key: string })[];
  total: LeadReportStats;
}

interface Row {
  country: number | null;
  source: number | null;
  status: number | null;
  assigned: number | null;
  met_at: string | Date | null;
  breached_at: string | Date | null;
  met_minutes: string | number | null;
  policy_id: number | null;
  started_at: string | Date;
  paused_minutes: string | number;
}

/** No calendar: every minute counts, as the ticket reports count a clock without one. */
const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

const COLUMN: Record<LeadReportGroupBy, keyof Row> = {
  market: 'country',
  source: 'source',
  status: 'status',
  owner: 'assigned',
};

/**
 * Compliance of lead status windows settled in [from, to) (as the ticket reports count
 * clocks), grouped by the lead's market, source or owner, or by the status the window timed.
 * Minutes are the business minutes stored when the window was met (same as ticket reports).
 */
export class LeadReportService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    /** The lead policies (their calendars), for windows stored before met minutes were kept. */
    private readonly policyBook: () => Promise<PolicyBook>,
  ) {}

  async report(range: { from: Date; to: Date }, groupBy: LeadReportGroupBy): Promise<LeadReport> {
    const rows: Row[] = await this.settledLeadClocks(range).select(
      's.country',
      's.source',
      'c.status',
      's.assigned',
      'c.met_at',
      'c.breached_at',
      'c.met_minutes',
      'c.policy_id',
      'c.started_at',
      'c.paused_minutes',
    );
    const book = await this.policyBook();
    const minutesOf = (r: Row): number | null => {
      if (r.met_at === null) return null;
      if (r.met_minutes !== null) return Number(r.met_minutes);
      const calendar = book.clockPolicy(r.policy_id ?? -1)?.calendar ?? ALWAYS_OPEN;
      const met = utcFromSql(r.met_at);
      return Math.max(
        0,
        businessMinutesBetween(calendar, utcFromSql(r.started_at), met) - Number(r.paused_minutes),
      );
    };
    const groups = new Map<string, Counted[]>();
    for (const row of rows) {
      const value = row[COLUMN[groupBy]];
      // The host keeps 0 for "no country / no source / unassigned": one `none` row either way.
      const key = value === null || value === undefined || Number(value) === 0 ? 'none' : String(value);
      groups.set(key, [...(groups.get(key) ?? []), { ...row, minutes: minutesOf(row) }]);
    }
    return {
      groups: [...groups].map(([key, g]) => ({ key, ...stats(g) })),
      total: stats(rows.map((r) => ({ ...r, minutes: minutesOf(r) }))),
    };
  }

  /**
   * Every lead window settled in [from, to), a keyset batch at a time (the same windows the
   * grouped report counts), so an export of a busy year never holds them all in memory.
   */
  async *windows(range: { from: Date; to: Date }, batchSize = 1000): AsyncGenerator<LeadWindowRow[]> {
    let afterId = 0;
    for (;;) {
      const rows: WindowRow[] = await this.settledLeadClocks(range)
        .where('c.id', '>', afterId)
        .orderBy('c.id')
        .limit(batchSize)
        .select(
          ...CLOCK_CORE_COLUMNS.map((column) => `c.${column}`),
          'c.status',
          's.country',
          's.source',
          's.assigned',
        );
      if (rows.length === 0) return;
      const batch = rows.map((r) => ({
        ...clockCoreFromRow(r),
        status: r.status,
        country: r.country,
        source: r.source,
        assigned: r.assigned,
      }));
      yield batch;
      if (rows.length < batchSize) return;
      afterId = batch[batch.length - 1].id;
    }
  }

  /** Lead windows settled in the range on leads that still exist: the report and the CSV read these. */
  private settledLeadClocks(range: { from: Date; to: Date }): Knex.QueryBuilder {
    return this.db({ c: `${this.prefix}sla_vigil_clocks` })
      .join({ s: `${this.prefix}sla_vigil_subjects` }, (j) =>
        j.on('s.subject_type', '=', 'c.subject_type').andOn('s.subject_id', '=', 'c.subject_id'),
      )
      .where('c.subject_type', 'lead')
      .where('s.deleted', 0)
      .where('c.settled_at', '>=', utcToSql(range.from))
      .where('c.settled_at', '<', utcToSql(range.to));
  }
}

type Counted = Row & { minutes: number | null };

function stats(rows: Counted[]): LeadReportStats {
  const breached = rows.filter((r) => r.breached_at !== null).length;
  const metOnTime = rows.filter((r) => r.met_at !== null && r.breached_at === null).length;
  const minutes = rows.flatMap((r) => (r.minutes === null ? [] : [r.minutes]));
  return {
    finished: rows.length,
    metOnTime,
    breached,
    compliancePercent: rows.length === 0 ? null : (100 * metOnTime) / rows.length,
    median: median(minutes),
    p90: p90(minutes),
  };
}
