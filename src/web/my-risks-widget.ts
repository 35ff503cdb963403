import type { i18n } from 'i18next';
import type { DashboardWidget, HostContext } from '../host/host-context';
import { PERFEX_CLOSED_STATUS } from '../host/perfex/perfex-statuses';
import { utcFromSql, utcToSql } from '../store/datetime';
import { translatorFor } from '../i18n/translator';
import { renderView } from '../i18n/render-view';
import { stateBadge } from './state-badge';
import { liveState, mostUrgent, STATE_RANK, type RunningClock } from '../sla/clocks/live-state';
import { effectiveStateOf, mostUrgentOrderOf, openSubjectOf, runningClockOf } from '../store/read/sla-sql';
import { canView, countdownTemplates, staffLanguage, timeLeftText } from './ticket-widgets';
import { inTicketScope, scopeDepartments, viewerTicketScope } from './ticket-scope';
import { perfexTicketPath } from '../host/perfex/perfex-urls';

/** At most this many tickets: the widget points at what to do next, the monitor lists the rest. */
export const MY_RISKS_LIMIT = 10;

interface RiskRow {
  subject_id: number;
  metric: string;
  state: string;
  due_at: string;
  warn_at: string;
}

/**
 * "My SLA risks" on the host's home page: the signed-in agent's open tickets whose SLA state now
 * (ticketState in live-state.ts, as the list's badge shows it) is at risk or breached, most urgent
 * first. A ticket is at risk or breached exactly when one of its running clocks is, and then the
 * most urgent of those is the one the badge shows, so reading only those clocks is enough.
 */
export function createMyRisksWidget(host: HostContext, translator: i18n): DashboardWidget {
  return {
    key: 'sla_vigil_my_risks',
    title: (lang) => translatorFor(translator, lang)('widget.title'),
    render: async (staffId, language) => {
      if (!(await canView(host, staffId))) return null;
      const now = host.clock.now();
      const scope = await viewerTicketScope(host.permissions, staffId);
      const [rows, lang] = await Promise.all([
        riskRows(host, staffId, now, scopeDepartments(scope)),
        language ?? staffLanguage(host, staffId),
      ]);
      const t = translatorFor(translator, lang);
      const byTicket = new Map<number, RunningClock[]>();
      for (const r of rows) {
        const clocks = byTicket.get(r.subject_id) ?? [];
        clocks.push({
          metric: r.metric,
          state: r.state,
          dueAt: utcFromSql(r.due_at),
          warnAt: utcFromSql(r.warn_at),
        });
        byTicket.set(r.subject_id, clocks);
      }
      // The snapshot may lag the host by a scan: the host's own row decides open and assigned.
      const tickets = await host.tickets.getTickets([...byTicket.keys()]);
      const items = tickets
        .filter(
          (ticket) =>
            ticket.assigned === staffId &&
            ticket.status !== PERFEX_CLOSED_STATUS &&
            inTicketScope(scope, ticket.department),
        )
        .map((ticket) => {
          const clock = mostUrgent(byTicket.get(ticket.id) ?? [], now) as RunningClock;
          const state = liveState(clock, now);
          return {
            id: ticket.id,
            subject: ticket.subject,
            metric: clock.metric,
            dueAt: clock.dueAt,
            badge: stateBadge(state, t(`states.${state}`)),
            text: timeLeftText(t, state, clock.dueAt, now),
            state,
          };
        })
        .sort(
          (a, b) =>
            STATE_RANK[a.state] - STATE_RANK[b.state] || a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id,
        )
        .slice(0, MY_RISKS_LIMIT);
      return renderView('partials/my-risks', {
        t,
        ticketUrl: perfexTicketPath,
        items,
        countdownTemplates: JSON.stringify({ ...countdownTemplates(t), serverNow: now.getTime() }),
      });
    },
  };
}

/**
 * Running clocks of the agent's open tickets whose live state is at risk or breached: one query
 * on the module's tables, most urgent first (breached, then at risk, each by due time). A ticket has at most one running cycle per metric, so
 * three rows per ticket bound what the widget can need (twice that for tickets the host has
 * closed or reassigned since the last scan).
 */
function riskRows(
  host: HostContext,
  staffId: number,
  now: Date,
  departments: readonly number[] | undefined,
): Promise<RiskRow[]> {
  const p = host.tablePrefix;
  const at = utcToSql(now);
  const query = host
    .db(`${p}sla_vigil_clocks as c`)
    .join(`${p}sla_vigil_subjects as s`, (join) => {
      join.on('s.subject_type', 'c.subject_type').andOn('s.subject_id', 'c.subject_id');
    })
    .where('c.subject_type', 'ticket')
    .where('s.assigned', staffId)
    .whereRaw(openSubjectOf('s'))
    .whereRaw(runningClockOf('c'))
    .whereRaw(`(${effectiveStateOf('c')}) IN ('breached', 'at_risk')`, [at, at])
    .orderByRaw(`${mostUrgentOrderOf('c')}, c.subject_id ASC`, [at, at])
    .limit(MY_RISKS_LIMIT * 6)
    .select('c.subject_id', 'c.metric', 'c.state', 'c.due_at', 'c.warn_at');
  // Tickets assigned to the agent in a department the host hides from them stay hidden here too.
  if (departments) query.whereIn('s.department', [...departments]);
  return query;
}
