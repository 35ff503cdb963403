import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { startBridgeOverDevhost, type BridgeOverDevhost } from '../helpers/bridge-over-devhost';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertOpenTickets, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs } from '../helpers/admin-session';
import { dropRedisPrefix, testRedisPrefix } from '../helpers/test-database';
import { signBridgeRequest } from '../../src/host/bridge/bridge-signature';

/**
 * The badges, the ticket tab and the home widget as the Perfex module asks for them
 * (bridge-contract addendum 2): the service's bridge, activated on the devhost's database with the
 * devhost's clock, must answer exactly what the devhost's own list, ticket view and home show.
 * A 24x7 policy in a UTC host; "now" is Tue 2026-03-03 08:00 UTC.
 */
const SECRET = crypto.randomBytes(32).toString('hex');
const NOW = '2026-03-03T08:00:00Z';
const clock = new MutableClock(new Date('2026-03-03T03:00:00Z'));
const at = (iso: string) => clock.set(new Date(iso));

let t: TestDevhost;
let services: ModuleServices;
let bridge: BridgeOverDevhost | undefined;
let app: Express;
const queuePrefix = testRedisPrefix();
const dept: Record<string, number> = {};
const staff: Record<string, number> = {};
const ticket: Record<string, number> = {};

async function create(subject: string, iso: string, extra: Record<string, unknown> = {}): Promise<number> {
  at(iso);
  return t.devhost.tickets.create({
    subject,
    message: 'm',
    department: dept.support,
    priority: 3,
    admin: 1,
    assigned: staff.ana,
    ...extra,
  });
}

async function reply(id: number, iso: string, status?: number): Promise<void> {
  at(iso);
  await t.devhost.tickets.reply(id, { message: 'on it', admin: 1, status });
}

