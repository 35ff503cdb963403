import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { MutableClock } from '../../devhost/mutable-clock';
import { HookBus } from '../../devhost/hook-bus';
import { TicketService } from '../../devhost/ticket-service';
import type { HostEventName, HostEvents, PerfexTicketRow } from '../../src/host/host-context';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { SCAN_QUEUE, ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp } from '../../src/host/bridge/bridge-service';
import { signBridgeAnswer, signBridgeRequest } from '../../src/host/bridge/bridge-signature';
import { expectSameTwinRecord, type TwinIds } from '../helpers/twin-record';

const SECRET = crypto.randomBytes(32).toString('hex');
const clock = new MutableClock(new Date('2026-03-02T08:00:00Z'));
const queuePrefix = testRedisPrefix();
const logLines: { level: number; msg: string }[] = [];

let t: TestDevhost;
let services: ModuleServices;
let scanQueue: ScanQueue;
let app: Express;
/** Perfex's ticket model with the module's in-process hooks (the devhost's own). */
let inProcess: TicketService;
/** The same model whose hooks reach nobody in-process: the PHP module forwards them instead. */
let forwarded: TicketService;
let quietBus: HookBus;
let department: number;
let contact: { id: number; userid: number };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
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
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  );
  const host = {
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock,
    logger,
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
  app = createBridgeApp({ host, services, scanQueue, redisUrl: TEST_REDIS_URL });
  inProcess = t.devhost.tickets;
  quietBus = new HookBus(logger);
  forwarded = new TicketService(db, 'tbl', quietBus, clock, parts.timezone);
});
afterAll(async () => {
  await scanQueue.close();
  await services.mailer.close();
  await t.close();
  await dropRedisPrefix(queuePrefix);
});

interface Signed {
  body: string;
  timestamp?: string;
  nonce?: string;
  signature?: string;
  path?: string;
}

function post({ body, timestamp, nonce, signature, path: p = '/bridge/events' }: Signed) {
  const ts = timestamp ?? String(Math.floor(clock.now().getTime() / 1000));
  const n = nonce ?? crypto.randomBytes(16).toString('hex');
  const sig =
    signature ?? signBridgeRequest(SECRET, { method: 'POST', path: p, timestamp: ts, nonce: n, body });
  return request(app)
    .post(p)
    .set('Content-Type', 'application/json')
    .set('X-SLA-Vigil-Timestamp', ts)
    .set('X-SLA-Vigil-Nonce', n)
    .set('X-SLA-Vigil-Signature', sig)
    .send(body);
}

const eventBody = (event: string, payload: unknown) => JSON.stringify({ event, payload });

const ORIGINAL_KEYS = [
  'assigned',
  'department',
  'priority',
  'status',
  'userid',
  'contactid',
  'service',
] as const;

/** What the PHP module sends for a hook Perfex fired (bridge-contract): ids only, cast to int. */
function contractBody(event: HostEventName, payload: unknown): string {
  switch (event) {
    case 'ticket_created':
    case 'after_ticket_deleted':
      return eventBody(event, { ticket_id: payload as number });
    case 'after_ticket_reply_added': {
      const p = payload as HostEvents['after_ticket_reply_added'];
      return eventBody(event, { ticket_id: p.id, reply_id: p.replyid, admin: p.admin });
    }
    case 'after_ticket_status_changed': {
      const p = payload as HostEvents['after_ticket_status_changed'];
      return eventBody(event, { ticket_id: p.id, status: p.status });
    }
    case 'ticket_settings_updated': {
      const p = payload as HostEvents['ticket_settings_updated'];
      const row = p.original_ticket as PerfexTicketRow;
      const original = Object.fromEntries(
        ORIGINAL_KEYS.map((k) => [k, row[k] === null ? null : Number(row[k])]),
      );
      return eventBody(event, { ticket_id: p.ticket_id, original, data: p.data });
    }
    case 'after_cron_run':
      return eventBody(event, { manually: payload as boolean });
    default:
      // Lead events go over the bridge too; test/integration/perfex-lead-hooks.test.ts covers them.
      throw new Error(`this test twins no ${event}`);
  }
}

