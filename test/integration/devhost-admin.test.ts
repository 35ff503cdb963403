import nodemailer from 'nodemailer';
import request from 'supertest';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { csrfFrom, loginAgent, type AdminSession } from '../helpers/admin-session';
import { insertStaff } from '../helpers/host-fixtures';

let t: TestDevhost;
let admin: AdminSession;
const ids = { support: 0, billing: 0, acme: 0, cora: 0, globex: 0, gil: 0, sam: 0, adminId: 0 };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin' });
  const db = t.devhost.db;
  [ids.support] = await db('tbldepartments').insert({ name: 'Support' });
  [ids.billing] = await db('tbldepartments').insert({ name: 'Billing' });
  [ids.acme] = await db('tblclients').insert({ company: 'Acme Corp', datecreated: '2026-01-01 00:00:00' });
  [ids.cora] = await db('tblcontacts').insert({
    userid: ids.acme,
    firstname: 'Cora',
    lastname: 'Client',
    email: 'cora@acme.test',
    datecreated: '2026-01-01 00:00:00',
  });
  [ids.globex] = await db('tblclients').insert({ company: 'Globex', datecreated: '2026-01-01 00:00:00' });
  [ids.gil] = await db('tblcontacts').insert({
    userid: ids.globex,
    firstname: 'Gil',
    lastname: 'Bates',
    email: 'gil@globex.test',
    datecreated: '2026-01-01 00:00:00',
  });
  ids.sam = await insertStaff(db, 'sam@example.com', 'agent-pass', { firstname: 'Sam', lastname: 'Agent' });
  ids.adminId = (await db('tblstaff').where('email', 'admin@example.com').first()).staffid;
  admin = await loginAgent(t.devhost.app, 'admin@example.com', 'demo1234');
});
afterAll(() => t.close());

const db = () => t.devhost.db;
const firedSince = (mark: number) => t.devhost.hooks.fired.slice(mark).map((f) => f.event);
const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number((await db()(table).where(where).count({ n: '*' }))[0].n);

async function ticket(extra: Record<string, unknown> = {}): Promise<number> {
  return t.devhost.tickets.create({
    subject: 'Printer on fire',
    message: 'It is smoking',
    department: ids.support,
    contactid: ids.cora,
    ...extra,
  });
}

/** Ticket ids of the list page's rows, in order. */
function rowIds(html: string): number[] {
  return [...html.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
}

describe('login', () => {
  it('refuses a wrong password with 401 and sends the signed-out to the login page', async () => {
    const agent = request.agent(t.devhost.app);
    const form = await agent.get('/admin/login');
    const res = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'admin@example.com', password: 'nope', _csrf: csrfFrom(form.text) });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Invalid email or password');
    const list = await agent.get('/admin/tickets');
    expect(list.status).toBe(303);
    expect(list.headers.location).toBe('/admin/login');
  });

  it('signs in and shows the staff name, the sidebar and the module menu item', async () => {
    const res = await admin.agent.get('/admin/tickets');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Ada Admin');
    for (const href of [
      '/admin/tickets/add',
      '/admin/mailbox',
      '/admin/roles',
      '/admin/staff',
      '/admin/modules',
    ])
      expect(res.text).toContain(`href="${href}"`);
    expect(res.text).toContain('data-menu="sla_vigil"');
  });

  it('rejects a POST without _csrf with 403 and changes nothing', async () => {
    const id = await ticket();
    const res = await admin.agent
      .post('/admin/tickets/bulk-status')
      .type('form')
      .send({ ids: [id], status: 4 });
    expect(res.status).toBe(403);
    expect((await db()('tbltickets').where('ticketid', id).first()).status).toBe(1);
  });
});

