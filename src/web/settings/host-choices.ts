import type { NamedRow, TicketGateway } from '../../host/host-context';

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