/** Runs one host action both ways at the same instant: in-process on one ticket, over the bridge on its twin. */
async function twin<T>(
  action: (tickets: TicketService, id: number) => Promise<T>,
  ids: { inProcess: number; forwarded: number },
): Promise<void> {
  await action(inProcess, ids.inProcess);
  const mark = quietBus.fired.length;
  await action(forwarded, ids.forwarded);
  for (const { event, payload } of quietBus.fired.slice(mark)) {
    const res = await post({ body: contractBody(event as HostEventName, payload) });
    expect({ event, status: res.status, body: res.body }).toEqual({ event, status: 202, body: { ok: true } });
  }
}

async function createTwins(): Promise<{ inProcess: number; forwarded: number }> {
  const input = {
    subject: 'Printer on fire',
    message: 'Help',
    department,
    contactid: contact.id,
    userid: contact.userid,
  };
  const a = await inProcess.create(input);
  const mark = quietBus.fired.length;
  const b = await forwarded.create(input);
  expect(quietBus.fired.slice(mark)).toEqual([{ event: 'ticket_created', payload: b }]);
  expect((await post({ body: contractBody('ticket_created', b) })).status).toBe(202);
  return { inProcess: a, forwarded: b };
}

const expectSameRecord = (ids: TwinIds) => expectSameTwinRecord(services, t.devhost.db, ids);

const at = (iso: string) => clock.set(new Date(iso));

describe('signed events over the bridge record what the in-process hooks record', () => {
  it('created, staff reply (status Answered), client reply, On Hold and back, settings, delete', async () => {
    at('2026-03-02T08:00:00Z');
    const ids = await createTwins();
    at('2026-03-02T08:20:00Z');
    await twin((s, id) => s.reply(id, { message: 'On it', admin: 1 }), ids);
    at('2026-03-02T09:05:00Z');
    await twin((s, id) => s.reply(id, { message: 'Still broken', admin: null }), ids);
    at('2026-03-02T09:30:00Z');
    await twin((s, id) => s.changeStatus(id, { status: 4 }), ids);
    at('2026-03-02T10:30:00Z');
    await twin((s, id) => s.changeStatus(id, { status: 2 }), ids);
    at('2026-03-02T10:45:00Z');
    await twin((s, id) => s.updateSettings(id, { priority: 3, assigned: 1 }), ids);
    await expectSameRecord(ids);
    const types = (await services.timeline.forSubject('ticket', ids.forwarded)).map((e) => e.eventType);
    expect(types).toEqual([
      'created',
      'staff_reply',
      'status_changed',
      'client_reply',
      'status_changed',
      'status_changed',
      'status_changed',
      'priority_changed',
      'assignee_changed',
    ]);
    at('2026-03-02T11:00:00Z');
    await twin((s, id) => s.delete(id), ids);
    await expectSameRecord(ids);
  });

  it('"assign to me" on a staff reply is recorded from the reply hook alone, at the reply time', async () => {
    at('2026-03-03T08:00:00Z');
    const ids = await createTwins();
    at('2026-03-03T08:40:00Z');
    // Perfex fires only the reply hook (and the status one): no settings hook for the assignee.
    await twin((s, id) => s.reply(id, { message: 'Mine now', admin: 1, assignToMe: true }), ids);
    await expectSameRecord(ids);
    const events = await services.timeline.forSubject('ticket', ids.forwarded);
    const assigned = events.find((e) => e.eventType === 'assignee_changed');
    expect(assigned).toMatchObject({
      fromValue: '0',
      toValue: '1',
      actorStaffId: 1,
      source: 'hook',
      occurredAt: new Date('2026-03-03T08:40:00Z'),
    });
    const subject = await t.devhost.db('tblsla_vigil_subjects').where('subject_id', ids.forwarded).first();
    expect(subject.assigned).toBe(1);
    // A second reply by the same assignee changes nothing more.
    at('2026-03-03T09:00:00Z');
    await twin((s, id) => s.reply(id, { message: 'Again', admin: 1, assignToMe: true }), ids);
    const again = await services.timeline.forSubject('ticket', ids.forwarded);
    expect(again.filter((e) => e.eventType === 'assignee_changed')).toHaveLength(1);
  });

  it('after_cron_run records the tick and queues the minute’s scan, as the cron hook does', async () => {
    at('2026-03-02T12:00:10Z');
    const res = await post({ body: eventBody('after_cron_run', { manually: false }) });
    expect(res.status).toBe(202);
    const beat = await t.devhost.db('tblsla_vigil_heartbeats').where('name', 'cron_tick').first();
    expect(beat.last_at).toBe('2026-03-02 12:00:10.000');
    await withQueue(async (queue) => {
      expect(await queue.getJob('scan-2026-03-02T1200')).toBeDefined();
    });
  });

  it('before_do_bulk_action_for_tickets records nothing and queues a scan for the next minute', async () => {
    at('2026-03-02T12:30:20Z');
    const before = await services.timeline.count();
    const res = await post({
      body: eventBody('before_do_bulk_action_for_tickets', {
        ids: [1, 2],
        status: 5,
        department: null,
        priority: null,
        service: null,
        merge: false,
        primary_ticket: null,
        mass_delete: false,
      }),
    });
    expect(res.status).toBe(202);
    expect(await services.timeline.count()).toBe(before);
    await withQueue(async (queue) => {
      const job = await queue.getJob('scan-2026-03-02T1231');
      expect(job).toBeDefined();
      expect(await job?.getState()).toBe('delayed');
      expect(job?.opts.delay).toBe(60_000);
    });
  });

  it('an event the recorder cannot record answers 202 and is logged (the reconcile repairs it)', async () => {
    const mark = logLines.length;
    const res = await post({ body: eventBody('ticket_created', { ticket_id: 999_999 }) });
    expect(res.status).toBe(202);
    expect(logLines.slice(mark).map((l) => l.msg)).toEqual([
      'sla_vigil: ticket_created handler failed for ticket 999999',
    ]);
    expect(await services.timeline.forSubject('ticket', 999_999)).toEqual([]);
  });
});

