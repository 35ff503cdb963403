import type { Logger } from 'pino';
import type { Clock, HostEvents, HostTicket, TicketGateway } from '../host/host-context';
import type { TimelineEvent, TimelineEventInput, TimelineRepository } from '../store/timeline-repository';
import type { PatchFields, SubjectRow } from '../store/subject-repository';
import type { SubjectHookWriter } from './subject-hook-writer';
import { createdEvent } from '../subjects/ticket/created-event';
import { snapshotOf } from '../subjects/ticket/ticket-snapshot';
import { SETTING_CHANGES, settingValue } from '../subjects/ticket/setting-changes';

/** How soon after a reply hook a status hook counts as set by that reply. */
const REPLY_STATUS_WINDOW_MS = 5000;

/**
 * Turns host ticket events into timeline rows, the ticket's snapshot and its clocks, each hook in
 * one transaction (see SubjectHookWriter). The hooks are thin wrappers around these methods; the
 * reconcile scan records what the hooks missed through the same repositories. Host rows are read
 * before the transaction; what the module saw and recorded is read under the subject's lock.
 */
export class TicketEventRecorder {
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly tickets: TicketGateway,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly writer: SubjectHookWriter,
  ) {}

  async ticketCreated(ticketId: number): Promise<void> {
    const ticket = await this.tickets.getTicket(ticketId);
    // A row the module cannot read (a zero date, say) is left to the scan, which lists it.
    if (!ticket) throw new Error('ticket not found, or unreadable, in host tables');
    // The hook fires right after the insert, so the row still shows the opening status.
    await this.writer.created(snapshotOf(ticket), [createdEvent(ticket, 'hook', ticket.status)]);
  }

  async replyAdded(payload: HostEvents['after_ticket_reply_added']): Promise<void> {
    // The ticket is read here for its assignee, once, with the reply.
    // The policy book's version beside them: one round trip for the three reads.
    const [reply, ticket, book] = await Promise.all([
      this.tickets.getReply(payload.replyid),
      this.tickets.getTicket(payload.id),
      this.writer.policyBook(),
    ]);
    const admin = payload.admin ?? reply?.admin ?? null;
    const occurredAt = reply?.createdAt ?? this.occurredNow();
    await this.writer.changed(
      payload.id,
      (seen) => {
        const events: TimelineEventInput[] = [
          {
            subjectType: 'ticket',
            subjectId: payload.id,
            eventType: admin === null ? 'client_reply' : 'staff_reply',
            actorStaffId: admin,
            refId: payload.replyid,
            dedupeKey: `reply:${payload.replyid}`,
            occurredAt,
            source: 'hook',
          },
        ];
        const taken = ticket && assigneeTakenWithReply(ticket, seen, admin, occurredAt);
        if (!taken) return { events };
        return { events: [...events, taken], patch: { assigned: ticket.assigned } };
      },
      book,
    );
  }

  async statusChanged(payload: HostEvents['after_ticket_status_changed']): Promise<void> {
    await this.writer.changed(payload.id, async (_seen, trx) => {
      // Perfex's hook does not say the old status; the timeline knows the last one it saw (read
      // under the ticket's lock, so a status hook running at the same time has finished).
      // Both reads in one statement: the status hook pays a round trip for each.
      const { lastStatus: fromStatus, latest } = await this.timeline.lastStatusAndLatest(
        'ticket',
        payload.id,
        trx,
      );
      const event: TimelineEventInput = {
        subjectType: 'ticket',
        subjectId: payload.id,
        eventType: 'status_changed',
        fromValue: fromStatus === null ? null : String(fromStatus),
        toValue: String(payload.status),
        occurredAt: this.statusChangeTime(latest),
        source: 'hook',
      };
      return { events: [event], patch: { status: payload.status } };
    });
  }

  async settingsUpdated(payload: HostEvents['ticket_settings_updated']): Promise<void> {
    const now = this.occurredNow();
    const patch: PatchFields = {};
    const events: TimelineEventInput[] = [];
    for (const { field, event } of SETTING_CHANGES) {
      if (!(field in payload.data)) continue;
      const before = settingValue(field, payload.original_ticket[field]);
      const after = settingValue(field, payload.data[field]);
      if (String(before ?? '') === String(after ?? '')) continue;
      Object.assign(patch, { [field]: after ?? null });
      events.push({
        subjectType: 'ticket',
        subjectId: payload.ticket_id,
        eventType: event,
        fromValue: before === null || before === undefined ? null : String(before),
        toValue: after === null || after === undefined ? null : String(after),
        occurredAt: now,
        source: 'hook',
      });
    }
    await this.writer.changed(payload.ticket_id, () => ({ events, patch }));
  }

  async ticketDeleted(ticketId: number): Promise<void> {
    const event: TimelineEventInput = {
      subjectType: 'ticket',
      subjectId: ticketId,
      eventType: 'deleted',
      dedupeKey: 'deleted',
      occurredAt: this.occurredNow(),
      source: 'hook',
    };
    await this.writer.changed(ticketId, () => ({ events: [event], patch: { deleted: true } }));
  }

  /**
   * Perfex fires the status hook right after the reply hook when a reply sets the status: the
   * change then belongs to the reply's time (which differs from now only for replies a script
   * back-dated, as the devhost API allows).
   */
  private statusChangeTime(latest: TimelineEvent | null): Date {
    const justRecorded =
      latest && this.clock.now().getTime() - latest.recordedAt.getTime() < REPLY_STATUS_WINDOW_MS;
    if (
      latest &&
      justRecorded &&
      (latest.eventType === 'staff_reply' || latest.eventType === 'client_reply')
    ) {
      return latest.occurredAt;
    }
    return this.occurredNow();
  }

  /**
   * When a hook-reported change happened. Host datetimes have whole seconds, so ours do too:
   * events within one second then keep the order they were recorded in.
   */
  private occurredNow(): Date {
    return new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
  }

  /** Hooks call this so a failing handler never throws into the host; reconcile repairs the gap. */
  async guarded(event: string, ticketId: number | null, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.error(
        { err, event, ticketId },
        `sla_vigil: ${event} handler failed for ticket ${ticketId}`,
      );
    }
  }
}

/**
 * Perfex's "assign to me" on a staff reply, and its option to assign a ticket to the first staff
 * member who responds, change `assigned` with only the reply hook firing (PERFEX.md): the host row
 * is read with every reply, and a new assignee is recorded at the reply's time.
 */
function assigneeTakenWithReply(
  ticket: HostTicket,
  seen: SubjectRow | undefined,
  admin: number | null,
  occurredAt: Date,
): TimelineEventInput | null {
  // Unknown or unreadable: the scan records the ticket (and its assignee) as a whole.
  if (!seen || seen.deleted || seen.assigned === ticket.assigned) return null;
  return {
    subjectType: 'ticket',
    subjectId: ticket.id,
    eventType: 'assignee_changed',
    actorStaffId: admin,
    fromValue: String(seen.assigned),
    toValue: String(ticket.assigned),
    occurredAt,
    source: 'hook',
  };
}
