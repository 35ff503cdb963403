import type { Logger } from 'pino';
import type { i18n } from 'i18next';
import type {
  EmailTemplateSource,
  HostStaff,
  MailSettings,
  PermissionRegistry,
  TicketGateway,
} from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { EscalationRepository } from '../store/escalation-repository';
import type { AuditLog } from '../store/audit-log';
import type { OutboxRepository } from '../notify/outbox-repository';
import { composeEscalationEmail } from '../notify/escalation-email';
import { levelDetails } from './escalation-level-record';
import type { PolicyBook } from '../sla/policy/policy-book';
import { adminRelative, perfexLeadPath } from '../host/perfex/perfex-urls';
import type { DueLevel, LevelFirer, PreparedFiring } from './level-firer';
import { levelEmailFields, noticeZone, reachable, type NoticeChannels } from './escalation-notice';
import { FiringBatch, type FiringKind } from './firing-batch';
import { onCallRecipients, type OnCallDetails } from './on-call-recipients';
import type { HostActionOutcomes } from './host-action-outcomes';
import type { HostInstruction } from './host-action-instruction';
import { performClaimedActions, type HostActionMode } from './host-action-runner';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';

/** Whom an owner's-department level reached: the owner's departments, or why nobody. */
interface OwnerDepartments {
  ownerDepartmentIds?: number[];
  reason?: 'no_owner' | 'owner_departments_unknown' | 'owner_in_no_department' | 'no_reachable_member';
}

/** What one batch of lead levels needs from the host, read once. */
interface LeadView {
  staff: Map<number, HostStaff>;
  statuses: Map<number, string>;
  sources: Map<number, string>;
  countries: Map<number, string>;
}

/**
 * Fires the escalation levels of lead clocks exactly once per (lead, metric, cycle, level) (the
 * escalation table's unique key), with the cooldown and audit of tickets:
 * - notify_assignee: the lead's owner. A lead without a reachable owner goes to the settings'
 *   fallback staff member when the fallback is `staff`; a `department` fallback has no
 *   department to use on a lead (Perfex leads have none), so the level is then recorded as
 *   `no_recipient`, with the reason, rather than guessing a department.
 * - notify_staff: the named staff member; notify_department: that department's members, or, with
 *   no department named, the members of every department the lead's owner is in (each once). A
 *   lead with no owner, an owner in no department, or departments with nobody reachable: the
 *   level is recorded as `no_recipient` with the reason, never sent to a guessed department.
 * - reassign_staff: recorded `action_pending` and performed after the transaction commits, like a
 *   ticket's: in-process through the host's `leads.reassign` (the devhost's lead edit, which
 *   fires its hooks), or pulled and applied by a host that applies actions itself (Perfex's
 *   module, on its cron). An in-process host without `leads.reassign` gets the level recorded
 *   as `action_failed`, so the log says why nothing moved.
 */
export class LeadEscalationService implements LevelFirer {
  constructor(
    private readonly leads: LeadGateway,
    private readonly tickets: TicketGateway,
    private readonly staffDepartments: Pick<PermissionRegistry, 'staffDepartments'> | undefined,
    private readonly mail: MailSettings,
    private readonly escalations: EscalationRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditLog,
    private readonly translator: i18n,
    private readonly logger: Logger,
    private readonly outcomes: HostActionOutcomes,
    private readonly hostActions: HostActionMode = 'perform',
    /** The host's zone, for the times of a policy without a calendar. */
    private readonly hostZone = 'UTC',
    /** Channels besides email (the host's bell when it has one). */
    private readonly channels: NoticeChannels = { inApp: false },
    /** Templates the host's admin edited (Perfex); the module's own ones without. */
    private readonly templates?: EmailTemplateSource,
    /** Where `webhook` levels queue their posts (the outbox's webhook channel). */
    private readonly webhookQueue?: WebhookQueue,
  ) {}

  /** The leads the batch's levels need, read before the scan locks them. */
  async prepare(subjectIds: readonly number[]): Promise<PreparedFiring> {
    const leads = await this.leads.getLeads([...subjectIds]);
    const deps = {
      outbox: this.outbox,
      escalations: this.escalations,
      audit: this.audit,
      channels: this.channels,
      webhookQueue: this.webhookQueue,
    };
    return new FiringBatch(this.firingKind, new Map(leads.map((l) => [l.id, l])), deps, this.logger);
  }

