import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { readCsv } from '../helpers/csv-reader';

/**
 * Perfex's own access rule: with `staff_access_only_assigned_departments` on, staff see only the
 * tickets of their departments. A viewer with SLA Vigil "view" sees no more in the module (monitor,
 * reports and their CSVs, the JSON API, the home widget, the ticket list's SLA filter and badge,
 * the ticket panel); "manage" and administrators see everything; with the option off, so does everyone.
 * Two departments, two tickets each, all assigned to the viewer; "now" is 2026-03-03 08:00 UTC.
 */
const NOW = '2026-03-03T08:00:00Z';
const RANGE = 'from=2026-03-01&to=2026-03-03';
const clock = new MutableClock(new Date('2026-03-03T03:00:00Z'));
const at = (iso: string) => clock.set(new Date(iso));

let t: TestDevhost;
let services: ModuleServices;
const dept = { support: 0, sales: 0 };
const staff: Record<string, number> = {};
const ticket: Record<string, number> = {};
const sessions: Record<string, AdminSession> = {};

async function create(subject: string, iso: string, department: number): Promise<number> {
  at(iso);
  return t.devhost.tickets.create({
    subject,
    message: 'm',
    department,
    priority: 3,
    admin: 1,
    assigned: staff.viv,
  });
}

async function reply(id: number, iso: string): Promise<void> {
  at(iso);
  await t.devhost.tickets.reply(id, { message: 'on it', admin: 1 });
}

const ids = (html: string, pattern: RegExp): number[] =>
  [...new Set([...html.matchAll(pattern)].map((m) => Number(m[1])))].sort((a, b) => a - b);
const rowIds = (html: string) => ids(html, /<tr data-ticket-id="(\d+)"/g);
const sorted = (...keys: string[]) => keys.map((k) => ticket[k]).sort((a, b) => a - b);

async function setOption(value: '0' | '1'): Promise<void> {
  await t.devhost.db('tbloptions').where('name', 'staff_access_only_assigned_departments').update({ value });
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [dept.support] = await db('tbldepartments').insert({ name: 'Support' });
  [dept.sales] = await db('tbldepartments').insert({ name: 'Sales' });
  staff.viv = await insertStaffWithCapabilities(db, 'viv.viewer@x.test', STAFF_PASSWORD, ['view']);
  staff.mia = await insertStaffWithCapabilities(db, 'mia.manager@x.test', STAFF_PASSWORD, ['manage']);
  staff.nod = await insertStaffWithCapabilities(db, 'nod.nodept@x.test', STAFF_PASSWORD, ['view']);
  await db('tblstaff_departments').insert([
    { staffid: staff.viv, departmentid: dept.support },
    { staffid: staff.mia, departmentid: dept.support },
  ]);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'all',
        name: 'All departments',
        match: { departmentIds: [dept.support, dept.sales] },
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 240 } },
        pauseStatusIds: [],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  // In time order: s1 and x1 breach their first response at 04:00; s2 and x2 meet it at 05:10.
  ticket.s1 = await create('Support breached', '2026-03-03T03:00:00Z', dept.support);
  ticket.x1 = await create('Sales breached', '2026-03-03T03:00:00Z', dept.sales);
  ticket.s2 = await create('Support answered', '2026-03-03T05:00:00Z', dept.support);
  ticket.x2 = await create('Sales answered', '2026-03-03T05:00:00Z', dept.sales);
  await reply(ticket.s2, '2026-03-03T05:10:00Z');
  await reply(ticket.x2, '2026-03-03T05:10:00Z');
  at(NOW);
  await services.scanner.run(clock.now());
  for (const [key, email] of [
    ['viv', 'viv.viewer@x.test'],
    ['mia', 'mia.manager@x.test'],
    ['nod', 'nod.nodept@x.test'],
    ['admin', 'admin@example.com'],
  ])
    sessions[key] = await loginAs(t.devhost.app, email);
});
afterAll(() => t.close());

