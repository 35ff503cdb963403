import type { NamedRow, TicketGateway } from '../../host/host-context';

/** The host's names a settings form offers as choices (statuses, priorities, departments, staff). */
export interface HostChoices {
  statuses: NamedRow[];
  priorities: NamedRow[];
  departments: NamedRow[];
  staff: NamedRow[];
}

export async function loadHostChoices(tickets: TicketGateway): Promise<HostChoices> {
  const [statuses, priorities, departments, staff] = await Promise.all([
    tickets.listStatuses(),
    tickets.listPriorities(),
    tickets.listDepartments(),
    tickets.listStaff(),
  ]);
  return {
    statuses: statuses.map(({ id, name }) => ({ id, name })),
    priorities,
    departments,
    staff: staff
      .filter((s) => s.active)
      .map((s) => ({ id: s.id, name: `${s.firstname} ${s.lastname}`.trim() })),
  };
}
