import { MutableClock } from '../../devhost/mutable-clock';
import {
  insertStaffPerAccessLevel,
  insertStaffWithCapabilities,
  STAFF_PASSWORD,
} from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { readCsv } from '../helpers/csv-reader';

/**
 * Reports over clocks written straight into the module's tables (no scan runs: the devhost's
 * cron is off), so every figure below can be checked by hand. Host zone Europe/Berlin (UTC+1
 * in early March); the range 2026-03-01..2026-03-10 is [2026-02-28T23:00Z, 2026-03-10T23:00Z).
 *
 * Counted clocks (settled = breach time, else met time):
 *   T1 first_response c1 met on time 30 min | resolution c1 met late (breached) 600 min | resolution c2 met on time 120 - 30 paused = 90
 *   T2 first_response c1 on time 10 min | next_response c1 breached, unmet | next_response c2 on time
 *   T3 (office-hours calendar) first_response c1 on time: Fri 16:30 -> Mon 09:20 = 50 business min | resolution c1 breached, unmet
 *   T4 first_response c1 met 2026-02-28T23:30Z = 03-01 00:30 Berlin: inside the range, 30 min
 * Not counted: T4 resolution (still running), T5 first_response met 2026-03-10T23:15Z (03-11 Berlin).
 */

let t: TestDevhost;
let ids: { support: number; sales: number; anna: number; p24: number; office: number; t: number[] };
const RANGE = 'from=2026-03-01&to=2026-03-10';

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

