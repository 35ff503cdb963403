import type { Logger } from 'pino';
import type { i18n } from 'i18next';
import type {
  EmailTemplateSource,
  HostStaff,
  HostTicket,
  MailSettings,
  TicketGateway,
} from '../host/host-context';
import type { EscalationRepository } from '../store/escalation-repository';
import type { AuditLog } from '../store/audit-log';
import type { OutboxRepository } from '../notify/outbox-repository';
import { composeEscalationEmail } from '../notify/escalation-email';
import { levelDetails } from './escalation-level-record';
import type { PolicyBook } from '../sla/policy/policy-book';
import { adminRelative, perfexTicketPath } from '../host/perfex/perfex-urls';
import type { HostInstruction } from './host-action-instruction';
import { performClaimedActions } from './host-action-runner';
import { HostActionOutcomes } from './host-action-outcomes';
import { levelEmailFields, noticeZone, reachable, type NoticeChannels } from './escalation-notice';
import { onCallRecipients, type OnCallDetails } from './on-call-recipients';
import { FiringBatch, type FiringKind } from './firing-batch';
import type { DueLevel, LevelFirer, PreparedFiring } from './level-firer';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';

/** What the notices of one batch read from the host, once, after the scan's transaction. */
interface TicketView {
  staff: Map<number, HostStaff>;
  departments: Map<number, string>;
  clients: Map<number, string>;
  /** Status names: a status_time clock's email names the status it timed. */
  statuses: Map<number, string>;
}

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
 * Fires ticket escalation levels exactly once (the escalation table's unique key), in the steps
 * LevelFirer describes: the tickets read before the scan locks them, levels recorded and host
 * actions decided inside its transaction, notices composed after it and written each in a short
 * transaction, so a crash loses or doubles nothing. Host writes (reassign, raise priority) are
 * recorded as pending in the transaction and performed after it commits: the host fires its own
 * hooks for them, and those hooks must not wait on the locks this transaction holds.
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

  /** The tickets (and the priority order, for "raise priority") the batch's levels need. */
  async prepare(subjectIds: readonly number[]): Promise<PreparedFiring> {
    const [tickets, priorities] = await Promise.all([
      this.tickets.getTickets([...subjectIds]),
      this.tickets.listPriorities(),
    ]);
    const ascending = priorities.map((p) => p.id).sort((a, b) => a - b);
    const deps = {
      outbox: this.outbox,
      escalations: this.escalations,
      audit: this.audit,
      channels: this.channels,
      webhookQueue: this.webhookQueue,
    };
    return new FiringBatch(
      this.firingKind(ascending),
      new Map(tickets.map((t) => [t.id, t])),
      deps,
      this.logger,
    );
  }

  private firingKind(priorities: readonly number[]): FiringKind<HostTicket, TicketView> {
    const url = (ticket: HostTicket): string => `${this.mail.adminBaseUrl}${perfexTicketPath(ticket.id)}`;
    return {
      subjectType: 'ticket',
      missingReason: 'ticket not found',
      details: levelDetails,
      webhookSubject: (ticket) => ({
        type: 'ticket',
        id: ticket.id,
        title: ticket.subject,
        url: url(ticket),
      }),
      decideAction: async (id, d, ticket, details, trx) => {
        // Decided now, with absolute values, so a repeat after a crash writes the same thing.
        const targetPriority =
          d.level.action.type === 'raise_priority'
            ? (d.level.action.priorityId ?? priorities.find((p) => p > ticket.priority) ?? ticket.priority)
            : undefined;
        await this.escalations.setOutcome(id, 'action_pending', { ...details, targetPriority }, trx);
      },
      view: (tickets) => this.view(tickets),
      load: (ids) => this.tickets.getTickets([...ids]),
      notice: async ({ escalationId, due: d, subject: ticket, details }, view, book, now) => {
        const { staff: recipients, fallback, onCall } = await this.recipients(d, ticket, view, book, now);
        const zone = noticeZone(d.policy.calendar, book, this.hostZone);
        return {
          escalationId,
          subjectType: 'ticket',
          subjectId: ticket.id,
          recipients,
          details: { ...details, ...(fallback && { fallback }), ...(onCall && { onCall }) },
          auditDetails: { action: d.level.action.type },
          deliver: d.level.deliver,
          bellLink: adminRelative(perfexTicketPath(ticket.id)),
          kind: d.level.scope === 'internal' ? 'internal' : 'escalation',
          render: (staff, language) =>
            composeEscalationEmail(
              {
                ticketId: ticket.id,
                ticketSubject: ticket.subject,
                clientName: view.clients.get(ticket.userid) || null,
                departmentName: view.departments.get(ticket.department) ?? '',
                ...levelEmailFields(d, view.statuses, zone, now, url(ticket), staff),
              },
              this.translator,
              language,
              this.templates,
            ),
        };
      },
    };
  }

  /** Reads what the notices of a batch need from the host, once per batch. */
  private async view(tickets: readonly HostTicket[]): Promise<TicketView> {
    const [staff, departments, clients] = await Promise.all([
      this.tickets.listStaff(),
      this.tickets.listDepartments(),
      this.tickets.clientNames(tickets.map((t) => t.userid)),
    ]);
    const statuses = new Map((await this.tickets.listStatuses()).map((s) => [s.id, s.name]));
    return {
      staff: new Map(staff.map((s) => [s.id, s])),
      departments: new Map(departments.map((d) => [d.id, d.name])),
      clients,
      statuses,
    };
  }

  private async recipients(
    d: DueLevel,
    ticket: HostTicket,
    view: TicketView,
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
    view: TicketView,
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
