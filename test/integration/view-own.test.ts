import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs, type AdminSession } from '../helpers/admin-session';

/**
 * The "view own" capability (below View): an agent sees the SLA badge, the ticket's SLA tab and
 * "My SLA risks" on the tickets they may open (assigned to them or in their departments, inside
 * the host's own rule), and nothing of the dashboard, monitor, reports or API. And "My team" in
 * "My SLA risks" for staff with View: their departments' at-risk and breached tickets.
 * 24x7 policy, UTC host; every ticket's first response is overdue at NOW.
 */
const NOW = '2026-03-03T08:00:00Z';
const clock = new MutableClock(new Date('2026-03-03T03:00:00Z'));

let t: TestDevhost;
const dept: Record<string, number> = {};
const staff: Record<string, number> = {};
const ticket: Record<string, number> = {};

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

function slaCell(html: string, id: number): string {
  const row = new RegExp(`<tr data-ticket-id="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  return /<td data-column="sla_vigil"[^>]*>([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
}

const widget = (html: string) =>
  /<section class="panel module-widget" data-widget="sla_vigil_my_risks">[\s\S]*?<\/section>/.exec(html)?.[0];

const idsIn = (html: string) => [...html.matchAll(/<li data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));

/** The ids of one list of the widget (`sv-my-risks` = mine, `sv-my-risks-team` = my team). */
function listIds(html: string, testid: string): number[] {
  return idsIn(new RegExp(`<ol data-testid="${testid}"[\\s\\S]*?</ol>`).exec(html)?.[0] ?? '');
}

async function departmentsOnly(on: boolean): Promise<void> {
  const value = on ? '1' : '0';
  const updated = await t.devhost
    .db('tbloptions')
    .where('name', 'staff_access_only_assigned_departments')
    .update({ value });
  if (updated === 0)
    await t.devhost.db('tbloptions').insert({ name: 'staff_access_only_assigned_departments', value });
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [dept.support] = await db('tbldepartments').insert({ name: 'Support' });
  [dept.sales] = await db('tbldepartments').insert({ name: 'Sales' });
  staff.vic = await insertStaffWithCapabilities(db, 'vic.own@x.test', STAFF_PASSWORD, ['view_own']);
  staff.oli = await insertStaffWithCapabilities(db, 'oli.other@x.test', STAFF_PASSWORD, ['view_own']);
  staff.tara = await insertStaffWithCapabilities(db, 'tara.lead@x.test', STAFF_PASSWORD, ['view']);
  staff.nico = await insertStaffWithCapabilities(db, 'nico.nobody@x.test', STAFF_PASSWORD, []);
  await db('tblstaff_departments').insert([
    { staffid: staff.vic, departmentid: dept.support },
    { staffid: staff.oli, departmentid: dept.sales },
    { staffid: staff.tara, departmentid: dept.support },
  ]);
  await createModuleServices(t.devhost.host).config.import({
    calendars: [],
    policies: [
      {
        key: 'all',
        name: 'All tickets',
        match: {},
        calendar: null,
        targets: { first_response: { minutes: 60 } },
        pauseStatusIds: [],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  const create = (subject: string, department: number, assigned: number) =>
    t.devhost.tickets.create({ subject, message: 'm', department, priority: 2, admin: 1, assigned });
  ticket.supportOli = await create('Support, held by Oli', dept.support, staff.oli);
  ticket.salesVic = await create('Sales, held by Vic', dept.sales, staff.vic);
  ticket.salesOli = await create('Sales, held by Oli', dept.sales, staff.oli);
  ticket.supportNobody = await create('Support, unassigned', dept.support, 0);
  clock.set(new Date(NOW));
  await createModuleServices(t.devhost.host).scanner.run(clock.now());
});
afterAll(() => t.close());

describe('view own', () => {
  it('shows the badge only on tickets assigned to them or in their departments', async () => {
    const vic = await login('vic.own@x.test');
    const html = (await vic.agent.get('/admin/tickets')).text;
    for (const id of [ticket.supportOli, ticket.salesVic, ticket.supportNobody]) {
      expect(slaCell(html, id)).toContain('data-sla-state="breached"');
    }
    // Not theirs: a grey dash that says so, never the ticket's state.
    expect(slaCell(html, ticket.salesOli)).toContain('class="sv-not-yours"');
    expect(slaCell(html, ticket.salesOli)).toContain('title="Not your ticket');
    expect(slaCell(html, ticket.salesOli)).not.toContain('data-sla-state');
    // No SLA filter or sort: it would run over every ticket of the list, not only theirs.
    expect(html).not.toMatch(/<select name="sla"/);
    expect((await vic.agent.get('/admin/tickets?sort=sla')).status).toBe(422);
    const tara = await login('tara.lead@x.test');
    expect((await tara.agent.get('/admin/tickets?sort=sla')).status).toBe(200);
  });

  it('shows the SLA tab on their tickets only', async () => {
    const vic = await login('vic.own@x.test');
    expect((await vic.agent.get(`/admin/tickets/ticket/${ticket.salesVic}`)).text).toContain(
      'sv-ticket-panel',
    );
    expect((await vic.agent.get(`/admin/tickets/ticket/${ticket.supportOli}`)).text).toContain(
      'sv-ticket-panel',
    );
    expect((await vic.agent.get(`/admin/tickets/ticket/${ticket.salesOli}`)).text).not.toContain(
      'sv-ticket-panel',
    );
    expect((await vic.agent.get('/admin/sla_vigil/assets/countdown.js')).status).toBe(200);
  });

  it('shows My SLA risks (mine only, no team tab, no monitor link)', async () => {
    const vic = await login('vic.own@x.test');
    const html = widget((await vic.agent.get('/admin')).text) ?? '';
    expect(idsIn(html)).toEqual([ticket.salesVic]);
    expect(html).not.toContain('sv-my-risks-tab-team');
    expect(html).not.toContain('/admin/sla_vigil/monitor');
  });

  it('is refused the dashboard, monitor, reports, settings and API, and has no menu entry', async () => {
    const vic = await login('vic.own@x.test');
    for (const path of [
      '/admin/sla_vigil',
      '/admin/sla_vigil/monitor',
      '/admin/sla_vigil/reports',
      '/admin/sla_vigil/settings',
    ]) {
      const res = await vic.agent.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    const api = await vic.agent
      .get(`/admin/sla_vigil/api/tickets/${ticket.salesVic}`)
      .set('Accept', 'application/json');
    expect(api.status).toBe(403);
    expect((await vic.agent.get('/admin/tickets')).text).not.toContain('data-menu="sla_vigil"');
  });

  it('stays inside the host’s own rule when it limits staff to their departments', async () => {
    await departmentsOnly(true);
    try {
      const vic = await login('vic.own@x.test');
      const html = (await vic.agent.get('/admin/tickets')).text;
      expect(slaCell(html, ticket.salesVic)).toBe('');
      expect(widget((await vic.agent.get('/admin')).text) ?? '').not.toContain(
        `data-ticket-id="${ticket.salesVic}"`,
      );
    } finally {
      await departmentsOnly(false);
    }
  });

  it('is implied by view; without any capability nothing shows', async () => {
    expect(await t.devhost.permissions.can(staff.tara, 'sla_vigil', 'view_own')).toBe(true);
    expect(await t.devhost.permissions.can(staff.vic, 'sla_vigil', 'view')).toBe(false);
    const nico = await login('nico.nobody@x.test');
    expect(slaCell((await nico.agent.get('/admin/tickets')).text, ticket.supportOli)).toBe('');
    expect(widget((await nico.agent.get('/admin')).text)).toBeUndefined();
    expect((await nico.agent.get('/admin/sla_vigil/assets/countdown.js')).status).toBe(403);
  });
});

describe('granting view own in the devhost', () => {
  it('offers it in the staff permissions grid, ticked for a staff member who has it', async () => {
    const admin = await login('admin@example.com');
    const edit = await admin.agent.get(`/admin/staff/${staff.vic}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toMatch(
      /value="view_own" data-feature="sla_vigil" data-capability="view_own" checked> view own<\/label>/,
    );
    expect(edit.text).toMatch(/data-capability="view" > view<\/label>/);
  });
});

describe('My SLA risks, team view (View)', () => {
  it('lists their departments’ at-risk and breached tickets with the assignee, unassigned included', async () => {
    const tara = await login('tara.lead@x.test');
    const html = widget((await tara.agent.get('/admin')).text) ?? '';
    expect(html).toContain('data-testid="sv-my-risks-tab-mine"');
    expect(html).toContain('>My team</label>');
    expect(html).toContain('data-testid="sv-my-risks-empty"'); // nothing of Tara's own
    expect(listIds(html, 'sv-my-risks-team').sort()).toEqual(
      [ticket.supportOli, ticket.supportNobody].sort(),
    );
    expect(html).toContain('>Unassigned</small>');
    expect(html).toContain('>Oli Other</small>');
  });
});