async function seed(): Promise<void> {
  const db = t.devhost.db;
  const [support] = await db('tbldepartments').insert({ name: 'Support' });
  const [sales] = await db('tbldepartments').insert({ name: 'Sales' });
  const anna = await insertStaffWithCapabilities(db, 'anna.agent@x.test', STAFF_PASSWORD, []);
  const client = async (company: string) =>
    (await db('tblclients').insert({ company, datecreated: '2026-01-01 00:00:00' }))[0];
  const sum = await client('@SUM(1)');
  const minus = await client('-2+3');
  const acme = await client('Acme');
  const ticket = async (subject: string, department: number, userid: number) =>
    (
      await db('tbltickets').insert({
        subject,
        message: 'm',
        department,
        priority: 2,
        status: 1,
        userid,
        date: '2026-03-01 00:00:00',
        ticketkey: 'k',
      })
    )[0];
  const t1 = await ticket('=HYPERLINK("http://x")', support, sum);
  const t2 = await ticket('<script>alert(1)</script>', sales, minus);
  const t3 = await ticket('Printer on fire', support, acme);
  const t4 = await ticket('Night owl', sales, acme);
  const t5 = await ticket('Too late for March 10', sales, acme);

  await db('tblsla_vigil_calendars').insert({
    key: 'office',
    name: 'Office',
    timezone: 'UTC',
    week: JSON.stringify(
      Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])),
    ),
    holidays: '[]',
    updated_at: '2026-01-01 00:00:00',
  });
  const policy = async (key: string, name: string, calendar: string | null) =>
    (
      await db('tblsla_vigil_policies').insert({
        key,
        name,
        match: '{}',
        calendar_key: calendar,
        targets: JSON.stringify({
          first_response: { minutes: 60 },
          next_response: { minutes: 120 },
          resolution: { minutes: 480 },
        }),
        pause_status_ids: '[3,4]',
        escalations: '[]',
        updated_at: '2026-01-01 00:00:00',
      })
    )[0];
  const p24 = await policy('p24', 'Around the clock', null);
  const office = await policy('office', 'Office hours', 'office');

  const subject = (id: number, department: number, assigned: number, policyId: number, userid: number) => ({
    subject_type: 'ticket',
    subject_id: id,
    status: 1,
    priority: 2,
    department,
    assigned,
    userid,
    deleted: 0,
    policy_id: policyId,
    sla_state: 'on_track',
    computed_version: 1_000_000,
    created_at: '2026-03-01 00:00:00',
    updated_at: '2026-03-01 00:00:00',
  });
  await db('tblsla_vigil_subjects').insert([
    subject(t1, support, anna, p24, sum),
    subject(t2, sales, 0, p24, minus),
    subject(t3, support, anna, office, acme),
    subject(t4, sales, anna, p24, acme),
    subject(t5, sales, anna, p24, acme),
  ]);
  const clock = (
    subjectId: number,
    policyId: number,
    metric: string,
    cycle: number,
    startedAt: string,
    dueAt: string,
    metAt: string | null,
    breachedAt: string | null,
    pausedMinutes = 0,
  ) => ({
    subject_type: 'ticket',
    subject_id: subjectId,
    metric,
    cycle,
    policy_id: policyId,
    target_minutes: 60,
    started_at: startedAt,
    due_at: dueAt,
    warn_at: dueAt,
    paused_minutes: pausedMinutes,
    met_at: metAt,
    breached_at: breachedAt,
    state: breachedAt ? 'breached' : metAt ? 'met' : 'on_track',
    updated_at: '2026-03-15 00:00:00',
  });
  await db('tblsla_vigil_clocks').insert([
    clock(
      t1,
      p24,
      'first_response',
      1,
      '2026-03-02 08:00:00',
      '2026-03-02 09:00:00',
      '2026-03-02 08:30:00',
      null,
    ),
    clock(
      t1,
      p24,
      'resolution',
      1,
      '2026-03-02 08:00:00',
      '2026-03-02 16:00:00',
      '2026-03-02 18:00:00',
      '2026-03-02 16:00:00',
    ),
    clock(
      t1,
      p24,
      'resolution',
      2,
      '2026-03-03 08:00:00',
      '2026-03-03 16:30:00',
      '2026-03-03 10:00:00',
      null,
      30,
    ),
    clock(
      t2,
      p24,
      'first_response',
      1,
      '2026-03-04 10:00:00',
      '2026-03-04 11:00:00',
      '2026-03-04 10:10:00',
      null,
    ),
    clock(
      t2,
      p24,
      'next_response',
      1,
      '2026-03-04 12:00:00',
      '2026-03-04 14:00:00',
      null,
      '2026-03-04 14:00:00',
    ),
    clock(
      t2,
      p24,
      'next_response',
      2,
      '2026-03-05 09:00:00',
      '2026-03-05 11:00:00',
      '2026-03-05 09:30:00',
      null,
    ),
    clock(
      t3,
      office,
      'first_response',
      1,
      '2026-03-06 16:30:00',
      '2026-03-09 09:30:00',
      '2026-03-09 09:20:00',
      null,
    ),
    clock(
      t3,
      office,
      'resolution',
      1,
      '2026-03-06 16:30:00',
      '2026-03-09 16:30:00',
      null,
      '2026-03-09 16:30:00',
    ),
    clock(
      t4,
      p24,
      'first_response',
      1,
      '2026-02-28 23:00:00',
      '2026-03-01 00:00:00',
      '2026-02-28 23:30:00',
      null,
    ),
    clock(t4, p24, 'resolution', 1, '2026-02-28 23:00:00', '2026-03-20 07:00:00', null, null),
    clock(
      t5,
      p24,
      'first_response',
      1,
      '2026-03-10 23:00:00',
      '2026-03-11 00:00:00',
      '2026-03-10 23:15:00',
      null,
    ),
  ]);
  ids = { support, sales, anna, p24, office, t: [t1, t2, t3, t4, t5] };
}

beforeAll(async () => {
  t = await startTestDevhost({
    timezone: 'Europe/Berlin',
    clock: new MutableClock(new Date('2026-03-15T12:00:00Z')),
  });
  await insertStaffPerAccessLevel(t.devhost.db, 'nobody@x.test');
  await seed();
});
afterAll(() => t.close());

const decode = (html: string): string =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** The report table as the page shows it: header, then each row (totals last). */
function shownTable(html: string): string[][] {
  const table = /<table[^>]*data-testid="sv-report-table"[\s\S]*?<\/table>/.exec(html);
  if (!table) throw new Error('no report table on the page');
  return [...table[0].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => decode(cell[1])),
  );
}

async function page(query: string) {
  const admin = await login('admin@example.com');
  return admin.agent.get(`/admin/sla_vigil/reports?${query}`);
}

