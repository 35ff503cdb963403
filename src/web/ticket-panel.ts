import type { i18n, TFunction } from 'i18next';
import type { HostContext, HostTicket, TicketPanel } from '../host/host-context';
import type { ModuleServices } from '../wiring/module-services';
import type { BookPolicy } from '../sla/policy/policy-book';
import { translatorFor } from '../i18n/translator';
import { renderView } from '../i18n/render-view';
import { explainPhrases } from './explain-phrases';
import { stateBadge } from './state-badge';
import { describeChange, loadNames, type NameBook } from './view-helpers';
import { dateTimeFormatter } from '../i18n/format-date';
import { countdownTemplates, staffLanguage } from './ticket-widgets';
import { seesEveryTicket, viewerMayOpen, widgetViewer } from './ticket-scope';
import {
  clockLabels,
  formatPausedMinutes,
  panelClocks,
  toEntry,
  withLadderNames,
  withPolicyNames,
} from './sla-panel-parts';

/**
 * The SLA tab of the ticket view: the policy and why it applies, every metric and cycle with its
 * state, due time and a live countdown, paused time, the escalation history and the timeline.
 */
export function createTicketPanel(
  host: HostContext,
  services: ModuleServices,
  translator: i18n,
): TicketPanel {
  return {
    key: 'sla_vigil',
    title: 'SLA',
    render: async (ticketId, staffId, language) => {
      const [viewer, ticket] = await Promise.all([
        widgetViewer(host.permissions, staffId),
        host.tickets.getTicket(ticketId),
      ]);
      if (!viewer) return null;
      // Nothing for a ticket the host's own rules hide from this viewer (their departments only),
      // nor, for view own, for a ticket that is not theirs.
      if (!seesEveryTicket(viewer) && (!ticket || !viewerMayOpen(viewer, ticket))) return null;
      const now = host.clock.now();
      const lang = language ?? (await staffLanguage(host, staffId));
      const t = translatorFor(translator, lang);
      const [sla, events, names, escalations, book, stored] = await Promise.all([
        services.ticketSla.get(ticketId, now, host.timezone, explainPhrases(t, lang)),
        services.timeline.forSubject('ticket', ticketId),
        loadNames(host.tickets),
        services.escalationLog.forSubject(ticketId),
        services.clocks.policyBook(),
        services.clockRepo.forSubjects([ticketId]),
      ]);
      const ended = new Set(stored.filter((c) => c.endedAt !== null).map((c) => `${c.metric}|${c.cycle}`));
      const label = clockLabels(t, names, [...(sla?.clocks ?? []), ...stored]);
      const policy = sla?.policy ? book.byId(sla.policy.id) : undefined;
      const calendar = sla?.policy ? (book.clockPolicy(sla.policy.id)?.calendar ?? null) : null;
      // Only resolution pauses (DESIGN: pause statuses pause resolution); it pauses while the
      // ticket sits in one of the policy's pause statuses.
      const pausing = ticket !== null && (policy?.pauseStatusIds ?? []).includes(ticket.status);
      const pausedNow = (metric: string): string | null =>
        pausing && metric === 'resolution' && ticket
          ? (names.status.get(String(ticket.status)) ?? `#${ticket.status}`)
          : null;
      return renderView('partials/sla-panel', {
        kind: 'ticket',
        t,
        sla,
        clocks: sla ? panelClocks(sla, calendar, ended, label, pausedNow, t, lang, now) : [],
        matchedOn: policy && ticket ? await matchReasons(host, policy, ticket, names, t) : [],
        escalations: withLadderNames(
          escalations.map((row) => toEntry(row, label, t)),
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
