import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { i18n } from 'i18next';
import type {
  EmailTemplateSource,
  HostStaff,
  HostTicket,
  MailSettings,
  TicketGateway,
} from '../host/host-context';
import type { StoredClock } from '../store/clock-repository';
import type { EscalationRepository } from '../store/escalation-repository';
import type { AuditLog } from '../store/audit-log';
import type { OutboxRepository } from '../notify/outbox-repository';
import { renderEscalationEmail } from '../notify/escalation-email';
import type { LadderLevel } from '../sla/escalation/ladder';
import { levelConditionHolds } from '../sla/escalation/level-condition';
import { levelDetails, recordLevelOnce } from './escalation-level-record';
import type { BookPolicy, PolicyBook } from '../sla/policy/policy-book';
import { adminRelative, perfexTicketPath } from '../host/perfex/perfex-urls';
import type { HostInstruction } from './host-action-instruction';
import { performClaimedActions } from './host-action-runner';
import { HostActionOutcomes } from './host-action-outcomes';
import { levelEmailFields, noticeZone, writeNotice, type NoticeChannels } from './escalation-notice';
import { onCallRecipients, type OnCallDetails } from './on-call-recipients';
import { queueWebhookLevel } from './webhook-level';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';

/** One level whose moment came for one clock, found by the scan. */
export interface DueLevel {
  clock: StoredClock;
  policy: BookPolicy;
  level: LadderLevel;
  fireAt: Date;
}

/** What one scan batch knows about the host, read once and shared by its escalations. */
interface HostView {
  tickets: Map<number, HostTicket>;
  staff: Map<number, HostStaff>;
  departments: Map<number, string>;
  clients: Map<number, string>;
  /** Priority ids in ascending order, for "raise priority". */
  priorities: number[];
  /** Status names, read only when a status_time clock is due (its email names the status). */
  statuses: Map<number, string>;
}

/** Fires the levels the scan found due, inside the scan's transaction (one per subject kind). */
export interface LevelFirer {
  /** Returns how many fired now (not counting ones fired before). */
  fireDue(due: readonly DueLevel[], book: PolicyBook, now: Date, trx: Knex.Transaction): Promise<number>;
}

const NOTIFY = new Set(['notify_assignee', 'notify_staff', 'notify_department', 'notify_on_call']);

/**
 * Who a "notify the assignee" level reached instead of the assignee, recorded in the escalation's
 * details: the ticket's department members or the named staff member of the settings.
 */
type Fallback =
  | { type: 'department'; departmentId: number; reason: FallbackReason }
  | { type: 'staff'; staffId: number; reason: FallbackReason };
type FallbackReason = 'unassigned' | 'assignee_unreachable';

interface Recipients {
  staff: HostStaff[];
  fallback?: Fallback;
  onCall?: OnCallDetails;
}

/**
 * Fires escalation levels exactly once (the escalation table's unique key) and writes their
 * emails to the outbox in the caller's transaction, so a crash loses or doubles nothing.
 * Host writes (reassign, raise priority) are recorded as pending in the transaction and
 * performed after it commits: the host fires its own hooks for them, and those hooks must
 * not wait on the locks this transaction holds.
 */
export class EscalationService implements LevelFirer {
  constructor(
    private readonly tickets: TicketGateway,
    private readonly mail: MailSettings,
    private readonly escalations: EscalationRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditLog,
    private readonly translator: i18n,
    private readonly logger: Logger,
    private readonly outcomes: HostActionOutcomes = new HostActionOutcomes(escalations, audit),
    /** The host's zone, for the times of a policy without a calendar. */
    private readonly hostZone = 'UTC',
    /** Channels besides email (the host's bell when it has one). */
    private readonly channels: NoticeChannels = { inApp: false },
    /** Templates the host's admin edited (Perfex); the module's own ones without. */
    private readonly templates?: EmailTemplateSource,
    /** Where `webhook` levels queue their posts (the outbox's webhook channel). */
    private readonly webhookQueue?: WebhookQueue,
  ) {}

