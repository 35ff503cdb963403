import type { NamedRow } from '../../../src/host/host-context';
import type { Devhost } from '../../devhost';

export interface StatusOption extends NamedRow {
  color: string;
}

export interface ContactGroup {
  company: string;
  contacts: { id: number; name: string; email: string }[];
}

/** The choices ticket forms and filters offer, read the way Perfex's dropdowns read them. */
export interface TicketLookups {
  statuses: StatusOption[];
  priorities: NamedRow[];
  departments: NamedRow[];
  staff: NamedRow[];
  services: NamedRow[];
}

export async function ticketLookups(devhost: Devhost): Promise<TicketLookups> {
  const gateway = devhost.host.tickets;
  const [statuses, priorities, departments, staff, services] = await Promise.all([
    gateway.listStatuses(),
    gateway.listPriorities(),
    gateway.listDepartments(),
    gateway.listStaff(),
    devhost.db(`${devhost.config.tablePrefix}services`).orderBy('name'),
  ]);
  return {
    statuses,
    priorities,
    departments,
    staff: staff.filter((s) => s.active).map((s) => ({ id: s.id, name: `${s.firstname} ${s.lastname}` })),
    services: services.map((s: { serviceid: number; name: string }) => ({ id: s.serviceid, name: s.name })),
  };
}

/** Active contacts grouped by their client's company, for the "on behalf of" select. */
export async function contactsByCompany(devhost: Devhost): Promise<ContactGroup[]> {
  const p = devhost.config.tablePrefix;
  const rows: { id: number; firstname: string; lastname: string; email: string; company: string | null }[] =
    await devhost
      .db(`${p}contacts as c`)
      .join(`${p}clients as cl`, 'cl.userid', 'c.userid')
      .where('c.active', 1)
      .select('c.id', 'c.firstname', 'c.lastname', 'c.email', 'cl.company')
      .orderBy([{ column: 'cl.company' }, { column: 'c.firstname' }, { column: 'c.lastname' }]);
  const groups = new Map<string, ContactGroup>();
  for (const r of rows) {
    const company = r.company || '(no company)';
    const group = groups.get(company) ?? { company, contacts: [] };
    group.contacts.push({ id: r.id, name: `${r.firstname} ${r.lastname}`, email: r.email });
    groups.set(company, group);
  }
  return [...groups.values()];
}
