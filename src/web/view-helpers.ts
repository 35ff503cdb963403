import { DateTime } from 'luxon';
import type { TicketGateway } from '../host/host-context';
import type { TimelineEvent } from '../store/timeline-repository';

/** Names for the ids the timeline stores, so people read "Open → Answered", not "1 -> 3". */
export interface NameBook {
  status: Map<string, string>;
  priority: Map<string, string>;
  department: Map<string, string>;
  staff: Map<string, string>;
}

export async function loadNames(tickets: TicketGateway): Promise<NameBook> {
  const [statuses, priorities, departments, staff] = await Promise.all([
    tickets.listStatuses(),
    tickets.listPriorities(),
    tickets.listDepartments(),
    tickets.listStaff(),
  ]);
  const byId = (rows: { id: number; name: string }[]) => new Map(rows.map((r) => [String(r.id), r.name]));
  return {
    status: byId(statuses),
    priority: byId(priorities),
    department: byId(departments),
    staff: new Map([
      ['0', '—'],
      ...staff.map((s): [string, string] => [String(s.id), `${s.firstname} ${s.lastname}`]),
    ]),
  };
}

const NAMED: Partial<Record<TimelineEvent['eventType'], keyof NameBook>> = {
  status_changed: 'status',
  priority_changed: 'priority',
  department_changed: 'department',
  assignee_changed: 'staff',
};

/** "Open → Answered" for a change event; "" for events without values. */
export function describeChange(event: TimelineEvent, names: NameBook): string {
  if (event.eventType === 'created') return '';
  const book = NAMED[event.eventType];
  const name = (v: string | null) => (v === null ? null : ((book && names[book].get(v)) ?? v));
  return [name(event.fromValue), name(event.toValue)].filter((v) => v !== null).join(' → ');
}

/** An instant as sortable wall-clock time in the host's zone ("2026-03-03 08:00"), for CSV files. */
export function timeFormatter(zone: string): (date: Date | string) => string {
  return (date) =>
    DateTime.fromJSDate(typeof date === 'string' ? new Date(date) : date, { zone }).toFormat(
      'yyyy-MM-dd HH:mm',
    );
}