  private readonly firingKind: FiringKind<HostLead, LeadView> = {
    subjectType: 'lead',
    missingReason: 'lead not found',
    details: (d) => ({
      ...levelDetails(d),
      ...(d.clock.status === undefined ? {} : { status: d.clock.status }),
    }),
    webhookSubject: (lead) => ({ type: 'lead', id: lead.id, title: lead.name, url: this.leadUrl(lead) }),
    decideAction: async (id, d, _lead, details, trx) => {
      if (d.level.action.type !== 'reassign_staff') {
        // A lead ladder has no other host action (the configuration refuses them): never guessed.
        await this.escalations.setOutcome(
          id,
          'no_recipient',
          { ...details, reason: 'not a lead action' },
          trx,
        );
        return;
      }
      // Performed after the commit: by the scan through the gateway, or by a host that pulls it.
      const performable = this.hostActions === 'host_pulls' || this.leads.reassign !== undefined;
      const outcome = performable ? 'action_pending' : 'action_failed';
      const why = performable ? {} : { error: 'the host offers no lead reassignment' };
      await this.escalations.setOutcome(id, outcome, { ...details, ...why }, trx);
    },
    view: () => this.view(),
    load: (ids) => this.leads.getLeads([...ids]),
    notice: async ({ escalationId, due: d, subject: lead, details }, view, book, now) => {
      const { staff, fallback, owner, onCall } = await this.recipients(d, lead, view, book, now);
      const zone = noticeZone(d.policy.calendar, book, this.hostZone);
      return {
        escalationId,
        subjectType: 'lead',
        subjectId: lead.id,
        recipients: staff,
        details: { ...details, ...(fallback && { fallback }), ...owner, ...(onCall && { onCall }) },
        deliver: d.level.deliver,
        bellLink: adminRelative(perfexLeadPath(lead.id)),
        render: (recipient, language) =>
          composeEscalationEmail(
            {
              ticketId: lead.id,
              ticketSubject: lead.name,
              lead: {
                company: lead.company,
                marketName: view.countries.get(lead.country) ?? '—',
                sourceName: view.sources.get(lead.source) ?? `#${lead.source}`,
              },
              clientName: null,
              departmentName: '',
              ...levelEmailFields(d, view.statuses, zone, now, this.leadUrl(lead), recipient),
            },
            this.translator,
            language,
            this.templates,
          ),
      };
    },
  };

  private leadUrl(lead: HostLead): string {
    return `${this.mail.adminBaseUrl}${perfexLeadPath(lead.id)}`;
  }

  /** What the notices of a batch need from the host (staff and the names an email shows), once. */
  private async view(): Promise<LeadView> {
    const [staff, statuses, sources, countries] = await Promise.all([
      this.tickets.listStaff(),
      this.leads.listLeadStatuses(),
      this.leads.listLeadSources(),
      this.leads.listCountries(),
    ]);
    const names = (rows: { id: number; name: string }[]): Map<number, string> =>
      new Map(rows.map((r) => [r.id, r.name]));
    return {
      staff: new Map(staff.map((s) => [s.id, s])),
      statuses: names(statuses),
      sources: names(sources),
      countries: names(countries),
    };
  }

  private async recipients(
    d: DueLevel,
    lead: HostLead,
    view: LeadView,
    book: PolicyBook,
    now: Date,
  ): Promise<{
    staff: HostStaff[];
    fallback?: Record<string, unknown>;
    owner?: OwnerDepartments;
    onCall?: OnCallDetails;
  }> {
    const action = d.level.action;
    switch (action.type) {
      case 'notify_on_call':
        return onCallRecipients(action.rota ?? '', book, view.staff, now);
      case 'notify_assignee': {
        const owner = [view.staff.get(lead.assigned)].filter(reachable);
        if (owner.length) return { staff: owner };
        const reason = lead.assigned === 0 ? 'unassigned' : 'assignee_unreachable';
        const { unassignedFallback, unassignedFallbackStaffId } = book.settings;
        if (unassignedFallback === 'staff' && unassignedFallbackStaffId !== null) {
          return {
            staff: [view.staff.get(unassignedFallbackStaffId)].filter(reachable),
            fallback: { type: 'staff', staffId: unassignedFallbackStaffId, reason },
          };
        }
        return {
          staff: [],
          fallback: { type: unassignedFallback, reason, note: 'leads have no department' },
        };
      }
      case 'notify_staff':
        return { staff: [view.staff.get(action.staffId ?? 0)].filter(reachable) };
      case 'notify_department':
        if (action.departmentId === undefined) return this.ownerDepartments(lead);
        return {
          staff: (await this.tickets.listDepartmentStaff(action.departmentId)).filter(reachable),
        };
      default:
        return { staff: [] };
    }
  }

  /**
   * The reachable members of the departments the lead's owner is in, each once, with the owner's
   * departments (or why nobody can be named) for the log and the audit.
   */
  private async ownerDepartments(lead: HostLead): Promise<{ staff: HostStaff[]; owner: OwnerDepartments }> {
    if (lead.assigned === 0) return { staff: [], owner: { reason: 'no_owner' } };
    if (!this.staffDepartments) return { staff: [], owner: { reason: 'owner_departments_unknown' } };
    const departments = await this.staffDepartments.staffDepartments(lead.assigned);
    if (departments.length === 0) return { staff: [], owner: { reason: 'owner_in_no_department' } };
    const members = new Map<number, HostStaff>();
    for (const id of departments) {
      for (const s of await this.tickets.listDepartmentStaff(id)) if (reachable(s)) members.set(s.id, s);
    }
    const ownerDepartmentIds = [...departments];
    if (members.size === 0)
      return { staff: [], owner: { ownerDepartmentIds, reason: 'no_reachable_member' } };
    return { staff: [...members.values()], owner: { ownerDepartmentIds } };
  }

  /**
   * Performs, in-process, the lead reassignments decided by earlier transactions, each claimed
   * once (the ticket actions' loop and outcomes). A host that applies them itself (Perfex's
   * module) pulls them through HostActionDesk instead.
   */
  async performPendingActions(now: Date): Promise<number> {
    return performClaimedActions(this.outcomes, (i) => this.perform(i), this.logger, now);
  }

  private async perform({ subjectId, value }: HostInstruction): Promise<void> {
    if (!this.leads.reassign) throw new Error('the host offers no lead reassignment');
    const lead = await this.leads.getLead(subjectId);
    if (!lead) throw new Error('lead is gone');
    if (lead.assigned !== value) await this.leads.reassign(lead.id, value);
  }
}
