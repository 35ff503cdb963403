import { creationWeight, nextBusinessInstant } from './business-hours';
import { WALK_INS, type DepartmentName } from './people-data';
import type { Random } from './random';
import { Story, type SeedEvent } from './story';
import type { DemoPeople } from './seed-people';
import {
  CLIENT_NUDGE,
  CLIENT_REOPEN,
  CLIENT_THANKS,
  STAFF_CLOSING,
  STAFF_ON_HOLD,
  STAFF_WORKING,
  clientFollowUp,
  opening,
  staffFirstReply,
  staffFollowUp,
} from './ticket-texts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const WINDOW_DAYS = 30;

export interface PlanContext {
  rng: Random;
  people: DemoPeople;
  now: Date;
  zone: string;
}

/** How the ticket's story ends (if the cut-off at `now` does not end it first). */
type Intent =
  'unanswered' | 'awaiting_staff' | 'answered' | 'in_progress' | 'on_hold' | 'closed' | 'reopened';

const DEPARTMENT_WEIGHT: Record<DepartmentName, number> = { Support: 5, Technical: 3, Billing: 2 };

/**
 * Older tickets are mostly settled; recent ones mostly still open. A rare old one never got an
 * answer (with the few stale ones planned below, the SLA views have overdue tickets to show,
 * without a wall of month-old breaches no real team would have).
 */
function intentWeights(ageDays: number): [Intent, number][] {
  // Nobody leaves a ticket untouched for weeks: past a week, what is open waits for the client.
  if (ageDays > 7)
    return [
      ['closed', 78],
      ['reopened', 5],
      ['answered', 10],
      ['on_hold', 7],
    ];
  if (ageDays > 2)
    return [
      ['closed', 46],
      ['reopened', 4],
      ['answered', 22],
      ['on_hold', 12],
      ['in_progress', 6],
      ['awaiting_staff', 4],
      ['unanswered', 3],
    ];
  return [
    ['closed', 8],
    ['answered', 30],
    ['on_hold', 5],
    ['in_progress', 20],
    ['awaiting_staff', 10],
    ['unanswered', 25],
  ];
}

