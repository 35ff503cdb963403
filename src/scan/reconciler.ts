import type { HostBatch, HostReply, HostTicket, TicketGateway, UnreadableRow } from '../host/host-context';
import type { TimelineEventInput, TimelineEventType, TimelineRepository } from '../store/timeline-repository';
import type { SubjectRepository, SubjectRow, SubjectSnapshot } from '../store/subject-repository';
import type { CursorRepository } from '../store/cursor-repository';
import { createdEvent } from '../subjects/ticket/created-event';
import { snapshotOf } from '../subjects/ticket/ticket-snapshot';
import { SETTING_CHANGES } from '../subjects/ticket/setting-changes';
import { PERFEX_CLOSED_STATUS, PERFEX_INITIAL_STATUS } from '../host/perfex/perfex-statuses';
import type { HostProblemInput, HostProblemRepository } from '../store/host-problem-repository';
import { LatestReplyTimes } from './latest-reply-times';

export interface ReconcileResult {
  ticketsRead: number;
  repliesFound: number;
  eventsRecorded: number;
  changed: number;
}

/** Receives each host row the reconcile had to skip. */
export type ProblemSink = (problem: HostProblemInput) => void;

/** The highest id of a batch, readable rows and unreadable ones alike (they share the id order). */
function lastId<T extends { id: number }>(batch: HostBatch<T>, otherwise: number): number {
  return Math.max(otherwise, ...batch.rows.map((r) => r.id), ...batch.unreadable.map((r) => r.id));
}

const sizeOf = (batch: HostBatch<unknown>): number => batch.rows.length + batch.unreadable.length;

/**
 * How far ahead of the scan a host date may be before it counts as unreadable: a little for a
 * host zone or clock that is off, never a reply dated next year, which would otherwise answer the
 * ticket in the future and date every later event after it.
 */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

/** Moves rows dated too far after `now` to the unreadable ones (skipped, listed, read again). */
function notInFuture<T extends { id: number; createdAt: Date }>(
  batch: HostBatch<T>,
  now: Date,
  what: 'ticket' | 'reply',
  ticketOf: (row: T) => number,
): HostBatch<T> {
  const limit = now.getTime() + FUTURE_TOLERANCE_MS;
  const future = batch.rows.filter((r) => r.createdAt.getTime() > limit);
  if (future.length === 0) return batch;
  return {
    rows: batch.rows.filter((r) => r.createdAt.getTime() <= limit),
    unreadable: [
      ...batch.unreadable,
      ...future.map((r) => ({
        id: r.id,
        subjectId: ticketOf(r),
        reason: `${what} date ${r.createdAt.toISOString()} is after the scan's time ${now.toISOString()}`,
      })),
    ],
  };
}

/** How many reply ids below the cursor each scan reads again (see reconcileReplies). */
const REPLY_REREAD_WINDOW = 200;

function differs(ticket: HostTicket, seen: SubjectRow): boolean {
  return (
    seen.deleted ||
    seen.status !== ticket.status ||
    seen.mergedInto !== ticket.mergedTicketId ||
    SETTING_CHANGES.some(({ field }) => seen[field] !== ticket[field])
  );
}

const later = (a: Date, b: Date | undefined): Date => (b && b.getTime() > a.getTime() ? b : a);

/**
 * Finds what the hooks missed, by comparing the host's tables with what the module last saw:
 * tickets inserted without a hook, replies, status / priority / department / assignee / client
 * changes (bulk actions), merges and deletions. Reads the host in keyset batches, so memory
 * stays bounded whatever the number of tickets, and records events with source = reconcile.
 *
 * Hooks keep running meanwhile, so the reconcile never trusts one read: a changed ticket is
 * read again after its snapshot (a hook writes the host before the snapshot, so the second
 * read is never older than the snapshot), a deletion is confirmed by asking the host, and no
 * event is dated before the last one the timeline already has.
 */
export class Reconciler {
  constructor(
    private readonly tickets: TicketGateway,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly cursors: CursorRepository,
    private readonly batchSize = 1000,
    private readonly problems?: HostProblemRepository,
  ) {}

