import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs } from '../helpers/admin-session';
import { STAFF_PASSWORD, insertStaff, insertStaffWithCapabilities } from '../helpers/host-fixtures';
import { insertTicket } from '../helpers/sla-dashboard-fixtures';
import { MutableClock } from '../../devhost/mutable-clock';
import { addBusinessMinutes } from '../../src/index';
import { utcFromSql } from '../../src/store/datetime';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { FORECAST_WINDOWS, type WindowCounts } from '../../src/sla/forecast/breach-forecast';

/**
 * The breach forecast against a hand-computed fixture. Now: Tue 2026-03-31 14:30Z, which is
 * 16:30 in Berlin (CEST, +2) and 10:30 in New York (EDT, -4). Both calendars are weekdays
 * 09:00-17:00 local. Each running clock's due time is the business time it has left, laid on its
 * calendar (computed with addBusinessMinutes below and checked against the hand-computed instant):
 *
 *   ticket dept     agent       clock (business min left, calendar)     due (UTC)        window
 *   T1     Support  Alice       resolution 20 Berlin                    Tue 14:50        1h
 *   T2     Support  Alice       first_response 45 Berlin (30 + 15)      Wed 07:15        24h (16 h 45 wall)
 *   T3     Support  unassigned  resolution 10 Berlin, at risk           Tue 14:40        1h
 *   T4     Support  Bob         resolution 15 Berlin, PAUSED            -                none
 *   T5     Support  Bob         breached 1 h ago; and on track but due   -                none
 *                               10 min ago (stale: breached now)
 *   T6     Support  Alice       resolution met (due in 30 min)          -                none
 *   T7     Sales    Bob         resolution 180 New York                 Tue 17:30        4h
 *   T8     Sales    Bob         resolution 420 New York (390 + 30)      Wed 13:30        24h (23 h wall)
 *   T9     Sales    unassigned  first_response 60 New York              Tue 15:30        1h (the edge: now + 1 h)
 *   T10    Sales    Carol       resolution 600 New York (390 + 210)     Wed 16:30        none (26 h)
 *   T11    Billing  Carol       resolution 20 + first_response 25 Berlin Tue 14:50/14:55  1h (one ticket)
 *   T12    Billing  Carol       CLOSED, a running clock due 14:45       -                none
 *   T13    Billing  Alice       resolution breached; next_response 30   Tue 15:00        1h (the closing time)
 *   T14    Billing  Bob         clock ended (due in 30 min)             -                none
 *   T15    Billing  Dan         resolution 40 Berlin (30 + 10)          Wed 07:10        24h
 *   T16    Sales    Eve         resolution 120 New York                 Tue 16:30        4h
 *
 * Totals 1h 5 (T1 T3 T9 T11 T13), 4h 7 (+T7 T16), 24h 10 (+T2 T8 T15).
 * Departments: Support 2/2/3, Billing 2/2/3 (tie: Support's id first), Sales 1/3/4.
 * Agents: Alice 2/2/3, unassigned 2/2/2, Carol 1/1/1, Bob 0/1/2, Eve 0/1/1, then Dan 0/0/1 summed
 * as "1 other agent" (the dashboard shows the top 5).
 *
 * Leads ("New" for 60 business minutes on the Berlin calendar; US leads 240 on New York's):
 *   L1 Zoe    created 14:00Z (16:00 Berlin)  due 15:00Z               1h
 *   L2 Zoe    created 13:45Z                 due 14:45Z               1h
 *   L3 Adam   created 14:20Z                 due Wed 07:20Z (40 + 20) 24h
 *   L4 nobody created 12:00Z                 due 13:00Z               none (breached)
 *   L5 Adam   created 14:00Z, then lost      -                        none (ended)
 *   L6 Adam   US, created 13:30Z (09:30 NY)  due 17:30Z (13:30 NY)    4h
 *   L7 nobody created 14:10Z                 due Wed 07:10Z (50 + 10) 24h
 * Owners: Zoe 2/2/2, Adam 0/1/2, unassigned 0/0/1; totals 2/3/5.
 */
