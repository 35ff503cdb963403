import type { LeadGateway } from '../host/lead-gateway';
import type { FirstActionStats, LeadDashboardService } from '../store/read/lead-dashboard-service';

/** One row of a lead table: the group's host name and its numbers, minutes rounded for reading. */
export interface LeadStatsRow extends FirstActionStats {
  name: string;
}

export interface LeadsSection {
  breaches: { id: number; name: string; count: number }[];
  byCountry: LeadStatsRow[];
  bySource: LeadStatsRow[];
}

/**
 * The dashboard's Leads section, or null when it has nothing to say: the host offers no leads, or
 * the module has not seen one yet. Names come from the host (country and source ids are its own).
 */
export async function leadsSection(
  gateway: LeadGateway | undefined,
  reads: LeadDashboardService,
  now: Date,
  zone: string,
  periodDays: number,
  noneLabel: string,
): Promise<LeadsSection | null> {
  if (!gateway || !(await reads.hasLeads())) return null;
  const [breaches, firstAction, countries, sources] = await Promise.all([
    reads.breachedByCountry(now),
    reads.firstAction(now, zone, periodDays),
    gateway.listCountries(),
    gateway.listLeadSources(),
  ]);
  const countryName = new Map(countries.map((c) => [c.id, c.name]));
  const sourceName = new Map(sources.map((s) => [s.id, s.name]));
  const named = (names: Map<number, string>) => (id: number) =>
    id === 0 ? noneLabel : (names.get(id) ?? `#${id}`);
  const country = named(countryName);
  const source = named(sourceName);
  return {
    breaches: breaches.map((b) => ({ id: b.country, name: country(b.country), count: b.count })),
    byCountry: firstAction.byCountry.map((s) => ({ ...s, name: country(s.id) })),
    bySource: firstAction.bySource.map((s) => ({ ...s, name: source(s.id) })),
  };
}
