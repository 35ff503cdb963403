/**
 * End to end with PHP's web server: `php -S` serves the Perfex stand-in front controller
 * (test/php/standin/, written from PERFEX.md), which loads the real module and runs Perfex's
 * ticket flows against this Perfex-schema database, firing the hooks with Perfex's argument
 * types; the module forwards them to a running SLA Vigil service. Each flow also runs through
 * the devhost's ticket model with in-process hooks on a twin ticket at the same instant, and
 * the two tickets' timelines, clocks and subject rows must be equal.
 *
 * The service answers PHP's signed calls and never calls back into Perfex, so php -S (a single
 * worker) never waits on itself; every flow below answering is the proof.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { expectSameTwinRecord, type TwinIds } from '../helpers/twin-record';
import { MutableClock } from '../../devhost/mutable-clock';
import type { TicketService } from '../../devhost/ticket-service';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp, startBridgeService } from '../../src/host/bridge/bridge-service';

const SECRET = crypto.randomBytes(32).toString('hex');
const root = path.join(__dirname, '..', '..');
const clock = new MutableClock(new Date('2026-04-06T08:00:00Z'));
const queuePrefix = testRedisPrefix();
/** The module forwards with a 1 s timeout and gives up on the rest of a request after one failure. */
const DOWN_ANSWER_MS = 1_500;

let t: TestDevhost;
let services: ModuleServices;
let scanQueue: ScanQueue;
let server: Server;
let serviceUrl: string;
let php: ChildProcess;
let phpUrl: string;
let phpErr = '';
let inProcess: TicketService;
let department: number;
let contact: { id: number; userid: number };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function startPhpServer(database: string): Promise<void> {
  // Said plainly rather than skipped: this test needs php-cli with curl and mysqli.
  const missing = spawnSync(
    'php',
    ['-r', 'echo function_exists("curl_init") && class_exists("mysqli") ? "ok" : "no";'],
    {
      encoding: 'utf8',
    },
  );
  if (missing.stdout !== 'ok')
    throw new Error(
      `php with curl and mysqli is needed (apt-get install php-cli php-mysql php-curl): ${missing.error?.message ?? missing.stdout}`,
    );
  const port = await freePort();
  php = spawn('php', ['-S', `127.0.0.1:${port}`, 'index.php'], {
    cwd: path.join(root, 'test/php/standin'),
    env: { ...process.env, STANDIN_DATABASE: database },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  php.stderr?.on('data', (d: Buffer) => (phpErr += d.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    php.once('spawn', resolve);
    php.once('error', (e) =>
      reject(new Error(`php -S did not start (apt-get install php-cli php-mysql php-curl): ${e.message}`)),
    );
  });
  await spawned;
  phpUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`php -S did not listen on ${phpUrl}: ${phpErr}`);
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: 'Acme', datecreated: '2026-01-01 00:00:00' });
  const [contactId] = await db('tblcontacts').insert({
    userid,
    firstname: 'Cora',
    lastname: 'Client',
    email: 'cora@acme.test',
    datecreated: '2026-01-01 00:00:00',
  });
  contact = { id: contactId, userid };

  const parts = await createPerfexHostParts(db, 'tbl');
  const host = {
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  };
  services = createModuleServices(host);
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [department] },
        calendar: null,
        targets: {
          first_response: { minutes: 60 },
          next_response: { minutes: 120 },
          resolution: { minutes: 480 },
        },
        pauseStatusIds: [4],
        escalations: [],
      },
    ],
  });
  scanQueue = new ScanQueue(TEST_REDIS_URL, queuePrefix);
  // PHP signs with its own time(): the bridge checks freshness on the real clock, while the
  // recorder (in `services`) dates events by the test's clock, as the devhost twin does.
  const bridgeHost = { ...host, clock: { now: () => new Date() } };
  const app = createBridgeApp({ host: bridgeHost, services, scanQueue, redisUrl: TEST_REDIS_URL });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  serviceUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await db('tbloptions').insert([
    { name: 'sla_vigil_secret', value: SECRET, autoload: 0 },
    { name: 'sla_vigil_service_url', value: serviceUrl, autoload: 1 },
  ]);
  inProcess = t.devhost.tickets;
  await startPhpServer(t.database.name);
}, 30_000);
afterAll(async () => {
  php?.kill('SIGTERM');
  await new Promise((r) => server?.close(r));
  await scanQueue?.close();
  await services?.mailer.close();
  await t?.close();
  await dropRedisPrefix(queuePrefix);
});