const NOW = new Date('2026-03-31T14:30:00Z');
const clock = new MutableClock(NOW);
const WEEK = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]));
const BERLIN = { timezone: 'Europe/Berlin', week: WEEK, holidays: [] };
const NEW_YORK = { timezone: 'America/New_York', week: WEEK, holidays: [] };
const H = 3_600_000;

let t: TestDevhost;
let services: ModuleServices;
const dept = { support: 0, sales: 0, billing: 0 };
const staff = { alice: 0, bob: 0, carol: 0, dan: 0, eve: 0, zoe: 0, adam: 0 };
const lead: Record<string, number> = {};

const counts = (h1: number, h4: number, h24: number): WindowCounts => ({ '1h': h1, '4h': h4, '24h': h24 });

/** Due time of a clock with `minutes` of business time left at NOW, checked against the hand-computed instant. */
function due(calendar: typeof BERLIN, minutes: number, expected: string): Date {
  const at = addBusinessMinutes(calendar, NOW, minutes);
  expect(at.toISOString()).toBe(expected);
  return at;
}

async function page(path: string, email = 'admin@example.com'): Promise<{ status: number; text: string }> {
  const res = await (await loginAs(t.devhost.app, email)).agent.get(path);
  return { status: res.status, text: res.text };
}

/** A forecast table's lines: [id, 1h, 4h, 24h], then the summed rest as [-groups, 1h, 4h, 24h]. */
function forecastTable(html: string, testId: string): number[][] {
  const body = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...body.matchAll(/data-(id|rest)="(\d+)" data-1h="(\d+)" data-4h="(\d+)" data-24h="(\d+)"/g)].map(
    (m) => [m[1] === 'rest' ? -Number(m[2]) : Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])],
  );
}