async function withQueue(work: (queue: Queue) => Promise<void>): Promise<void> {
  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(SCAN_QUEUE, { connection, prefix: queuePrefix });
  try {
    await work(queue);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('refused requests record nothing', () => {
  let ticketId: number;
  let body: string;
  beforeAll(async () => {
    at('2026-03-02T13:00:00Z');
    ticketId = await forwarded.create({ subject: 'Quiet', message: 'm', department, contactid: contact.id });
    body = contractBody('ticket_created', ticketId);
  });
  const recorded = () => services.timeline.forSubject('ticket', ticketId);
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

  it('signs its answers for the request nonce: ping, an accepted event and a refused body', async () => {
    for (const [path, body] of [
      ['/bridge/ping', '{}'],
      ['/bridge/events', eventBody('ticket_status_changed', { ticket_id: 999999, status: 2 })],
      ['/bridge/events', '{"event":'],
    ]) {
      const nonce = crypto.randomBytes(16).toString('hex');
      const res = await post({ body, path, nonce });
      expect(res.headers['x-sla-vigil-answer-signature']).toBe(
        signBridgeAnswer(SECRET, { nonce, status: res.status, body: res.text }),
      );
    }
    const unsigned = await post({ body: '{}', path: '/bridge/ping', signature: 'sha256=' + '0'.repeat(64) });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers['x-sla-vigil-answer-signature']).toBeUndefined();
  });

  it("ping answers the pairing check of Perfex's setup page only when signed with the install's secret", async () => {
    const ok = await post({ body: '{}', path: '/bridge/ping' });
    expect([ok.status, ok.body]).toEqual([200, { ok: true, version: expect.any(String) }]);
    const unsigned = await request(app)
      .post('/bridge/ping')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect([unsigned.status, unsigned.body]).toEqual([401, { error: 'unsigned' }]);
    const ts = String(nowSeconds());
    const nonce = crypto.randomBytes(16).toString('hex');
    const other = signBridgeRequest('f'.repeat(64), {
      method: 'POST',
      path: '/bridge/ping',
      timestamp: ts,
      nonce,
      body: '{}',
    });
    const refused = await post({ body: '{}', path: '/bridge/ping', timestamp: ts, nonce, signature: other });
    expect([refused.status, refused.body]).toEqual([401, { error: 'bad_signature' }]);
  });

  it('unsigned, wrongly signed and stale requests answer 401 with the reason', async () => {
    const before = await services.timeline.count();
    const unsigned = await request(app)
      .post('/bridge/events')
      .set('Content-Type', 'application/json')
      .send(body);
    expect([unsigned.status, unsigned.body]).toEqual([401, { error: 'unsigned' }]);
    const ts = String(nowSeconds());
    const nonce = crypto.randomBytes(16).toString('hex');
    const otherSecret = signBridgeRequest('f'.repeat(64), {
      method: 'POST',
      path: '/bridge/events',
      timestamp: ts,
      nonce,
      body,
    });
    const wrong = await post({ body, timestamp: ts, nonce, signature: otherSecret });
    expect([wrong.status, wrong.body]).toEqual([401, { error: 'bad_signature' }]);
    // Signed for one body, sent with another.
    const signedFor = signBridgeRequest(SECRET, {
      method: 'POST',
      path: '/bridge/events',
      timestamp: ts,
      nonce,
      body,
    });
    const tampered = await post({
      body: body.replace(String(ticketId), '1'),
      timestamp: ts,
      nonce,
      signature: signedFor,
    });
    expect([tampered.status, tampered.body]).toEqual([401, { error: 'bad_signature' }]);
    for (const skew of [-301, 301]) {
      const stale = await post({ body, timestamp: String(nowSeconds() + skew) });
      expect([stale.status, stale.body]).toEqual([401, { error: 'stale' }]);
    }
    expect(await recorded()).toEqual([]);
    expect(await services.timeline.count()).toBe(before);
  });

  it('a nonce accepted within the last 600 s is refused as replayed, and its event is not recorded twice', async () => {
    const nonce = crypto.randomBytes(16).toString('hex');
    const first = await post({ body, nonce });
    expect(first.status).toBe(202);
    expect(await recorded()).toHaveLength(1);
    const status = contractBody('after_ticket_status_changed', { id: ticketId, status: 2 });
    const statusNonce = crypto.randomBytes(16).toString('hex');
    expect((await post({ body: status, nonce: statusNonce })).status).toBe(202);
    at('2026-03-02T13:09:59Z'); // 599 s later, timestamp fresh, nonce still remembered
    const replay = await post({ body: status, nonce: statusNonce });
    expect([replay.status, replay.body]).toEqual([401, { error: 'replayed' }]);
    expect((await recorded()).map((e) => e.eventType)).toEqual(['created', 'status_changed']);
    // Remembered in the module's table, so another service process refuses it too.
    expect(
      await t.devhost.db('tblsla_vigil_bridge_nonces').where('nonce', statusNonce).first(),
    ).toBeDefined();
  });

  it.each([
    ['a string id', eventBody('ticket_created', { ticket_id: '42' }), 'payload.ticket_id'],
    ['an id beyond 32 bits', eventBody('ticket_created', { ticket_id: 2 ** 31 }), 'payload.ticket_id'],
    [
      'a key the contract does not list',
      eventBody('ticket_created', { ticket_id: 42, extra: 1 }),
      'payload.extra',
    ],
    ['an unknown event', eventBody('ticket_merged', { ticket_id: 42 }), 'event'],
    [
      'a key beside event and payload',
      JSON.stringify({ event: 'ticket_created', payload: { ticket_id: 42 }, x: 1 }),
      'x',
    ],
    [
      'a fractional reply id',
      eventBody('after_ticket_reply_added', { ticket_id: 42, reply_id: 1.5, admin: null }),
      'payload.reply_id',
    ],
    [
      'original with the password hash',
      eventBody('ticket_settings_updated', {
        ticket_id: 42,
        original: {
          assigned: 0,
          department: 1,
          priority: 2,
          status: 1,
          userid: 0,
          contactid: 0,
          service: null,
          password: 'x',
        },
        data: { priority: 3 },
      }),
      'payload.original.password',
    ],
    ['a string lead id', eventBody('lead_created', { lead_id: '7' }), 'payload.lead_id'],
    [
      'a lead row beside the id',
      eventBody('after_lead_updated', { lead_id: 7, email: 'x' }),
      'payload.email',
    ],
    [
      'a lead status change without its new status',
      eventBody('lead_status_changed', { lead_id: 7, old_status: 1 }),
      'payload.new_status',
    ],
    [
      'before_lead_deleted (not part of the contract)',
      eventBody('before_lead_deleted', { lead_id: 7 }),
      'event',
    ],
    ['not JSON', '{"event":', 'body'],
  ])('%s answers 422 naming the field', async (_what, bad, field) => {
    const before = await services.timeline.count();
    const res = await post({ body: bad });
    expect(res.status).toBe(422);
    expect(res.body.field).toBe(field);
    expect(typeof res.body.error).toBe('string');
    expect(await services.timeline.count()).toBe(before);
  });

  it('without a secret in the host options every request answers 503 not_paired, said once in the log', async () => {
    const db = t.devhost.db;
    await db('tbloptions').where('name', 'sla_vigil_secret').delete();
    const mark = logLines.length;
    try {
      for (let i = 0; i < 2; i++) {
        const res = await post({ body });
        expect([res.status, res.body]).toEqual([503, { error: 'not_paired' }]);
      }
      const said = logLines.slice(mark).filter((l) => l.msg.includes('not paired'));
      expect(said).toHaveLength(1);
      expect(said[0].msg).toContain('activate the SLA Vigil module in Perfex');
    } finally {
      await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
    }
    expect(JSON.stringify(logLines)).not.toContain(SECRET);
  });
});

describe('sla-vigil serve', () => {
  it('answers a signed event on loopback and stops cleanly on SIGTERM', async () => {
    const db = t.devhost.db;
    const servePrefix = testRedisPrefix();
    const ticketId = await forwarded.create({
      subject: 'Served',
      message: 'm',
      department,
      contactid: contact.id,
    });
    const child = spawn(process.execPath, [path.join(__dirname, '../../bin/sla-vigil.js'), 'serve'], {
      env: {
        ...process.env,
        DATABASE_URL: t.database.url,
        REDIS_URL: TEST_REDIS_URL,
        PORT: '0',
        HOST: '',
        SLA_VIGIL_QUEUE_PREFIX: servePrefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 300 && !/listening on/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      expect({ out, err, match: Boolean(match) }).toMatchObject({ match: true });
      expect(out.split('\n').filter(Boolean)).toHaveLength(1);
      expect(out).not.toContain(SECRET);
      const url = `http://127.0.0.1:${match?.[1]}`;
      const bodyText = contractBody('ticket_created', ticketId);
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = crypto.randomBytes(16).toString('hex');
      const res = await request(url)
        .post('/bridge/events')
        .set('Content-Type', 'application/json')
        .set('X-SLA-Vigil-Timestamp', ts)
        .set('X-SLA-Vigil-Nonce', nonce)
        .set(
          'X-SLA-Vigil-Signature',
          signBridgeRequest(SECRET, {
            method: 'POST',
            path: '/bridge/events',
            timestamp: ts,
            nonce,
            body: bodyText,
          }),
        )
        .send(bodyText);
      expect([res.status, res.body]).toEqual([202, { ok: true }]);
      const events = await db('tblsla_vigil_timeline').where({ subject_id: ticketId });
      expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['created']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).not.toContain(SECRET);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await dropRedisPrefix(servePrefix);
    }
  }, 30_000);
});
