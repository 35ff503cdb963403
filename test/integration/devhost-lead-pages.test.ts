import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAgent, type AdminSession } from '../helpers/admin-session';
import { insertStaff } from '../helpers/host-fixtures';
import type { LeadListColumn } from '../../devhost/admin-registry';

let t: TestDevhost;
let admin: AdminSession;
const ids = { fresh: 0, contacted: 0, google: 1, referral: 0, sam: 0, de: 0, india: 0, us: 0 };
const lead = { berlin: 0, mumbai: 0, boston: 0, nowhere: 0 };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin' });
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [ids.contacted] = await db('tblleads_status').insert({
    name: 'Contacted',
    statusorder: 2,
    color: '#f59e0b',
  });
  [ids.referral] = await db('tblleads_sources').insert({ name: 'Referral' });
  ids.sam = await insertStaff(db, 'sam@example.com', 'pw123456', { firstname: 'Sam', lastname: 'Seller' });
  for (const iso of ['DE', 'IN', 'US'] as const) {
    const id = (await db('tblcountries').where('iso2', iso).first()).country_id;
    if (iso === 'DE') ids.de = id;
    if (iso === 'IN') ids.india = id;
    if (iso === 'US') ids.us = id;
  }
  const create = (extra: Record<string, unknown>) =>
    t.devhost.leads.create({ status: ids.fresh, source: ids.google, ...extra });
  lead.berlin = await create({
    name: 'Berta Brandt',
    company: 'Brandt GmbH',
    country: ids.de,
    assigned: ids.sam,
  });
  lead.mumbai = await create({
    name: 'Meera Shah',
    company: 'Shah Exports',
    country: ids.india,
    source: ids.referral,
  });
  lead.boston = await create({
    name: 'Bob Stone',
    company: 'Stone & Co',
    country: ids.us,
    status: ids.contacted,
  });
  lead.nowhere = await create({ name: 'Nadia Null' });
  admin = await loginAgent(t.devhost.app, 'admin@example.com', 'demo1234');
});
afterAll(() => t.close());

const db = () => t.devhost.db;
const row = (id: number) => db()('tblleads').where('id', id).first();
const mark = () => t.devhost.hooks.fired.length;
const firedSince = (m: number) => t.devhost.hooks.fired.slice(m);

/** Lead ids of the list page's rows, in order. */
function rowIds(html: string): number[] {
  return [...html.matchAll(/<tr data-lead-id="(\d+)"/g)].map((m) => Number(m[1]));
}
const list = async (query = '') => {
  const res = await admin.agent.get(`/admin/leads${query}`);
  expect(res.status).toBe(200);
  return rowIds(res.text);
};