  async fireDue(
    due: readonly DueLevel[],
    book: PolicyBook,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<number> {
    return this.fire(due, book, await this.hostView(due), now, trx);
  }

  /** Reads what the emails of these levels need from the host, once per batch. */
  async hostView(due: readonly DueLevel[]): Promise<HostView> {
    const ids = [...new Set(due.map((d) => d.clock.subjectId))];
    const [tickets, staff, departments, priorities] = await Promise.all([
      this.tickets.getTickets(ids),
      this.tickets.listStaff(),
      this.tickets.listDepartments(),
      this.tickets.listPriorities(),
    ]);
    const clients = await this.tickets.clientNames(tickets.map((t) => t.userid));
    const statuses = due.some((d) => d.clock.metric === 'status_time')
      ? new Map((await this.tickets.listStatuses()).map((s) => [s.id, s.name]))
      : new Map<number, string>();
    return {
      tickets: new Map(tickets.map((t) => [t.id, t])),
      staff: new Map(staff.map((s) => [s.id, s])),
      departments: new Map(departments.map((d) => [d.id, d.name])),
      clients,
      priorities: priorities.map((p) => p.id).sort((a, b) => a - b),
      statuses,
    };
  }

  /** Fires each level once; returns how many fired now (not counting ones fired before). */
  async fire(
    due: readonly DueLevel[],
    book: PolicyBook,
    view: HostView,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<number> {
    let fired = 0;
    for (const d of due) {
      const ticket = view.tickets.get(d.clock.subjectId);
      // A level whose condition does not hold now is not fired and not recorded: when the ticket
      // changes (e.g. loses its assignee) the recompute marks the clock due and it fires then.
      if (ticket && !levelConditionHolds(d.level.when, ticket)) continue;
      const id = await recordLevelOnce(this.escalations, d, now, trx);
      if (id === null) continue;
      fired++;
      const details = levelDetails(d);
      if (!ticket) {
        // Recorded, not dropped: the host no longer has the ticket (deleted between reads).
        await this.escalations.setOutcome(
          id,
          'no_recipient',
          { ...details, reason: 'ticket not found' },
          trx,
        );
        continue;
      }
      if (d.level.action.type === 'webhook') {
        const subject = {
          type: 'ticket',
          id: ticket.id,
          title: ticket.subject,
          url: `${this.mail.adminBaseUrl}${perfexTicketPath(ticket.id)}`,
        };
        const deps = { queue: this.webhookQueue, escalations: this.escalations, audit: this.audit };
        await queueWebhookLevel(id, d, subject, details, deps, now, trx);
        continue;
      }
      if (!NOTIFY.has(d.level.action.type)) {
        // Decided now, with absolute values, so a repeat after a crash writes the same thing.
        const targetPriority =
          d.level.action.type === 'raise_priority'
            ? (d.level.action.priorityId ??
              view.priorities.find((p) => p > ticket.priority) ??
              ticket.priority)
            : undefined;
        await this.escalations.setOutcome(id, 'action_pending', { ...details, targetPriority }, trx);
        continue;
      }
      const { staff: recipients, fallback, onCall } = await this.recipients(d, ticket, view, book, now);
      const zone = noticeZone(d.policy.calendar, book, this.hostZone);
      const url = `${this.mail.adminBaseUrl}${perfexTicketPath(ticket.id)}`;
      await writeNotice(
        {
          escalationId: id,
          subjectType: 'ticket',
          subjectId: ticket.id,
          recipients,
          details: { ...details, ...(fallback && { fallback }), ...(onCall && { onCall }) },
          auditDetails: { action: d.level.action.type },
          deliver: d.level.deliver,
          bellLink: adminRelative(perfexTicketPath(ticket.id)),
          kind: d.level.scope === 'internal' ? 'internal' : 'escalation',
          render: (staff, language) =>
            renderEscalationEmail(
              {
                ticketId: ticket.id,
                ticketSubject: ticket.subject,
                clientName: view.clients.get(ticket.userid) || null,
                departmentName: view.departments.get(ticket.department) ?? '',
                ...levelEmailFields(d, view.statuses, zone, now, url, staff),
              },
              this.translator,
              language,
              this.templates,
            ),
        },
        { outbox: this.outbox, escalations: this.escalations, audit: this.audit, channels: this.channels },
        book,
        now,
        trx,
      );
    }
    return fired;
  }

  private async recipients(
    d: DueLevel,
    ticket: HostTicket,
    view: HostView,
    book: PolicyBook,
    now: Date,
  ): Promise<Recipients> {
    switch (d.level.action.type) {
      case 'notify_on_call':
        return onCallRecipients(d.level.action.rota ?? '', book, view.staff, now);
      case 'notify_assignee': {
        const assignee = [view.staff.get(ticket.assigned)].filter(reachable);
        if (assignee.length > 0) return { staff: assignee };
        return this.fallbackRecipients(ticket, view, book);
      }
      case 'notify_staff':
        return { staff: [view.staff.get(d.level.action.staffId ?? 0)].filter(reachable) };
      case 'notify_department':
        return {
          staff: (await this.tickets.listDepartmentStaff(d.level.action.departmentId ?? 0)).filter(reachable),
        };
      default:
        return { staff: [] };
    }
  }

  /**
   * A "notify the assignee" level of a ticket nobody can be notified for (unassigned, or the
   * assignee is inactive or has no email) goes to the settings' fallback instead of nowhere.
   */
  private async fallbackRecipients(
    ticket: HostTicket,
    view: HostView,
    book: PolicyBook,
  ): Promise<Recipients> {
    const reason: FallbackReason = ticket.assigned === 0 ? 'unassigned' : 'assignee_unreachable';
    const { unassignedFallback, unassignedFallbackStaffId } = book.settings;
    if (unassignedFallback === 'department') {
      const members = (await this.tickets.listDepartmentStaff(ticket.department)).filter(reachable);
      return { staff: members, fallback: { type: 'department', departmentId: ticket.department, reason } };
    }
    if (unassignedFallback === 'staff' && unassignedFallbackStaffId !== null) {
      return {
        staff: [view.staff.get(unassignedFallbackStaffId)].filter(reachable),
        fallback: { type: 'staff', staffId: unassignedFallbackStaffId, reason },
      };
    }
    return { staff: [] };
  }

  /**
   * Performs the host writes decided by earlier transactions (reassign, raise priority), through
   * the host so its own hooks fire. Each action is claimed first, so concurrent workers never
   * run one twice, and it carries the absolute values decided when it fired. A host that applies
   * them itself (Perfex's module) pulls the same instructions through HostActionDesk instead.
   */
  async performPendingActions(now: Date): Promise<number> {
    return performClaimedActions(this.outcomes, (i) => this.perform(i), this.logger, now);
  }

  /** One instruction through the gateway: the column only when it differs, the note always. */
  private async perform({ subjectId: ticketId, type, value, note }: HostInstruction): Promise<void> {
    const ticket = await this.tickets.getTicket(ticketId);
    if (!ticket) throw new Error('ticket is gone');
    if (type === 'assign' && ticket.assigned !== value) await this.tickets.reassign(ticket.id, value);
    if (type === 'department' && ticket.department !== value)
      await this.tickets.changeDepartment(ticket.id, value);
    if (type === 'priority' && ticket.priority !== value) await this.tickets.changePriority(ticket.id, value);
    await this.tickets.addInternalNote(ticket.id, note);
  }
}

/** A staff member an email can reach: known, active, with an address. */
function reachable(s: HostStaff | undefined): s is HostStaff {
  return s !== undefined && s.active && s.email !== '';
}
