import type { Logger } from 'pino';
import type { Clock, HostEvents, TicketGateway } from '../host/host-context';
import type { TimelineRepository } from '../store/timeline-repository';
import type { SlaTracker } from './sla-tracker';
import { createdEvent } from '../subjects/ticket/created-event';
import type { SubjectSnapshot } from '../store/subject-repository';
import { SETTING_CHANGES, settingValue, type SettingField } from '../subjects/ticket/setting-changes';

/** How soon after a reply hook a status hook counts as set by that reply. */
const REPLY_STATUS_WINDOW_MS = 5000;

/**
 * Turns host ticket events into timeline rows. The hooks are thin wrappers around these methods;
 * the reconcile scan records what the hooks missed through the same repository.
 */
export class TicketEventRecorder {
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly tickets: TicketGateway,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly tracker: SlaTracker,
  ) {}

  async ticketCreated(ticketId: number): Promise<void> {
    const ticket = await this.tickets.getTicket(ticketId);
    // A row the module cannot read (a zero date, say) is left to the scan, which lists it.
    if (!ticket) throw new Error('ticket not found, or unreadable, in host tables');
    // The hook fires right after the insert, so the row still shows the opening status.
    await this.timeline.record(createdEvent(ticket, 'hook', ticket.status), this.clock.now());
    await this.tracker.created(ticket);
  }

  async replyAdded(payload: HostEvents['after_ticket_reply_added']): Promise<void> {
    const reply = await this.tickets.getReply(payload.replyid);
    const admin = payload.admin ?? reply?.admin ?? null;
    const occurredAt = reply?.createdAt ?? this.occurredNow();
    await this.timeline.record(
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
      this.clock.now(),
    );
    await this.tracker.changed(payload.id, await this.assigneeTakenWithReply(payload.id, admin, occurredAt));
  }

  /**
   * Perfex's "assign to me" on a staff reply, and its option to assign a ticket to the first
   * staff member who responds, change `assigned` with only the reply hook firing (PERFEX.md):
   * the host row is read after every reply, and a new assignee is recorded at the reply's time.
   */
  private async assigneeTakenWithReply(
    ticketId: number,
    admin: number | null,
    occurredAt: Date,
  ): Promise<{ assigned?: number }> {
    const [ticket, seen] = await Promise.all([this.tickets.getTicket(ticketId), this.tracker.seen(ticketId)]);
    // Unknown or unreadable: the scan records the ticket (and its assignee) as a whole.
    if (!ticket || !seen || seen.deleted || seen.assigned === ticket.assigned) return {};
    await this.timeline.record(
      {
        subjectType: 'ticket',
        subjectId: ticketId,
        eventType: 'assignee_changed',
        actorStaffId: admin,
        fromValue: String(seen.assigned),
        toValue: String(ticket.assigned),
        occurredAt,
        source: 'hook',
      },
      this.clock.now(),
    );
    return { assigned: ticket.assigned };
  }

  async statusChanged(payload: HostEvents['after_ticket_status_changed']): Promise<void> {
    // Perfex's hook does not say the old status; the timeline knows the last one it saw.
    const fromStatus = await this.timeline.lastStatus('ticket', payload.id);
    await this.timeline.record(
      {
        subjectType: 'ticket',
        subjectId: payload.id,
        eventType: 'status_changed',
        fromValue: fromStatus === null ? null : String(fromStatus),
        toValue: String(payload.status),
        occurredAt: await this.statusChangeTime(payload.id),
        source: 'hook',
      },
      this.clock.now(),
    );
    await this.tracker.changed(payload.id, { status: payload.status });
  }

  async settingsUpdated(payload: HostEvents['ticket_settings_updated']): Promise<void> {
    const now = this.occurredNow();
    const patch: Partial<Pick<SubjectSnapshot, SettingField>> = {};
    for (const { field, event } of SETTING_CHANGES) {
      if (!(field in payload.data)) continue;
      const before = settingValue(field, payload.original_ticket[field]);
      const after = settingValue(field, payload.data[field]);
      if (String(before ?? '') === String(after ?? '')) continue;
      Object.assign(patch, { [field]: after ?? null });
      await this.timeline.record(
        {
          subjectType: 'ticket',
          subjectId: payload.ticket_id,
          eventType: event,
          fromValue: before === null || before === undefined ? null : String(before),
          toValue: after === null || after === undefined ? null : String(after),
          occurredAt: now,
          source: 'hook',
        },
        now,
      );
    }
    await this.tracker.changed(payload.ticket_id, patch);
  }

  async ticketDeleted(ticketId: number): Promise<void> {
    await this.timeline.record(
      {
        subjectType: 'ticket',
        subjectId: ticketId,
        eventType: 'deleted',
        dedupeKey: 'deleted',
        occurredAt: this.occurredNow(),
        source: 'hook',
      },
      this.clock.now(),
    );
    await this.tracker.changed(ticketId, { deleted: true });
  }

  /**
   * Perfex fires the status hook right after the reply hook when a reply sets the status: the
   * change then belongs to the reply's time (which differs from now only for replies a script
   * back-dated, as the devhost API allows).
   */
  private async statusChangeTime(ticketId: number): Promise<Date> {
    const latest = await this.timeline.latest('ticket', ticketId);
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