describe('lead list', () => {
  it('is in the sidebar and lists every lead with status, source, country and owner, newest first', async () => {
    const res = await admin.agent.get('/admin/leads');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<a href="/admin/leads" class="active" data-menu="leads">Leads</a>');
    expect(rowIds(res.text)).toEqual([lead.nowhere, lead.boston, lead.mumbai, lead.berlin]);
    expect(res.text).toContain('4 found');
    const berlinRow = res.text.slice(res.text.indexOf(`data-lead-id="${lead.berlin}"`));
    const cells = berlinRow.slice(0, berlinRow.indexOf('</tr>'));
    for (const text of ['Berta Brandt', 'Brandt GmbH', 'New', 'Google', 'Germany', 'Sam Seller'])
      expect(cells).toContain(text);
    expect(res.text).toContain('class="label lead-status lead-status-' + ids.fresh);
  });

  it('filters by status, source, country, owner (0 = unassigned), state and text', async () => {
    expect(await list(`?status=${ids.contacted}`)).toEqual([lead.boston]);
    expect(await list(`?source=${ids.referral}`)).toEqual([lead.mumbai]);
    expect(await list(`?country=${ids.de}`)).toEqual([lead.berlin]);
    expect(await list('?country=0')).toEqual([lead.nowhere]);
    expect(await list(`?assigned=${ids.sam}`)).toEqual([lead.berlin]);
    expect((await list('?assigned=0')).sort()).toEqual([lead.mumbai, lead.boston, lead.nowhere].sort());
    expect(await list('?q=shah')).toEqual([lead.mumbai]);
    expect(await list(`?q=%23${lead.boston}`)).toEqual([lead.boston]);
    expect(await list('?state=lost')).toEqual([]);
    expect(await list('?sort=name&dir=asc')).toEqual([lead.berlin, lead.boston, lead.mumbai, lead.nowhere]);
  });

  it('offers only the countries some lead is in as a filter', async () => {
    const res = await admin.agent.get('/admin/leads');
    const select = res.text.slice(res.text.indexOf('<select name="country"'));
    const options = select.slice(0, select.indexOf('</select>'));
    expect(
      [...options.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b),
    ).toEqual([0, ids.de, ids.india, ids.us].sort((a, b) => a - b));
  });

  it('answers a bad filter with 422 naming the parameter', async () => {
    for (const [query, field] of [
      ['?status=abc', 'status'],
      ['?state=won', 'state'],
      ['?sort=password', 'sort'],
      ['?page=0', 'page'],
    ]) {
      const res = await admin.agent.get(`/admin/leads${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
      expect(res.text).toContain(field);
    }
  });

  it('shows, filters and sorts by a column a module registers, looked up once per page', async () => {
    const calls: number[][] = [];
    const column: LeadListColumn = {
      key: 'probe',
      title: 'Probe',
      async render(leadIds) {
        calls.push([...leadIds]);
        return new Map(leadIds.map((id) => [id, `<span data-probe="${id}">P${id}</span>`]));
      },
      listQuery: {
        param: 'probe',
        filterOptions: () => [{ value: 'berlin', label: 'Berlin only' }],
        apply(qb, leadIdColumn, { filter, sort }) {
          if (filter === 'berlin') qb.where(leadIdColumn, lead.berlin);
          if (sort) qb.orderByRaw(`?? = ? ${sort === 'asc' ? 'ASC' : 'DESC'}`, [leadIdColumn, lead.mumbai]);
        },
      },
    };
    const off = t.devhost.admin.addLeadListColumn(column);
    try {
      const res = await admin.agent.get('/admin/leads');
      expect(res.text).toContain('<th data-column="probe" data-sort="probe"');
      expect(res.text).toContain(`<span data-probe="${lead.berlin}">P${lead.berlin}</span>`);
      expect(calls).toEqual([[lead.nowhere, lead.boston, lead.mumbai, lead.berlin]]);
      expect(await list('?probe=berlin')).toEqual([lead.berlin]);
      expect((await list('?sort=probe&dir=desc'))[0]).toBe(lead.mumbai);
      expect((await admin.agent.get('/admin/leads?probe=paris')).status).toBe(422);
    } finally {
      off();
    }
    expect((await admin.agent.get('/admin/leads')).text).not.toContain('data-column="probe"');
  });

  it('keeps a module column it may not see from the staff member', async () => {
    const off = t.devhost.admin.addLeadListColumn({
      key: 'secret',
      title: 'Secret',
      permission: { feature: 'sla_vigil', capability: 'manage' },
      render: async (leadIds) => new Map(leadIds.map((id) => [id, 'S'])),
    });
    try {
      const sam = await loginAgent(t.devhost.app, 'sam@example.com', 'pw123456');
      expect((await sam.agent.get('/admin/leads')).text).not.toContain('data-column="secret"');
      expect((await admin.agent.get('/admin/leads')).text).toContain('data-column="secret"');
    } finally {
      off();
    }
  });
});

describe('lead view', () => {
  it('shows the lead with its fields and activity, 404 for an unknown lead, 422 for a bad id', async () => {
    const res = await admin.agent.get(`/admin/leads/lead/${lead.berlin}`);
    expect(res.status).toBe(200);
    for (const text of ['Berta Brandt', 'Brandt GmbH', 'Germany', 'Sam Seller', 'Lead created'])
      expect(res.text).toContain(text);
    expect((await admin.agent.get('/admin/leads/lead/999999')).status).toBe(404);
    const bad = await admin.agent.get('/admin/leads/lead/abc');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id');
  });

  it('changes the status through the edit form: lead_status_changed, then after_lead_updated', async () => {
    const m = mark();
    const res = await admin.post(`/admin/leads/lead/${lead.mumbai}/status`, {
      status: String(ids.contacted),
    });
    expect(res.status).toBe(303);
    expect(firedSince(m)).toEqual([
      {
        event: 'lead_status_changed',
        payload: { lead_id: lead.mumbai, old_status: ids.fresh, new_status: ids.contacted },
      },
      { event: 'after_lead_updated', payload: lead.mumbai },
    ]);
    expect((await row(lead.mumbai)).status).toBe(ids.contacted);
  });

  it('assigns, and marks "contacted today", each through after_lead_updated', async () => {
    const m = mark();
    expect(
      (await admin.post(`/admin/leads/lead/${lead.mumbai}/assign`, { assigned: String(ids.sam) })).status,
    ).toBe(303);
    expect((await admin.post(`/admin/leads/lead/${lead.mumbai}/contacted`)).status).toBe(303);
    expect(firedSince(m)).toEqual([
      { event: 'after_lead_updated', payload: lead.mumbai },
      { event: 'after_lead_updated', payload: lead.mumbai },
    ]);
    const r = await row(lead.mumbai);
    expect(r.assigned).toBe(ids.sam);
    expect(r.lastcontact).not.toBeNull();
    const page = await admin.agent.get(`/admin/leads/lead/${lead.mumbai}`);
    expect(page.text).toContain('Contacted');
    expect(page.text).toContain('Ada Admin');
  });

  it('saves the profile tab (source, country) with after_lead_updated; an unchanged save fires nothing', async () => {
    const current = await row(lead.boston);
    let m = mark();
    const res = await admin.post(`/admin/leads/lead/${lead.boston}/edit`, {
      name: current.name,
      company: current.company,
      email: '',
      phonenumber: '',
      status: String(current.status),
      source: String(ids.referral),
      country: String(ids.india),
      assigned: '0',
      lead_value: '1200.50',
    });
    expect(res.status).toBe(303);
    expect(firedSince(m)).toEqual([{ event: 'after_lead_updated', payload: lead.boston }]);
    expect(await row(lead.boston)).toMatchObject({
      source: ids.referral,
      country: ids.india,
      lead_value: '1200.50',
    });
    m = mark();
    await admin.post(`/admin/leads/lead/${lead.boston}/edit`, {
      name: current.name,
      status: String(current.status),
      source: String(ids.referral),
      country: String(ids.india),
      lead_value: '1200.5',
    });
    expect(firedSince(m)).toEqual([]);
  });

  it('answers bad input with 422 naming the field, and changes nothing', async () => {
    for (const [path, fields, field] of [
      ['edit', { name: 'X', email: 'not-an-email' }, 'email'],
      ['edit', { name: '' }, 'name'],
      ['edit', { name: 'X', country: '99999' }, 'country'],
      ['edit', { name: 'X', lead_value: 'lots' }, 'lead_value'],
      ['status', { status: '' }, 'status'],
      ['status', { status: '99999' }, 'status'],
      ['assign', { assigned: 'abc' }, 'assigned'],
    ] as const) {
      const m = mark();
      const res = await admin.post(`/admin/leads/lead/${lead.nowhere}/${path}`, fields);
      expect({ path, field, status: res.status }).toEqual({ path, field, status: 422 });
      expect(res.text).toContain(`data-field="${field}"`);
      expect(firedSince(m)).toEqual([]);
    }
    expect(await row(lead.nowhere)).toMatchObject({ name: 'Nadia Null', country: 0, status: ids.fresh });
  });

  it('marks lost and junk with their hooks; a second time is a 422 naming the field', async () => {
    const lost = await t.devhost.leads.create({ name: 'Lou Lost', status: ids.fresh, source: ids.google });
    const junk = await t.devhost.leads.create({ name: 'Jay Junk', status: ids.fresh, source: ids.google });
    const m = mark();
    expect((await admin.post(`/admin/leads/lead/${lost}/lost`)).status).toBe(303);
    expect((await admin.post(`/admin/leads/lead/${junk}/junk`)).status).toBe(303);
    expect(firedSince(m)).toEqual([
      { event: 'lead_marked_as_lost', payload: lost },
      { event: 'lead_marked_as_junk', payload: junk },
    ]);
    const again = await admin.post(`/admin/leads/lead/${lost}/lost`);
    expect(again.status).toBe(422);
    expect(again.text).toContain('data-field="lost"');
    expect(await list('?state=lost')).toEqual([lost]);
    expect(await list('?state=junk')).toEqual([junk]);
    const page = await admin.agent.get(`/admin/leads/lead/${lost}`);
    expect(page.text).toContain('data-flag="lost"');
    expect(page.text).not.toContain('data-action="lost"');
  });

  it('converts to a customer without a hook, and deletes with before/after_lead_deleted', async () => {
    const id = await t.devhost.leads.create({
      name: 'Cleo Client',
      company: 'Cleo Ltd',
      status: ids.fresh,
      source: 1,
    });
    let m = mark();
    expect((await admin.post(`/admin/leads/lead/${id}/convert`)).status).toBe(303);
    expect(firedSince(m)).toEqual([]);
    expect(await row(id)).toMatchObject({ status: 1 });
    expect(await list('?state=converted')).toEqual([id]);
    m = mark();
    const res = await admin.post(`/admin/leads/lead/${id}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/leads');
    expect(firedSince(m)).toEqual([
      { event: 'before_lead_deleted', payload: id },
      { event: 'after_lead_deleted', payload: id },
    ]);
    expect(await row(id)).toBeUndefined();
  });

  it('refuses a POST without _csrf with 403 and changes nothing', async () => {
    const m = mark();
    const res = await admin.agent.post(`/admin/leads/lead/${lead.nowhere}/lost`).type('form').send({});
    expect(res.status).toBe(403);
    const del = await admin.agent
      .post(`/admin/leads/lead/${lead.nowhere}/delete`)
      .type('form')
      .send({ _csrf: 'forged' });
    expect(del.status).toBe(403);
    expect(firedSince(m)).toEqual([]);
    expect(await row(lead.nowhere)).toMatchObject({ lost: 0 });
  });

  it('shows module tabs: given the lead on its page and null on the new-lead form', async () => {
    const seen: (number | null)[] = [];
    const off = t.devhost.admin.addLeadPanel({
      key: 'probe',
      title: 'Probe tab',
      async render(leadId) {
        seen.push(leadId);
        return `<p data-probe-panel>${leadId ?? 'new'}</p>`;
      },
    });
    const broken = t.devhost.admin.addLeadPanel({
      key: 'broken',
      title: 'Broken tab',
      render: async () => {
        throw new Error('boom');
      },
    });
    try {
      const page = await admin.agent.get(`/admin/leads/lead/${lead.berlin}`);
      expect(page.text).toContain('<label for="tab-panel-probe" data-tab="panel-probe">Probe tab</label>');
      expect(page.text).toContain(`<p data-probe-panel>${lead.berlin}</p>`);
      expect(page.text).toContain('This panel could not be loaded.');
      const form = await admin.agent.get('/admin/leads/add');
      expect(form.text).toContain('<p data-probe-panel>new</p>');
      expect(seen).toEqual([lead.berlin, null]);
    } finally {
      off();
      broken();
    }
  });
});

describe('new lead form', () => {
  it('creates the lead as the signed-in staff member and fires lead_created', async () => {
    const m = mark();
    const res = await admin.post('/admin/leads/add', {
      name: 'Fiona Form',
      company: 'Form AG',
      email: 'fiona@form.example',
      phonenumber: '+49 30 1234',
      status: String(ids.fresh),
      source: String(ids.google),
      country: String(ids.de),
      assigned: '0',
      lead_value: '',
      contacted_today: '1',
    });
    expect(res.status).toBe(303);
    const id = Number(/\/admin\/leads\/lead\/(\d+)/.exec(res.headers.location)?.[1]);
    expect(firedSince(m)).toEqual([{ event: 'lead_created', payload: id }]);
    const adminId = (await db()('tblstaff').where('email', 'admin@example.com').first()).staffid;
    expect(await row(id)).toMatchObject({
      name: 'Fiona Form',
      addedfrom: adminId,
      country: ids.de,
      assigned: 0,
    });
    expect((await row(id)).lastcontact).not.toBeNull();
  });

  it('answers a missing name or status with 422 naming each field, keeping what was typed', async () => {
    const res = await admin.post('/admin/leads/add', {
      name: '',
      company: 'Typed Co',
      status: '',
      source: '1',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-field="name"');
    expect(res.text).toContain('data-field="status"');
    expect(res.text).toContain('value="Typed Co"');
  });
});

describe('lead API (bearer token)', () => {
  it('runs the same actions with the same hooks, and the no-hook paths', async () => {
    const { default: request } = await import('supertest');
    const api = () => request(t.devhost.app);
    const auth = { Authorization: 'Bearer test-token' };
    const m = mark();
    const created = await api()
      .post('/api/leads')
      .set(auth)
      .send({ name: 'Api Anna', status: ids.fresh, source: ids.google });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect(
      (await api().put(`/api/leads/${id}/status`).set(auth).send({ status: ids.contacted })).body,
    ).toEqual({
      changed: true,
    });
    const bad = await api().put(`/api/leads/${id}`).set(auth).send({ country: 99999 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'country' })]);
    expect(
      (
        await api()
          .post('/api/leads/direct-write')
          .set(auth)
          .send({ ids: [id], junk: 1 })
      ).body,
    ).toEqual({
      updated: 1,
    });
    expect(firedSince(m)).toEqual([
      { event: 'lead_created', payload: id },
      {
        event: 'lead_status_changed',
        payload: { lead_id: id, old_status: ids.fresh, new_status: ids.contacted },
      },
    ]);
    expect((await api().get(`/api/leads/${id}`).set(auth)).body.lead).toMatchObject({ junk: 1 });
  });
});
