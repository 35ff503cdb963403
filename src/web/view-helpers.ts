import { DateTime } from 'luxon';
import type { TicketGateway } from '../host/host-context';
import type { TimelineEvent } from '../store/timeline-repository';

/** Names for the ids the timeline stores, so people read "Open → Answered", not "1 -> 3". */
export interface NameBook {
  status: Map<string, string>;
  priority: Map<string, string>;
  department: Map<string, string>;
  staff: Map<string, string>;
  /** A lead's sources and markets (countries), for its timeline. */
  source?: Map<string, string>;
  country?: Map<string, string>;
  /** Policy names by id, with "null" for no policy; only where a page shows policy changes. */
  policy?: Map<string, string>;
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
  source_changed: 'source',
  country_changed: 'country',
};

/** "Open → Answered" for a change event; "" for events without values. */
export function describeChange(event: TimelineEvent, names: NameBook): string {
  if (event.eventType === 'created') return '';
  if (event.eventType === 'policy_changed') {
    return [event.fromValue, event.toValue].map((v) => policyName(v, names.policy)).join(' → ');
  }
  const book = NAMED[event.eventType];
  const name = (v: string | null) => (v === null ? null : ((book && names[book]?.get(v)) ?? v));
  return [name(event.fromValue), name(event.toValue)].filter((v) => v !== null).join(' → ');
}

/**
 * A `policy_changed` value is the engine's JSON (policy id and its pause statuses, which the
 * recompute needs); people read the policy's name, "#id" for a policy deleted since.
 */
function policyName(value: string | null, policies: Map<string, string> | undefined): string {
  let id: unknown;
  try {
    id = value === null ? null : (JSON.parse(value) as { policyId?: unknown }).policyId;
  } catch {
    return value ?? '';
  }
  // Older rows stored the id as a string.
  const key = id === null || id === undefined ? 'null' : String(id);
  return policies?.get(key) ?? (key === 'null' ? '—' : `#${key}`);
}

/** An instant as sortable wall-clock time in the host's zone ("2026-03-03 08:00"), for CSV files. */
export function timeFormatter(zone: string): (date: Date | string) => string {
  return (date) =>
    DateTime.fromJSDate(typeof date === 'string' ? new Date(date) : date, { zone }).toFormat(
      'yyyy-MM-dd HH:mm',
    );
}
