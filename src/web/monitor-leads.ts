import type { HostContext } from '../host/host-context';
import type { LeadMonitorFilters, LeadMonitorRow, LeadNameSort } from '../store/read/lead-monitor-service';
import { LEAD_MONITOR_SORTS } from '../store/read/lead-monitor-service';
import type { PageContext, WebDeps } from './web-deps';
import { loadNames } from './view-helpers';
import { rowWords, type MonitorKind } from './monitor-view';
import { LeadMonitorQuery } from './monitor-params';

/** The host's names of the lead columns, read once per request: for the filters, the sorts and the rows. */
interface LeadNames {
  /** In the host's pipeline order. */
  statuses: { id: number; name: string; isCustomer: boolean }[];
  countries: { id: number; name: string }[];
  sources: { id: number; name: string }[];
  /** Staff id (as text) -> full name; "0" is nobody. */
  staff: Map<string, string>;
  policies: Map<number, string>;
}

/**
 * `/monitor?subject=lead`: the open leads with their most urgent clock, filtered by state, market,
 * source, owner, status and lead policy, sorted by time left (most urgent first), due time, lead,
 * status, market or owner, paged in SQL and refreshed like the tickets (monitor-view.ts).
 */
export function leadMonitorKind(deps: WebDeps): MonitorKind<LeadMonitorQuery> {
  const { host } = deps;
  const { leadMonitor, monitor } = deps.services;
  const names = async (): Promise<LeadNames> => {
    const gateway = host.leads;
    const [statuses, countries, sources, book, policies] = await Promise.all([
      gateway ? gateway.listLeadStatuses() : [],
      gateway ? gateway.listCountries() : [],
      gateway ? gateway.listLeadSources() : [],
      loadNames(host.tickets),
      monitor.policyNames('lead'),
    ]);
    const pipeline = [...statuses].sort((a, b) => a.order - b.order || a.id - b.id);
    return { statuses: pipeline, countries, sources, staff: book.staff, policies };
  };
  /** The filters' options; markets only those of open leads (a country list is long). */
  const form = async (ctx: PageContext, book?: LeadNames) => {
    const [n, markets] = await Promise.all([book ?? names(), leadMonitor.markets()]);
    const country = new Map(n.countries.map((c) => [c.id, c.name]));
    const byName = (a: [string, string], b: [string, string]) => a[1].localeCompare(b[1], ctx.lang);
    const named = (list: { id: number; name: string }[]) =>
      list.map((x): [string, string] => [String(x.id), x.name]);
    return {
      hasLeads: true,
      sorts: LEAD_MONITOR_SORTS,
      markets: [
        ...markets
          .filter((id) => id !== 0)
          .map((id): [string, string] => [String(id), country.get(id) ?? `#${id}`])
          .sort(byName),
        ...(markets.includes(0) ? [['0', ctx.t('monitor.leads.no_market')] as [string, string]] : []),
      ],
      sources: named(n.sources).sort(byName),
      owners: [['0', ctx.t('monitor.unassigned')], ...[...n.staff].filter(([id]) => id !== '0').sort(byName)],
      // A converted lead gets the customer status and leaves the list: nothing to filter by.
      statuses: named(n.statuses.filter((st) => !st.isCustomer)),
      policies: [...n.policies].map(([id, name]): [string, string] => [String(id), name]),
    };
  };
  return {
    view: 'monitor-leads',
    rowsView: 'partials/monitor-lead-rows',
    schema: LeadMonitorQuery,
    defaultSort: 'time_left',
    form: (ctx) => form(ctx),
    list: async (query, ctx) => {
      const book = await names();
      const sort = query.sort ?? 'time_left';
      const filters: LeadMonitorFilters = {
        state: query.state,
        market: query.market,
        source: query.source,
        owner: query.owner,
        status: query.status,
        policy: query.policy,
        breachWithin: query.breach_within,
        sort,
        dir: query.dir ?? 'asc',
        nameOrder: isNameSort(sort) ? nameOrder(sort, book, ctx.lang) : undefined,
        page: query.page ?? 1,
        perPage: Number(query.per ?? '25'),
      };
      const [{ rows, total }, forecast, options] = await Promise.all([
        leadMonitor.list(filters, ctx.now),
        // The strip counts over the same filters, whatever window the list is narrowed to.
        leadMonitor.forecast(filters, ctx.now),
        form(ctx, book),
      ]);
      return { rows: await leadRowsView(host, rows, book, ctx), total, form: options, extra: { forecast } };
    },
  };
}

const isNameSort = (sort: string): sort is LeadNameSort =>
  sort === 'status' || sort === 'market' || sort === 'owner';

/** A column's ids in the order people read its names: the pipeline for statuses, the alphabet otherwise. */
function nameOrder(sort: LeadNameSort, n: LeadNames, lang: string): number[] {
  if (sort === 'status') return n.statuses.map((s) => s.id);
  const rows =
    sort === 'market'
      ? n.countries
      : [...n.staff].filter(([id]) => id !== '0').map(([id, name]) => ({ id: Number(id), name }));
  return [...rows].sort((a, b) => a.name.localeCompare(b.name, lang) || a.id - b.id).map((r) => r.id);
}

/**
 * The monitor's lead rows in words: lead and company from one host lookup for the page, status,
 * market, source, owner and policy from the names already read, never per row.
 */
async function leadRowsView(host: HostContext, rows: LeadMonitorRow[], n: LeadNames, ctx: PageContext) {
  const leads = host.leads ? await host.leads.getLeads(rows.map((r) => r.leadId)) : [];
  const byId = new Map(leads.map((l) => [l.id, l]));
  const name = (list: { id: number; name: string }[]) => {
    const map = new Map(list.map((x) => [x.id, x.name]));
    return (id: number) => (id === 0 ? '—' : (map.get(id) ?? `#${id}`));
  };
  const [status, country, source] = [name(n.statuses), name(n.countries), name(n.sources)];
  return rows.map((r) => {
    const lead = byId.get(r.leadId);
    return {
      ...r,
      ...rowWords(r, n.staff, n.policies, ctx),
      href: ctx.leadUrl(r.leadId),
      name: lead?.name ?? '',
      company: lead?.company ?? '',
      statusName: status(r.status),
      countryName: country(r.country),
      sourceName: source(r.source),
      // The running clock of an open lead is its stay in its current status.
      clockName: r.dueAt ? ctx.t('metrics.status_time_in', { status: status(r.status) }) : null,
    };
  });
}
