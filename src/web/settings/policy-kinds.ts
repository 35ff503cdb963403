import type { NamedRow } from '../../host/host-context';
import { CLOCK_METRICS, ESCALATION_ACTIONS, STATUS_TIME } from '../../sla/config';
import { TICKET_ONLY_ACTIONS, type MatchField, type SubjectType } from '../../sla/config/subject-types';
import type { WebDeps } from '../web-deps';
import { loadHostChoices, loadLeadChoices } from './host-choices';
import { ACTION_TARGET } from './policy-form';

/** What a policy form of one kind offers, in the host's names. */
export interface KindChoices {
  /** The options of each of the kind's match lists. */
  match: Partial<Record<MatchField, NamedRow[]>>;
  /** Every status of the kind (the status windows' rows, and the names the list uses). */
  statuses: NamedRow[];
  /**
   * Statuses where the kind's clocks end (a closed ticket, a converted lead), with the message
   * key that says why: no window is offered for them.
   */
  ending: ReadonlyMap<number, string>;
  /** The statuses offered as pause statuses. */
  pauseStatuses: NamedRow[];
  staff: NamedRow[];
  departments: NamedRow[];
  priorities: NamedRow[];
}

type ActionTarget = 'staffId' | 'departmentId' | 'priorityId' | 'rota' | 'webhook';

/** One kind of policy form: its routes, what its escalation rows offer, and its choices. */
export interface PolicyKind {
  subject: SubjectType;
  /** The form's path under the settings base: `policies` for tickets, `lead-policies` for leads. */
  path: string;
  /** The id of the kind's list on the settings index. */
  anchor: string;
  escalationMetrics: readonly string[];
  actions: readonly string[];
  /** The selects an escalation row shows (each action uses at most one, see ACTION_TARGET). */
  targetFields: readonly ActionTarget[];
  /**
   * What the empty choice of a target select means, when it means more than "none" (message key):
   * a lead's department select left empty notifies the owner's departments.
   */
  emptyTarget?: Partial<Record<ActionTarget, string>>;
  /** The host's choices, or null when the host has no subjects of this kind. */
  choices(deps: WebDeps): Promise<KindChoices | null>;
}

const targetsOf = (actions: readonly string[]): ActionTarget[] =>
  (['staffId', 'departmentId', 'priorityId', 'rota', 'webhook'] as const).filter((f) =>
    actions.some((a) => ACTION_TARGET[a] === f),
  );

export const TICKET_KIND: PolicyKind = {
  subject: 'ticket',
  path: 'policies',
  anchor: 'policies',
  escalationMetrics: CLOCK_METRICS,
  actions: ESCALATION_ACTIONS,
  targetFields: targetsOf(ESCALATION_ACTIONS),
  async choices(deps) {
    const [choices, book] = await Promise.all([
      loadHostChoices(deps.host.tickets),
      deps.services.clocks.policyBook(),
    ]);
    return {
      match: {
        departmentIds: choices.departments,
        priorityIds: choices.priorities,
        clientIds: choices.clients,
        serviceIds: choices.services,
      },
      statuses: choices.statuses,
      ending: new Map([[book.statuses.closedStatus, 'settings.errors.status_closed']]),
      pauseStatuses: choices.statuses,
      staff: choices.staff,
      departments: choices.departments,
      priorities: choices.priorities,
    };
  },
};

const LEAD_ACTIONS = ESCALATION_ACTIONS.filter(
  (a) => !(TICKET_ONLY_ACTIONS as readonly string[]).includes(a),
);

export const LEAD_KIND: PolicyKind = {
  subject: 'lead',
  path: 'lead-policies',
  anchor: 'lead-policies',
  // A lead's only clocks are its status windows.
  escalationMetrics: [STATUS_TIME],
  actions: LEAD_ACTIONS,
  targetFields: targetsOf(LEAD_ACTIONS),
  // Only notify_department uses the department select on a lead (reassign_department is ticket-only).
  emptyTarget: { departmentId: 'settings.policy.owner_department' },
  async choices(deps) {
    if (!deps.host.leads) return null;
    const [choices, leads] = await Promise.all([
      loadHostChoices(deps.host.tickets),
      loadLeadChoices(deps.host.leads),
    ]);
    const open = leads.statuses.filter((s) => !s.isCustomer);
    return {
      match: {
        countryIds: leads.countries,
        sourceIds: leads.sources,
        statusIds: open,
        assignedIds: choices.staff,
      },
      statuses: leads.statuses.map(({ id, name }) => ({ id, name })),
      // A converted lead's clocks end: a window on the Customer status could never run.
      ending: new Map(
        leads.statuses.filter((s) => s.isCustomer).map((s) => [s.id, 'settings.errors.status_customer']),
      ),
      pauseStatuses: open,
      staff: choices.staff,
      departments: choices.departments,
      priorities: [],
    };
  },
};

export const POLICY_KINDS: readonly PolicyKind[] = [TICKET_KIND, LEAD_KIND];
