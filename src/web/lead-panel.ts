import type { i18n, TFunction } from 'i18next';
import type { HostContext, LeadPanel } from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { ModuleServices } from '../wiring/module-services';
import type { BookPolicy } from '../sla/policy/policy-book';
import { translatorFor } from '../i18n/translator';
import { renderView } from '../i18n/render-view';
import { dateTimeFormatter } from '../i18n/format-date';
import { explainPhrases } from './explain-phrases';
import { stateBadge } from './state-badge';
import { describeChange, type NameBook } from './view-helpers';
import { countdownTemplates, staffLanguage } from './ticket-widgets';
import { leadViewer, viewerMaySeeLead } from './lead-scope';
import {
  clockLabels,
  formatPausedMinutes,
  panelClocks,
  toEntry,
  withLadderNames,
  withPolicyNames,
} from './sla-panel-parts';

/**
 * The SLA tab of the host's lead view: the policy and why it applies (market, source, status,
 * owner), each status window with its state, business time left and due time, paused time, the
 * escalation history and the lead's timeline, in the ticket tab's view (sla-panel-parts.ts).
 */
export function createLeadPanel(
  host: HostContext,
  leads: LeadGateway,
  services: ModuleServices,
  translator: i18n,
): LeadPanel {
  const lead = services.leads;
  return {
    key: 'sla_vigil',
    title: 'SLA',
    render: async (leadId, staffId, language) => {
      // The new-lead form: nothing to time yet.
      if (leadId === null) return null;
      const [viewer, row] = await Promise.all([leadViewer(host, staffId), leads.getLead(leadId)]);
      if (!viewer || !row || !viewerMaySeeLead(viewer, row)) return null;
      const now = host.clock.now();
      const lang = language ?? (await staffLanguage(host, staffId));
      const t = translatorFor(translator, lang);
      const [sla, events, names, escalations, book, stored] = await Promise.all([
        lead.sla.get(leadId, now, host.timezone, explainPhrases(t, lang)),
        services.timeline.forSubject('lead', leadId),
        leadNames(host, leads),
        lead.escalationLog.forSubject(leadId),
        lead.clocks.policyBook(),
        lead.clockRepo.forSubjects([leadId]),
      ]);
      const ended = new Set(stored.filter((c) => c.endedAt !== null).map((c) => `${c.metric}|${c.cycle}`));
      const label = clockLabels(t, names, [...(sla?.clocks ?? []), ...stored]);
      const policy = sla?.policy ? book.byId(sla.policy.id) : undefined;
      const calendar = sla?.policy ? (book.clockPolicy(sla.policy.id)?.calendar ?? null) : null;
      // A pause status holds the lead's status windows while the lead sits in it.
      const pausing = (policy?.pauseStatusIds ?? []).includes(row.status);
      const statusName = names.status.get(String(row.status)) ?? `#${row.status}`;
      const pausedNow = (metric: string): string | null =>
        pausing && metric === 'status_time' ? statusName : null;
      return renderView('partials/sla-panel', {
        kind: 'lead',
        t,
        sla,
        clocks: sla ? panelClocks(sla, calendar, ended, label, pausedNow, t, lang, now) : [],
        matchedOn: policy ? matchReasons(policy, row, names, t) : [],
        escalations: withLadderNames(
          escalations.map((r) => toEntry(r, label, t)),
          book,
        ),
        events,
        stateBadge,
        names: withPolicyNames(names, book, t),
        describeChange,
        fmt: dateTimeFormatter(lang, host.timezone, now),
        zone: host.timezone,
        countdownTemplates: JSON.stringify({ ...countdownTemplates(t), serverNow: now.getTime() }),
        formatPaused: (minutes: number) => formatPausedMinutes(t, minutes),
      });
    },
  };
}

/** Names for a lead's timeline: its statuses, sources, markets and the staff (owners). */
async function leadNames(host: HostContext, leads: LeadGateway): Promise<NameBook> {
  const [statuses, sources, countries, staff] = await Promise.all([
    leads.listLeadStatuses(),
    leads.listLeadSources(),
    leads.listCountries(),
    host.tickets.listStaff(),
  ]);
  const byId = (rows: { id: number; name: string }[]) => new Map(rows.map((r) => [String(r.id), r.name]));
  return {
    status: byId(statuses),
    source: byId(sources),
    country: new Map([['0', '—'], ...byId(countries)]),
    priority: new Map(),
    department: new Map(),
    staff: new Map([
      ['0', '—'],
      ...staff.map((s): [string, string] => [String(s.id), `${s.firstname} ${s.lastname}`]),
    ]),
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
