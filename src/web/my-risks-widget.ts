import type { i18n } from 'i18next';
import type { DashboardWidget, HostContext } from '../host/host-context';
import { PERFEX_CLOSED_STATUS } from '../host/perfex/perfex-statuses';
import { utcFromSql, utcToSql } from '../store/datetime';
import { translatorFor } from '../i18n/translator';
import { renderView } from '../i18n/render-view';
import { stateBadge } from './state-badge';
import {
  liveState,
  mostUrgent,
  STATE_RANK,
  type LiveState,
  type RunningClock,
} from '../sla/clocks/live-state';
import { effectiveStateOf, mostUrgentOrderOf, openSubjectOf, runningClockOf } from '../store/read/sla-sql';
import { countdownTemplates, staffLanguage, timeLeftText } from './ticket-widgets';
import {
  inTicketScope,
  scopeDepartments,
  viewerMayOpen,
  widgetViewer,
  type WidgetViewer,
} from './ticket-scope';
import { perfexTicketPath } from '../host/perfex/perfex-urls';

/** At most this many tickets: the widget points at what to do next, the monitor lists the rest. */
export const MY_RISKS_LIMIT = 10;
/** Clocks read for one list: several per ticket, so a few times the list's length. */
const RISK_ROWS_READ = MY_RISKS_LIMIT * 6;

interface RiskRow {
  subject_id: number;
  metric: string;
  state: string;
  due_at: string;
  warn_at: string;
}

/** One line of the widget. */
interface RiskItem {
  id: number;
  subject: string;
  metric: string;
  dueAt: Date;
  badge: string;
  text: string;
  state: LiveState;
  /** The assignee's name (team view only), or null when unassigned. */
  assignee: string | null;
}

/** A line before it is worded: who holds the ticket (0 = nobody) instead of a name. */
type RiskCandidate = Omit<RiskItem, 'badge' | 'text' | 'assignee'> & { assignedTo: number };

/** Which open tickets a list takes: assigned to the viewer, or in some departments. */
type RiskFilter = { assigned: number } | { departments: readonly number[] };

/**
 * "My SLA risks" on the host's home page: the signed-in agent's open tickets whose SLA state now
 * (ticketState in live-state.ts, as the list's badge shows it) is at risk or breached, most urgent
 * first. A ticket is at risk or breached exactly when one of its running clocks is, and then the
 * most urgent of those is the one the badge shows, so reading only those clocks is enough.
 * Staff with View also get "My team": the same for the open tickets of their departments
 * (whoever holds them, unassigned included); view own shows only "Mine".
 */
export function createMyRisksWidget(host: HostContext, translator: i18n): DashboardWidget {
  return {
    key: 'sla_vigil_my_risks',
    title: (lang) => translatorFor(translator, lang)('widget.title'),
    render: async (staffId, language) => {
      const viewer = await widgetViewer(host.permissions, staffId);
      if (!viewer) return null;
      const now = host.clock.now();
      const teamDepartments = viewer.canView ? await teamOf(host, viewer) : null;
      const [mine, team, lang] = await Promise.all([
        riskItems(host, viewer, { assigned: staffId }, now),
        teamDepartments ? riskItems(host, viewer, { departments: teamDepartments }, now) : null,
        language ?? staffLanguage(host, staffId),
      ]);
      const t = translatorFor(translator, lang);
      const names = team ? await staffNames(host) : new Map<number, string>();
      const word = ({ assignedTo, ...item }: RiskCandidate): RiskItem => ({
        ...item,
        badge: stateBadge(item.state, t(`states.${item.state}`)),
        text: timeLeftText(t, item.state, item.dueAt, now),
        assignee: assignedTo === 0 ? null : (names.get(assignedTo) ?? `#${assignedTo}`),
      });
      return renderView('partials/my-risks', {
        t,
        ticketUrl: perfexTicketPath,
        items: mine.items.map(word),
        teamItems: team ? team.items.map(word) : null,
        // "10 most urgent of 17": a cut list says so, so its count matches the dashboard's.
        mineTotal: mine.total,
        teamTotal: team?.total ?? 0,
        showMonitorLink: viewer.canView,
        countdownTemplates: JSON.stringify({ ...countdownTemplates(t), serverNow: now.getTime() }),
      });
    },
  };
}