/** The SLA cell of one row of the devhost's ticket list. */
function slaCell(html: string, id: number): string | undefined {
  const row = new RegExp(`<tr data-ticket-id="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0];
  if (row === undefined) return undefined;
  return /<td data-column="sla_vigil"[^>]*>([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
}

interface Signed {
  body: unknown;
  raw?: string;
  nonce?: string;
  unsigned?: boolean;
}

/** A POST as the PHP module sends it: JSON body, the contract's three headers. */
function post(path: string, r: Signed) {
  const body = r.raw ?? JSON.stringify(r.body);
  // The service reads the (devhost's fixed) clock: PHP's timestamp agrees with it.
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const nonce = r.nonce ?? crypto.randomBytes(16).toString('hex');
  const signature = signBridgeRequest(SECRET, { method: 'POST', path, timestamp, nonce, body });
  let req = request(app).post(path).set('Content-Type', 'application/json');
  if (!r.unsigned)
    req = req
      .set('X-SLA-Vigil-Timestamp', timestamp)
      .set('X-SLA-Vigil-Nonce', nonce)
      .set('X-SLA-Vigil-Signature', signature);
  return req.send(body);
}

const badges = async (staffId: number, ids: number[], language = 'english') => {
  const res = await post('/bridge/ticket-list', { body: { staff_id: staffId, language, ticket_ids: ids } });
  expect(res.status).toBe(200);
  return (res.body as { badges: Record<string, string> }).badges;
};

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [dept.support] = await db('tbldepartments').insert({ name: 'Support' });
  [dept.sales] = await db('tbldepartments').insert({ name: 'Sales' });
  staff.ana = await insertStaffWithCapabilities(db, 'ana.agent@x.test', STAFF_PASSWORD, ['view']);
  staff.leo = await insertStaffWithCapabilities(db, 'leo.lead@x.test', STAFF_PASSWORD, ['view'], {
    default_language: 'german',
  });
  staff.viv = await insertStaffWithCapabilities(db, 'viv.viewer@x.test', STAFF_PASSWORD, ['view']);
  staff.nico = await insertStaffWithCapabilities(db, 'nico.nobody@x.test', STAFF_PASSWORD, []);
  await db('tblstaff_departments').insert({ staffid: staff.viv, departmentid: dept.support });
  // View own, in Sales: sees the SLA of Sales tickets (and of tickets assigned to them) only.
  staff.owen = await insertStaffWithCapabilities(db, 'owen.own@x.test', STAFF_PASSWORD, ['view_own']);
  await db('tblstaff_departments').insert({ staffid: staff.owen, departmentid: dept.sales });
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'high',
        name: 'High',
        match: { departmentIds: [dept.support, dept.sales], priorityIds: [3] },
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 240, warnBeforeMinutes: 60 } },
        pauseStatusIds: [4],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  ticket.a = await create('Breached first response', '2026-03-03T03:00:00Z');
  ticket.x = await create('Sales breached', '2026-03-03T03:30:00Z', { department: dept.sales });
  ticket.d = await create('Waiting on customer', '2026-03-03T07:00:00Z');
  await reply(ticket.d, '2026-03-03T07:10:00Z', 4); // On Hold pauses resolution
  ticket.b = await create('Almost due', '2026-03-03T07:10:00Z'); // first response due 08:10
  ticket.c = await create('Answered', '2026-03-03T07:50:00Z');
  await reply(ticket.c, '2026-03-03T07:55:00Z', 2);
  ticket.f = await create('No policy here', '2026-03-03T07:56:00Z', { priority: 1 });
  at(NOW);
  await services.scanner.run(clock.now());
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });

  bridge = await startBridgeOverDevhost(t, clock, queuePrefix);
  app = bridge.app;
});

afterAll(async () => {
  await bridge?.close();
  await dropRedisPrefix(queuePrefix);
  await t?.close();
});

const allIds = () => ['a', 'x', 'd', 'b', 'c', 'f'].map((k) => ticket[k]);

describe('POST /bridge/ticket-list', () => {
  it("answers the devhost list's own badges for a page of ids, in one request", async () => {
    const list = (await (await loginAs(t.devhost.app, 'ana.agent@x.test')).agent.get('/admin/tickets')).text;
    const answer = await badges(staff.ana, allIds());
    expect(Object.keys(answer).sort()).toEqual(allIds().map(String).sort());
    for (const id of allIds()) {
      expect(answer[String(id)]).toBe(slaCell(list, id));
      expect(answer[String(id)]).toContain('data-sla-state=');
    }
    expect(answer[String(ticket.a)]).toContain('data-sla-state="breached"');
    expect(answer[String(ticket.b)]).toContain('>10m left</span>');
    expect(answer[String(ticket.d)]).toContain('data-sla-state="paused"');
  });

  it('speaks the language PHP names (german)', async () => {
    const german = await badges(staff.ana, allIds(), 'german');
    expect(german[String(ticket.b)]).toContain('>noch 10 Min.</span>');
    expect(german[String(ticket.a)]).toContain('überfällig');
    // The same as a German-speaking staff member's devhost list.
    const list = (await (await loginAs(t.devhost.app, 'leo.lead@x.test')).agent.get('/admin/tickets')).text;
    for (const id of allIds()) expect(german[String(id)]).toBe(slaCell(list, id));
  });

  it("fills badges only for the tickets of the staff member's departments when Perfex limits them", async () => {
    await t.devhost
      .db('tbloptions')
      .where('name', 'staff_access_only_assigned_departments')
      .update({ value: '1' });
    try {
      const answer = await badges(staff.viv, allIds());
      expect(Object.keys(answer).map(Number).sort()).toEqual(
        allIds()
          .filter((id) => id !== ticket.x)
          .sort(),
      );
      const list = (await (await loginAs(t.devhost.app, 'viv.viewer@x.test')).agent.get('/admin/tickets'))
        .text;
      expect(slaCell(list, ticket.x)).toBeUndefined();
      expect(answer[String(ticket.a)]).toBe(slaCell(list, ticket.a));
    } finally {
      await t.devhost
        .db('tbloptions')
        .where('name', 'staff_access_only_assigned_departments')
        .update({ value: '0' });
    }
  });

  it('fills badges for view own only on their tickets (their department), like the devhost list', async () => {
    const answer = await badges(staff.owen, allIds());
    expect(answer[String(ticket.x)]).toContain('data-sla-state');
    // Every other ticket: at most the grey "not your ticket" dash, never its state.
    for (const [id, html] of Object.entries(answer)) {
      if (id !== String(ticket.x)) expect(html).toMatch(/^<span class="sv-not-yours"[^>]*>–<\/span>$/);
    }
    const list = (await (await loginAs(t.devhost.app, 'owen.own@x.test')).agent.get('/admin/tickets')).text;
    expect(answer[String(ticket.x)]).toBe(slaCell(list, ticket.x));
    expect(slaCell(list, ticket.a)).not.toContain('data-sla-state');
    expect(slaCell(list, ticket.a)).toBe(answer[String(ticket.a)] ?? '');
  });

  it('answers {} for staff without View', async () => {
    expect(await badges(staff.nico, allIds())).toEqual({});
  });

  it('refuses 501 ids with 422 naming ticket_ids, and other wrong bodies naming their field', async () => {
    const ids = Array.from({ length: 501 }, (_, i) => i + 1);
    const res = await post('/bridge/ticket-list', {
      body: { staff_id: staff.ana, language: 'english', ticket_ids: ids },
    });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('ticket_ids');
    const cases: [unknown, string][] = [
      [{ staff_id: 0, language: 'english', ticket_ids: [1] }, 'staff_id'],
      [{ staff_id: staff.ana, language: 'english', ticket_ids: [2 ** 31] }, 'ticket_ids.0'],
      [{ staff_id: staff.ana, language: 'english', ticket_ids: ['1'] }, 'ticket_ids.0'],
      [{ staff_id: staff.ana, language: '<b>', ticket_ids: [1] }, 'language'],
      [{ staff_id: staff.ana, ticket_ids: [1] }, 'language'],
      [{ staff_id: staff.ana, language: 'english', ticket_ids: [1], admin: true }, 'admin'],
    ];
    for (const [body, field] of cases) {
      const bad = await post('/bridge/ticket-list', { body });
      expect(bad.status).toBe(422);
      expect(bad.body.field).toBe(field);
    }
    const broken = await post('/bridge/ticket-list', { body: null, raw: '{"staff_id": 1,' });
    expect(broken.status).toBe(422);
    expect(broken.body.field).toBe('body');
  });

  it('refuses unsigned and replayed requests with 401', async () => {
    const body = { staff_id: staff.ana, language: 'english', ticket_ids: allIds() };
    for (const path of ['/bridge/ticket-list', '/bridge/ticket-panel', '/bridge/widget/my-risks']) {
      const unsigned = await post(path, { body, unsigned: true });
      expect(unsigned.status).toBe(401);
      expect(unsigned.body).toEqual({ error: 'unsigned' });
    }
    const nonce = crypto.randomBytes(16).toString('hex');
    expect((await post('/bridge/ticket-list', { body, nonce })).status).toBe(200);
    const again = await post('/bridge/ticket-list', { body, nonce });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ error: 'replayed' });
  });
});

describe('POST /bridge/ticket-panel', () => {
  it("answers the ticket's SLA tab with its clocks, as the devhost's ticket view shows it", async () => {
    const res = await post('/bridge/ticket-panel', {
      body: { staff_id: staff.ana, language: 'english', ticket_id: ticket.c },
    });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('SLA');
    expect(res.body.html).toContain('data-testid="sv-ticket-panel"');
    expect(res.body.html).toContain('<tr data-metric="first_response"');
    expect(res.body.html).toContain('<tr data-metric="resolution"');
    const devhostPanel = [...t.devhost.admin.panels.values()][0];
    expect(res.body.html).toBe(await devhostPanel.render(ticket.c, staff.ana));
    const german = await post('/bridge/ticket-panel', {
      body: { staff_id: staff.ana, language: 'german', ticket_id: ticket.c },
    });
    expect(german.body.html).toContain('Im Plan');
  });

  it('answers view own the tab of their tickets only', async () => {
    const own = await post('/bridge/ticket-panel', {
      body: { staff_id: staff.owen, language: 'english', ticket_id: ticket.x },
    });
    expect(own.body.html).toContain('data-testid="sv-ticket-panel"');
    const other = await post('/bridge/ticket-panel', {
      body: { staff_id: staff.owen, language: 'english', ticket_id: ticket.a },
    });
    expect(other.body).toEqual({ title: null, html: '' });
  });

  it('is empty for staff without View', async () => {
    const res = await post('/bridge/ticket-panel', {
      body: { staff_id: staff.nico, language: 'english', ticket_id: ticket.c },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ title: null, html: '' });
  });
});

describe('POST /bridge/widget/my-risks', () => {
  it("lists the staff member's at-risk and breached tickets, as the devhost's home shows them", async () => {
    const res = await post('/bridge/widget/my-risks', { body: { staff_id: staff.ana, language: 'english' } });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('My SLA risks');
    expect(res.body.html).toContain(`href="/admin/tickets/ticket/${ticket.a}"`);
    expect(res.body.html).toContain(`href="/admin/tickets/ticket/${ticket.b}"`);
    expect(res.body.html).toContain('Breached first response');
    expect(res.body.html).toContain('Almost due');
    expect(res.body.html).not.toContain('Answered');
    const devhostWidget = [...t.devhost.admin.widgets.values()][0];
    expect(res.body.html).toBe(await devhostWidget.render(staff.ana));
    const german = await post('/bridge/widget/my-risks', {
      body: { staff_id: staff.ana, language: 'german' },
    });
    expect(german.body.title).toBe('Meine SLA-Risiken');
  });

  it('answers view own the widget without the team tab or the monitor link', async () => {
    const res = await post('/bridge/widget/my-risks', {
      body: { staff_id: staff.owen, language: 'english' },
    });
    expect(res.body.title).toBe('My SLA risks');
    expect(res.body.html).toContain('data-testid="sv-my-risks-empty"');
    expect(res.body.html).not.toContain('sv-my-risks-tab-team');
    expect(res.body.html).not.toContain('sla_vigil/monitor');
  });

  it('has empty html for staff without View', async () => {
    const res = await post('/bridge/widget/my-risks', {
      body: { staff_id: staff.nico, language: 'english' },
    });
    expect(res.status).toBe(200);
    expect(res.body.html).toBe('');
  });
});

describe('one batched lookup per list page', () => {
  it('runs as many queries for 100 ids as for 5', async () => {
    const db = t.devhost.db;
    await insertOpenTickets(db, 100, dept.support, '2026-03-03 07:00:00');
    const ids: number[] = (await db('tbltickets').orderBy('ticketid').select('ticketid')).map(
      (r: { ticketid: number }) => r.ticketid,
    );
    expect(ids.length).toBeGreaterThanOrEqual(100);
    await db('tbloptions').where('name', 'staff_access_only_assigned_departments').update({ value: '1' });
    const counted = async (page: number[]): Promise<number> => {
      let queries = 0;
      const count = () => {
        queries += 1;
      };
      db.on('query', count);
      try {
        // A limited viewer: the department check reads Perfex's tickets too, once.
        expect(Object.keys(await badges(staff.viv, page)).length).toBe(page.length);
      } finally {
        db.removeListener('query', count);
      }
      return queries;
    };
    try {
      const support = (
        await db('tbltickets').whereIn('ticketid', ids).where('department', dept.support).select('ticketid')
      ).map((r: { ticketid: number }) => r.ticketid);
      const five = await counted(support.slice(0, 5));
      const hundred = await counted(support.slice(0, 100));
      expect(hundred).toBe(five);
      expect(five).toBeLessThanOrEqual(12);
    } finally {
      await db('tbloptions').where('name', 'staff_access_only_assigned_departments').update({ value: '0' });
    }
  });
});
