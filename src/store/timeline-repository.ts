import type { Knex } from 'knex';
import { utcFromSql, utcToSql } from './datetime';
import type { SlaEvent, TimelineEventType } from '../sla/clocks/sla-event';
import type { SubjectType } from '../sla/config/subject-types';

export type { TimelineEventType, SubjectType };
export type TimelineSource = 'hook' | 'reconcile' | 'recompute';

export interface TimelineEventInput {
  subjectType: SubjectType;
  subjectId: number;
  eventType: TimelineEventType;
  fromValue?: string | null;
  toValue?: string | null;
  actorStaffId?: number | null;
  refId?: number | null;
  /** Identifies the real-world event, so a hook and a reconcile of it record one row. */
  dedupeKey?: string | null;
  occurredAt: Date;
  source: TimelineSource;
}

export interface TimelineEvent extends Required<TimelineEventInput> {
  id: number;
  recordedAt: Date;
}

/** A timeline row, as the database returns it. */
export interface TimelineRow {
  id: number | string;
  subject_type: string;
  subject_id: number;
  event_type: string;
  from_value: string | null;
  to_value: string | null;
  actor_staff_id: number | null;
  ref_id: number | null;
  dedupe_key: string | null;
  occurred_at: string;
  recorded_at: string;
  source: string;
}