/** The viewer's departments, narrowed to what the host lets them see. */
async function teamOf(host: HostContext, viewer: WidgetViewer): Promise<readonly number[]> {
  const own = await host.permissions.staffDepartments(viewer.staffId);
  return own.filter((d) => inTicketScope(viewer.scope, d));
}

async function staffNames(host: HostContext): Promise<Map<number, string>> {
  const staff = await host.tickets.listStaff();
  return new Map(staff.map((s) => [s.id, `${s.firstname} ${s.lastname}`.trim()]));
}

/** A list cut to MY_RISKS_LIMIT, and how many it had (a string with "+" when the read was cut too). */
interface RiskList {
  items: RiskCandidate[];
  total: string;
}

/** The at-risk and breached open tickets a filter takes, most urgent first, at most MY_RISKS_LIMIT. */
async function riskItems(
  host: HostContext,
  viewer: WidgetViewer,
  filter: RiskFilter,
  now: Date,
): Promise<RiskList> {
  if ('departments' in filter && filter.departments.length === 0) return { items: [], total: '0' };
  const rows = await riskRows(host, filter, now, scopeDepartments(viewer.scope));
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
  // The snapshot may lag the host by a scan: the host's own row decides open, assigned, department.
  const tickets = await host.tickets.getTickets([...byTicket.keys()]);
  const all = tickets
    .filter(
      (ticket) =>
        ticket.status !== PERFEX_CLOSED_STATUS &&
        viewerMayOpen(viewer, ticket) &&
        ('assigned' in filter
          ? ticket.assigned === filter.assigned
          : filter.departments.includes(ticket.department)),
    )
    .map((ticket) => {
      const clock = mostUrgent(byTicket.get(ticket.id) ?? [], now) as RunningClock;
      return {
        id: ticket.id,
        subject: ticket.subject,
        metric: clock.metric,
        dueAt: clock.dueAt,
        state: liveState(clock, now),
        assignedTo: ticket.assigned,
      };
    })
    .sort(
      (a, b) =>
        STATE_RANK[a.state] - STATE_RANK[b.state] || a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id,
    );
  const readWasCut = rows.length >= RISK_ROWS_READ;
  return { items: all.slice(0, MY_RISKS_LIMIT), total: `${all.length}${readWasCut ? '+' : ''}` };
}

/**
 * Running clocks of the open tickets a filter takes whose live state is at risk or breached: one
 * query on the module's tables, most urgent first (breached, then at risk, each by due time). A
 * ticket has at most one running cycle per metric, so three rows per ticket bound what the widget
 * can need (twice that for tickets the host has closed or reassigned since the last scan).
 */
function riskRows(
  host: HostContext,
  filter: RiskFilter,
  now: Date,
  departments: readonly number[] | undefined,
): Promise<RiskRow[]> {
  const p = host.tablePrefix;
  const at = utcToSql(now);
  const query = (host.readDb ?? host.db)(`${p}sla_vigil_clocks as c`)
    .join(`${p}sla_vigil_subjects as s`, (join) => {
      join.on('s.subject_type', 'c.subject_type').andOn('s.subject_id', 'c.subject_id');
    })
    .where('c.subject_type', 'ticket')
    .whereRaw(openSubjectOf('s'))
    .whereRaw(runningClockOf('c'))
    .whereRaw(`(${effectiveStateOf('c')}) IN ('breached', 'at_risk')`, [at, at])
    .orderByRaw(`${mostUrgentOrderOf('c')}, c.subject_id ASC`, [at, at])
    .limit(RISK_ROWS_READ)
    .select('c.subject_id', 'c.metric', 'c.state', 'c.due_at', 'c.warn_at');
  if ('assigned' in filter) query.where('s.assigned', filter.assigned);
  else query.whereIn('s.department', [...filter.departments]);
  // Tickets in a department the host hides from the viewer stay hidden here too.
  if (departments) query.whereIn('s.department', [...departments]);
  return query;
}
