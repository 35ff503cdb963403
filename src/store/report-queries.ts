import type { Knex } from 'knex';
import type { Metric } from '../sla/config';
import { utcFromSql, utcToSql } from './datetime';

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
  metric?: Metric;
}

/** A clock whose outcome was settled in the range, with the ticket facts the module keeps. */
export interface FinishedClock {
  id: number;
  subjectId: number;
  metric: Metric;
  cycle: number;
  policyId: number | null;
  startedAt: Date;
  dueAt: Date;
  metAt: Date | null;
  breachedAt: Date | null;
  pausedMinutes: number;
  state: string;
  department: number | null;
  assigned: number | null;
}

interface Row {
  id: number | string;
  subject_id: number;
  metric: string;
  cycle: number;
  policy_id: number | null;
  started_at: string;
  due_at: string;
  met_at: string | null;
  breached_at: string | null;
  paused_minutes: string | number;
  state: string;
  department: number | null;
  assigned: number | null;
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
    const clocks = `${this.prefix}sla_vigil_clocks`;
    const subjects = `${this.prefix}sla_vigil_subjects`;
    const query = this.db({ c: clocks })
      .join({ s: subjects }, (j) =>
        j.on('s.subject_type', '=', 'c.subject_type').andOn('s.subject_id', '=', 'c.subject_id'),
      )
      .whereRaw(COUNTED_SUBJECT)
      .where('c.subject_type', 'ticket')
      .where('c.id', '>', afterId)
      .where('c.settled_at', '>=', utcToSql(range.from))
      .where('c.settled_at', '<', utcToSql(range.to))
      .orderBy('c.id')
      .limit(limit)
      .select(
        'c.id',
        'c.subject_id',
        'c.metric',
        'c.cycle',
        'c.policy_id',
        'c.started_at',
        'c.due_at',
        'c.met_at',
        'c.breached_at',
        'c.paused_minutes',
        'c.state',
        's.department',
        's.assigned',
      );
    if (range.metric) query.where('c.metric', range.metric);
    const rows: Row[] = await query;
    return rows.map((r) => ({
      id: Number(r.id),
      subjectId: r.subject_id,
      metric: r.metric as Metric,
      cycle: r.cycle,
      policyId: r.policy_id,
      startedAt: utcFromSql(r.started_at),
      dueAt: utcFromSql(r.due_at),
      metAt: r.met_at ? utcFromSql(r.met_at) : null,
      breachedAt: r.breached_at ? utcFromSql(r.breached_at) : null,
      pausedMinutes: Number(r.paused_minutes),
      state: r.state,
      department: r.department,
      assigned: r.assigned,
    }));
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