  /**
   * A host row that cannot be read (a zero or absurd date) is skipped and handed to `onProblem`;
   * every other row is reconciled as usual, and the skipped one is read again by the next scan.
   */
  async run(
    now: Date,
    onChanged: (ids: number[]) => Promise<void>,
    onProblem: ProblemSink = () => undefined,
  ): Promise<ReconcileResult> {
    const skip = (kind: 'ticket' | 'reply') => (row: UnreadableRow) =>
      onProblem({ kind, rowId: row.id, ticketId: row.subjectId, reason: row.reason });
    // Replies first: a status change found below is then dated by the reply that caused it.
    const replies = await this.reconcileReplies(now, skip('reply'));
    const result: ReconcileResult = {
      ticketsRead: 0,
      repliesFound: replies.found,
      eventsRecorded: replies.found,
      changed: 0,
    };
    let afterId = 0;
    for (;;) {
      const read = notInFuture(
        await this.tickets.listTicketsAfter(afterId, this.batchSize),
        now,
        'ticket',
        (t) => t.id,
      );
      read.unreadable.forEach(skip('ticket'));
      const batch = read.rows;
      const isLast = sizeOf(read) < this.batchSize;
      const upToId = lastId(read, afterId);
      // The last range is open-ended: snapshots past the last ticket read are deletion candidates.
      const known = await this.subjects.inRange(afterId, isLast ? null : upToId);
      const candidates = batch.filter((t) => {
        const seen = known.get(t.id);
        return !seen || differs(t, seen) || replies.latestByTicket.has(t.id);
      });
      const fresh = await this.tickets.getTickets(candidates.map((t) => t.id));
      const lastEvents = await this.timeline.lastEventTimes(
        'ticket',
        fresh.map((t) => t.id),
      );
      const events: TimelineEventInput[] = [];
      const snapshots: SubjectSnapshot[] = [];
      for (const ticket of fresh) {
        const seen = known.get(ticket.id);
        events.push(
          ...this.diff(ticket, seen, replies.latestByTicket.get(ticket.id), lastEvents.get(ticket.id), now),
        );
        snapshots.push(snapshotOf(ticket));
      }
      // An unreadable row is still there: its snapshot must not be taken for a deletion.
      const readIds = new Set([...batch, ...read.unreadable].map((t) => t.id));
      const candidateIds = new Set(candidates.map((t) => t.id));
      const freshIds = new Set(fresh.map((t) => t.id));
      const missing = [...known.values()].filter(
        // Not in the read, or a changed ticket that vanished between the two reads.
        (s) =>
          !s.deleted &&
          (!readIds.has(s.subjectId) || (candidateIds.has(s.subjectId) && !freshIds.has(s.subjectId))),
      );
      for (const gone of await this.confirmGone(missing)) {
        events.push(event(gone.subjectId, 'deleted', now, { dedupeKey: 'deleted' }));
        snapshots.push({ ...gone, deleted: true });
      }
      await this.timeline.recordMany(events, now);
      await this.subjects.upsert(snapshots, now);
      if (snapshots.length) await onChanged(snapshots.map((s) => s.subjectId));
      result.ticketsRead += sizeOf(read);
      result.eventsRecorded += events.length;
      result.changed += snapshots.length;
      if (isLast) return result;
      afterId = upToId;
    }
  }

  /**
   * For tickets whose clocks could not be computed: dates their `created` event by the host row
   * again, so a row corrected in the host (a typo'd year, say) recovers on the next recompute.
   */
  async repairCreated(ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    // The same rule as the reconcile: a creation dated far after the scan is no repair.
    const { rows } = notInFuture(
      { rows: await this.tickets.getTickets(ids), unreadable: [] },
      now,
      'ticket',
      (t) => t.id,
    );
    for (const ticket of rows) await this.timeline.redateCreated('ticket', ticket.id, ticket.createdAt);
  }

  /** Of the snapshots whose ticket did not come back from a read, those the host really no longer has. */
  private async confirmGone(missing: SubjectRow[]): Promise<SubjectRow[]> {
    if (missing.length === 0) return [];
    // By id alone: a row that became unreadable between the reads is still not a deletion.
    const present = await this.tickets.existingTicketIds(missing.map((s) => s.subjectId));
    return missing.filter((s) => !present.has(s.subjectId));
  }

