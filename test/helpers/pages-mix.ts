import type { Knex } from 'knex';
import { utcToSql } from '../../src/store/datetime';
import { withNumbers } from '../../bench/bench-host';

/**
 * The ticket mix of bench/pages.ts at a size a test can afford (same SQL): every state appears
 * after a scan at `now` (breached, at risk, on track, paused, met, no policy), with five
 * departments (the fifth without a policy) and five assignees plus unassigned.
 */
export async function loadPagesMix(
  db: Knex,
  n: number,
  now: Date,
): Promise<{ departments: number[]; staff: number[] }> {
  const departments: number[] = [];
  for (const name of ['Support', 'Billing', 'Technical', 'Onboarding', 'Sales']) {
    const [id] = await db('tbldepartments').insert({ name });
    departments.push(id);
  }
  const staff: number[] = [];
  for (const first of ['Ana', 'Ben', 'Cem', 'Dana', 'Eli']) {
    const [id] = await db('tblstaff').insert({
      email: `${first.toLowerCase()}@mix.test`,
      firstname: first,
      lastname: 'Mix',
      password: 'x',
      datecreated: '2026-01-01 00:00:00',
      active: 1,
      default_language: 'english',
    });
    staff.push(id);
  }
  const at = utcToSql(now);
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
      [departments[4], ...departments.slice(0, 4), at, at, ...staff, start, end],
    ),
  );
  await db.raw(
    `INSERT INTO tblticket_replies (ticketid, date, message, admin, contactid)
     SELECT ticketid, lastreply, 'r', IF(assigned = 0, ?, assigned), 0 FROM tbltickets
      WHERE lastreply IS NOT NULL ORDER BY ticketid`,
    [staff[0]],
  );
  return { departments, staff };
}
