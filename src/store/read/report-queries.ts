import type { Knex } from 'knex';
import type { ClockMetric, ClockScope } from '../../sla/config';
import { utcToSql } from '../datetime';
import { CLOCK_CORE_COLUMNS, clockCoreFromRow, type ClockCore, type ClockCoreRow } from '../clock-repository';

/**
 * The tickets whose settled clocks count in compliance figures: the reports, the dashboard's
 * on-time % and its trend all join subjects (`s`) on this, so they agree for the same days.
 * Deleted tickets drop out: they are gone from the helpdesk and their links lead nowhere.
 * Merged tickets still count: each target was a real promise to a customer, met or missed
 * before the merge. The merge settles nothing itself: it ends the open cycles unmet, and only
 * those already breached count (as breached).
 */
export const COUNTED_SUBJECT = 's.deleted = 0';

/** Which finished clocks a report reads: settled in [from, to), optionally one metric. */
export interface ClockRange {
  from: Date;
  to: Date;
  metric?: ClockMetric;
  /**
   * Whose promise: the customer's SLA (the default, what every report counted before OLAs) or the
   * teams' internal targets. Never both at once: the two are reported side by side, not summed.
   */
  scope?: ClockScope;
  /** Only tickets of these departments (the viewer's access scope); an empty list matches nothing. */
  departments?: readonly number[];
}

/** A clock whose outcome was settled in the range, with the ticket facts the module keeps. */
export interface FinishedClock extends ClockCore {
  scope: ClockScope;
  department: number | null;
  assigned: number | null;
  /** Business minutes to met as stored when it was met; null for rows stored before they were kept. */
  metMinutes: number | null;
}

/** One finished clock's row for the report figures, as the driver returns it. */
export interface OutcomeRow {
  id: number | string;
  subject_id: number;
  metric: string;
  cycle: number;
  policy_id: number | null;
  started_at: string | Date;
  met_at: string | Date | null;
  breached_at: string | Date | null;
  paused_minutes: string | number;
  met_minutes: string | number | null;
  department: number | null;
  assigned: number | null;
}

interface Row extends ClockCoreRow {
  scope: string;
  department: number | null;
  assigned: number | null;
  met_minutes: string | number | null;
}

/**
 * Read-only queries behind the reports. A clock's outcome is settled when it is breached
 * (its due time passed unmet) or else when it was met; that instant decides which range it
 * counts in, so a late answer in February does not move a January breach into February.
 */
export class ReportQueries {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  /** Finished clocks in the range, ordered by id, `limit` at a time after `afterId` (keyset paging). */
  async finishedClocks(range: ClockRange, afterId: number, limit: number): Promise<FinishedClock[]> {
    const rows: Row[] = await this.inRange(range, afterId, limit).select(
      ...CLOCK_CORE_COLUMNS.map((column) => `c.${column}`),
      'c.met_minutes',
      'c.scope',
      's.department',
      's.assigned',
    );
    return rows.map((r) => ({
      ...clockCoreFromRow(r),
      scope: r.scope === 'internal' ? 'internal' : 'customer',
      department: r.department,
      assigned: r.assigned,
      metMinutes: r.met_minutes === null ? null : Number(r.met_minutes),
    }));
  }

  /**
   * What the report's figures need of each finished clock in the range, as the driver returns it
   * (no dates built, no objects copied: the report reads tens of thousands of these per page).
   */
  async *eachOutcomeBatch(range: ClockRange, batchSize = 5000): AsyncGenerator<OutcomeRow[]> {
    let afterId = 0;
    for (;;) {
      const batch: OutcomeRow[] = await this.inRange(range, afterId, batchSize).select(
        'c.id',
        'c.subject_id',
        'c.metric',
        'c.cycle',
        'c.policy_id',
        'c.started_at',
        'c.met_at',
        'c.breached_at',
        'c.paused_minutes',
        'c.met_minutes',
        's.department',
        's.assigned',
      );
      if (batch.length === 0) return;
      yield batch;
      if (batch.length < batchSize) return;
      afterId = Number(batch[batch.length - 1].id);
    }
  }

  /** The finished clocks of the range after `afterId`, by id, at most `limit` (no columns chosen yet). */
  private inRange(range: ClockRange, afterId: number, limit: number): Knex.QueryBuilder {
    const clocks = `${this.prefix}sla_vigil_clocks`;
    const subjects = `${this.prefix}sla_vigil_subjects`;
    const query = this.db({ c: clocks })
      .join({ s: subjects }, (j) =>
        j.on('s.subject_type', '=', 'c.subject_type').andOn('s.subject_id', '=', 'c.subject_id'),
      )
      .whereRaw(COUNTED_SUBJECT)
      .where('c.subject_type', 'ticket')
      .where('c.scope', range.scope ?? 'customer')
      .where('c.id', '>', afterId)
      .where('c.settled_at', '>=', utcToSql(range.from))
      .where('c.settled_at', '<', utcToSql(range.to))
      .orderBy('c.id')
      .limit(limit);
    if (range.metric) query.where('c.metric', range.metric);
    if (range.departments) query.whereIn('s.department', [...range.departments]);
    return query;
  }

  /** Every finished clock in the range, a batch at a time. */
  async *eachFinishedClockBatch(range: ClockRange, batchSize = 1000): AsyncGenerator<FinishedClock[]> {
    let afterId = 0;
    for (;;) {
      const batch = await this.finishedClocks(range, afterId, batchSize);
      if (batch.length === 0) return;
      yield batch;
      if (batch.length < batchSize) return;
      afterId = batch[batch.length - 1].id;
    }
  }
}