const get = (who: string, path: string) => sessions[who].agent.get(path);

async function monitorIds(who: string): Promise<number[]> {
  const res = await get(who, '/admin/sla_vigil/monitor');
  expect(res.status).toBe(200);
  return rowIds(res.text);
}

async function ticketsCsvIds(who: string): Promise<number[]> {
  const res = await get(who, `/admin/sla_vigil/reports/tickets.csv?${RANGE}`).buffer(true);
  expect(res.status).toBe(200);
  return [
    ...new Set(
      readCsv(res.text)
        .slice(1)
        .map((row) => Number(row[0])),
    ),
  ].sort((a, b) => a - b);
}

/** The department rows of export.csv grouped by department (header and total left out). */
async function reportDepartments(who: string): Promise<string[]> {
  const res = await get(who, `/admin/sla_vigil/reports/export.csv?${RANGE}&group=department`).buffer(true);
  expect(res.status).toBe(200);
  return readCsv(res.text)
    .slice(1, -1)
    .map((row) => row[0])
    .sort();
}

async function reportPageTotal(who: string): Promise<string> {
  const res = await get(who, `/admin/sla_vigil/reports?${RANGE}&group=department`);
  expect(res.status).toBe(200);
  const table = /<table[^>]*data-testid="sv-report-table"[\s\S]*?<\/table>/.exec(res.text)?.[0] ?? '';
  const rows = [...table.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) =>
    [...m[0].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()),
  );
  return rows.at(-1)?.[1] ?? '';
}

async function widgetIds(who: string): Promise<number[]> {
  const res = await get(who, '/admin');
  const widget =
    /<section class="panel module-widget" data-widget="sla_vigil_my_risks">[\s\S]*?<\/section>/.exec(
      res.text,
    )?.[0] ?? '';
  expect(widget).toContain('sv-my-risks');
  return ids(widget, /<li data-ticket-id="(\d+)"/g);
}

/** The dashboard's open and breached counts, its worst departments and the tickets its activity names. */
async function dashboard(who: string) {
  const res = await get(who, '/admin/sla_vigil');
  expect(res.status).toBe(200);
  const kpi = (name: string) => new RegExp(`data-kpi="${name}" data-value="([^"]*)"`).exec(res.text)?.[1];
  const section = (testid: string) =>
    new RegExp(`data-testid="${testid}"[\\s\\S]*?</ol>`).exec(res.text)?.[0] ?? '';
  return {
    open: kpi('open_under_sla'),
    breached: kpi('breached'),
    departments: ids(section('sv-top-departments'), /<li data-id="(\d+)"/g),
    activity: ids(section('sv-activity'), /data-ticket-id="(\d+)"/g),
  };
}

