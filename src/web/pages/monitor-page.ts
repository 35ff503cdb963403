import { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { pageContext, type PageContext } from '../web-deps';
import { asyncRoute } from '../async-route';
import { loadNames, type NameBook } from '../view-helpers';
import { CLOCK_METRICS } from '../../sla/config';
import { MONITOR_SORTS, type MonitorFilters, type MonitorRow } from '../../store/read/monitor-service';
import type { HostContext, TicketSearchFilter } from '../../host/host-context';
import { PERFEX_CLOSED_STATUS } from '../../host/perfex/perfex-statuses';
import { rowWords, serveMonitor, type MonitorKind } from '../monitor-view';
import { TicketMonitorQuery } from '../monitor-params';
import { leadMonitorKind } from '../monitor-leads';

export { PAGE_SIZES, MONITOR_SUBJECTS, MONITOR_STATES, monitorUrl } from '../monitor-params';

/** The health section lists at most this many skipped host rows (and says how many more). */
const HEALTH_ROWS = 50;
/** A search asks the host for at most this many open ticket ids (newest first). */
export const SEARCH_LIMIT = 500;
/** The host tickets the monitor can list: closed and merged ones are never among its rows. */
const WATCHED: TicketSearchFilter = { excludeStatus: [PERFEX_CLOSED_STATUS], excludeMerged: true };

/**
 * `/admin/sla_vigil/monitor`: every open ticket under the module with its most urgent clock,
 * paged, filtered and sorted in SQL; `?subject=lead` lists the open leads the same way
 * (monitor-leads.ts). `?partial=1` answers only the table rows: the page's script re-fetches them
 * every 30 s.
 */
export function createMonitorPage(deps: WebDeps): Router {
  const router = Router();
  const tickets = ticketMonitorKind(deps);
  const leads = leadMonitorKind(deps);
  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      if (req.query.subject === 'lead') await serveMonitor(deps, leads, req, res, ctx);
      else await serveMonitor(deps, tickets, req, res, ctx);
    }),
  );
  return router;
}

function ticketMonitorKind(deps: WebDeps): MonitorKind<TicketMonitorQuery> {
  const { host } = deps;
  const { monitor, hostProblems: problems, heartbeats } = deps.services;
  /** The last finished scan and the host rows it skipped: what a manager must know to trust the rows above. */
  const scanHealth = async (ctx: PageContext) => {
    const [{ problems: all, total }, beats] = await Promise.all([
      problems.list(HEALTH_ROWS),
      heartbeats.all(),
    ]);
    // A skipped row may be unreadable, department and all: staff limited to some departments get
    // the count, not other departments' ticket ids.
    const list = ctx.departments === undefined ? all : [];
    const finished = beats.get('scan_finished');
    const failed = Number(finished?.details?.failed ?? 0);
    return { problems: list, total, lastScan: finished ? { at: finished.at, failed } : null };
  };
  /** Everything the filter form lists (departments, priorities, agents, policies, metrics) and the scan health. */
  const form = async (ctx: PageContext) => {
    const [names, policies, health] = await Promise.all([
      loadNames(host.tickets),
      monitor.policyNames('ticket'),
      scanHealth(ctx),
    ]);
    return {
      names,
      policies,
      health,
      hasLeads: host.leads !== undefined,
      metrics: CLOCK_METRICS,
      sorts: MONITOR_SORTS,
      departments: [...names.department],
      priorities: [...names.priority],
      // "0" is the name book's placeholder for nobody: offered as "Unassigned".
      agents: [['0', ctx.t('monitor.unassigned')], ...[...names.staff].filter(([id]) => id !== '0')],
    };
  };
  return {
    view: 'monitor',
    rowsView: 'partials/monitor-rows',
    schema: TicketMonitorQuery,
    defaultSort: 'time_left',
    form,
    list: async (query, ctx) => {
      const filters: MonitorFilters = {
        state: query.state,
        department: query.department,
        priority: query.priority,
        agent: query.agent,
        policy: query.policy,
        metric: query.metric,
        breachWithin: query.breach_within,
        sort: query.sort ?? 'time_left',
        dir: query.dir ?? 'asc',
        page: query.page ?? 1,
        perPage: Number(query.per ?? '25'),
        departments: ctx.departments,
      };
      let searchCapped = false;
      if (query.q) {
        // Only tickets the monitor can show, so newer closed matches cannot crowd out open ones;
        // one more than the limit tells a cap from exactly SEARCH_LIMIT matches.
        const ids = await host.tickets.searchTicketIds(query.q, SEARCH_LIMIT + 1, WATCHED);
        searchCapped = ids.length > SEARCH_LIMIT;
        filters.ids = ids.slice(0, SEARCH_LIMIT);
      }
      const [{ rows, total }, forecast, options] = await Promise.all([
        monitor.list(filters, ctx.now),
        // The strip counts over the same filters, whatever window the list is narrowed to.
        monitor.forecast(filters, ctx.now),
        form(ctx),
      ]);
      return {
        rows: await rowsView(host, rows, options.names, options.policies, ctx),
        total,
        form: options,
        extra: { searchCapped, searchLimit: SEARCH_LIMIT, forecast },
      };
    },
  };
}

/** The visible rows: host subjects and client names in one batch each, never per row. */
async function rowsView(
  host: HostContext,
  rows: MonitorRow[],
  names: NameBook,
  policies: ReadonlyMap<number, string>,
  ctx: PageContext,
) {
  const [tickets, clients] = await Promise.all([
    host.tickets.getTickets(rows.map((r) => r.ticketId)),
    host.tickets.clientNames([...new Set(rows.map((r) => r.userid))]),
  ]);
  const byId = new Map(tickets.map((tk) => [tk.id, tk]));
  return rows.map((r) => ({
    ...r,
    ...rowWords(r, names.staff, policies, ctx),
    subject: byId.get(r.ticketId)?.subject ?? '',
    client: r.userid > 0 ? (clients.get(r.userid) ?? '') : '',
    departmentName: names.department.get(String(r.department)) ?? `#${r.department}`,
    priorityName: names.priority.get(String(r.priority)) ?? `#${r.priority}`,
  }));
}
