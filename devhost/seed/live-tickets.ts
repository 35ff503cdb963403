import { businessMinutesBetween, type CalendarLike } from '../../src/sla/calendar';
import type { DepartmentName } from './people-data';
import type { PlanContext } from './ticket-plans';
import { opening } from './ticket-texts';
import type { SeedEvent } from './story';

const MINUTE_MS = 60_000;

/** Planned ticket indexes of the live tickets, after every history ticket's. */
const FIRST_INDEX = 100_000;

/** One unanswered ticket the demo opens with: its age, in wall minutes or as a share of its target. */
interface LiveTicket {
  vip: boolean;
  department: DepartmentName;
  priority: number;
  assigned: boolean;
  /** VIP (round the clock): minutes since creation. Office hours: the share of the target used up. */
  age: { minutes: number } | { share: number; targetMinutes: number };
}

/**
 * Tickets waiting for their first answer right now, whatever the hour the demo starts: VIP ones
 * minutes old (their round-the-clock ladder fires in the demo's first minutes: warnings, the
 * breach to the team lead, the reassignment, a reminder the cooldown holds back) and office-hours
 * ones past their warning but not yet due (at risk now; they fall due once the office is open).
 */
const LIVE: readonly LiveTicket[] = [
  { vip: true, department: 'Support', priority: 3, assigned: false, age: { minutes: 40 } },
  // Nobody has taken it: the lead gets it in the demo's first minutes (reassign when unassigned).
  { vip: true, department: 'Technical', priority: 2, assigned: false, age: { minutes: 11 } },
  // Taken: it breaches too, but its agent keeps it.
  { vip: true, department: 'Support', priority: 3, assigned: true, age: { minutes: 6 } },
  {
    vip: false,
    department: 'Technical',
    priority: 3,
    assigned: true,
    age: { share: 0.85, targetMinutes: 60 },
  },
  {
    vip: false,
    department: 'Support',
    priority: 1,
    assigned: false,
    age: { share: 0.9, targetMinutes: 240 },
  },
  {
    vip: false,
    department: 'Support',
    priority: 2,
    assigned: true,
    age: { share: 0.82, targetMinutes: 240 },
  },
  {
    vip: false,
    department: 'Billing',
    priority: 2,
    assigned: true,
    age: { share: 0.88, targetMinutes: 480 },
  },
];

/** The live tickets' creations, each a whole second at least a minute before `now`. */
export function planLiveTickets(ctx: PlanContext, calendar: CalendarLike): SeedEvent[] {
  const { rng, people, now } = ctx;
  return LIVE.map((live, i) => {
    const department = people.departments.find((d) => d.name === live.department) ?? people.departments[0];
    const team = people.staffByDepartment.get(department.id) ?? [];
    const clients = people.clients.filter((c) => c.vip === live.vip);
    const client = rng.pick(clients.length ? clients : people.clients);
    const contact = rng.pick(client.contacts);
    const text = opening(rng, department.name);
    const created =
      'minutes' in live.age
        ? new Date(now.getTime() - live.age.minutes * MINUTE_MS)
        : businessMinutesAgo(calendar, now, live.age.share * live.age.targetMinutes);
    return {
      at: new Date(Math.floor(Math.min(created.getTime(), now.getTime() - MINUTE_MS) / 1000) * 1000),
      ticket: FIRST_INDEX + i,
      action: {
        kind: 'create',
        input: {
          subject: text.subject,
          message: text.message,
          department: department.id,
          priority: live.priority,
          service: 0,
          assigned: live.assigned && team.length ? rng.pick(team) : 0,
          userid: client.userid,
          contactid: contact.id,
        },
      },
    };
  });
}

/** The latest instant with `minutes` business minutes between it and `now` (binary search, to the second). */
export function businessMinutesAgo(calendar: CalendarLike, now: Date, minutes: number): Date {
  let lo = now.getTime() - 60 * 24 * 60 * MINUTE_MS; // far enough back for any demo target
  let hi = now.getTime();
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (businessMinutesBetween(calendar, new Date(mid), now) >= minutes) lo = mid;
    else hi = mid;
  }
  return new Date(lo);
}
