import {
  FORECAST_WINDOWS,
  topWithRest,
  type ForecastGroup,
  type ForecastWindow,
  type WindowCounts,
} from '../sla/forecast/breach-forecast';
import type { LeadForecast, TicketForecast } from '../store/read/forecast-service';

/** Rows per forecast table; the others are summed on one line. */
export const FORECAST_TOP = 5;

/** One count of a forecast line and where it leads (the monitor narrowed to that window; null: nowhere). */
export interface ForecastCellView {
  window: ForecastWindow;
  count: number;
  href: string | null;
}

export interface ForecastLine {
  id: number;
  name: string;
  cells: ForecastCellView[];
}

/** A forecast table: its first lines, and the others summed (null when none are left). */
export interface ForecastTable {
  lines: ForecastLine[];
  rest: { groups: number; cells: ForecastCellView[] } | null;
}

export interface TicketForecastView {
  totals: ForecastCellView[];
  byDepartment: ForecastTable;
  byAgent: ForecastTable;
}

export interface LeadForecastView {
  totals: ForecastCellView[];
  byOwner: ForecastTable;
}

const MONITOR = '/admin/sla_vigil/monitor';

/** The monitor with these filters and the window. */
function monitorLink(filters: Record<string, string | number>, window: ForecastWindow): string {
  const params = new URLSearchParams(
    Object.entries(filters).map(([k, v]): [string, string] => [k, String(v)]),
  );
  params.set('breach_within', window);
  return `${MONITOR}?${params}`;
}

function cells(counts: WindowCounts, href: ((w: ForecastWindow) => string) | null): ForecastCellView[] {
  return FORECAST_WINDOWS.map((w) => ({ window: w, count: counts[w], href: href ? href(w) : null }));
}

function table(
  groups: readonly ForecastGroup[],
  name: (id: number) => string,
  filters: (id: number) => Record<string, string | number>,
): ForecastTable {
  const { top, rest } = topWithRest(groups, FORECAST_TOP);
  return {
    lines: top.map((g) => ({
      id: g.id,
      name: name(g.id),
      cells: cells(g.counts, (w) => monitorLink(filters(g.id), w)),
    })),
    rest: rest ? { groups: rest.groups, cells: cells(rest.counts, null) } : null,
  };
}

/** The dashboard's ticket forecast card: totals and the top departments and agents, with links into the monitor. */
export function ticketForecastView(
  forecast: TicketForecast,
  departmentName: (id: number) => string,
  agentName: (id: number) => string,
): TicketForecastView {
  return {
    totals: cells(forecast.totals, (w) => monitorLink({}, w)),
    byDepartment: table(forecast.byDepartment, departmentName, (id) => ({ department: id })),
    byAgent: table(forecast.byAgent, agentName, (id) => ({ agent: id })),
  };
}

/** The Leads section's forecast: totals and the top owners, with links into the lead monitor. */
export function leadForecastView(
  forecast: LeadForecast,
  ownerName: (id: number) => string,
): LeadForecastView {
  return {
    totals: cells(forecast.totals, (w) => monitorLink({ subject: 'lead' }, w)),
    byOwner: table(forecast.byOwner, ownerName, (id) => ({ subject: 'lead', owner: id })),
  };
}
