/**
 * The Perfex module (PHP, run by php-cli against the Perfex stand-in) forwards real hook calls,
 * with the argument types Perfex uses (strings on admin paths), to a real SLA Vigil service over
 * the signed channel: the service records them and computes the clocks. With the service down,
 * every hook returns within the timeout and the next scan repairs what was missed.
 */
import type { Server } from 'node:http';
import net from 'node:net';
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { firePerfexHook } from '../helpers/fire-perfex-hook';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { HookBus } from '../../devhost/hook-bus';
import { TicketService } from '../../devhost/ticket-service';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { Queue } from 'bullmq';
import { SCAN_QUEUE, ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp } from '../../src/host/bridge/bridge-service';

const SECRET = 'ab'.repeat(32);
const queuePrefix = testRedisPrefix();
let t: TestDevhost;
let services: ModuleServices;
let scanQueue: ScanQueue;
let server: Server;
let serviceUrl: string;
let perfex: TicketService;
let department: number;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin' });
  const db = t.devhost.db;
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const parts = await createPerfexHostParts(db, 'tbl');
  const host = {
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock: { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  };
  services = createModuleServices(host);
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
        pauseStatusIds: [4],
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

/** Runs the hook through the PHP module; returns its log lines and how long the hook took. */
async function fire(hook: string, args: unknown[], url = serviceUrl, post: unknown = {}) {
  const started = Date.now();
  const log = await firePerfexHook(hook, args, { serviceUrl: url, secret: SECRET, post });
  return { log, ms: Date.now() - started };
}

const events = async (id: number) =>
  (await services.timeline.forSubject('ticket', id)).map((e) => `${e.eventType} ${e.source}`);
const clocks = async (id: number) =>
  (await services.clockRepo.forSubjects([id])).map((c) => `${c.metric}#${c.cycle}:${c.state}`);

it('ticket created, staff reply with a status, On Hold and back, settings: recorded as the hooks say', async () => {
  const id = await perfex.create({
    subject: 'Printer',
    message: 'm',
    department,
    email: 'someone@example.com',
  });
  // Admin paths hand Perfex's hooks strings.
  expect((await fire('ticket_created', [id])).log).toBe('');
  expect(await clocks(id)).toEqual(['first_response#1:on_track', 'resolution#1:on_track']);

  const replyId = await perfex.reply(id, { message: 'on it', admin: 1, status: 2 });
  await fire('after_ticket_reply_added', [
    { data: { message: 'on it' }, id: String(id), admin: '1', replyid: replyId },
  ]);
  await fire('after_ticket_status_changed', [{ id: String(id), status: '2' }]);
  await perfex.changeStatus(id, { status: 4 });
  await fire('after_ticket_status_changed', [{ id: String(id), status: '4' }]);
  expect(await clocks(id)).toEqual(['first_response#1:met', 'resolution#1:paused']);
  await perfex.changeStatus(id, { status: 1 });
  await fire('after_ticket_status_changed', [{ id: String(id), status: 1 }]);
  const original = {
    ticketid: String(id),
    assigned: '0',
    department: String(department),
    priority: '2',
    status: '1',
    userid: '0',
    contactid: '0',
    service: null,
    subject: 'Printer',
    password: '$2a$08$thecontactshashthatmustneverleave',
  };
  await fire('ticket_settings_updated', [
    { ticket_id: String(id), original_ticket: original, data: { priority: '3' } },
  ]);
  expect(await events(id)).toEqual([
    'created hook',
    'staff_reply hook',
    'status_changed hook',
    'status_changed hook',
    'status_changed hook',
    'priority_changed hook',
  ]);
  expect(await clocks(id)).toEqual(['first_response#1:met', 'resolution#1:on_track']);
});

it('a bulk action and a cron run ask the service for scans; the tick is recorded', async () => {
  const id = await perfex.create({ subject: 'Bulk', message: 'm', department, email: 'someone@example.com' });
  // Perfex announces a bulk action only before its UPDATEs, with what changes in $_POST.
  expect(
    (await fire('before_do_bulk_action_for_tickets', [], serviceUrl, { ids: [String(id)], status: '5' })).log,
  ).toBe('');
  expect((await fire('after_cron_run', [false])).log).toBe('');
  const queue = new Queue(SCAN_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: queuePrefix });
  try {
    const counts = await queue.getJobCounts('delayed', 'waiting');
    // The bulk action's scan waits a minute (the UPDATEs come after the hook); the cron's runs now,
    // or joins it when the tick fell into that next minute.
    expect(counts.delayed).toBe(1);
    expect(counts.waiting).toBeLessThanOrEqual(1);
  } finally {
    await queue.close();
  }
  expect(await t.devhost.db('tblsla_vigil_heartbeats').where('name', 'cron_tick').first()).toBeTruthy();
});

it('with the service down every hook returns within the timeout; the next scan repairs the clocks', async () => {
  const dead = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
  const id = await perfex.create({ subject: 'Lost', message: 'm', department, email: 'someone@example.com' });
  const { log, ms } = await fire('ticket_created', [id], `http://127.0.0.1:${dead}`);
  expect(ms).toBeLessThan(5_000); // php start-up plus the 1 s forward timeout
  expect(log).toMatch(/^error: /);
  expect(log).not.toContain(SECRET);
  expect(await events(id)).toEqual([]);
  await services.scanner.run(new Date());
  expect(await events(id)).toEqual(['created reconcile']);
  expect(await clocks(id)).toEqual(['first_response#1:on_track', 'resolution#1:on_track']);
});
