import type { i18n, TFunction } from 'i18next';
import type { HostContext, HostTicket, TicketPanel } from '../host/host-context';
import type { ModuleServices } from '../wiring/module-services';
import type { BookPolicy } from '../sla/policy/policy-book';
import { loadNames, type NameBook } from './view-helpers';
import { seesEveryTicket, viewerMayOpen, widgetViewer } from './ticket-scope';
import { renderSlaPanel, type PanelSources } from './sla-panel-view';
import { internalTeamOf } from '../sla/clocks/internal-clocks';
import { internalTeamName } from './internal-team-name';

/**
 * The SLA tab of the ticket view (sla-panel-view.ts): what is the ticket's own is who may see it,
 * its names, why its policy applies, and that a pause status holds resolution only.
 */
export function createTicketPanel(
  host: HostContext,
  services: ModuleServices,
  translator: i18n,
): TicketPanel {
  const sources: PanelSources = {
    kind: 'ticket',
    sla: services.ticketSla,
    timeline: services.timeline,
    escalationLog: services.escalationLog,
    clocks: services.clocks,
    clockRepo: services.clockRepo,
  };
  return {
    key: 'sla_vigil',
    title: 'SLA',
    render: async (ticketId, staffId, language) => {
      const [viewer, ticket, names] = await Promise.all([
        widgetViewer(host.permissions, staffId),
        host.tickets.getTicket(ticketId),
        loadNames(host.tickets),
      ]);
      if (!viewer) return null;
      // Nothing for a ticket the host's own rules hide from this viewer (their departments only),
      // nor, for view own, for a ticket that is not theirs.
      if (!seesEveryTicket(viewer) && (!ticket || !viewerMayOpen(viewer, ticket))) return null;
      return renderSlaPanel(
        host,
        translator,
        sources,
        {
          id: ticketId,
          status: ticket?.status ?? null,
          // DESIGN: pause statuses pause resolution only.
          pausedMetric: 'resolution',
          names,
          internalTeam: (policy) => {
            const matched = ticket ? internalTeamOf(policy.internalTargets, ticket) : null;
            return matched ? internalTeamName(matched.team, names) : null;
          },
          matchReasons: (policy, t) => (ticket ? matchReasons(host, policy, ticket, names, t) : []),
        },
        staffId,
        language,
      );
    },
  };
}

/** Which of the policy's match conditions this ticket meets, e.g. "department Support". */
async function matchReasons(
  host: HostContext,
  policy: BookPolicy,
  ticket: HostTicket,
  names: NameBook,
  t: TFunction,
): Promise<string[]> {
  const m = policy.match;
  const reasons: string[] = [];
  if (m.clientIds) {
    const clients = await host.tickets.clientNames([ticket.userid]);
    reasons.push(t('panel.match.client', { name: clients.get(ticket.userid) ?? `#${ticket.userid}` }));
  }
  if (m.departmentIds) {
    const name = names.department.get(String(ticket.department)) ?? `#${ticket.department}`;
    reasons.push(t('panel.match.department', { name }));
  }
  if (m.priorityIds) {
    const name = names.priority.get(String(ticket.priority)) ?? `#${ticket.priority}`;
    reasons.push(t('panel.match.priority', { name }));
  }
  if (m.serviceIds) reasons.push(t('panel.match.service', { name: `#${ticket.service ?? '—'}` }));
  return reasons.length > 0 ? reasons : [t('panel.match.default')];
}