function totals(html: string, testId: string): WindowCounts {
  const list = new RegExp(`data-testid="${testId}">([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? '';
  const value = (w: string) => Number(new RegExp(`data-window="${w}" data-value="(\\d+)"`).exec(list)?.[1]);
  return counts(value('1h'), value('4h'), value('24h'));
}

/** The monitor strip's counts. */
function strip(html: string): WindowCounts {
  const value = (w: string) => Number(new RegExp(`data-forecast-count="${w}">(\\d+)<`).exec(html)?.[1]);
  return counts(value('1h'), value('4h'), value('24h'));
}

const rowIds = (html: string, attr = 'data-ticket-id') =>
  [...html.matchAll(new RegExp(`<tr ${attr}="(\\d+)"`, 'g'))].map((m) => Number(m[1])).sort((a, b) => a - b);
const total = (html: string) => Number(/data-testid="sv-monitor-total">(\d+)</.exec(html)?.[1]);

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [dept.support] = await db('tbldepartments').insert({ name: 'Support' });
  [dept.sales] = await db('tbldepartments').insert({ name: 'Sales <i>EU</i>' });
  [dept.billing] = await db('tbldepartments').insert({ name: 'Billing' });
  for (const name of ['alice', 'bob', 'carol', 'dan', 'eve', 'zoe', 'adam'] as const)
    staff[name] = await insertStaff(db, `${name}.staff@x.test`, STAFF_PASSWORD);
  const viewer = await insertStaffWithCapabilities(db, 'viv.viewer@x.test', STAFF_PASSWORD, ['view']);
  await db('tblstaff_departments').insert({ staffid: viewer, departmentid: dept.support });

  const [fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  const [source] = await db('tblleads_sources').insert({ name: 'Web' });
  const us = (await db('tblcountries').where('iso2', 'US').first()).country_id;
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [
      { key: 'berlin', name: 'Berlin', ...BERLIN },
      { key: 'ny', name: 'New York', ...NEW_YORK },
    ],
    policies: [
      {
        key: 'tickets',
        name: 'Tickets',
        match: {},
        calendar: 'berlin',
        targets: { resolution: { minutes: 480 } },
      },
      {
        key: 'us-leads',
        name: 'US leads',
        subject: 'lead',
        match: { countryIds: [us] },
        calendar: 'ny',
        targets: { status_time: { byStatus: { [String(fresh)]: { minutes: 240 } } } },
      },
      {
        key: 'leads',
        name: 'Leads',
        subject: 'lead',
        match: {},
        calendar: 'berlin',
        targets: { status_time: { byStatus: { [String(fresh)]: { minutes: 60 } } } },
      },
    ],
  });
  const [policyId] = await db('tblsla_vigil_policies').where('subject', 'ticket').pluck('id');

  const { support, sales, billing } = dept;
  const { alice, bob, carol, dan, eve } = staff;
  const run = (
    metric: 'first_response' | 'next_response' | 'resolution',
    at: Date,
    state = 'on_track' as const,
  ) => ({
    metric,
    state,
    due: at,
  });
  const tickets: Parameters<typeof insertTicket>[1][] = [
    {
      id: 1,
      subject: 'T1',
      department: support,
      assigned: alice,
      clocks: [run('resolution', due(BERLIN, 20, '2026-03-31T14:50:00.000Z'))],
    },
    {
      id: 2,
      subject: 'T2',
      department: support,
      assigned: alice,
      clocks: [run('first_response', due(BERLIN, 45, '2026-04-01T07:15:00.000Z'))],
    },
    {
      id: 3,
      subject: 'T3',
      department: support,
      clocks: [{ metric: 'resolution', state: 'at_risk', due: due(BERLIN, 10, '2026-03-31T14:40:00.000Z') }],
    },
    {
      id: 4,
      subject: 'T4',
      department: support,
      assigned: bob,
      status: 2,
      clocks: [{ metric: 'resolution', state: 'paused', due: due(BERLIN, 15, '2026-03-31T14:45:00.000Z') }],
    },
    {
      id: 5,
      subject: 'T5',
      department: support,
      assigned: bob,
      clocks: [
        {
          metric: 'resolution',
          state: 'breached',
          due: new Date(NOW.getTime() - H),
          breached: new Date(NOW.getTime() - H),
        },
        { metric: 'first_response', state: 'on_track', due: new Date(NOW.getTime() - H / 6) },
      ],
    },
    {
      id: 6,
      subject: 'T6',
      department: support,
      assigned: alice,
      clocks: [
        {
          metric: 'resolution',
          state: 'met',
          due: new Date(NOW.getTime() + H / 2),
          met: new Date(NOW.getTime() - H),
        },
      ],
    },
    {
      id: 7,
      subject: 'T7',
      department: sales,
      assigned: bob,
      clocks: [run('resolution', due(NEW_YORK, 180, '2026-03-31T17:30:00.000Z'))],
    },
    {
      id: 8,
      subject: 'T8',
      department: sales,
      assigned: bob,
      clocks: [run('resolution', due(NEW_YORK, 420, '2026-04-01T13:30:00.000Z'))],
    },
    {
      id: 9,
      subject: 'T9',
      department: sales,
      clocks: [run('first_response', due(NEW_YORK, 60, '2026-03-31T15:30:00.000Z'))],
    },
    {
      id: 10,
      subject: 'T10',
      department: sales,
      assigned: carol,
      clocks: [run('resolution', due(NEW_YORK, 600, '2026-04-01T16:30:00.000Z'))],
    },
    {
      id: 11,
      subject: 'T11',
      department: billing,
      assigned: carol,
      clocks: [
        run('resolution', due(BERLIN, 20, '2026-03-31T14:50:00.000Z')),
        run('first_response', due(BERLIN, 25, '2026-03-31T14:55:00.000Z')),
      ],
    },
    {
      id: 12,
      subject: 'T12',
      department: billing,
      assigned: carol,
      status: 5,
      clocks: [run('resolution', new Date('2026-03-31T14:45:00Z'))],
    },
    {
      id: 13,
      subject: 'T13',
      department: billing,
      assigned: alice,
      clocks: [
        {
          metric: 'resolution',
          state: 'breached',
          due: new Date(NOW.getTime() - 2 * H),
          breached: new Date(NOW.getTime() - 2 * H),
        },
        run('next_response', due(BERLIN, 30, '2026-03-31T15:00:00.000Z')),
      ],
    },
    {
      id: 14,
      subject: 'T14',
      department: billing,
      assigned: bob,
      clocks: [
        {
          metric: 'resolution',
          state: 'on_track',
          due: new Date(NOW.getTime() + H / 2),
          ended: new Date(NOW.getTime() - H),
        },
      ],
    },
    {
      id: 15,
      subject: 'T15',
      department: billing,
      assigned: dan,
      clocks: [run('resolution', due(BERLIN, 40, '2026-04-01T07:10:00.000Z'))],
    },
    {
      id: 16,
      subject: 'T16',
      department: sales,
      assigned: eve,
      clocks: [run('resolution', due(NEW_YORK, 120, '2026-03-31T16:30:00.000Z'))],
    },
  ];
  for (const ticket of tickets) await insertTicket(db, { ...ticket, policyId });

  // Leads through the host's own hooks: the engine lays their windows on the calendars.
  const newLead = async (key: string, iso: string, assigned: number, country = 0) => {
    clock.set(new Date(iso));
    lead[key] = await t.devhost.leads.create({ name: key, status: fresh, source, assigned, country });
  };
  await newLead('L4', '2026-03-31T12:00:00Z', 0);
  await newLead('L6', '2026-03-31T13:30:00Z', staff.adam, us);
  await newLead('L2', '2026-03-31T13:45:00Z', staff.zoe);
  await newLead('L1', '2026-03-31T14:00:00Z', staff.zoe);
  await newLead('L5', '2026-03-31T14:00:00Z', staff.adam);
  await newLead('L7', '2026-03-31T14:10:00Z', 0);
  await newLead('L3', '2026-03-31T14:20:00Z', staff.adam);
  await t.devhost.leads.markLost(lead.L5);
  clock.set(NOW);
}, 60_000);
afterAll(() => t.close());

it('lays each lead window on its calendar (the engine computed the due times)', async () => {
  const dueOf = async (key: string) => {
    const row = await t.devhost
      .db('tblsla_vigil_clocks')
      .where({ subject_type: 'lead', subject_id: lead[key] })
      .first('due_at');
    return utcFromSql(row.due_at).toISOString();
  };
  expect(await dueOf('L1')).toBe('2026-03-31T15:00:00.000Z');
  expect(await dueOf('L2')).toBe('2026-03-31T14:45:00.000Z');
  expect(await dueOf('L3')).toBe('2026-04-01T07:20:00.000Z');
  expect(await dueOf('L4')).toBe('2026-03-31T13:00:00.000Z');
  expect(await dueOf('L6')).toBe('2026-03-31T17:30:00.000Z');
  expect(await dueOf('L7')).toBe('2026-04-01T07:10:00.000Z');
});

describe('the read model', () => {
  it('counts tickets per department and agent, and the totals', async () => {
    const f = await services.forecast.tickets(NOW);
    expect(f.totals).toEqual(counts(5, 7, 10));
    expect(f.byDepartment).toEqual([
      { id: dept.support, counts: counts(2, 2, 3) },
      { id: dept.billing, counts: counts(2, 2, 3) },
      { id: dept.sales, counts: counts(1, 3, 4) },
    ]);
    expect(f.byAgent).toEqual([
      { id: staff.alice, counts: counts(2, 2, 3) },
      { id: 0, counts: counts(2, 2, 2) },
      { id: staff.carol, counts: counts(1, 1, 1) },
      { id: staff.bob, counts: counts(0, 1, 2) },
      { id: staff.eve, counts: counts(0, 1, 1) },
      { id: staff.dan, counts: counts(0, 0, 1) },
    ]);
  });

  it('counts the departments of a scope only', async () => {
    const f = await services.forecast.scopedTo([dept.support]).tickets(NOW);
    expect(f.totals).toEqual(counts(2, 2, 3));
    expect(f.byDepartment).toEqual([{ id: dept.support, counts: counts(2, 2, 3) }]);
    expect(f.byAgent).toEqual([
      { id: staff.alice, counts: counts(1, 1, 2) },
      { id: 0, counts: counts(1, 1, 1) },
    ]);
    expect((await services.forecast.scopedTo([]).tickets(NOW)).totals).toEqual(counts(0, 0, 0));
  });

  it('counts leads per owner', async () => {
    const f = await services.forecast.leads(NOW);
    expect(f.totals).toEqual(counts(2, 3, 5));
    expect(f.byOwner).toEqual([
      { id: staff.zoe, counts: counts(2, 2, 2) },
      { id: staff.adam, counts: counts(0, 1, 2) },
      { id: 0, counts: counts(0, 0, 1) },
    ]);
  });

  it('moves with now: an hour later T1 T3 T9 T11 T13 have breached and are no longer forecast', async () => {
    const later = new Date(NOW.getTime() + H);
    // 15:30Z: T7 (17:30) is within 4 h but not 1 h; T16 (16:30) within 1 h; 24 h reaches Wed 15:30 (T8, T2, T15).
    expect((await services.forecast.tickets(later)).totals).toEqual(counts(1, 2, 5));
  });
});

describe('the dashboard card', () => {
  it('shows the totals and the top departments and agents, the rest summed', async () => {
    const { status, text } = await page('/admin/sla_vigil');
    expect(status).toBe(200);
    expect(text).toContain('data-testid="sv-forecast"');
    expect(text).toContain('Breach forecast');
    expect(text).toContain('Paused clocks do not run and are not counted');
    expect(totals(text, 'sv-forecast-totals')).toEqual(counts(5, 7, 10));
    expect(forecastTable(text, 'sv-forecast-departments')).toEqual([
      [dept.support, 2, 2, 3],
      [dept.billing, 2, 2, 3],
      [dept.sales, 1, 3, 4],
    ]);
    expect(forecastTable(text, 'sv-forecast-agents')).toEqual([
      [staff.alice, 2, 2, 3],
      [0, 2, 2, 2],
      [staff.carol, 1, 1, 1],
      [staff.bob, 0, 1, 2],
      [staff.eve, 0, 1, 1],
      [-1, 0, 0, 1],
    ]);
    expect(text).toContain('1 other agent');
    // Host names are escaped; each count leads to the monitor narrowed to its window.
    expect(text).toContain('Sales &lt;i&gt;EU&lt;/i&gt;');
    expect(text).toContain(`href="/admin/sla_vigil/monitor?department=${dept.sales}&amp;breach_within=4h"`);
    expect(text).toContain(`href="/admin/sla_vigil/monitor?agent=0&amp;breach_within=1h"`);
  });

  it('shows the leads per owner in the Leads section', async () => {
    const { text } = await page('/admin/sla_vigil');
    expect(totals(text, 'sv-leads-forecast-totals')).toEqual(counts(2, 3, 5));
    expect(forecastTable(text, 'sv-leads-forecast-owners')).toEqual([
      [staff.zoe, 2, 2, 2],
      [staff.adam, 0, 1, 2],
      [0, 0, 0, 1],
    ]);
    expect(text).toContain(
      `href="/admin/sla_vigil/monitor?subject=lead&amp;owner=${staff.adam}&amp;breach_within=4h"`,
    );
  });

  it('counts only the departments a department-limited viewer sees', async () => {
    await t.devhost
      .db('tbloptions')
      .where('name', 'staff_access_only_assigned_departments')
      .update({ value: '1' });
    try {
      const { text } = await page('/admin/sla_vigil', 'viv.viewer@x.test');
      expect(totals(text, 'sv-forecast-totals')).toEqual(counts(2, 2, 3));
      expect(forecastTable(text, 'sv-forecast-departments')).toEqual([[dept.support, 2, 2, 3]]);
    } finally {
      await t.devhost
        .db('tbloptions')
        .where('name', 'staff_access_only_assigned_departments')
        .update({ value: '0' });
    }
  });

  it.each([
    ['german', 'Verletzungsprognose', 'Verletzt innerhalb von 1 Stunde'],
    ['spanish', 'Previsión de incumplimientos', 'Incumplirán en 1 hora'],
  ])('speaks %s', async (language, heading, total) => {
    await t.devhost.db('tblstaff').where('email', 'viv.viewer@x.test').update({ default_language: language });
    try {
      const { text } = await page('/admin/sla_vigil', 'viv.viewer@x.test');
      expect(text).toContain(heading);
      expect(text).toContain(total);
    } finally {
      await t.devhost.db('tblstaff').where('email', 'viv.viewer@x.test').update({ default_language: '' });
    }
  });
});

describe('the monitor', () => {
  it('shows the strip for its filters and lists exactly the counted tickets per window', async () => {
    const all = await page('/admin/sla_vigil/monitor');
    expect(all.text).toContain('data-testid="sv-forecast-strip"');
    expect(strip(all.text)).toEqual(counts(5, 7, 10));
    const expected = {
      '1h': [1, 3, 9, 11, 13],
      '4h': [1, 3, 7, 9, 11, 13, 16],
      '24h': [1, 2, 3, 7, 8, 9, 11, 13, 15, 16],
    };
    for (const w of FORECAST_WINDOWS) {
      const { status, text } = await page(`/admin/sla_vigil/monitor?breach_within=${w}&per=100`);
      expect(status).toBe(200);
      expect(rowIds(text)).toEqual(expected[w]);
      expect(total(text)).toBe(strip(all.text)[w]);
      // The strip keeps showing all three windows; the chosen one is marked.
      expect(strip(text)).toEqual(counts(5, 7, 10));
      expect(text).toMatch(new RegExp(`data-window="${w}" aria-current="true"`));
    }
  });

  it.each([
    [`department=SALES`, counts(1, 3, 4)],
    ['agent=0', counts(2, 2, 2)],
    ['state=at_risk', counts(5, 5, 5)],
    ['state=on_track', counts(0, 2, 5)],
    ['state=breached', counts(0, 0, 0)],
    ['metric=first_response', counts(2, 2, 3)],
    // "T1" matches T1 and T10-T16 (T12 is closed): T1 T11 T13 in 1 h, T16 in 4 h, T15 in 24 h.
    ['q=T1', counts(3, 4, 5)],
  ])('with %s: the strip equals the list filtered to each window', async (raw, want) => {
    const filter = raw.replace('SALES', String(dept.sales));
    const { text } = await page(`/admin/sla_vigil/monitor?${filter}`);
    expect(strip(text)).toEqual(want);
    for (const w of FORECAST_WINDOWS) {
      const list = await page(`/admin/sla_vigil/monitor?${filter}&breach_within=${w}&per=100`);
      expect(total(list.text)).toBe(want[w]);
    }
  });

  it('refreshes the strip with the rows (X-Sla-Vigil-Forecast)', async () => {
    const res = await (
      await loginAs(t.devhost.app, 'admin@example.com')
    ).agent.get(`/admin/sla_vigil/monitor?department=${dept.billing}&partial=1`);
    expect(res.status).toBe(200);
    expect(res.headers['x-sla-vigil-forecast']).toBe('1h=2,4h=2,24h=3');
  });

  it('lists leads breaching within each window, equal to the lead strip', async () => {
    const all = await page('/admin/sla_vigil/monitor?subject=lead');
    expect(strip(all.text)).toEqual(counts(2, 3, 5));
    const expected = {
      '1h': [lead.L1, lead.L2],
      '4h': [lead.L1, lead.L2, lead.L6],
      '24h': [lead.L1, lead.L2, lead.L3, lead.L6, lead.L7],
    };
    for (const w of FORECAST_WINDOWS) {
      const { text } = await page(`/admin/sla_vigil/monitor?subject=lead&breach_within=${w}&per=100`);
      expect(rowIds(text, 'data-lead-id')).toEqual([...expected[w]].sort((a, b) => a - b));
      expect(total(text)).toBe(strip(all.text)[w]);
    }
    const adam = await page(`/admin/sla_vigil/monitor?subject=lead&owner=${staff.adam}`);
    expect(strip(adam.text)).toEqual(counts(0, 1, 2));
  });

  it.each([
    ['breach_within=2h', 'breach_within'],
    ['breach_within=1H', 'breach_within'],
    ['subject=lead&breach_within=week', 'breach_within'],
  ])('%s -> 422 naming %s', async (query, field) => {
    const session = await loginAs(t.devhost.app, 'admin@example.com');
    const res = await session.agent.get(`/admin/sla_vigil/monitor?${query}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`Invalid value for &#34;${field}&#34;`);
    expect(res.text).toContain('id="sv-error-breach_within"');
    const partial = await session.agent.get(`/admin/sla_vigil/monitor?${query}&partial=1`);
    expect(partial.status).toBe(422);
    expect(partial.text).toContain(`"${field}"`);
  });
});