  /**
   * Replies past the cursor, recorded once (a hook-recorded reply has the same dedupe key), and
   * the replies earlier scans could not read, read again by id. Returns, per ticket, the latest
   * reply only this reconcile found: the hook path already dated what followed the replies it saw.
   */
  private async reconcileReplies(
    now: Date,
    skip: (row: UnreadableRow) => void,
  ): Promise<{ found: number; latestByTicket: LatestReplyTimes }> {
    // Held for the whole ticket walk, one entry per replied ticket: compact, not a Map of Dates.
    const latestByTicket = new LatestReplyTimes();
    let found = 0;
    const take = async (batch: HostBatch<HostReply>): Promise<void> => {
      const read = notInFuture(batch, now, 'reply', (r) => r.ticketId);
      // One lookup for the batch: recorded replies are not recorded again, and a reply its hook
      // already recorded (dated when the hook fired) is no gap, whatever its row says.
      const all = [...read.rows, ...read.unreadable];
      const recorded = await this.timeline.existingDedupeKeys(
        'ticket',
        all.map((r) => ('subjectId' in r ? r.subjectId : r.ticketId)),
        all.map((r) => `reply:${r.id}`),
      );
      read.unreadable.filter((r) => !recorded.has(`reply:${r.id}`)).forEach(skip);
      const missed = await this.recordMissedReplies(
        read.rows.filter((r) => !recorded.has(`reply:${r.id}`)),
        now,
      );
      for (const r of missed) latestByTicket.add(r.ticketId, r.createdAt);
      found += missed.length;
    };
    const retry = (await this.problems?.rowIds('reply')) ?? [];
    for (let i = 0; i < retry.length; i += this.batchSize) {
      await take(await this.tickets.getReplies(retry.slice(i, i + this.batchSize)));
    }
    // Re-read a window below the cursor: a reply whose insert committed after one with a higher
    // id (concurrent transactions) would otherwise be skipped for good. Recorded ones are filtered.
    const saved = await this.cursors.get('reply_id');
    let cursor = Math.max(0, saved - REPLY_REREAD_WINDOW);
    for (;;) {
      const read = await this.tickets.listRepliesAfter(cursor, this.batchSize);
      if (sizeOf(read) === 0) break;
      await take(read);
      cursor = lastId(read, cursor);
      if (cursor > saved) await this.cursors.set('reply_id', cursor);
    }
    return { found, latestByTicket };
  }

  /**
   * Records replies the timeline does not have yet (recorded ones are filtered by the caller),
   * except the copies a merge made of the merged tickets' messages and replies: same instants,
   * no hook, and no answer to the ticket they were copied onto.
   */
  private async recordMissedReplies(found: HostReply[], now: Date): Promise<HostReply[]> {
    const copies = await this.tickets.mergedContentTimes([...new Set(found.map((r) => r.ticketId))]);
    const missed = found.filter((r) => !copies.get(r.ticketId)?.has(r.createdAt.getTime()));
    await this.timeline.recordMany(
      missed.map((r) =>
        event(r.ticketId, r.admin === null ? 'client_reply' : 'staff_reply', r.createdAt, {
          actorStaffId: r.admin,
          refId: r.id,
          dedupeKey: `reply:${r.id}`,
        }),
      ),
      now,
    );
    return missed;
  }

  /** Events that explain the difference between what was seen and what the host has now. */
  private diff(
    ticket: HostTicket,
    seen: SubjectRow | undefined,
    missedReplyAt: Date | undefined,
    lastEventAt: Date | undefined,
    now: Date,
  ): TimelineEventInput[] {
    const events: TimelineEventInput[] = [];
    // Never before what the timeline already holds, so events keep their real order.
    const at = (candidate: Date): Date => later(candidate, lastEventAt);
    if (!seen) events.push(createdEvent(ticket, 'reconcile', PERFEX_INITIAL_STATUS));
    if (seen) {
      for (const { field, event: type } of SETTING_CHANGES) {
        if (seen[field] !== ticket[field]) {
          events.push(
            event(ticket.id, type, at(now), { fromValue: str(seen[field]), toValue: str(ticket[field]) }),
          );
        }
      }
    }
    const newlyMerged = (seen?.mergedInto ?? null) === null && ticket.mergedTicketId !== null;
    if (newlyMerged) {
      // Merging closes the ticket; it is a merge, not a resolution, so no status event for it.
      events.push(
        event(ticket.id, 'merged', at(now), { toValue: String(ticket.mergedTicketId), dedupeKey: 'merged' }),
      );
    }
    const from = seen && !seen.deleted ? seen.status : PERFEX_INITIAL_STATUS;
    if (from !== ticket.status && !(newlyMerged && ticket.status === PERFEX_CLOSED_STATUS)) {
      // A reply only this scan found set the status (Perfex does on every reply). A ticket seen
      // for the first time changed status by its last reply at the latest (or when opened).
      // Otherwise it changed since the last scan, and now is the best time the host gives.
      const when = missedReplyAt ?? (seen ? now : (ticket.lastReplyAt ?? ticket.createdAt));
      events.push(
        event(ticket.id, 'status_changed', at(when), {
          fromValue: String(from),
          toValue: String(ticket.status),
        }),
      );
    }
    return events;
  }
}

function str(value: number | null): string | null {
  return value === null ? null : String(value);
}

function event(
  subjectId: number,
  eventType: TimelineEventType,
  occurredAt: Date,
  extra: Partial<TimelineEventInput> = {},
): TimelineEventInput {
  return { subjectType: 'ticket', subjectId, eventType, occurredAt, source: 'reconcile', ...extra };
}