describe('/admin/sla_vigil/reports', () => {
  it.each([
    ['admin@example.com', 200],
    ['manager@x.test', 200],
    ['viewer@x.test', 200],
    ['nobody@x.test', 403],
  ])('%s gets %i on the page and both downloads', async (email, status) => {
    const session = await login(email);
    for (const path of ['', '/export.csv', '/tickets.csv']) {
      const res = await session.agent.get(`/admin/sla_vigil/reports${path}?${RANGE}`);
      expect([path, res.status]).toEqual([path, status]);
      if (status === 403) expect(res.text).toContain('data-testid="sv-forbidden"');
    }
  });

  it('defaults to the last 30 days in the host zone, grouped by policy', async () => {
    const res = await page('');
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="from" value="2026-02-14"');
    expect(res.text).toContain('name="to" value="2026-03-15"');
    // The date pickers and the page speak the staff member's language (one date format per locale).
    expect(res.text).toContain('<input type="date" lang="en" id="sv-from" name="from"');
    expect(res.text).toContain('<div class="sv-module" lang="en"');
    expect(res.text).toMatch(/<option value="policy" selected>/);
    // T5 (met 03-11 Berlin) is inside the default range: 10 clocks finished in all.
    expect(shownTable(res.text).at(-1)?.slice(0, 2)).toEqual(['Total', '10']);
  });

  it('by policy: counts, compliance, business-minute medians and p90, last-cycle vs ever breached', async () => {
    const res = await page(`${RANGE}&group=policy`);
    expect(res.status).toBe(200);
    expect(shownTable(res.text)).toEqual([
      [
        'Policy',
        'Clocks finished',
        'Met on time',
        'Breached',
        'Compliance %',
        'First response median (min)',
        'First response p90 (min)',
        'Resolution median (min)',
        'Resolution p90 (min)',
        'Tickets',
        'Tickets breached in last cycle',
        'Tickets ever breached',
      ],
      // FR [30, 10, 30]; resolution [600, 90]: median 345, p90 = 90 + 0.9 * 510 = 549.
      ['Around the clock', '7', '5', '2', '71.4', '30', '30', '345', '549', '3', '0', '2'],
      // 50 business minutes (Fri 16:30-17:00 + Mon 09:00-09:20), not the 2.7 days on the wall clock.
      ['Office hours', '2', '1', '1', '50', '50', '50', '—', '—', '1', '1', '1'],
      // FR [10, 30, 30, 50]: median 30, p90 = 30 + 0.7 * 20 = 44.
      ['Total', '9', '6', '3', '66.7', '30', '44', '345', '549', '4', '1', '3'],
    ]);
    expect(res.text).toContain('data-testid="sv-report-notes"');
    expect(res.text).toContain('business minutes');
  });

  it('by metric: the next_response ticket breached in cycle 1 and met in cycle 2 is ever breached only', async () => {
    const rows = shownTable((await page(`${RANGE}&group=metric`)).text).slice(1);
    expect(rows).toEqual([
      ['First response', '4', '4', '0', '100', '30', '44', '—', '—', '4', '0', '0'],
      ['Next response', '2', '1', '1', '50', '—', '—', '—', '—', '1', '0', '1'],
      ['Resolution', '3', '1', '2', '33.3', '—', '—', '345', '549', '2', '1', '2'],
      ['Total', '9', '6', '3', '66.7', '30', '44', '345', '549', '4', '1', '3'],
    ]);
  });

  it('by department and by agent (current ticket facts), and with a metric filter', async () => {
    expect(shownTable((await page(`${RANGE}&group=department`)).text).slice(1)).toEqual([
      ['Sales', '4', '3', '1', '75', '20', '28', '—', '—', '2', '0', '1'],
      ['Support', '5', '3', '2', '60', '40', '48', '345', '549', '2', '1', '2'],
      ['Total', '9', '6', '3', '66.7', '30', '44', '345', '549', '4', '1', '3'],
    ]);
    expect(shownTable((await page(`${RANGE}&group=agent`)).text).slice(1)).toEqual([
      ['Anna Agent', '6', '4', '2', '66.7', '30', '46', '345', '549', '3', '1', '2'],
      ['Unassigned', '3', '2', '1', '66.7', '10', '10', '—', '—', '1', '0', '1'],
      ['Total', '9', '6', '3', '66.7', '30', '44', '345', '549', '4', '1', '3'],
    ]);
    expect(shownTable((await page(`${RANGE}&group=department&metric=next_response`)).text).slice(1)).toEqual([
      ['Sales', '2', '1', '1', '50', '—', '—', '—', '—', '1', '0', '1'],
      ['Total', '2', '1', '1', '50', '—', '—', '—', '—', '1', '0', '1'],
    ]);
  });

  it('export.csv holds exactly the rows and columns the page shows, for the same filters', async () => {
    const admin = await login('admin@example.com');
    for (const query of [`${RANGE}&group=policy`, `${RANGE}&group=agent&metric=first_response`]) {
      const shown = shownTable((await admin.agent.get(`/admin/sla_vigil/reports?${query}`)).text);
      const res = await admin.agent.get(`/admin/sla_vigil/reports/export.csv?${query}`).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="sla-report-/);
      expect(readCsv(res.text)).toEqual(shown);
    }
  });

  it('the page links both downloads with the current filters', async () => {
    const res = await page(`${RANGE}&group=agent&metric=resolution`);
    const query = 'from=2026-03-01&amp;to=2026-03-10&amp;group=agent&amp;metric=resolution';
    expect(res.text).toContain(`href="/admin/sla_vigil/reports/export.csv?${query}"`);
    expect(res.text).toContain(`href="/admin/sla_vigil/reports/tickets.csv?${query}"`);
  });

  it('tickets.csv: one row per ticket, metric and cycle settled in the range, formula cells neutralised', async () => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get(`/admin/sla_vigil/reports/tickets.csv?${RANGE}`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="sla-tickets-2026-03-01-2026-03-10.csv"',
    );
    const [header, ...rows] = readCsv(res.text);
    expect(header).toEqual([
      'Ticket',
      'Subject',
      'Client',
      'Department',
      'Agent',
      'Policy',
      'Metric',
      'Cycle',
      'Started (Europe/Berlin)',
      'Due (Europe/Berlin)',
      'Met (Europe/Berlin)',
      'Breached (Europe/Berlin)',
      'State',
      'Scope',
    ]);
    const [t1, t2, t3, t4] = ids.t.map(String);
    expect(rows.map((r) => [r[0], r[6], r[7]])).toEqual([
      [t1, 'First response', '1'],
      [t1, 'Resolution', '1'],
      [t1, 'Resolution', '2'],
      [t2, 'First response', '1'],
      [t2, 'Next response', '1'],
      [t2, 'Next response', '2'],
      [t3, 'First response', '1'],
      [t3, 'Resolution', '1'],
      [t4, 'First response', '1'],
    ]);
    expect(rows[0]).toEqual([
      t1,
      `'=HYPERLINK("http://x")`,
      `'@SUM(1)`,
      'Support',
      'Anna Agent',
      'Around the clock',
      'First response',
      '1',
      '2026-03-02 09:00',
      '2026-03-02 10:00',
      '2026-03-02 09:30',
      '',
      'Met',
      'Customer SLA',
    ]);
    // The script tag is plain text in a CSV (no HTML there); the client name is neutralised.
    expect(rows[4].slice(1, 5)).toEqual(['<script>alert(1)</script>', `'-2+3`, 'Sales', '']);
    expect(rows[4].slice(10)).toEqual(['', '2026-03-04 15:00', 'Breached', 'Customer SLA']);
    expect(rows[8].slice(8, 11)).toEqual(['2026-03-01 00:00', '2026-03-01 01:00', '2026-03-01 00:30']);
  });

  it('tickets.csv follows the metric filter', async () => {
    const admin = await login('admin@example.com');
    const res = await admin.agent
      .get(`/admin/sla_vigil/reports/tickets.csv?${RANGE}&metric=resolution`)
      .buffer(true);
    expect(
      readCsv(res.text)
        .slice(1)
        .map((r) => [r[6], r[7]]),
    ).toEqual([
      ['Resolution', '1'],
      ['Resolution', '2'],
      ['Resolution', '1'],
    ]);
  });

  it('escapes what hosts users may type: a department named like a script tag', async () => {
    await t.devhost
      .db('tbldepartments')
      .where('departmentid', ids.sales)
      .update({ name: '<script>alert(1)</script>' });
    try {
      const res = await page(`${RANGE}&group=department`);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    } finally {
      await t.devhost.db('tbldepartments').where('departmentid', ids.sales).update({ name: 'Sales' });
    }
  });

  it.each([
    ['from=2026-03-10&to=2026-03-01', 'from', 'The start date must not be after the end date.'],
    ['from=2026-02-30&to=2026-03-01', 'from', 'Enter a date as YYYY-MM-DD.'],
    ['from=yesterday', 'from', 'Enter a date as YYYY-MM-DD.'],
    [`${RANGE}&group=priority`, 'group', 'Choose policy, department, agent or metric.'],
    [`${RANGE}&metric=speed`, 'metric', 'Choose one of the metrics.'],
    [`${RANGE}&to=2026-03-05`, 'to', 'Enter a date as YYYY-MM-DD.'],
    // Far-off years are mistakes (and would reach SQL as out-of-range datetimes).
    ['from=0001-01-01&to=2026-03-01', 'from', 'Enter a date between the years 2000 and 2100.'],
    ['from=2026-03-01&to=9999-12-31', 'to', 'Enter a date between the years 2000 and 2100.'],
    ['from=1999-12-31&to=2101-01-01', 'from', 'Enter a date between the years 2000 and 2100.'],
    ['from=1999-12-31&to=2101-01-01', 'to', 'Enter a date between the years 2000 and 2100.'],
  ])('invalid %s -> 422 with the message next to the field', async (query, field, message) => {
    const admin = await login('admin@example.com');
    for (const path of ['', '/export.csv', '/tickets.csv']) {
      const res = await admin.agent.get(`/admin/sla_vigil/reports${path}?${query}`);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain(`data-field="${field}">${message}</span>`);
      expect(res.text).toMatch(new RegExp(`name="${field}"[^>]*class="sv-invalid"`));
      expect(res.text).not.toContain('data-testid="sv-report-table"');
    }
  });
});

