import type { Knex } from 'knex';
import { utcToSql } from '../src/store/datetime';
import type { benchServices } from './bench-host';
import { withNumbers } from './bench-host';

/**
 * The ticket mix of bench/pages.ts, for the benchmarks that need its data without its pages
 * (bench/column.ts, bench/hooks.ts): N open tickets straight into `tbltickets` (no hooks) whose
 * clocks, after the module's first scan at MIX_NOW, are in every state. Kept identical to
 * pages.ts's loader so their numbers are on the same data.
 */

/** Wednesday 2026-04-01 08:00 UTC (the devhost's zone is UTC). */
export const MIX_NOW = new Date('2026-04-01T08:00:00Z');
/** First-response target (24x7) of both policies: at risk after 80 % = 6.4 h, breached after 8 h. */
const FIRST_RESPONSE_MIN = 480;
/** Resolution target of the standard policy: at risk after 4 days, breached after 5. */
const RESOLUTION_MIN = 7200;

export interface TicketMix {
  departments: number[];
  staff: number[];
}

/**
 * Five departments and five staff members (English), then the N tickets and their replies, aged
 * as of `now`. The one ticket mix of the pages, column and hooks benches and of the tests that
 * check the read paths on it (subject urgency, rollups).
 */
export async function loadTicketMix(db: Knex, n: number, now: Date = MIX_NOW): Promise<TicketMix> {
  const departments: number[] = [];
  for (const name of ['Support', 'Billing', 'Technical', 'Onboarding', 'Sales']) {
    const [id] = await db('tbldepartments').insert({ name });
    departments.push(id);
  }
  const staff: number[] = [];
  for (const first of ['Ana', 'Ben', 'Cem', 'Dana', 'Eli']) {
    const [id] = await db('tblstaff').insert({
      email: `${first.toLowerCase()}@bench.test`,
      firstname: first,
      lastname: 'Bench',
      password: 'x',
      datecreated: '2026-01-01 00:00:00',
      active: 1,
      default_language: 'english',
    });
    staff.push(id);
  }
  await loadMixTickets(db, n, departments, staff, now);
  return { departments, staff };
}

/**
 * The mix's two 24x7 policies: priorities 1-2 with first response 8 h and resolution 5 days,
 * priority 3 with first response only (its answered tickets show met); Sales has none.
 */
export async function importMixPolicies(
  services: Awaited<ReturnType<typeof benchServices>>['services'],
  mix: TicketMix,
): Promise<void> {
  const supported = mix.departments.slice(0, 4);
  await services.config.import({
    policies: [
      {
        key: 'standard',
        name: 'Standard',
        position: 10,
        match: { departmentIds: supported, priorityIds: [1, 2] },
        targets: {
          first_response: { minutes: FIRST_RESPONSE_MIN },
          resolution: { minutes: RESOLUTION_MIN },
        },
      },
      {
        key: 'urgent-first-response',
        name: 'Urgent: first response only',
        position: 20,
        match: { departmentIds: supported, priorityIds: [3] },
        targets: { first_response: { minutes: FIRST_RESPONSE_MIN } },
      },
    ],
  });
}

/**
 * N open tickets opened at mixed ages so a scan at `now` leaves every state: a quarter opened in
 * the last 8 hours (on track, or at risk past 6.4 h), the rest over the last 40 days. 1 in 5 got a
 * staff reply 30 minutes after opening (then In progress), 1 in 5 a late one after 12 hours (then
 * Answered, which pauses); of the others 1 in 7 is On Hold (paused). 1 in 10 is in Sales, which no
 * policy covers. Assignees are spread over five staff and unassigned.
 */
export async function loadMixTickets(
  db: Knex,
  n: number,
  departments: readonly number[],
  staff: readonly number[],
  at: Date = MIX_NOW,
): Promise<void> {
  const now = utcToSql(at);
  const replyAfter = `CASE WHEN n % 5 = 0 AND age >= 1800 THEN 1800 WHEN n % 5 = 1 AND age >= 43200 THEN 43200 END`;
  await withNumbers(db, n, (start, end) =>
    db.raw(
      `INSERT INTO tbltickets (ticketid, subject, message, department, priority, status, date, lastreply,
                               assigned, ticketkey)
       SELECT n + 1, CONCAT('T', n), 'm',
              CASE WHEN n % 10 = 9 THEN ? ELSE ELT(1 + (n DIV 10) % 4, ?, ?, ?, ?) END,
              1 + n % 3,
              CASE ${replyAfter} WHEN 1800 THEN 2 WHEN 43200 THEN 3 ELSE IF(n % 7 = 3, 4, 1) END,
              DATE_SUB(?, INTERVAL age SECOND),
              DATE_ADD(DATE_SUB(?, INTERVAL age SECOND), INTERVAL ${replyAfter} SECOND),
              ELT(1 + n % 6, 0, ?, ?, ?, ?, ?), 'k'
         FROM (SELECT n, IF(n % 4 = 0, (n * 7919) % 28800, (n * 7919) % 3456000) AS age
                 FROM bench_numbers WHERE n >= ? AND n < ?) x
        ORDER BY n`,
      [departments[4], ...departments.slice(0, 4), now, now, ...staff, start, end],
    ),
  );
  // The staff replies the lastreply times promise, by the assignee (or the first staff member).
  await db.raw(
    `INSERT INTO tblticket_replies (ticketid, date, message, admin, contactid)
     SELECT ticketid, lastreply, 'r', IF(assigned = 0, ?, assigned), 0 FROM tbltickets
      WHERE lastreply IS NOT NULL ORDER BY ticketid`,
    [staff[0]],
  );
}
