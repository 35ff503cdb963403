import type { i18n } from 'i18next';
import type { DashboardWidget, HostContext } from '../host/host-context';
import { CLOSED_STATUS } from '../sla/clocks/sla-event';
import { utcFromSql, utcToSql } from '../store/datetime';
import { translatorFor } from './i18n';
import { renderView } from './render';
import { stateBadge } from './state-badge';
import {
  canView,
  countdownTemplates,
  mostUrgent,
  runningState,
  staffLanguage,
  timeLeftText,
  type RunningClock,
} from './ticket-widgets';

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
 * "My SLA risks" on the host's home page: the signed-in agent's open tickets with a running
 * clock past its warning (at risk) or its due time (breached), most urgent first.
 */
export function createMyRisksWidget(host: HostContext, translator: i18n): DashboardWidget {
  return {
    key: 'sla_vigil_my_risks',
    title: 'My SLA risks',
    render: async (staffId) => {
      if (!(await canView(host, staffId))) return null;
      const now = host.clock.now();
      const [rows, lang] = await Promise.all([riskRows(host, staffId, now), staffLanguage(host, staffId)]);
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
        .filter((ticket) => ticket.assigned === staffId && ticket.status !== CLOSED_STATUS)
        .map((ticket) => {
          const clock = mostUrgent(byTicket.get(ticket.id) ?? [], now) as RunningClock;
          const state = runningState(clock, now);
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
        .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id)
        .slice(0, MY_RISKS_LIMIT);
      return renderView('partials/my-risks', {
        t,
        items,
        countdownTemplates: JSON.stringify({ ...countdownTemplates(t), serverNow: now.getTime() }),
      });
    },
  };
}

/**
 * Running, unpaused clocks of the agent's open tickets that are past their warning: one query on
 * the module's tables, earliest due first. A ticket has at most one running cycle per metric, so
 * three rows per ticket bound what the widget can need (twice that for tickets the host has
 * closed or reassigned since the last scan).
 */
function riskRows(host: HostContext, staffId: number, now: Date): Promise<RiskRow[]> {
  const p = host.tablePrefix;
  return (
    host
      .db(`${p}sla_vigil_clocks as c`)
      .join(`${p}sla_vigil_subjects as s`, (join) => {
        join.on('s.subject_type', 'c.subject_type').andOn('s.subject_id', 'c.subject_id');
      })
      .where('c.subject_type', 'ticket')
      .where('s.assigned', staffId)
      .where('s.deleted', false)
      .whereNull('s.merged_into')
      .whereNot('s.status', CLOSED_STATUS)
      .whereNull('c.met_at')
      .whereNull('c.ended_at')
      // A breached clock that was paused later stays breached; any other paused clock waits.
      .where((q) =>
        q
          .where('c.state', 'breached')
          .orWhere((w) => w.whereNot('c.state', 'paused').where('c.warn_at', '<=', utcToSql(now))),
      )
      .orderBy([{ column: 'c.due_at' }, { column: 'c.subject_id' }])
      .limit(MY_RISKS_LIMIT * 6)
      .select('c.subject_id', 'c.metric', 'c.state', 'c.due_at', 'c.warn_at')
  );
}
