import type { NamedRow, TicketGateway } from '../../host/host-context';
import type { LeadGateway, LeadStatusRow } from '../../host/lead-gateway';

/**
 * The host's names a settings form offers as choices (statuses, priorities, departments, staff,
 * clients, services), and the settings list and audit log name ids with.
 */
export interface HostChoices {
  statuses: NamedRow[];
  priorities: NamedRow[];
  departments: NamedRow[];
  staff: NamedRow[];
  clients: NamedRow[];
  services: NamedRow[];
}

export async function loadHostChoices(tickets: TicketGateway): Promise<HostChoices> {
  const [statuses, priorities, departments, staff, clients, services] = await Promise.all([
    tickets.listStatuses(),
    tickets.listPriorities(),
    tickets.listDepartments(),
    tickets.listStaff(),
    tickets.listClients(),
    tickets.listServices(),
  ]);
  // A client without a company name (Perfex allows one) is still a choice: named by its id.
  const named = (rows: NamedRow[]) => rows.map((r) => ({ id: r.id, name: r.name || `#${r.id}` }));
  return {
    statuses: statuses.map(({ id, name }) => ({ id, name })),
    priorities,
    departments,
    staff: staff
      .filter((s) => s.active)
      .map((s) => ({ id: s.id, name: `${s.firstname} ${s.lastname}`.trim() })),
    clients: named(clients),
    services: named(services),
  };
}

/** The host's lead vocabularies a lead policy chooses from and the settings list names ids with. */
export interface LeadChoices {
  statuses: LeadStatusRow[];
  sources: NamedRow[];
  countries: NamedRow[];
}

export async function loadLeadChoices(leads: LeadGateway): Promise<LeadChoices> {
  const [statuses, sources, countries] = await Promise.all([
    leads.listLeadStatuses(),
    leads.listLeadSources(),
    leads.listCountries(),
  ]);
  const named = (rows: NamedRow[]) => rows.map((r) => ({ id: r.id, name: r.name || `#${r.id}` }));
  return {
    statuses: statuses.map((s) => ({ ...s, name: s.name || `#${s.id}` })),
    sources: named(sources),
    countries: named(countries),
  };
}