/** A month of tickets as one chronological list of service calls. */
export function planTickets(ctx: PlanContext): SeedEvent[] {
  const events = creationTimes(ctx).flatMap((c, index) => planTicket(ctx, index, c.at, c.unanswered));
  // Stable sort: events at the same instant keep their planned order (create before reply).
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** 288 tickets spread over the month in a weekly rhythm, 6 from the last hours, 3 stale and unanswered. */
function creationTimes({ rng, now, zone }: PlanContext): { at: Date; unanswered: boolean }[] {
  const end = now.getTime() - MINUTE_MS;
  const start = now.getTime() - WINDOW_DAYS * DAY_MS + 60 * MINUTE_MS;
  const times: { at: Date; unanswered: boolean }[] = [];
  while (times.length < 288) {
    const at = new Date(start + rng.next() * (end - start));
    if (rng.next() < creationWeight(at, zone)) times.push({ at, unanswered: false });
  }
  for (let i = 0; i < 6; i++)
    times.push({ at: new Date(now.getTime() - rng.minutes(5, 180)), unanswered: false });
  for (let i = 0; i < 3; i++)
    times.push({ at: new Date(now.getTime() - rng.minutes(2 * 1440, 4 * 1440)), unanswered: true });
  return times
    .map((x) => ({ ...x, at: new Date(Math.floor(x.at.getTime() / 1000) * 1000) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

function planTicket(ctx: PlanContext, index: number, created: Date, forceUnanswered: boolean): SeedEvent[] {
  const { rng, people, zone } = ctx;
  const cutoff = ctx.now.getTime() - MINUTE_MS;
  const story = new Story(index, cutoff);

  let department = rng.weighted(people.departments.map((d) => [d, DEPARTMENT_WEIGHT[d.name]] as const));
  let team = people.staffByDepartment.get(department.id) ?? [];
  const client = rng.weighted(people.clients.map((c) => [c, c.vip ? 3 : 1] as const));
  const contact = rng.pick(client.contacts);
  let priority = rng.weighted<number>(
    client.vip
      ? [
          [3, 5],
          [2, 3],
          [1, 2],
        ]
      : [
          [1, 3],
          [2, 4.5],
          [3, 2.5],
        ],
  );
  const service = rng.chance(0.6) ? rng.pick(people.serviceIds) : 0;
  const opener = rng.chance(0.15) ? rng.pick(team) : null;
  const walkIn = opener === null && rng.chance(0.05) ? rng.pick(WALK_INS) : null;
  let assigned = opener !== null && rng.chance(0.7) ? opener : rng.chance(0.3) ? rng.pick(team) : 0;
  const text = opening(rng, department.name);
  // VIP clients have an on-call promise (the VIP policy runs round the clock, in minutes).
  const vip = client.vip && walkIn === null;
  // Staff mostly work office hours; now and then someone answers in the evening. VIP: on call,
  // within minutes; High priority: first thing in the morning.
  const staffTime = (at: Date): Date =>
    vip || !rng.chance(0.88) ? at : nextBusinessInstant(at, zone, rng, priority === 3 ? 30 : 90);
  const staffAfter = (min: number, max: number): Date =>
    staffTime(story.after(rng, vip ? Math.min(min, 5) : min, vip ? Math.min(max, 40) : max));

  story.add(created, {
    kind: 'create',
    input: {
      subject: text.subject,
      message: opener === null ? text.message : `${contact.name} called in: ${text.message}`,
      department: department.id,
      priority,
      service,
      assigned,
      ...(walkIn
        ? { name: walkIn.name, email: walkIn.email }
        : { userid: client.userid, contactid: contact.id }),
      ...(opener === null ? {} : { admin: opener }),
    },
  });
  if (story.events.length === 0) return []; // created after the cut-off: nothing to tell
  const clientReply = (message: string): void =>
    story.add(story.after(rng, 20, 1800), { kind: 'reply', input: { message, admin: null } });
  const staffReply = (at: Date, message: string, status?: number): void =>
    story.add(at, {
      kind: 'reply',
      input: { message, admin: assigned || rng.pick(team), ...(status ? { status } : {}) },
    });

  const ageDays = (cutoff - created.getTime()) / DAY_MS;
  const intent: Intent = forceUnanswered ? 'unanswered' : rng.weighted(intentWeights(ageDays));
  if (intent === 'unanswered') {
    // Still waiting for a first answer; an impatient client may have nudged (status stays Open).
    if (ageDays > 1.5 && rng.chance(0.4))
      story.add(story.after(rng, 1440, 2880), {
        kind: 'reply',
        input: { message: rng.pick(CLIENT_NUDGE), admin: null },
      });
    return story.events;
  }

  // First response: VIP on call within minutes, urgent tickets faster than the rest.
  const [lo, hi] = rng.weighted<[number, number]>(
    vip
      ? [
          [[2, 8], 12],
          [[8, 30], 1.2],
        ]
      : priority === 3
        ? [
            [[5, 40], 8],
            [[40, 120], 1],
            [[120, 480], 0.4],
          ]
        : [
            [[5, 60], 4],
            [[60, 180], 4],
            [[180, 480], 1.2],
            [[480, 1200], 0.8],
            [[1200, 2400], 0.3],
          ],
  );
  const pickupAt = story.slot(staffAfter(lo, hi));
  if (!pickupAt) return story.events; // past the cut-off: nobody has got to it yet
  if (!assigned && rng.chance(0.75)) {
    assigned = rng.pick(team);
    story.add(pickupAt, { kind: 'settings', data: { assigned } });
  }
  if (rng.chance(0.25)) story.add(pickupAt, { kind: 'status', status: 2 });
  // Urgent tickets get their first answer right after pickup; others once it is looked into.
  const urgent = vip || priority === 3;
  staffReply(new Date(pickupAt.getTime() + rng.minutes(1, urgent ? 6 : 40)), staffFirstReply(rng));

  for (let round = rng.int(0, 2); round > 0; round--) {
    clientReply(clientFollowUp(rng));
    if (priority < 3 && rng.chance(0.1)) {
      priority = 3;
      story.add(staffAfter(5, 60), { kind: 'settings', data: { priority } });
    }
    staffReply(staffAfter(5, vip ? 45 : priority === 3 ? 90 : 720), staffFollowUp(rng));
  }

  if (rng.chance(0.04)) {
    // Wrong department: moved, and handed to someone there.
    const others = people.departments.filter((d) => d.id !== department.id);
    department = rng.pick(others);
    team = people.staffByDepartment.get(department.id) ?? team;
    assigned = rng.pick(team);
    story.add(staffAfter(30, 600), {
      kind: 'settings',
      data: { department: department.id, assigned },
    });
    staffReply(staffAfter(10, 240), staffFollowUp(rng));
  } else if (team.length > 1 && rng.chance(0.07)) {
    assigned = rng.pick(team.filter((s) => s !== assigned));
    story.add(staffAfter(30, 600), { kind: 'settings', data: { assigned } });
  }

  switch (intent) {
    case 'answered':
      break;
    case 'awaiting_staff':
      clientReply(clientFollowUp(rng));
      break;
    case 'in_progress':
      if (rng.chance(0.5)) staffReply(staffAfter(10, 120), STAFF_WORKING, 2);
      else story.add(staffAfter(10, 120), { kind: 'status', status: 2 });
      break;
    case 'on_hold':
      if (rng.chance(0.5)) staffReply(staffAfter(10, 240), STAFF_ON_HOLD, 4);
      else story.add(staffAfter(10, 240), { kind: 'status', status: 4 });
      break;
    case 'closed':
    case 'reopened':
      close(ctx, story, clientReply, staffReply, staffAfter);
      if (intent === 'reopened') {
        story.add(story.after(rng, 1440, 5 * 1440), {
          kind: 'reply',
          input: { message: rng.pick(CLIENT_REOPEN), admin: null },
        });
        if (rng.chance(0.6)) staffReply(staffAfter(10, 240), staffFollowUp(rng));
        if (rng.chance(0.5)) story.add(staffAfter(1440, 2880), { kind: 'status', status: 5 });
      }
      break;
  }
  return story.events;
}

/** Closing: after the client's thanks, by a closing reply, or silently when the client goes quiet. */
function close(
  { rng }: PlanContext,
  story: Story,
  clientReply: (message: string) => void,
  staffReply: (at: Date, message: string, status?: number) => void,
  staffAfter: (min: number, max: number) => Date,
): void {
  const how = rng.next();
  if (how < 0.45) {
    clientReply(rng.pick(CLIENT_THANKS));
    if (rng.chance(0.5)) staffReply(staffAfter(5, 240), STAFF_CLOSING, 5);
    else story.add(staffAfter(5, 240), { kind: 'status', status: 5 });
  } else if (how < 0.75) {
    staffReply(staffAfter(60, 480), STAFF_CLOSING, 5);
  } else {
    story.add(staffAfter(2 * 1440, 4 * 1440), { kind: 'status', status: 5 });
  }
}
