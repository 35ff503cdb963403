/**
 * Escalation host actions inside Perfex: `sla-vigil serve` never writes Perfex's tickets itself
 * (it would have to call back into Perfex during a hook; PERFEX.md: a single-worker PHP server
 * deadlocks). The scan leaves a reassign `action_pending`; the PHP module, on Perfex's cron,
 * claims it over the signed bridge, applies it through Perfex (here the stand-in's `$CI->db` on
 * the real MariaDB database) and reports back. A real service, real PHP, a real database.
 */
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import net from 'node:net';
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { firePerfexHook } from '../helpers/fire-perfex-hook';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { insertStaff } from '../helpers/host-fixtures';
import { HookBus } from '../../devhost/hook-bus';
import { TicketService } from '../../devhost/ticket-service';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp } from '../../src/host/bridge/bridge-service';
import { BRIDGE_HEADERS, signBridgeRequest } from '../../src/host/bridge/bridge-signature';
import { main as cli } from '../../src/cli';

const SECRET = 'cd'.repeat(32);
const queuePrefix = testRedisPrefix();
let t: TestDevhost;
let services: ModuleServices;
let scanQueue: ScanQueue;
let server: Server;
let serviceUrl: string;
let perfex: TicketService;
let support: number;
let freshLead: number;
const staff: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestDevhost();
  const db = t.devhost.db;
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  staff.agent = await insertStaff(db, 'ana.agent@example.com', 'pw123456');
  staff.lead = await insertStaff(db, 'leo.lead@example.com', 'pw123456');
  [freshLead] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  const parts = await createPerfexHostParts(db, 'tbl');
  const host = {
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    leads: new PerfexLeadGateway(db, 'tbl', parts.timezone),
    // Real time: the PHP module signs with it.
    clock: { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  };
  // As `sla-vigil serve` builds them.
  services = createModuleServices(host, { hostActions: 'host_pulls' });
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        calendar: null,
        targets: { resolution: { minutes: 60 } },
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'reassign_staff', staffId: staff.lead },
          },
        ],
      },
      {
        key: 'leads',
        name: 'New leads',
        subject: 'lead',
        match: {},
        calendar: null,
        targets: { status_time: { byStatus: { [String(freshLead)]: { minutes: 60 } } } },
        escalations: [
          {
            metric: 'status_time',
            trigger: { type: 'at_due' },
            action: { type: 'reassign_staff', staffId: staff.lead },
          },
        ],
      },
    ],
  });
  scanQueue = new ScanQueue(TEST_REDIS_URL, queuePrefix);
  const app = createBridgeApp({ host, services, scanQueue, redisUrl: TEST_REDIS_URL });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  serviceUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  // Perfex's own writes, with no in-process module listening: only the PHP module reports them.
  perfex = new TicketService(db, 'tbl', new HookBus(host.logger), host.clock, parts.timezone);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await scanQueue.close();
  await services.mailer.close();
  await t.close();
  await dropRedisPrefix(queuePrefix);
});

/** Runs the hook through the PHP module, its `$CI->db` on the test database; returns its log. */
function fire(hook: string, args: unknown[]): Promise<string> {
  return firePerfexHook(hook, args, { serviceUrl, secret: SECRET, databaseUrl: t.database.url });
}

/** A signed POST to the service, as the module sends it. */
async function signedPost(p: string, body: string, sign = true): Promise<{ status: number; body: unknown }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(16).toString('hex');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (sign) {
    headers[BRIDGE_HEADERS.timestamp] = timestamp;
    headers[BRIDGE_HEADERS.nonce] = nonce;
    headers[BRIDGE_HEADERS.signature] = signBridgeRequest(SECRET, {
      method: 'POST',
      path: p,
      timestamp,
      nonce,
      body,
    });
  }
  const res = await fetch(`${serviceUrl}${p}`, { method: 'POST', headers, body });
  return { status: res.status, body: await res.json() };
}

/** A ticket two hours old (due an hour ago), known to the service through its created hook. */
async function overdueTicket(subject: string): Promise<number> {
  const id = await perfex.create({
    subject,
    message: 'm',
    department: support,
    admin: 1,
    assigned: staff.agent,
    date: new Date(Date.now() - 2 * 3600_000),
  });
  expect(await fire('ticket_created', [String(id)])).toBe('');
  return id;
}

const escalation = (id: number) => t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).first();
const assigned = async (id: number) =>
  ((await t.devhost.db('tbltickets').where('ticketid', id).first()) as { assigned: number }).assigned;