export class TimelineRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_timeline`;
  }

  /** Records an event; returns false when the same dedupe key was already recorded. */
  async record(event: TimelineEventInput, now: Date, trx?: Knex.Transaction): Promise<boolean> {
    const inserted = await (trx ?? this.db)(this.table).insert(this.toRow(event, now)).onConflict().ignore();
    return Array.isArray(inserted) && Number(inserted[0]) > 0;
  }

  private toRow(event: TimelineEventInput, now: Date): Omit<TimelineRow, 'id'> {
    return {
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      event_type: event.eventType,
      from_value: event.fromValue ?? null,
      to_value: event.toValue ?? null,
      actor_staff_id: event.actorStaffId ?? null,
      ref_id: event.refId ?? null,
      dedupe_key: event.dedupeKey ?? null,
      occurred_at: utcToSql(event.occurredAt),
      recorded_at: utcToSql(now),
      source: event.source,
    };
  }

  async forSubject(subjectType: SubjectType, subjectId: number): Promise<TimelineEvent[]> {
    const rows: TimelineRow[] = await this.db(this.table)
      .where({ subject_type: subjectType, subject_id: subjectId })
      .orderBy([{ column: 'occurred_at' }, { column: 'id' }]);
    return rows.map(toEvent);
  }

  /** Events of many subjects in one query, grouped by subject id, each list in order. */
  async forSubjects(
    subjectType: SubjectType,
    subjectIds: readonly number[],
    trx?: Knex.Transaction,
  ): Promise<Map<number, TimelineEvent[]>> {
    const bySubject = new Map<number, TimelineEvent[]>(subjectIds.map((id) => [id, []]));
    if (subjectIds.length === 0) return bySubject;
    const rows: TimelineRow[] = await (trx ?? this.db)(this.table)
      .where('subject_type', subjectType)
      .whereIn('subject_id', subjectIds)
      .orderBy([{ column: 'subject_id' }, { column: 'occurred_at' }, { column: 'id' }]);
    for (const row of rows) bySubject.get(row.subject_id)?.push(toEvent(row));
    return bySubject;
  }

  /** Records many events (reconcile batches); duplicates of already recorded events are skipped. */
  async recordMany(events: readonly TimelineEventInput[], now: Date, trx?: Knex.Transaction): Promise<void> {
    for (let i = 0; i < events.length; i += 500) {
      const rows = events.slice(i, i + 500).map((event) => this.toRow(event, now));
      if (rows.length) await (trx ?? this.db)(this.table).insert(rows).onConflict().ignore();
    }
  }

  /**
   * Moves a subject's `created` event to the host's creation time when they differ: a ticket
   * recorded from a row that held an impossible date (before the host row was corrected) would
   * otherwise keep failing its recompute forever. Returns whether the event moved.
   */
  async redateCreated(subjectType: SubjectType, subjectId: number, occurredAt: Date): Promise<boolean> {
    const at = utcToSql(occurredAt);
    const moved = await this.db(this.table)
      .where({ subject_type: subjectType, subject_id: subjectId, dedupe_key: 'created' })
      .whereNot('occurred_at', at)
      .update({ occurred_at: at });
    return moved > 0;
  }

  /** The latest event time per subject, so a reconciled event is never dated before it. */
  async lastEventTimes(subjectType: SubjectType, subjectIds: readonly number[]): Promise<Map<number, Date>> {
    if (subjectIds.length === 0) return new Map();
    const rows: { subject_id: number; last: string }[] = await this.db(this.table)
      .select('subject_id')
      .max({ last: 'occurred_at' })
      .where('subject_type', subjectType)
      .whereIn('subject_id', subjectIds)
      .groupBy('subject_id');
    return new Map(rows.map((r) => [r.subject_id, utcFromSql(r.last)]));
  }

  /** Which of these dedupe keys these subjects already recorded (looked up through the unique index). */
  async existingDedupeKeys(
    subjectType: SubjectType,
    subjectIds: readonly number[],
    keys: readonly string[],
  ): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: string[] = await this.db(this.table)
      .where('subject_type', subjectType)
      .whereIn('subject_id', [...new Set(subjectIds)])
      .whereIn('dedupe_key', keys)
      .pluck('dedupe_key');
    return new Set(rows);
  }

  /** The status the timeline last saw for a subject (from a status change or the creation snapshot). */
  async lastStatus(
    subjectType: SubjectType,
    subjectId: number,
    trx?: Knex.Transaction,
  ): Promise<number | null> {
    const row: TimelineRow | undefined = await (trx ?? this.db)(this.table)
      .where({ subject_type: subjectType, subject_id: subjectId })
      .whereIn('event_type', ['status_changed', 'created'])
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first();
    return row ? statusOf(row) : null;
  }

  /**
   * `lastStatus` and `latest` of one subject in one statement (a status hook asks both under the
   * subject's lock, and pays a round trip per statement): each part is the same ordered LIMIT 1.
   */
  async lastStatusAndLatest(
    subjectType: SubjectType,
    subjectId: number,
    trx: Knex.Transaction,
  ): Promise<{ lastStatus: number | null; latest: TimelineEvent | null }> {
    const order = 'ORDER BY occurred_at DESC, id DESC LIMIT 1';
    const [rows] = (await trx.raw(
      `(SELECT 'status' AS part, t.* FROM ?? t WHERE subject_type = ? AND subject_id = ?
          AND event_type IN ('status_changed', 'created') ${order})
       UNION ALL
       (SELECT 'latest' AS part, t.* FROM ?? t WHERE subject_type = ? AND subject_id = ? ${order})`,
      [this.table, subjectType, subjectId, this.table, subjectType, subjectId],
    )) as unknown as [(TimelineRow & { part: string })[]];
    const status = rows.find((r) => r.part === 'status');
    const latest = rows.find((r) => r.part === 'latest');
    return { lastStatus: status ? statusOf(status) : null, latest: latest ? toEvent(latest) : null };
  }

  async recent(limit: number): Promise<TimelineEvent[]> {
    const rows: TimelineRow[] = await this.db(this.table).orderBy('id', 'desc').limit(limit);
    return rows.map(toEvent);
  }

  /**
   * How many events each subject has (of one type when given), for the ticket-list column (one
   * query per page) and a lead's reopens.
   */
  async countsFor(
    subjectType: SubjectType,
    subjectIds: readonly number[],
    eventType?: TimelineEventType,
    trx?: Knex.Transaction,
  ): Promise<Map<number, number>> {
    if (subjectIds.length === 0) return new Map();
    const rows: { subject_id: number; n: number | string }[] = await (trx ?? this.db)(this.table)
      .select('subject_id')
      .count({ n: '*' })
      .where('subject_type', subjectType)
      .whereIn('subject_id', subjectIds)
      .modify((q) => {
        if (eventType) void q.where('event_type', eventType);
      })
      .groupBy('subject_id');
    return new Map(rows.map((r) => [r.subject_id, Number(r.n)]));
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db(this.table).count({ n: '*' });
    return Number(n);
  }
}

/** The status a status change or creation event leaves the subject in. */
function statusOf(row: TimelineRow): number | null {
  if (row.to_value === null) return null;
  if (row.event_type === 'status_changed') return Number(row.to_value);
  const snapshot = JSON.parse(row.to_value) as { status?: number };
  return snapshot.status ?? null;
}

/** A timeline row as an event (ids to numbers, UTC strings to dates). */
export function toEvent(row: TimelineRow): TimelineEvent {
  return {
    id: Number(row.id),
    subjectType: row.subject_type as SubjectType,
    subjectId: row.subject_id,
    eventType: row.event_type as TimelineEventType,
    fromValue: row.from_value,
    toValue: row.to_value,
    actorStaffId: row.actor_staff_id,
    refId: row.ref_id,
    dedupeKey: row.dedupe_key,
    occurredAt: utcFromSql(row.occurred_at),
    recordedAt: utcFromSql(row.recorded_at),
    source: row.source as TimelineSource,
  };
}

/** A recorded event as the pure clock computation reads it. */
export function toSlaEvent(e: TimelineEvent): SlaEvent {
  return { type: e.eventType, at: e.occurredAt, from: e.fromValue, to: e.toValue };
}
