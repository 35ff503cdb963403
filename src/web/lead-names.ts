import type { HostContext } from '../host/host-context';
import type { LeadGateway } from '../host/lead-gateway';
import type { NameBook } from './view-helpers';

/**
 * The host's names for lead columns, read once per request: statuses, sources, markets and the
 * staff (owners); "0" reads "—" for no market and nobody. The lead's SLA tab and the per-lead
 * CSV use them.
 */
export async function loadLeadNames(host: HostContext, leads: LeadGateway): Promise<NameBook> {
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