it('the scan leaves the reassign pending; the module applies it through Perfex on its cron', async () => {
  const id = await overdueTicket('Printer down');
  const scan = await services.scanner.run(new Date());
  expect(scan.escalated).toBe(1);
  expect(scan.actions).toBe(0);
  expect(await assigned(id)).toBe(staff.agent);
  expect((await escalation(id)).outcome).toBe('action_pending');

  expect(await fire('after_cron_run', [false])).toBe('');
  expect(await assigned(id)).toBe(staff.lead);
  const bell = await t.devhost.db('tblnotifications').where('touserid', staff.lead);
  expect(bell).toHaveLength(1);
  expect(bell[0].link).toBe(`tickets/ticket/${id}`);
  expect(bell[0].description).toBe(
    `SLA Vigil escalation level 1 (resolution): reassigned to staff ${staff.lead}`,
  );
  const row = await escalation(id);
  expect(row.outcome).toBe('reassigned');
  expect(JSON.parse(row.details)).toMatchObject({ level: 1, metric: 'resolution', action: 'reassign_staff' });
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ subject_id: id, action: 'escalation.reassigned' });
  expect(audit).toHaveLength(1);
  // The module fired ticket_settings_updated; its own forwarder told the service.
  const events = (await services.timeline.forSubject('ticket', id)).map((e) => `${e.eventType} ${e.source}`);
  expect(events).toEqual(['created hook', 'assignee_changed hook']);

  // The next cron run has nothing left to do.
  expect(await fire('after_cron_run', [false])).toBe('');
  expect(await t.devhost.db('tblnotifications').where('touserid', staff.lead)).toHaveLength(1);
  expect(await t.devhost.db('tblsla_vigil_audit_log').where({ subject_id: id })).toHaveLength(1);
});

it('a ticket deleted before the cron: action_failed with the reason, and an audit row', async () => {
  const id = await overdueTicket('Gone soon');
  await services.scanner.run(new Date());
  expect((await escalation(id)).outcome).toBe('action_pending');
  await t.devhost.db('tbltickets').where('ticketid', id).delete();

  expect(await fire('after_cron_run', [false])).toBe('');
  const row = await escalation(id);
  expect(row.outcome).toBe('action_failed');
  expect(JSON.parse(row.details)).toMatchObject({ error: 'ticket is gone' });
  expect(
    await t.devhost
      .db('tblsla_vigil_audit_log')
      .where({ subject_id: id, action: 'escalation.action_failed' }),
  ).toHaveLength(1);
});

it('a scan run from the command line on the paired Perfex database leaves the reassign to Perfex too', async () => {
  const id = await overdueTicket('Scanned by hand');
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = t.database.url;
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await cli(['node', 'sla-vigil', 'scan', '--once']);
  } finally {
    log.mockRestore();
    process.env.DATABASE_URL = saved;
  }
  expect((await escalation(id)).outcome).toBe('action_pending');
  expect(await assigned(id)).toBe(staff.agent);
  expect(await fire('after_cron_run', [false])).toBe('');
  expect(await assigned(id)).toBe(staff.lead);
  expect((await escalation(id)).outcome).toBe('reassigned');
});

/** A lead added two hours ago (its hour in "New" is over), known to the service through its created hook. */
async function overdueLead(name: string): Promise<number> {
  const [id] = await t.devhost.db('tblleads').insert({
    name,
    status: freshLead,
    source: 1,
    assigned: staff.agent,
    dateadded: t.devhost.db.raw('NOW() - INTERVAL 2 HOUR'),
    dateassigned: '2026-01-02',
  });
  expect(await fire('lead_created', [String(id)])).toBe('');
  return id;
}

const leadEscalation = (id: number) =>
  t.devhost.db('tblsla_vigil_escalations').where({ subject_type: 'lead', subject_id: id }).first();
const leadRow = async (id: number) =>
  (await t.devhost
    .db('tblleads')
    .where('id', id)
    .first('assigned', t.devhost.db.raw("DATE_FORMAT(dateassigned, '%Y-%m-%d') AS dateassigned"))) as {
    assigned: number;
    dateassigned: string;
  };

