import type { HostTicket, TicketGateway } from '../host/host-context';
import type { TimelineEventInput, TimelineEventType, TimelineRepository } from '../store/timeline-repository';
import type {
  SubjectRepository,
  SubjectRow,
  SubjectSnapshot,
  SnapshotField,
} from '../store/subject-repository';
import type { CursorRepository } from '../store/cursor-repository';
import { createdEvent } from '../timeline/created-event';

export interface ReconcileResult {
  ticketsRead: number;
  repliesFound: number;
  eventsRecorded: number;
  changedIds: number[];
}

const CHANGE_EVENTS: Record<Exclude<SnapshotField, 'status' | 'mergedInto'>, TimelineEventType> = {
  priority: 'priority_changed',
  department: 'department_changed',
  assigned: 'assignee_changed',
  userid: 'client_changed',
  service: 'service_changed',
};

/** Perfex's `ticket_created` always opens tickets as Open. */
const INITIAL_STATUS = 1;

export function snapshotOf(ticket: HostTicket): SubjectSnapshot {
  return {
    subjectId: ticket.id,
    status: ticket.status,
    priority: ticket.priority,
    department: ticket.department,
    assigned: ticket.assigned,
    userid: ticket.userid,
    service: ticket.service,
    mergedInto: ticket.mergedTicketId,
    deleted: false,
  };
}

/**
 * Finds what the hooks missed, by comparing the host's tables with what the module last saw:
 * tickets inserted without a hook, replies, status / priority / department / assignee / client
 * changes (bulk actions), merges and deletions. Reads the host in keyset batches, so memory
 * stays bounded whatever the number of tickets, and records events with source = reconcile.
 */
export class Reconciler {
  constructor(
    private readonly tickets: TicketGateway,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly cursors: CursorRepository,
    private readonly batchSize = 1000,
  ) {}

  async run(
    now: Date,
    onChanged: (ids: number[]) => Promise<void>,
  ): Promise<Omit<ReconcileResult, 'changedIds'> & { changed: number }> {
    // Replies first: a status change found below is then dated by the reply that caused it.
    const replies = await this.reconcileReplies(now);
    let ticketsRead = 0;
    let eventsRecorded = replies.events;
    let changed = 0;
    let afterId = 0;
    for (;;) {
      const batch = await this.tickets.listTicketsAfter(afterId, this.batchSize);
      const upToId = batch.length === this.batchSize ? batch[batch.length - 1].id : null;
      const known = await this.subjects.inRange(afterId, upToId);
      const events: TimelineEventInput[] = [];
      const snapshots: SubjectSnapshot[] = [];
      const changedIds = new Set<number>();
      for (const ticket of batch) {
        const seen = known.get(ticket.id);
        known.delete(ticket.id);
        const found = this.diff(ticket, seen, replies.latestByTicket.get(ticket.id) ?? null, now);
        if (found.length || !seen || replies.latestByTicket.has(ticket.id)) {
          events.push(...found);
          snapshots.push(snapshotOf(ticket));
          changedIds.add(ticket.id);
        }
      }
      // Snapshots in this id range with no host row: the ticket was deleted without a hook.
      for (const gone of known.values()) {
        if (gone.deleted) continue;
        events.push(event(gone.subjectId, 'deleted', now, { dedupeKey: 'deleted' }));
        snapshots.push({ ...gone, deleted: true });
        changedIds.add(gone.subjectId);
      }
      await this.timeline.recordMany(events, now);
      await this.subjects.upsert(snapshots, now);
      if (changedIds.size) await onChanged([...changedIds]);
      ticketsRead += batch.length;
      eventsRecorded += events.length;
      changed += changedIds.size;
      if (upToId === null) break;
      afterId = upToId;
    }
    return { ticketsRead, repliesFound: replies.found, eventsRecorded, changed };
  }

  /** Replies past the cursor, recorded once (a hook-recorded reply has the same dedupe key). */
  private async reconcileReplies(
    now: Date,
  ): Promise<{ found: number; events: number; latestByTicket: Map<number, Date> }> {
    let cursor = await this.cursors.get('reply_id');
    const latestByTicket = new Map<number, Date>();
    let found = 0;
    for (;;) {
      const replies = await this.tickets.listRepliesAfter(cursor, this.batchSize);
      if (replies.length === 0) break;
      await this.timeline.recordMany(
        replies.map((r) =>
          event(r.ticketId, r.admin === null ? 'client_reply' : 'staff_reply', r.createdAt, {
            actorStaffId: r.admin,
            refId: r.id,
            dedupeKey: `reply:${r.id}`,
          }),
        ),
        now,
      );
      for (const r of replies) {
        const last = latestByTicket.get(r.ticketId);
        if (!last || r.createdAt > last) latestByTicket.set(r.ticketId, r.createdAt);
      }
      found += replies.length;
      cursor = replies[replies.length - 1].id;
      await this.cursors.set('reply_id', cursor);
    }
    return { found, events: found, latestByTicket };
  }

  /** Events that explain the difference between what was seen and what the host has now. */
  private diff(
    ticket: HostTicket,
    seen: SubjectRow | undefined,
    latestReply: Date | null,
    now: Date,
  ): TimelineEventInput[] {
    const events: TimelineEventInput[] = [];
    const from = seen ?? { ...snapshotOf(ticket), status: INITIAL_STATUS, mergedInto: null };
    if (!seen) {
      events.push(createdEvent(ticket, 'reconcile', INITIAL_STATUS));
    }
    for (const [field, type] of Object.entries(CHANGE_EVENTS) as [
      keyof typeof CHANGE_EVENTS,
      TimelineEventType,
    ][]) {
      if (seen && from[field] !== ticket[field === 'userid' ? 'userid' : field]) {
        events.push(
          event(ticket.id, type, now, { fromValue: str(from[field]), toValue: str(ticket[field]) }),
        );
      }
    }
    if (from.status !== ticket.status) {
      // A reply found in this run set the status (Perfex does on every reply); otherwise the
      // change happened since the last scan and now is the best time the host data gives.
      const at = latestReply ?? (ticket.lastReplyAt && !seen ? ticket.lastReplyAt : now);
      events.push(
        event(ticket.id, 'status_changed', at, {
          fromValue: String(from.status),
          toValue: String(ticket.status),
        }),
      );
    }
    if (from.mergedInto === null && ticket.mergedTicketId !== null) {
      events.push(
        event(ticket.id, 'merged', now, { toValue: String(ticket.mergedTicketId), dedupeKey: 'merged' }),
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
