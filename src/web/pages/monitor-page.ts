import { Router, type Request } from 'express';
import { z } from 'zod';
import type { WebDeps } from '../web-deps';
import { pageContext, type PageContext } from '../web-deps';
import { renderModulePage } from '../module-page';
import { renderView } from '../../i18n/render-view';
import { asyncRoute } from '../async-route';
import { loadNames, type NameBook } from '../view-helpers';
import { stateBadge } from '../state-badge';
import { queryFieldErrors } from '../query-errors';
import { minutesFromDue, timeLeftText } from '../ticket-widgets';
import { CLOCK_METRICS } from '../../sla/config';
import {
  MONITOR_SORTS,
  MonitorService,
  type MonitorFilters,
  type MonitorRow,
} from '../../store/read/monitor-service';
import type { HostContext, TicketSearchFilter } from '../../host/host-context';
import { PERFEX_CLOSED_STATUS } from '../../host/perfex/perfex-statuses';
import { idText } from '../../sla/strict-input';
import { leadRowsView } from '../monitor-leads';

export const PAGE_SIZES = ['25', '50', '100'] as const;
/** What the monitor lists: tickets (the default) or leads. */
export const MONITOR_SUBJECTS = ['ticket', 'lead'] as const;
export const MONITOR_STATES = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'] as const;
/** The health section lists at most this many skipped host rows (and says how many more). */
const HEALTH_ROWS = 50;
/** A search asks the host for at most this many open ticket ids (newest first). */
export const SEARCH_LIMIT = 500;
/** The host tickets the monitor can list: closed and merged ones are never among its rows. */
const WATCHED: TicketSearchFilter = { excludeStatus: [PERFEX_CLOSED_STATUS], excludeMerged: true };

/** An empty form field ("All") means no filter. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
/** "0" is the monitor's own value for "unassigned", not an id. */
const agent = z.union([z.literal('0').transform(() => 0), idText()]);

const MonitorQuery = z.strictObject({
  subject: optional(z.enum(MONITOR_SUBJECTS)),
  q: optional(z.string().trim().max(100)),
  state: optional(z.enum(MONITOR_STATES)),
  department: optional(idText()),
  priority: optional(idText()),
  agent: optional(agent),
  policy: optional(idText()),
  metric: optional(z.enum(CLOCK_METRICS)),
  sort: optional(z.enum(MONITOR_SORTS)),
  dir: optional(z.enum(['asc', 'desc'])),
  page: optional(idText().refine((n) => n <= 100_000)),
  per: optional(z.enum(PAGE_SIZES)),
  partial: optional(z.literal('1')),
});
type MonitorQuery = z.infer<typeof MonitorQuery>;

/**
 * `/admin/sla_vigil/monitor`: every open ticket under the module with its most urgent clock,
 * paged, filtered and sorted in SQL. `?partial=1` answers only the table rows: the page's
 * script re-fetches them every 30 s.
 */