it("a lead's reassign waits for Perfex's cron; the module gives the lead to the staff member and the service records it once", async () => {
  const id = await overdueLead('Acme Ltd');
  const scan = await services.scanner.run(new Date());
  expect(scan.escalated).toBe(1);
  expect(scan.actions).toBe(0);
  expect((await leadEscalation(id)).outcome).toBe('action_pending');
  expect((await leadRow(id)).assigned).toBe(staff.agent);

  expect(await fire('after_cron_run', [false])).toBe('');
  const row = await leadRow(id);
  expect(row.assigned).toBe(staff.lead);
  // PHP's date in Perfex's zone (the stand-in's PHP runs on UTC; the devhost's zone is UTC too).
  expect(row.dateassigned).toBe(new Date().toISOString().slice(0, 10));
  const bell = await t.devhost
    .db('tblnotifications')
    .where({ touserid: staff.lead, link: `leads/index/${id}` });
  expect(bell).toHaveLength(1);
  const escalation = await leadEscalation(id);
  expect(escalation.outcome).toBe('reassigned');
  expect(JSON.parse(escalation.details)).toMatchObject({
    level: 1,
    metric: 'status_time',
    action: 'reassign_staff',
    staffId: staff.lead,
  });
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ subject_type: 'lead', subject_id: id, action: 'escalation.reassigned' });
  expect(audit).toHaveLength(1);
  // The module forwarded after_lead_updated; the service recorded the new owner from tblleads.
  const events = await services.timeline.forSubject('lead', id);
  expect(events.map((e) => `${e.eventType} ${e.source}`)).toEqual(['created hook', 'assignee_changed hook']);
  expect(events[1]).toMatchObject({ fromValue: String(staff.agent), toValue: String(staff.lead) });

  // Exactly once: more crons and scans change nothing.
  expect(await fire('after_cron_run', [false])).toBe('');
  await services.scanner.run(new Date());
  expect(await fire('after_cron_run', [false])).toBe('');
  expect(await t.devhost.db('tblnotifications').where({ link: `leads/index/${id}` })).toHaveLength(1);
  expect(
    await t.devhost.db('tblsla_vigil_escalations').where({ subject_type: 'lead', subject_id: id }),
  ).toHaveLength(1);
  expect(
    await t.devhost.db('tblsla_vigil_audit_log').where({ subject_type: 'lead', subject_id: id }),
  ).toHaveLength(1);
});

it('a lead deleted before the cron: action_failed with the reason, and a lead audit row', async () => {
  const id = await overdueLead('Gone Ltd');
  await services.scanner.run(new Date());
  expect((await leadEscalation(id)).outcome).toBe('action_pending');
  await t.devhost.db('tblleads').where('id', id).delete();

  expect(await fire('after_cron_run', [false])).toBe('');
  const row = await leadEscalation(id);
  expect(row.outcome).toBe('action_failed');
  expect(JSON.parse(row.details)).toMatchObject({ error: 'lead is gone' });
  expect(
    await t.devhost
      .db('tblsla_vigil_audit_log')
      .where({ subject_type: 'lead', subject_id: id, action: 'escalation.action_failed' }),
  ).toHaveLength(1);
});