describe('option on: a viewer sees the tickets of their departments only', () => {
  beforeAll(() => setOption('1'));

  it('monitor', async () => {
    expect(await monitorIds('viv')).toEqual(sorted('s1', 's2'));
    expect(await monitorIds('nod')).toEqual([]);
  });

  it('reports page, export.csv and tickets.csv', async () => {
    expect(await ticketsCsvIds('viv')).toEqual(sorted('s1', 's2'));
    expect(await reportDepartments('viv')).toEqual(['Support']);
    // Three finished clocks: s1's first response (04:00) and resolution (07:00) breaches, s2's met first response.
    expect(await reportPageTotal('viv')).toBe('3');
    expect(await ticketsCsvIds('nod')).toEqual([]);
  });

  it('dashboard numbers, worst departments and activity', async () => {
    expect(await dashboard('viv')).toEqual({
      open: '2',
      breached: '1',
      departments: [dept.support],
      activity: sorted('s1'),
    });
    expect(await dashboard('admin')).toEqual({
      open: '4',
      breached: '2',
      departments: [dept.support, dept.sales].sort((a, b) => a - b),
      activity: sorted('s1', 'x1'),
    });
  });

  it('JSON API: a ticket of another department is unknown (404)', async () => {
    const own = await get('viv', `/admin/sla_vigil/api/tickets/${ticket.s1}`);
    expect(own.status).toBe(200);
    const other = await get('viv', `/admin/sla_vigil/api/tickets/${ticket.x1}`);
    expect(other.status).toBe(404);
    expect(other.body.error).toBe('not_found');
    expect(JSON.stringify(other.body)).not.toContain('Sales');
  });

  it('My SLA risks leaves out the breached ticket assigned to them in another department', async () => {
    expect(await widgetIds('viv')).toEqual(sorted('s1'));
  });

  it('the ticket list, its SLA filter and badges hold only their departments', async () => {
    expect(rowIds((await get('viv', '/admin/tickets')).text)).toEqual(sorted('s1', 's2'));
    expect(rowIds((await get('viv', '/admin/tickets?sla=breached')).text)).toEqual(sorted('s1'));
    expect(rowIds((await get('nod', '/admin/tickets')).text)).toEqual([]);
  });

  it('the ticket panel is not shown on a ticket of another department', async () => {
    expect((await get('viv', `/admin/tickets/ticket/${ticket.s1}`)).text).toContain('sv-ticket-panel');
    expect((await get('viv', `/admin/tickets/ticket/${ticket.x1}`)).text).not.toContain('sv-ticket-panel');
  });

  it('the list badge is never filled for a ticket outside the scope, even if a host passed it', async () => {
    const column = t.devhost.admin.columns.get('sla_vigil');
    const cells = await column!.render([ticket.s1, ticket.x1], staff.viv);
    expect([...cells.keys()]).toEqual([ticket.s1]);
  });

  it.each(['mia', 'admin'])('%s (manage / administrator) sees every ticket in the module', async (who) => {
    expect(await monitorIds(who)).toEqual(sorted('s1', 's2', 'x1', 'x2'));
    expect(await ticketsCsvIds(who)).toEqual(sorted('s1', 's2', 'x1', 'x2'));
    expect(await reportDepartments(who)).toEqual(['Sales', 'Support']);
    expect((await get(who, `/admin/sla_vigil/api/tickets/${ticket.x1}`)).status).toBe(200);
    expect((await get(who, `/admin/tickets/ticket/${ticket.x1}`)).text).toContain('sv-ticket-panel');
  });

  it("the administrator's ticket list shows every ticket; a manager's follows Perfex's rule", async () => {
    expect(rowIds((await get('admin', '/admin/tickets')).text)).toEqual(sorted('s1', 's2', 'x1', 'x2'));
    expect(rowIds((await get('mia', '/admin/tickets')).text)).toEqual(sorted('s1', 's2'));
  });
});

describe('option off: everyone with view sees every ticket', () => {
  beforeAll(() => setOption('0'));

  it.each(['viv', 'nod', 'mia', 'admin'])('%s', async (who) => {
    expect(await monitorIds(who)).toEqual(sorted('s1', 's2', 'x1', 'x2'));
    expect(await ticketsCsvIds(who)).toEqual(sorted('s1', 's2', 'x1', 'x2'));
    expect(await reportDepartments(who)).toEqual(['Sales', 'Support']);
    expect(await reportPageTotal(who)).toBe('6');
    expect((await get(who, `/admin/sla_vigil/api/tickets/${ticket.x1}`)).status).toBe(200);
    expect(rowIds((await get(who, '/admin/tickets?sla=breached')).text)).toEqual(sorted('s1', 'x1'));
  });

  it('the dashboard counts every ticket for a viewer', async () => {
    expect((await dashboard('viv')).open).toBe('4');
    expect((await dashboard('viv')).activity).toEqual(sorted('s1', 'x1'));
  });

  it('My SLA risks shows both breached tickets assigned to the viewer', async () => {
    expect(await widgetIds('viv')).toEqual(sorted('s1', 'x1'));
  });
});