const at = (iso: string) => clock.set(new Date(iso));

interface StandinAnswer {
  ok: boolean;
  ticketid?: number;
  replyid?: number;
  log: string[];
}

/** One Perfex flow through php -S at the test's instant; answers the stand-in's JSON and how long it took. */
async function perfex(route: string, body: unknown = {}): Promise<StandinAnswer & { ms: number }> {
  const started = Date.now();
  const res = await fetch(`${phpUrl}/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Standin-Now': clock.now().toISOString() },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect({ route, status: res.status, text: res.ok ? '' : text, phpErr: res.ok ? '' : phpErr }).toEqual({
    route,
    status: 200,
    text: '',
    phpErr: '',
  });
  return { ...(JSON.parse(text) as StandinAnswer), ms: Date.now() - started };
}

/** Perfex's flow answered and the module logged nothing (every forward was accepted). */
async function quietly(route: string, body: unknown = {}): Promise<StandinAnswer> {
  const answer = await perfex(route, body);
  expect({ route, log: answer.log }).toEqual({ route, log: [] });
  return answer;
}

const newTicket = { subject: 'Printer on fire', message: 'Help', priority: 2 };

/** An admin opens the same ticket both ways (staff 1, contact Cora). */
async function createTwins(): Promise<TwinIds> {
  const input = { ...newTicket, department, contactid: contact.id, userid: contact.userid };
  const a = await inProcess.create({ ...input, admin: 1 });
  const { ticketid } = await quietly('admin/tickets/add', input);
  return { inProcess: a, forwarded: Number(ticketid) };
}

const scanAt = async (iso: string) => {
  at(iso);
  await services.scanner.run(clock.now());
};
const same = (ids: TwinIds) => expectSameTwinRecord(services, t.devhost.db, ids);
const eventTypes = async (id: number) =>
  (await services.timeline.forSubject('ticket', id)).map((e) => `${e.eventType} ${e.source}`);

describe('Perfex flows through php -S record what the in-process hooks record', () => {
  let ids: TwinIds;

  it('ticket created, client reply, staff reply, On Hold and back, assign-to-me reply, settings', async () => {
    at('2026-04-06T08:00:00Z');
    ids = await createTwins();
    await same(ids);
    at('2026-04-06T08:20:00Z');
    await inProcess.reply(ids.inProcess, { message: 'Still on fire', admin: null });
    await quietly(`clients/ticket/${ids.forwarded}`, { message: 'Still on fire' });
    at('2026-04-06T08:40:00Z');
    await inProcess.reply(ids.inProcess, { message: 'Looking', admin: 1, status: 2 });
    await quietly(`admin/tickets/add_reply/${ids.forwarded}`, { message: 'Looking', status: '2' });
    at('2026-04-06T09:00:00Z');
    await inProcess.changeStatus(ids.inProcess, { status: 4 });
    await quietly(`admin/tickets/change_status_ajax/${ids.forwarded}/4`);
    at('2026-04-06T10:00:00Z');
    await inProcess.changeStatus(ids.inProcess, { status: 2 });
    await quietly(`admin/tickets/change_status_ajax/${ids.forwarded}/2`);
    at('2026-04-06T10:30:00Z');
    await inProcess.reply(ids.inProcess, { message: 'Mine', admin: 1, status: 3, assignToMe: true });
    await quietly(`admin/tickets/add_reply/${ids.forwarded}`, {
      message: 'Mine',
      status: '3',
      assign_to_current_user: true,
    });
    at('2026-04-06T10:45:00Z');
    await inProcess.updateSettings(ids.inProcess, { priority: 3 });
    // The settings form posts every field; the service left empty, as on the admin's new ticket.
    await quietly('admin/tickets/update_single_ticket_settings', {
      ticketid: String(ids.forwarded),
      data: {
        department: String(department),
        priority: '3',
        service: '',
        assigned: '1',
        userid: String(contact.userid),
        contactid: String(contact.id),
      },
    });
    await same(ids);
    expect(await eventTypes(ids.forwarded)).toEqual([
      'created hook',
      'client_reply hook',
      'staff_reply hook',
      'status_changed hook',
      'status_changed hook',
      'status_changed hook',
      'staff_reply hook',
      'assignee_changed hook',
      'status_changed hook',
      'priority_changed hook',
    ]);
  });

  it('bulk status: the hook fires before the UPDATEs; the next scan records it on both twins', async () => {
    at('2026-04-06T11:00:00Z');
    await inProcess.bulkStatus({ ids: [ids.inProcess], status: 4 });
    await quietly('admin/tickets/bulk_action', { ids: [String(ids.forwarded)], status: '4' });
    await scanAt('2026-04-06T11:01:00Z');
    await same(ids);
    expect((await eventTypes(ids.forwarded)).at(-1)).toBe('status_changed reconcile');
  });

  it('merge: the merged ticket’s rows are copied to the primary; the next scan records the merge alike', async () => {
    at('2026-04-06T11:30:00Z');
    const primary = await createTwins();
    at('2026-04-06T11:35:00Z');
    const merged = await createTwins();
    at('2026-04-06T11:40:00Z');
    await inProcess.reply(merged.inProcess, { message: 'Same printer', admin: null });
    await quietly(`clients/ticket/${merged.forwarded}`, { message: 'Same printer' });
    at('2026-04-06T12:00:00Z');
    await inProcess.merge({ primary: primary.inProcess, ids: [merged.inProcess] });
    await quietly('admin/tickets/bulk_action', {
      ids: [String(primary.forwarded), String(merged.forwarded)],
      merge_tickets: 'true',
      primary_ticket: String(primary.forwarded),
    });
    const copies = await t.devhost.db('tblticket_replies').where('ticketid', primary.forwarded);
    expect(copies.map((r: { message: string }) => r.message)).toEqual(['Help', 'Same printer']);
    await scanAt('2026-04-06T12:01:00Z');
    await same(primary);
    // The copies answered the merged ticket, not the primary: no reply of the primary's own.
    expect(await eventTypes(primary.forwarded)).toEqual(['created hook']);
    await expectSameTwinRecord(services, t.devhost.db, merged, { mergedInto: primary });
    expect((await eventTypes(merged.forwarded)).at(-1)).toBe('merged reconcile');
  });

  it('delete fires before/after_ticket_deleted with a string id', async () => {
    at('2026-04-06T12:30:00Z');
    await inProcess.delete(ids.inProcess);
    await quietly(`admin/tickets/delete/${ids.forwarded}`);
    await same(ids);
    expect(await eventTypes(ids.forwarded)).toContain('deleted hook');
  });

  it('cron: after_cron_run(false) records the tick', async () => {
    at('2026-04-06T12:40:00Z');
    const before = Date.now();
    await quietly('cron/index');
    const beat = await t.devhost.db('tblsla_vigil_heartbeats').where('name', 'cron_tick').first();
    // The bridge dates the tick by its own (real) clock, the one PHP signs with.
    expect(new Date(`${String(beat.last_at).replace(' ', 'T')}Z`).getTime()).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
  });
});

describe('with the service silent', () => {
  let silent: net.Server;
  const held: net.Socket[] = [];
  beforeAll(async () => {
    // Accepts and never answers: the module's forward must give up on its own.
    silent = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    await t.devhost
      .db('tbloptions')
      .where('name', 'sla_vigil_service_url')
      .update({ value: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    held.forEach((s) => s.destroy());
    await new Promise((r) => silent.close(r));
  });

  /** The flow answers within the budget and the module logged its failure. */
  async function unheard(route: string, body: unknown = {}): Promise<StandinAnswer> {
    const answer = await perfex(route, body);
    expect({ route, fast: answer.ms < DOWN_ANSWER_MS, logged: answer.log.length > 0 }).toEqual({
      route,
      fast: true,
      logged: true,
    });
    expect(answer.log.join('\n')).not.toContain(SECRET);
    return answer;
  }

  it('every flow still answers within 1.5 s; the next scan repairs the clocks', async () => {
    at('2026-04-06T13:00:00Z');
    const input = { ...newTicket, department, contactid: contact.id, userid: contact.userid };
    const a = await inProcess.create({ ...input, admin: 1 });
    const ids = { inProcess: a, forwarded: Number((await unheard('admin/tickets/add', input)).ticketid) };
    at('2026-04-06T13:10:00Z');
    await inProcess.reply(ids.inProcess, { message: 'Still on fire', admin: null });
    await unheard(`clients/ticket/${ids.forwarded}`, { message: 'Still on fire' });
    at('2026-04-06T13:20:00Z');
    await inProcess.reply(ids.inProcess, { message: 'Mine', admin: 1, status: 3, assignToMe: true });
    await unheard(`admin/tickets/add_reply/${ids.forwarded}`, {
      message: 'Mine',
      status: '3',
      assign_to_current_user: true,
    });
    expect(await eventTypes(ids.forwarded)).toEqual([]);

    at('2026-04-06T13:25:00Z');
    const other = Number((await unheard('admin/tickets/add', input)).ticketid);
    await unheard(`admin/tickets/change_status_ajax/${other}/4`);
    await unheard('admin/tickets/bulk_action', { ids: [String(other)], status: '2' });
    await unheard(`admin/tickets/delete/${other}`);
    await unheard('cron/index');

    await t.devhost.db('tbloptions').where('name', 'sla_vigil_service_url').update({ value: serviceUrl });
    await scanAt('2026-04-06T13:30:00Z');
    expect(await eventTypes(ids.forwarded)).toEqual([
      'created reconcile',
      'client_reply reconcile',
      'staff_reply reconcile',
      'status_changed reconcile',
    ]);
    // The hooks' twin has its events from the hooks (source differs); clocks and subject agree.
    await expectSameTwinRecord(services, t.devhost.db, ids, { clocksOnly: true });
  });
});

describe('the module’s admin pages through the stand-in', () => {
  it('admin/sla_vigil (the dashboard): the module’s controller puts the service’s dashboard into the layout', async () => {
    // `sla-vigil serve` as installed (its pages need the activated module), on this database.
    const pagesPrefix = testRedisPrefix();
    const saved = process.env.SLA_VIGIL_QUEUE_PREFIX;
    process.env.SLA_VIGIL_QUEUE_PREFIX = pagesPrefix;
    const running = await startBridgeService(
      {
        databaseUrl: t.database.url,
        redisUrl: TEST_REDIS_URL,
        smtpUrl: 'smtp://127.0.0.1:9',
        port: 0,
        tablePrefix: 'tbl',
      },
      '127.0.0.1',
    ).finally(() => {
      if (saved === undefined) delete process.env.SLA_VIGIL_QUEUE_PREFIX;
      else process.env.SLA_VIGIL_QUEUE_PREFIX = saved;
    });
    try {
      await t.devhost
        .db('tbloptions')
        .where('name', 'sla_vigil_service_url')
        .update({ value: `http://127.0.0.1:${running.port}` });
      const res = await fetch(`${phpUrl}/admin/sla_vigil`);
      const html = await res.text();
      expect({ status: res.status, phpErr: res.ok ? '' : phpErr }).toEqual({ status: 200, phpErr: '' });
      expect(html.indexOf('<!-- stub:init_head -->')).toBe(0);
      const fragment = html.slice(
        html.indexOf('<div class="content">'),
        html.indexOf('<!-- stub:init_tail -->'),
      );
      expect(fragment).toContain('class="sv-subnav"');
      expect(html.trimEnd().endsWith('</html>')).toBe(true);
      expect(fragment).not.toContain('alert-danger');
    } finally {
      await running.close();
      await dropRedisPrefix(pagesPrefix);
      await t.devhost.db('tbloptions').where('name', 'sla_vigil_service_url').update({ value: serviceUrl });
    }
  });
});