describe('the signed endpoints', () => {
  const claim = (limit: number) => signedPost('/bridge/host-actions/claim', JSON.stringify({ limit }));
  const report = (results: unknown[]) =>
    signedPost('/bridge/host-actions/report', JSON.stringify({ results }));
  const ids = (answer: { body: unknown }) =>
    (answer.body as { actions: { id: number }[] }).actions.map((a) => a.id);

  it('two claims never return the same action; an unreported claim is offered again after its lease', async () => {
    const tickets = [await overdueTicket('A'), await overdueTicket('B'), await overdueTicket('C')];
    await services.scanner.run(new Date());
    const [first, second] = await Promise.all([claim(100), claim(100)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const claimed = [...ids(first), ...ids(second)];
    expect(claimed).toHaveLength(3);
    expect(new Set(claimed).size).toBe(3);
    const one =
      (first.body as { actions: Record<string, unknown>[] }).actions[0] ??
      (second.body as { actions: Record<string, unknown>[] }).actions[0];
    expect(one).toEqual({
      id: expect.any(Number),
      ticket_id: expect.any(Number),
      type: 'assign',
      value: staff.lead,
      note: `SLA Vigil escalation level 1 (resolution): reassigned to staff ${staff.lead}`,
    });
    expect(ids(await claim(100))).toEqual([]);

    // Five minutes later the lease is over: a claim that was never reported comes back.
    const rows = await t.devhost.db('tblsla_vigil_escalations').whereIn('subject_id', tickets).orderBy('id');
    await t.devhost
      .db('tblsla_vigil_escalations')
      .where('id', rows[0].id)
      .update({ action_claimed_at: t.devhost.db.raw('action_claimed_at - INTERVAL 6 MINUTE') });
    expect(ids(await claim(100))).toEqual([rows[0].id]);

    // Unknown, repeated and already reported ids are ignored and counted, never written over.
    const answer = await report([
      { id: rows[0].id, ok: true },
      { id: rows[0].id, ok: false, error: 'late duplicate' },
      { id: rows[1].id, ok: false, error: 'Perfex said no' },
      { id: 2_000_000_000, ok: true },
    ]);
    expect(answer).toEqual({ status: 200, body: { recorded: 2, ignored: 2 } });
    const after = await t.devhost.db('tblsla_vigil_escalations').whereIn('subject_id', tickets).orderBy('id');
    expect(after.map((r) => r.outcome)).toEqual(['reassigned', 'action_failed', 'action_running']);
    expect(JSON.parse(after[1].details)).toMatchObject({ error: 'Perfex said no' });
    // Reported work is not offered again.
    expect(ids(await claim(100))).toEqual([]);
    await report([{ id: rows[2].id, ok: true }]);
  });

  it("a lead's instruction names its kind and carries no ticket_id (a module without leads cannot apply it to a ticket)", async () => {
    const id = await overdueLead('Wire Ltd');
    await services.scanner.run(new Date());
    const answer = await claim(100);
    const rows = await t.devhost
      .db('tblsla_vigil_escalations')
      .where({ subject_type: 'lead', subject_id: id });
    expect((answer.body as { actions: unknown[] }).actions).toEqual([
      {
        id: rows[0].id,
        subject_type: 'lead',
        lead_id: id,
        type: 'assign',
        value: staff.lead,
        note: `SLA Vigil escalation level 1 (status_time): reassigned to staff ${staff.lead}`,
      },
    ]);
    // A report goes to the lead's log, whatever ticket has the same id.
    expect(
      await report([{ id: rows[0].id, ok: false, error: 'the module cannot read this action' }]),
    ).toEqual({
      status: 200,
      body: { recorded: 1, ignored: 0 },
    });
    expect((await leadEscalation(id)).outcome).toBe('action_failed');
    expect(
      await t.devhost
        .db('tblsla_vigil_audit_log')
        .where({ subject_type: 'lead', subject_id: id, action: 'escalation.action_failed' }),
    ).toHaveLength(1);
  });

  it('a small claim takes tickets and leads in turn, so pending ticket actions never hold a lead back', async () => {
    await overdueTicket('Turn A');
    await overdueTicket('Turn B');
    const leadId = await overdueLead('Turn Ltd');
    await services.scanner.run(new Date());
    const first = (await claim(2)).body as { actions: Record<string, unknown>[] };
    expect(first.actions.map((a) => ('lead_id' in a ? 'lead' : 'ticket'))).toEqual(['ticket', 'lead']);
    expect(first.actions[1]).toMatchObject({ lead_id: leadId });
    const rest = (await claim(100)).body as { actions: Record<string, unknown>[] };
    expect(rest.actions.map((a) => ('lead_id' in a ? 'lead' : 'ticket'))).toEqual(['ticket']);
    await report([...first.actions, ...rest.actions].map((a) => ({ id: a.id, ok: true })));
    expect(ids(await claim(100))).toEqual([]);
  });

  it('refuses unsigned requests and names the first wrong field', async () => {
    expect(await signedPost('/bridge/host-actions/claim', '{"limit":1}', false)).toEqual({
      status: 401,
      body: { error: 'unsigned' },
    });
    expect(await signedPost('/bridge/host-actions/report', '{"results":[]}', false)).toMatchObject({
      status: 401,
    });
    expect(await claim(0)).toMatchObject({ status: 422, body: { field: 'limit' } });
    expect(await claim(101)).toMatchObject({ status: 422, body: { field: 'limit' } });
    expect(await signedPost('/bridge/host-actions/claim', '{"limit":1,"all":true}', false)).toMatchObject({
      status: 401,
    });
    expect(await signedPost('/bridge/host-actions/claim', '{"limit":1,"all":true}')).toMatchObject({
      status: 422,
      body: { field: 'all' },
    });
    expect(await report([{ id: 1, ok: 'yes' }])).toMatchObject({
      status: 422,
      body: { field: 'results.0.ok' },
    });
    expect(await report([{ id: 1, ok: false }])).toMatchObject({
      status: 422,
      body: { field: 'results.0.error' },
    });
    expect(await report([{ id: 0, ok: true }])).toMatchObject({
      status: 422,
      body: { field: 'results.0.id' },
    });
    expect(await signedPost('/bridge/host-actions/report', '{"results":[],"results":[]}')).toMatchObject({
      status: 422,
    });
  });
});
