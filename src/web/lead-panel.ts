import type { i18n, TFunction } from 'i18next';
import type { HostContext, LeadPanel } from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { ModuleServices } from '../wiring/module-services';
import type { BookPolicy } from '../sla/policy/policy-book';
import type { NameBook } from './view-helpers';
import { leadViewer, viewerMaySeeLead } from './lead-scope';
import { loadLeadNames } from './lead-names';
import { renderSlaPanel, type PanelSources } from './sla-panel-view';

/**
 * The SLA tab of the host's lead view (sla-panel-view.ts): what is the lead's own is who may see
 * it, its names (statuses, sources, markets, owners), why its policy applies (market, source,
 * status, owner), and that a pause status holds the status windows.
 */
export function createLeadPanel(
  host: HostContext,
  leads: LeadGateway,
  services: ModuleServices,
  translator: i18n,
): LeadPanel {
  const lead = services.leads;
  const sources: PanelSources = {
    kind: 'lead',
    sla: lead.sla,
    timeline: services.timeline,
    escalationLog: lead.escalationLog,
    clocks: lead.clocks,
    clockRepo: lead.clockRepo,
  };
  return {
    key: 'sla_vigil',
    title: 'SLA',
    render: async (leadId, staffId, language) => {
      // The new-lead form: nothing to time yet.
      if (leadId === null) return null;
      const [viewer, row, names] = await Promise.all([
        leadViewer(host, staffId),
        leads.getLead(leadId),
        loadLeadNames(host, leads),
      ]);
      if (!viewer || !row || !viewerMaySeeLead(viewer, row)) return null;
      return renderSlaPanel(
        host,
        translator,
        sources,
        {
          id: leadId,
          status: row.status,
          pausedMetric: 'status_time',
          names,
          matchReasons: (policy, t) => matchReasons(policy, row, names, t),
        },
        staffId,
        language,
      );
    },
  };
}

/** Which of the policy's match conditions this lead meets, e.g. "market India, source Google". */
function matchReasons(policy: BookPolicy, lead: HostLead, names: NameBook, t: TFunction): string[] {
  const m = policy.match;
  const name = (book: Map<string, string> | undefined, id: number) => book?.get(String(id)) ?? `#${id}`;
  const reasons: string[] = [];
  if (m.countryIds) reasons.push(t('panel.match.market', { name: name(names.country, lead.country) }));
  if (m.sourceIds) reasons.push(t('panel.match.source', { name: name(names.source, lead.source) }));
  if (m.statusIds) reasons.push(t('panel.match.status', { name: name(names.status, lead.status) }));
  if (m.assignedIds) reasons.push(t('panel.match.owner', { name: name(names.staff, lead.assigned) }));
  return reasons.length > 0 ? reasons : [t('panel.match.lead_default')];
}