export function createMonitorPage(deps: WebDeps): Router {
  const router = Router();
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
  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const parsed = MonitorQuery.safeParse(req.query);
      const partial = req.query.partial === '1';
      if (!parsed.success) {
        const errors = queryFieldErrors(parsed.error, ctx.t, 'monitor.invalid_param');
        if (partial) {
          res.status(422).type('text/plain').send(Object.values(errors).join('\n'));
          return;
        }
        await renderModulePage(res, deps, ctx, {
          slug: 'monitor',
          view: 'monitor',
          status: 422,
          data: {
            ...(await formData(host, monitor, ctx)),
            health: await scanHealth(ctx),
            invalid: true,
            errors,
            raw: rawQuery(req),
          },
        });
        return;
      }
      const query = parsed.data;
      if (query.subject === 'lead') {
        // Leads have their own short list (no ticket filters); it does not refresh itself.
        const page = query.page ?? 1;
        const perPage = Number(query.per ?? '25');
        const [{ rows, total }, staff, policies] = await Promise.all([
          deps.services.leadMonitor.list(ctx.now, page, perPage),
          loadNames(host.tickets),
          monitor.policyNames(),
        ]);
        await renderModulePage(res, deps, ctx, {
          slug: 'monitor',
          view: 'monitor-leads',
          data: {
            rows: await leadRowsView(host, rows, staff.staff, policies, ctx),
            total,
            page,
            pages: Math.max(1, Math.ceil(total / perPage)),
            href: (change: Record<string, string | number | undefined>) => monitorUrl(query, change),
            stateBadge,
            hasLeads: true,
          },
        });
        return;
      }
      const filters: MonitorFilters = {
        state: query.state,
        department: query.department,
        priority: query.priority,
        agent: query.agent,
        policy: query.policy,
        metric: query.metric,
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
      const [{ rows, total }, options] = await Promise.all([
        monitor.list(filters, ctx.now),
        formData(host, monitor, ctx),
      ]);
      const view = await rowsView(host, rows, options.names, options.policies, ctx);
      // Worded like every other date of the module; to the minute is enough to tell a stale page.
      const updated = ctx.fmt(ctx.now);
      const rowData = { ...ctx, stateBadge, rows: view };
      if (partial) {
        res
          // Encoded: a header carries no "März" or "sáb"; monitor.js decodes it.
          .set('X-Sla-Vigil-Updated', encodeURIComponent(updated))
          .set('X-Sla-Vigil-Total', String(total))
          .set('Cache-Control', 'no-store');
        res.type('html').send(await renderView('partials/monitor-rows', rowData));
        return;
      }
      const pages = Math.max(1, Math.ceil(total / filters.perPage));
      await renderModulePage(res, deps, ctx, {
        slug: 'monitor',
        view: 'monitor',
        data: {
          ...options,
          health: await scanHealth(ctx),
          invalid: false,
          errors: {},
          raw: rawQuery(req),
          query,
          filters,
          rows: view,
          total,
          pages,
          searchCapped,
          searchLimit: SEARCH_LIMIT,
          updated,
          href: (change: Record<string, string | number | undefined>) => monitorUrl(query, change),
        },
      });
    }),
  );
  return router;
}

/** Everything the filter form lists: states, departments, priorities, agents, policies, metrics. */
async function formData(host: HostContext, monitor: MonitorService, ctx: PageContext) {
  const [names, policies] = await Promise.all([loadNames(host.tickets), monitor.policyNames()]);
  return {
    names,
    policies,
    hasLeads: host.leads !== undefined,
    states: MONITOR_STATES,
    metrics: CLOCK_METRICS,
    pageSizes: PAGE_SIZES,
    sorts: MONITOR_SORTS,
    departments: [...names.department],
    priorities: [...names.priority],
    // "0" is the name book's placeholder for nobody: offered as "Unassigned".
    agents: [['0', ctx.t('monitor.unassigned')], ...[...names.staff].filter(([id]) => id !== '0')],
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
  return rows.map((r) => {
    // The badge's words and rounding (ticket-widgets), so monitor and ticket list never disagree.
    const timeLeft = r.dueAt && r.state !== 'paused' ? timeLeftText(ctx.t, r.state, r.dueAt, ctx.now) : '—';
    return {
      ...r,
      subject: byId.get(r.ticketId)?.subject ?? '',
      client: r.userid > 0 ? (clients.get(r.userid) ?? '') : '',
      departmentName: names.department.get(String(r.department)) ?? `#${r.department}`,
      priorityName: names.priority.get(String(r.priority)) ?? `#${r.priority}`,
      agentName:
        r.assigned === 0
          ? ctx.t('monitor.unassigned')
          : (names.staff.get(String(r.assigned)) ?? `#${r.assigned}`),
      policyName: r.policyId === null ? null : (policies.get(r.policyId) ?? `#${r.policyId}`),
      overdue: r.dueAt !== null && r.state !== 'paused' && minutesFromDue(r.dueAt, ctx.now).overdue,
      timeLeft,
    };
  });
}

/** The submitted values as strings, to refill the form after a 422. */
function rawQuery(req: Request): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.query).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
  );
}

/** This monitor's URL with some parameters changed (undefined removes one); defaults are left out. */
export function monitorUrl(query: MonitorQuery, change: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, partial: undefined, ...change };
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === '' || v === null) continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `/admin/sla_vigil/monitor${qs ? `?${qs}` : ''}`;
}