describe('ticket list', () => {
  let paged: number[];
  beforeAll(async () => {
    // 27 tickets sharing a word: more than one page of 25.
    paged = [];
    for (let n = 0; n < 27; n++) {
      paged.push(
        await ticket({
          subject: `Zebra crossing ${String(n).padStart(2, '0')}`,
          date: new Date(Date.UTC(2026, 0, 1, 8, n)),
        }),
      );
    }
  });

  it('pages 25 at a time, newest first, with host wall-clock dates and coloured status labels', async () => {
    const first = await admin.agent.get('/admin/tickets?q=Zebra');
    expect(first.status).toBe(200);
    expect(rowIds(first.text)).toEqual([...paged].reverse().slice(0, 25));
    expect(first.text).toContain('Page 1 of 2');
    // Europe/Berlin wall clock, shown as stored.
    expect(first.text).toContain('2026-01-01 09:26:00');
    expect(first.text).toContain('class="label ticket-status ticket-status-1"');
    const second = await admin.agent.get('/admin/tickets?q=Zebra&page=2');
    expect(rowIds(second.text)).toEqual([paged[1], paged[0]]);
    const css = await admin.agent.get('/admin/status-colors.css');
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.text).toContain('.ticket-status-1{color:#ff2d42');
  });

  it('searches subject, ticket id, contact name and company', async () => {
    const gil = await ticket({ subject: 'Invoice missing', contactid: ids.gil });
    for (const q of ['Invoice missing', 'Gil Bates', 'Globex', `#${gil}`]) {
      const res = await admin.agent.get(`/admin/tickets?q=${encodeURIComponent(q)}`);
      expect(rowIds(res.text)).toContain(gil);
      expect(rowIds(res.text)).not.toContain(paged[0]);
    }
    // LIKE wildcards are searched for literally.
    expect(rowIds((await admin.agent.get('/admin/tickets?q=%25')).text)).toEqual([]);
  });

  it('filters by status, department, priority and unassigned', async () => {
    const billing = await ticket({
      subject: 'Filter me',
      department: ids.billing,
      priority: 3,
      assigned: ids.sam,
    });
    await t.devhost.tickets.changeStatus(billing, { status: 4 });
    const filtered = async (qs: string) =>
      rowIds((await admin.agent.get(`/admin/tickets?q=Filter&${qs}`)).text);
    expect(await filtered(`status=4`)).toEqual([billing]);
    expect(await filtered(`status=1`)).toEqual([]);
    expect(await filtered(`department=${ids.billing}`)).toEqual([billing]);
    expect(await filtered(`department=${ids.support}`)).toEqual([]);
    expect(await filtered(`priority=3`)).toEqual([billing]);
    expect(await filtered(`assigned=${ids.sam}`)).toEqual([billing]);
    expect(await filtered(`assigned=0`)).toEqual([]);
    expect(rowIds((await admin.agent.get('/admin/tickets?q=Zebra&assigned=0')).text)).toHaveLength(25);
    // "All" options submit empty values.
    expect(await filtered(`status=&department=&priority=&assigned=`)).toEqual([billing]);
  });

  it('sorts by whitelisted columns only', async () => {
    const asc = rowIds((await admin.agent.get('/admin/tickets?q=Zebra&sort=subject&dir=asc')).text);
    expect(asc.slice(0, 3)).toEqual(paged.slice(0, 3));
    const desc = rowIds((await admin.agent.get('/admin/tickets?q=Zebra&sort=ticketid&dir=desc')).text);
    expect(desc[0]).toBe(paged[26]);
    for (const bad of ['sort=date%3BDROP%20TABLE%20tbltickets', 'dir=sideways', 'page=0', 'status=abc']) {
      const res = await admin.agent.get(`/admin/tickets?${bad}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain(`data-field="${bad.split('=')[0]}"`);
    }
    expect(await count('tbltickets')).toBeGreaterThan(27);
  });

  it('renders each module column once per page for all its ticket ids, HTML unescaped', async () => {
    const render = jest.fn(
      async (ticketIds: readonly number[]) =>
        new Map(ticketIds.map((id) => [id, `<b class="probe">${id}</b>`])),
    );
    const unregister = t.devhost.admin.addTicketListColumn({ key: 'probe', title: 'Probe', render });
    try {
      const res = await admin.agent.get('/admin/tickets?q=Zebra');
      expect(render).toHaveBeenCalledTimes(1);
      expect(render).toHaveBeenCalledWith(rowIds(res.text), ids.adminId);
      expect(res.text).toContain(`<b class="probe">${paged[26]}</b>`);
      expect(res.text).toContain('<th data-column="probe">Probe</th>');
      // The module's own SLA column is there too, sortable because it extends the list query.
      expect(res.text).toContain('<th data-column="sla_vigil" data-sort="sla" class="">');
      expect(res.text).toContain('sv-badge');
    } finally {
      unregister();
    }
  });

  it('bulk status and merge fire no hooks, like Perfex', async () => {
    const [a, b, c] = [await ticket(), await ticket(), await ticket()];
    const mark = t.devhost.hooks.fired.length;
    const bulk = await admin.post('/admin/tickets/bulk-status', {
      ids: [a, b],
      status: 2,
      back: '?q=Printer',
    });
    expect(bulk.status).toBe(303);
    expect(bulk.headers.location).toBe('/admin/tickets?q=Printer');
    expect(await db()('tbltickets').whereIn('ticketid', [a, b]).pluck('status')).toEqual([2, 2]);
    expect((await admin.agent.get(bulk.headers.location)).text).toContain('2 ticket(s) set to In progress');
    // The primary may be among the selected tickets, as in Perfex's merge dialog.
    const merge = await admin.post('/admin/tickets/merge', { ids: [a, c], primary: a });
    expect(merge.status).toBe(303);
    expect(await db()('tbltickets').where('ticketid', c).first()).toMatchObject({
      merged_ticket_id: String(a),
      status: 5,
    });
    expect(firedSince(mark)).toEqual([]);
  });

  it('bulk status handles a full page of 25 selected tickets', async () => {
    const res = await admin.post('/admin/tickets/bulk-status', { ids: paged.slice(0, 25), status: 3 });
    expect(res.status).toBe(303);
    expect(await count('tbltickets', { status: 3 })).toBeGreaterThanOrEqual(25);
  });

  it('rejects bad bulk and merge input with 422 naming the field, writing nothing', async () => {
    const id = await ticket();
    const cases: [string, Record<string, unknown>, string][] = [
      ['/admin/tickets/bulk-status', { status: 2 }, 'ids'],
      ['/admin/tickets/bulk-status', { ids: [id], status: 99 }, 'status'],
      ['/admin/tickets/bulk-status', { ids: [id] }, 'status'],
      ['/admin/tickets/bulk-status', { ids: [id, 999999], status: 2 }, 'ids'],
      ['/admin/tickets/merge', { ids: [id] }, 'primary'],
      ['/admin/tickets/merge', { ids: [id], primary: id }, 'ids'],
      ['/admin/tickets/merge', { ids: [id], primary: 999999 }, 'ticketid'],
    ];
    const mark = t.devhost.hooks.fired.length;
    for (const [path, fields, field] of cases) {
      const res = await admin.post(path, fields);
      expect([path, field, res.status]).toEqual([path, field, 422]);
      expect(res.text).toContain(`data-field="${field}"`);
    }
    expect(await db()('tbltickets').where('ticketid', id).first()).toMatchObject({
      status: 1,
      merged_ticket_id: null,
    });
    expect(firedSince(mark)).toEqual([]);
  });
});

describe('new ticket form', () => {
  it('opens a ticket on behalf of a contact and fires ticket_created', async () => {
    const form = await admin.agent.get('/admin/tickets/add');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<optgroup label="Acme Corp">');
    const mark = t.devhost.hooks.fired.length;
    const res = await admin.post('/admin/tickets/add', {
      opened_by: 'contact',
      contactid: ids.cora,
      subject: 'VPN down',
      department: ids.support,
      priority: 3,
      service: '',
      assigned: ids.sam,
      message: 'Nobody can connect',
    });
    expect(res.status).toBe(303);
    const row = await db()('tbltickets').where('subject', 'VPN down').first();
    expect(res.headers.location).toBe(`/admin/tickets/ticket/${row.ticketid}`);
    expect(row).toMatchObject({
      contactid: ids.cora,
      userid: ids.acme,
      admin: null,
      priority: 3,
      assigned: ids.sam,
      status: 1,
    });
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([{ event: 'ticket_created', payload: row.ticketid }]);
  });

  it('opens a ticket as the signed-in staff member', async () => {
    const res = await admin.post('/admin/tickets/add', {
      opened_by: 'staff',
      subject: 'Renew certificate',
      department: ids.billing,
      priority: 1,
      assigned: 0,
      message: 'Expires Friday',
    });
    expect(res.status).toBe(303);
    expect(await db()('tbltickets').where('subject', 'Renew certificate').first()).toMatchObject({
      admin: ids.adminId,
      contactid: 0,
      department: ids.billing,
    });
  });

  it('rejects bad input with 422 naming the field, keeps the values and writes nothing', async () => {
    const valid = {
      opened_by: 'contact',
      contactid: String(ids.cora),
      subject: 'Kept subject',
      department: String(ids.support),
      priority: '2',
      assigned: '0',
      message: 'Kept message',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ subject: '' }, 'subject'],
      [{ message: '  ' }, 'message'],
      [{ department: '999999' }, 'department'],
      [{ department: '' }, 'department'],
      [{ priority: 'high' }, 'priority'],
      [{ service: '999' }, 'service'],
      [{ assigned: '999999' }, 'assigned'],
      [{ contactid: '' }, 'contactid'],
      [{ opened_by: 'robot' }, 'opened_by'],
      [{ surprise: '1' }, 'surprise'],
    ];
    const before = await count('tbltickets');
    const mark = t.devhost.hooks.fired.length;
    for (const [change, field] of cases) {
      const res = await admin.post('/admin/tickets/add', { ...valid, ...change });
      expect([field, res.status]).toEqual([field, 422]);
      expect(res.text).toContain(`data-field="${field}"`);
      if (field !== 'message') expect(res.text).toContain('Kept message');
    }
    expect(await count('tbltickets')).toBe(before);
    expect(firedSince(mark)).toEqual([]);
  });

  it('words zod type errors for people: an unchosen select is required, letters are not a number', async () => {
    const res = await admin.post('/admin/tickets/add', {
      opened_by: 'staff',
      subject: 'x',
      message: 'y',
      department: '',
      priority: 'high',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<strong>department</strong>: is required');
    expect(res.text).toContain('<strong>priority</strong>: must be a number');
  });
});

describe('ticket view', () => {
  it('shows the header, the thread with staff and client replies, and the module panel', async () => {
    const id = await ticket({ subject: 'Broken <b>tags</b>', message: 'First words' });
    await t.devhost.tickets.reply(id, { message: 'Staff answer', admin: ids.adminId });
    await t.devhost.tickets.reply(id, { message: 'Client follow-up', admin: null });
    const res = await admin.agent.get(`/admin/tickets/ticket/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Broken &lt;b&gt;tags&lt;/b&gt;');
    expect(res.text).toContain('Cora Client');
    expect(res.text).toMatch(/class="message from-client" data-message="original"/);
    expect(res.text).toMatch(/class="message from-staff" data-reply-id="\d+"/);
    expect(res.text).toContain('Client follow-up');
    expect(res.text.indexOf('Staff answer')).toBeLessThan(res.text.indexOf('Client follow-up'));
    expect(res.text).toContain('data-panel="sla_vigil"');
    expect(res.text).toContain('data-testid="sv-ticket-panel"');
  });

  it('404s an unknown ticket and 422s a non-numeric id', async () => {
    expect((await admin.agent.get('/admin/tickets/ticket/999999')).status).toBe(404);
    const bad = await admin.agent.get('/admin/tickets/ticket/abc');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('data-field="ticketid"');
    expect((await admin.post('/admin/tickets/ticket/999999/reply', { message: 'hi' })).status).toBe(404);
  });

  it('reply, status, settings and delete fire their hooks', async () => {
    const id = await ticket();
    const url = `/admin/tickets/ticket/${id}`;
    let mark = t.devhost.hooks.fired.length;
    expect((await admin.post(`${url}/reply`, { message: 'Looking into it', status: '' })).status).toBe(303);
    const reply = await db()('tblticket_replies').where('ticketid', id).first();
    expect(reply).toMatchObject({ admin: ids.adminId, message: 'Looking into it' });
    expect(firedSince(mark)).toEqual(['after_ticket_reply_added', 'after_ticket_status_changed']);

    mark = t.devhost.hooks.fired.length;
    expect((await admin.post(`${url}/reply`, { message: 'Holding', status: 4 })).status).toBe(303);
    expect((await db()('tbltickets').where('ticketid', id).first()).status).toBe(4);
    expect(firedSince(mark)).toEqual(['after_ticket_reply_added', 'after_ticket_status_changed']);

    mark = t.devhost.hooks.fired.length;
    expect((await admin.post(`${url}/status`, { status: 2 })).status).toBe(303);
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([
      { event: 'after_ticket_status_changed', payload: { id, status: 2 } },
    ]);

    mark = t.devhost.hooks.fired.length;
    const settings = await admin.post(`${url}/settings`, {
      department: ids.billing,
      priority: 2,
      assigned: ids.sam,
      service: '',
    });
    expect(settings.status).toBe(303);
    const fired = t.devhost.hooks.fired.slice(mark);
    expect(fired).toHaveLength(1);
    // Only what changed is sent: priority was 2 already, and no service stays no service.
    expect(fired[0]).toMatchObject({
      event: 'ticket_settings_updated',
      payload: { ticket_id: id, data: { department: ids.billing, assigned: ids.sam } },
    });
    expect(Object.keys((fired[0].payload as { data: object }).data).sort()).toEqual([
      'assigned',
      'department',
    ]);

    mark = t.devhost.hooks.fired.length;
    const same = await admin.post(`${url}/settings`, {
      department: ids.billing,
      priority: 2,
      assigned: ids.sam,
      service: '',
    });
    expect(same.status).toBe(303);
    expect(firedSince(mark)).toEqual([]);
    expect((await admin.agent.get(url)).text).toContain('Nothing changed');

    mark = t.devhost.hooks.fired.length;
    const del = await admin.post(`${url}/delete`);
    expect(del.status).toBe(303);
    expect(del.headers.location).toBe('/admin/tickets');
    expect(await count('tbltickets', { ticketid: id })).toBe(0);
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([{ event: 'after_ticket_deleted', payload: id }]);
  });

  it('rejects bad reply, status and settings input with 422 naming the field, writing nothing', async () => {
    const id = await ticket();
    const url = `/admin/tickets/ticket/${id}`;
    const cases: [string, Record<string, unknown>, string][] = [
      ['reply', { message: '' }, 'message'],
      ['reply', { message: 'x', status: 99 }, 'status'],
      ['reply', { message: 'x', extra: 1 }, 'extra'],
      ['status', { status: 99 }, 'status'],
      ['status', {}, 'status'],
      ['settings', { department: 999999 }, 'department'],
      ['settings', { priority: 'urgent' }, 'priority'],
      ['settings', { assigned: 999999 }, 'assigned'],
    ];
    const mark = t.devhost.hooks.fired.length;
    for (const [action, fields, field] of cases) {
      const res = await admin.post(`${url}/${action}`, fields);
      expect([action, field, res.status]).toEqual([action, field, 422]);
      expect(res.text).toContain(`data-field="${field}"`);
    }
    const kept = await admin.post(`${url}/reply`, { message: 'Draft kept', status: 99 });
    expect(kept.text).toContain('Draft kept</textarea>');
    expect(await count('tblticket_replies', { ticketid: id })).toBe(0);
    expect(await db()('tbltickets').where('ticketid', id).first()).toMatchObject({
      status: 1,
      department: ids.support,
    });
    expect(firedSince(mark)).toEqual([]);
  });
});

describe('roles and staff permissions', () => {
  let sam: AdminSession;
  beforeAll(async () => {
    sam = await loginAgent(t.devhost.app, 'sam@example.com', 'agent-pass');
  });

  it('keeps roles, staff and modules to administrators', async () => {
    for (const path of ['/admin/roles', '/admin/staff', `/admin/staff/${ids.sam}`, '/admin/modules']) {
      expect([path, (await sam.agent.get(path)).status]).toEqual([path, 403]);
    }
    expect((await sam.post('/admin/roles', { name: 'Sneaky' })).status).toBe(403);
    expect((await sam.post('/admin/modules/sla_vigil/deactivate')).status).toBe(403);
    expect(await count('tblroles', { name: 'Sneaky' })).toBe(0);
    const list = await sam.agent.get('/admin/tickets');
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('href="/admin/roles"');
    // Sam has no sla_vigil permission yet: the module's menu item is hidden.
    expect(list.text).not.toContain('data-menu="sla_vigil"');
  });

  it('creates a role; an empty name is a 422 naming `name` and writes nothing', async () => {
    const before = await count('tblroles');
    const bad = await admin.post('/admin/roles', { name: '   ' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('data-field="name"');
    expect(await count('tblroles')).toBe(before);
    const res = await admin.post('/admin/roles', { name: 'Agents' });
    expect(res.status).toBe(303);
    const role = await db()('tblroles').where('name', 'Agents').first();
    expect(res.headers.location).toBe(`/admin/roles/${role.roleid}`);
    const page = await admin.agent.get(res.headers.location);
    expect(page.text).toContain('name="permissions[sla_vigil][]" value="view"');
  });

  it('saves role permissions as JSON and, when asked, rewrites its staff members’ permissions', async () => {
    const [roleid] = await db()('tblroles').insert({ name: 'Leads', permissions: '{"old_module":["view"]}' });
    await db()('tblstaff').where('staffid', ids.sam).update({ role: roleid });
    const url = `/admin/roles/${roleid}`;
    expect(
      (await admin.post(url, { name: 'Team leads', permissions: { sla_vigil: ['view', 'manage'] } })).status,
    ).toBe(303);
    const role = await db()('tblroles').where('roleid', roleid).first();
    expect(role.name).toBe('Team leads');
    // Grants for features no active module registers are kept.
    expect(JSON.parse(role.permissions)).toEqual({ old_module: ['view'], sla_vigil: ['view', 'manage'] });
    expect(await count('tblstaff_permissions', { staff_id: ids.sam })).toBe(0);

    expect(
      (await admin.post(url, { name: 'Team leads', permissions: { sla_vigil: ['view'] }, update_staff: '1' }))
        .status,
    ).toBe(303);
    expect(
      await db()('tblstaff_permissions').where('staff_id', ids.sam).select('feature', 'capability'),
    ).toEqual([{ feature: 'sla_vigil', capability: 'view' }]);
    expect(await t.devhost.permissions.can(ids.sam, 'sla_vigil', 'view')).toBe(true);
    expect((await sam.agent.get('/admin/tickets')).text).toContain('data-menu="sla_vigil"');
  });

  it('rejects unknown features, capabilities and empty names on a role', async () => {
    const role = await db()('tblroles').where('name', 'Agents').first();
    for (const [fields, field] of [
      [{ name: 'Agents', permissions: { nope: ['view'] } }, 'permissions.nope'],
      [{ name: 'Agents', permissions: { sla_vigil: ['fly'] } }, 'permissions.sla_vigil'],
      [{ name: '' }, 'name'],
    ] as const) {
      const res = await admin.post(`/admin/roles/${role.roleid}`, fields);
      expect([field, res.status]).toEqual([field, 422]);
      expect(res.text).toContain(`data-field="${field}"`);
    }
    expect(await db()('tblroles').where('roleid', role.roleid).first()).toMatchObject({
      name: 'Agents',
      permissions: '{}',
    });
    expect((await admin.agent.get('/admin/roles/999999')).status).toBe(404);
  });

  it('sets a staff member’s role, flags and permissions in tblstaff_permissions', async () => {
    const list = await admin.agent.get('/admin/staff');
    expect(list.text).toContain('Sam Agent');
    const role = await db()('tblroles').where('name', 'Agents').first();
    const edit = await admin.agent.get(`/admin/staff/${ids.sam}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('data-capability="manage"');
    const res = await admin.post(`/admin/staff/${ids.sam}`, {
      role: role.roleid,
      active: '1',
      permissions: { sla_vigil: ['manage'] },
    });
    expect(res.status).toBe(303);
    expect(await db()('tblstaff').where('staffid', ids.sam).first()).toMatchObject({
      role: role.roleid,
      admin: 0,
      active: 1,
    });
    expect(
      await db()('tblstaff_permissions').where('staff_id', ids.sam).select('feature', 'capability'),
    ).toEqual([{ feature: 'sla_vigil', capability: 'manage' }]);
    // Unticking everything removes the rows.
    expect((await admin.post(`/admin/staff/${ids.sam}`, { role: role.roleid, active: '1' })).status).toBe(
      303,
    );
    expect(await count('tblstaff_permissions', { staff_id: ids.sam })).toBe(0);
  });

  it('rejects a bad staff form with 422 naming the field, writing nothing', async () => {
    await db()('tblstaff_permissions').insert({
      staff_id: ids.sam,
      feature: 'sla_vigil',
      capability: 'view',
    });
    const cases: [number, Record<string, unknown>, string][] = [
      [ids.sam, { role: 999999, active: '1' }, 'role'],
      [ids.sam, { role: 'abc', active: '1' }, 'role'],
      [ids.sam, { active: '1', permissions: { sla_vigil: ['fly'] } }, 'permissions.sla_vigil'],
      [ids.adminId, { admin: '1' }, 'active'],
      [ids.adminId, { active: '1' }, 'admin'],
    ];
    for (const [staffId, fields, field] of cases) {
      const res = await admin.post(`/admin/staff/${staffId}`, fields);
      expect([field, res.status]).toEqual([field, 422]);
      expect(res.text).toContain(`data-field="${field}"`);
    }
    expect(await count('tblstaff_permissions', { staff_id: ids.sam })).toBe(1);
    expect(await db()('tblstaff').where('staffid', ids.adminId).first()).toMatchObject({
      admin: 1,
      active: 1,
    });
    expect((await admin.agent.get('/admin/staff/999999')).status).toBe(404);
  });
});

describe('mailbox', () => {
  it('lists and shows a message sent to the devhost SMTP port, escaped', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.devhost.mailbox.port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'sla@devhost.local',
      to: 'ada@example.com',
      subject: 'SLA breached <script>',
      text: 'Ticket #1 breached <b>now</b>',
      html: '<p>Ticket #1 <script>alert(1)</script></p>',
    });
    transport.close();
    const list = await admin.agent.get('/admin/mailbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain('SLA breached &lt;script&gt;');
    expect(list.text).toContain('ada@example.com');
    const id = Number(/data-message-id="(\d+)"/.exec(list.text)?.[1]);
    const one = await admin.agent.get(`/admin/mailbox/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).toContain('Ticket #1 breached &lt;b&gt;now&lt;/b&gt;');
    expect(one.text).toContain('sandbox=""');
    expect(one.text).not.toContain('<script>alert(1)</script>');
    expect((await admin.agent.get('/admin/mailbox/999999')).status).toBe(404);
    expect((await admin.agent.get('/admin/mailbox/x')).status).toBe(422);
  });

  it('shows the whole email: readable headers, the text and HTML bodies and the source', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.devhost.mailbox.port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: { name: 'SLA Vigil <Bot>', address: 'sla@devhost.local' },
      to: { name: 'Jürgen Weiß', address: 'juergen@example.com' },
      cc: 'lead@example.com',
      subject: 'Überfällig: Ticket #7 <b>',
      date: new Date('2026-03-04T11:00:05Z'),
      messageId: '<sv-7-breach@devhost.local>',
      headers: { 'X-Sla-Vigil-Level': 'breach' },
      text: 'Line one\nLine two',
      html: '<p onclick="x()">Ticket <b>#7</b> "late"</p>',
    });
    transport.close();
    const id = (
      await t.devhost.db('tbldevhost_mailbox').where('message_id', '<sv-7-breach@devhost.local>').first()
    ).id;
    const page = (await admin.agent.get(`/admin/mailbox/${id}`)).text;
    const header = (name: string) =>
      new RegExp(`data-header="${name}"><dt>[^<]+</dt><dd>([^<]*)</dd>`).exec(page)?.[1];
    // Decoded (no =?UTF-8?...?=), with display names, the date in the host's zone, and escaped.
    expect(header('from')).toBe('&#34;SLA Vigil &lt;Bot&gt;&#34; &lt;sla@devhost.local&gt;');
    expect(header('to')).toBe('&#34;Jürgen Weiß&#34; &lt;juergen@example.com&gt;');
    expect(header('cc')).toBe('lead@example.com');
    expect(header('subject')).toBe('Überfällig: Ticket #7 &lt;b&gt;');
    expect(header('date')).toMatch(/^2026-03-04 \d\d:00:05 \(/);
    expect(header('message-id')).toBe('&lt;sv-7-breach@devhost.local&gt;');
    expect(header('x-sla-vigil-level')).toBe('breach');
    expect(page.indexOf('data-header="from"')).toBeLessThan(page.indexOf('data-header="x-sla-vigil-level"'));
    // The text body whole, the HTML body only inside a sandboxed srcdoc (escaped), and the source.
    expect(page).toContain('<pre class="mail-text" data-testid="mail-text">Line one\nLine two</pre>');
    expect(page).toMatch(
      /<iframe class="mail-html" sandbox="" srcdoc="&lt;p onclick=&#34;x\(\)&#34;&gt;Ticket &lt;b&gt;#7/,
    );
    expect(page).not.toContain('<p onclick');
    expect(page).toMatch(/data-testid="mail-source">[^<]*Message-ID: &lt;sv-7-breach@devhost.local&gt;/);
  });
});

describe('modules', () => {
  it('lists sla_vigil; deactivate and activate toggle tblmodules.active and the menu item', async () => {
    const page = await admin.agent.get('/admin/modules');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-module="sla_vigil" data-active="1"');
    expect(page.text).toContain('SLA Vigil');

    const off = await admin.post('/admin/modules/sla_vigil/deactivate');
    expect(off.status).toBe(303);
    expect((await db()('tblmodules').where('module_name', 'sla_vigil').first()).active).toBe(0);
    const without = await admin.agent.get('/admin/modules');
    expect(without.text).toContain('SLA Vigil deactivated');
    expect(without.text).not.toContain('data-menu="sla_vigil"');
    expect(without.text).toContain('data-module="sla_vigil" data-active="0"');

    const on = await admin.post('/admin/modules/sla_vigil/activate');
    expect(on.status).toBe(303);
    expect((await db()('tblmodules').where('module_name', 'sla_vigil').first()).active).toBe(1);
    expect((await admin.agent.get('/admin/tickets')).text).toContain('data-menu="sla_vigil"');
  });

  it('uninstalls only an inactive module with the box ticked; unknown modules are 404', async () => {
    const active = await admin.post('/admin/modules/sla_vigil/uninstall', { confirm: '1' });
    expect(active.status).toBe(422);
    expect(active.text).toContain('data-field="active"');
    await t.devhost.loader.deactivate('sla_vigil');
    try {
      const unconfirmed = await admin.post('/admin/modules/sla_vigil/uninstall');
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.text).toContain('data-field="confirm"');
      expect(await count('tblmodules', { module_name: 'sla_vigil' })).toBe(1);
    } finally {
      await t.devhost.loader.activate('sla_vigil');
    }
    expect((await admin.post('/admin/modules/nope/activate')).status).toBe(404);
  });
});