// Last: adds tickets the figures above do not count.
describe('deleted and merged tickets', () => {
  beforeAll(async () => {
    const db = t.devhost.db;
    const ticket = async (subject: string, merged: string | null) =>
      (
        await db('tbltickets').insert({
          subject,
          message: 'm',
          department: ids.support,
          priority: 2,
          status: 5,
          userid: 0,
          date: '2026-03-05 00:00:00',
          ticketkey: 'k',
          merged_ticket_id: merged,
        })
      )[0];
    const deleted = await ticket('Deleted spam', null);
    const merged = await ticket('Merged duplicate', String(ids.t[0]));
    const subject = (id: number, extra: Record<string, unknown>) => ({
      subject_type: 'ticket',
      subject_id: id,
      status: 5,
      priority: 2,
      department: ids.support,
      assigned: 0,
      userid: 0,
      deleted: 0,
      policy_id: ids.p24,
      sla_state: 'met',
      computed_version: 1_000_000,
      created_at: '2026-03-05 00:00:00',
      updated_at: '2026-03-05 00:00:00',
      ...extra,
    });
    await db('tblsla_vigil_subjects').insert([
      subject(deleted, { deleted: 1 }),
      subject(merged, { merged_into: ids.t[0] }),
    ]);
    const clock = (id: number, metAt: string | null, breachedAt: string | null) => ({
      subject_type: 'ticket',
      subject_id: id,
      metric: 'first_response',
      cycle: 1,
      policy_id: ids.p24,
      target_minutes: 60,
      started_at: '2026-03-05 10:00:00',
      due_at: '2026-03-05 11:00:00',
      warn_at: '2026-03-05 11:00:00',
      paused_minutes: 0,
      met_at: metAt,
      breached_at: breachedAt,
      state: breachedAt ? 'breached' : 'met',
      updated_at: '2026-03-15 00:00:00',
    });
    await db('tblsla_vigil_clocks').insert([
      clock(deleted, null, '2026-03-05 11:00:00'),
      clock(merged, '2026-03-05 10:20:00', null),
    ]);
    ids.t.push(deleted, merged);
  });

  it('counts a merged ticket’s settled targets but not a deleted ticket’s, on the page and in tickets.csv', async () => {
    // 9 clocks, 6 on time before; the merged ticket's first response (on time) joins them.
    expect(
      shownTable((await page(`${RANGE}&group=metric`)).text)
        .at(-1)
        ?.slice(0, 5),
    ).toEqual(['Total', '10', '7', '3', '70']);
    const admin = await login('admin@example.com');
    const csv = readCsv(
      (await admin.agent.get(`/admin/sla_vigil/reports/tickets.csv?${RANGE}`).buffer(true)).text,
    );
    const [deleted, merged] = ids.t.slice(-2).map(String);
    expect(csv.map((r) => r[0])).toContain(merged);
    expect(csv.map((r) => r[0])).not.toContain(deleted);
  });
});
