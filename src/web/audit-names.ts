import type { TicketGateway } from '../host/host-context';

/**
 * Names for the ids and keys audit rows store, so the log reads "Ada Admin", "VIP support" and
 * "Office hours" instead of 1, `vip` and `office`. Staff include inactive ones: the log is history.
 */
export interface AuditNames {
  staff: ReadonlyMap<number, string>;
  departments: ReadonlyMap<number, string>;
  priorities: ReadonlyMap<number, string>;
  statuses: ReadonlyMap<number, string>;
  clients: ReadonlyMap<number, string>;
  services: ReadonlyMap<number, string>;
  /** Policy names by key, as configured now. */
  policies: ReadonlyMap<string, string>;
  /** Calendar names by key, as configured now. */
  calendars: ReadonlyMap<string, string>;
}

export async function loadAuditNames(
  tickets: TicketGateway,
  config: {
    policies: readonly { key: string; name: string }[];
    calendars: readonly { key: string; name: string }[];
  },
): Promise<AuditNames> {
  const [staff, departments, priorities, statuses, clients, services] = await Promise.all([
    tickets.listStaff(),
    tickets.listDepartments(),
    tickets.listPriorities(),
    tickets.listStatuses(),
    tickets.listClients(),
    tickets.listServices(),
  ]);
  const byId = (rows: readonly { id: number; name: string }[]) =>
    new Map(rows.filter((r) => r.name !== '').map((r) => [r.id, r.name]));
  return {
    staff: new Map(staff.map((s) => [s.id, `${s.firstname} ${s.lastname}`.trim()])),
    departments: byId(departments),
    priorities: byId(priorities),
    statuses: byId(statuses),
    clients: byId(clients),
    services: byId(services),
    policies: new Map(config.policies.map((p) => [p.key, p.name])),
    calendars: new Map(config.calendars.map((c) => [c.key, c.name])),
  };
}

/** Which book names a stored id or key, by the field it is stored under. */
const BOOK_OF: Record<string, keyof AuditNames> = {
  recipients: 'staff',
  suppressed: 'staff',
  staffId: 'staff',
  unassignedFallbackStaffId: 'staff',
  departmentIds: 'departments',
  departmentId: 'departments',
  ownerDepartmentIds: 'departments',
  priorityIds: 'priorities',
  priorityId: 'priorities',
  targetPriority: 'priorities',
  pauseStatusIds: 'statuses',
  defaultPauseStatusIds: 'statuses',
  clientIds: 'clients',
  serviceIds: 'services',
  policy: 'policies',
  order: 'policies',
  calendar: 'calendars',
};

/**
 * The name for a value stored under `field` (an id, a key, or a list of them), or undefined when
 * the field names nothing or the value is not one the host or configuration knows (shown as is).
 */
export function nameFor(field: string, value: unknown, names: AuditNames | undefined): string | undefined {
  const book = names && Object.hasOwn(BOOK_OF, field) ? names[BOOK_OF[field]] : undefined;
  if (!book) return undefined;
  const one = (v: unknown): string | undefined =>
    typeof v === 'number' || typeof v === 'string'
      ? (book as ReadonlyMap<number | string, string>).get(v)
      : undefined;
  if (!Array.isArray(value)) return one(value);
  if (value.length === 0) return undefined;
  return value.map((v) => one(v) ?? (typeof v === 'number' ? `#${v}` : String(v))).join(', ');
}
