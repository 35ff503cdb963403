/**
 * Escalation email beside Perfex goes through the SMTP settings Perfex pushes over the signed
 * channel (`POST /bridge/mail-settings`), unless SMTP_URL is set. Real SMTP sinks that require
 * AUTH, a real scan producing the escalation email, the real outbox; the pushed password must
 * end up in no table and no log line.
 */
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { insertStaff } from '../helpers/host-fixtures';
import { SmtpSink } from '../helpers/smtp-sink';
import { MutableClock } from '../../devhost/mutable-clock';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import {
  createModuleServices,
  type ModuleServices,
  type ServiceHost,
} from '../../src/wiring/module-services';
import { ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp } from '../../src/host/bridge/bridge-service';
import { perfexMailRouting } from '../../src/host/bridge/bridge-mail-settings';
import { signBridgeRequest } from '../../src/host/bridge/bridge-signature';

const SECRET = crypto.randomBytes(32).toString('hex');
const SMTP_USER = 'helpdesk@acme.test';
const SMTP_PASSWORD = `Perfex-${crypto.randomBytes(6).toString('hex')}-smtp`;
const WRONG_PASSWORD = `Wrong-${crypto.randomBytes(6).toString('hex')}-smtp`;
const clock = new MutableClock(new Date('2026-03-02T08:00:00Z'));
const queuePrefix = testRedisPrefix();
/** Every log line of both services, at every level. */
const logText: string[] = [];
const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));

/** Perfex's mail server (requires AUTH with Perfex's credentials) and the one SMTP_URL names. */
const perfexSmtp = new SmtpSink({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
const smtpUrlSink = new SmtpSink();

let t: TestDevhost;
let host: ServiceHost;
let scanQueue: ScanQueue;
/** The service beside Perfex without SMTP_URL. */
let services: ModuleServices;
let app: Express;
let department: number;
let agent: number;

beforeAll(async () => {
  await Promise.all([perfexSmtp.start(), smtpUrlSink.start()]);
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  agent = await insertStaff(db, 'ana.agent@acme.test', 'pw123456');
  const parts = await createPerfexHostParts(db, 'tbl');
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logText.push(chunk.toString());
        done();
      },
    }),
  );
  host = {
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock,
    logger,
    // What `serve` gets without SMTP_URL: a URL nobody listens on, never used while Perfex's settings route the mail.
    mail: {
      smtpUrl: 'smtp://127.0.0.1:9',
      from: 'SLA Vigil <sla@localhost>',
      adminBaseUrl: 'http://crm.test',
    },
  };
  const mail = perfexMailRouting(undefined, logger);
  services = createModuleServices(host, { mailRoute: mail.source });
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [department] },
        calendar: null,
        targets: { resolution: { minutes: 60 } },
        escalations: [
          { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
        ],
      },
    ],
  });
  scanQueue = new ScanQueue(TEST_REDIS_URL, queuePrefix);
  app = createBridgeApp({ host, services, scanQueue, redisUrl: TEST_REDIS_URL, mailSettings: mail.receiver });
});
afterAll(async () => {
  await scanQueue.close();
  await services.mailer.close();
  await t.close();
  await Promise.all([perfexSmtp.stop(), smtpUrlSink.stop()]);
  await dropRedisPrefix(queuePrefix);
});

/** The body the PHP module sends after a cron run, from Perfex's options. */
function perfexSettings(overrides: Record<string, unknown> = {}) {
  return {
    protocol: 'smtp',
    host: '127.0.0.1',
    port: perfexSmtp.port,
    encryption: '',
    username: SMTP_USER,
    password: SMTP_PASSWORD,
    from_email: SMTP_USER,
    from_name: 'Acme Support',
    ...overrides,
  };
}

function push(to: Express, body: unknown, { sign = true } = {}) {
  const text = JSON.stringify(body);
  const path = '/bridge/mail-settings';
  const ts = String(Math.floor(clock.now().getTime() / 1000));
  const nonce = crypto.randomBytes(16).toString('hex');
  const req = request(to).post(path).set('Content-Type', 'application/json');
  if (sign)
    req
      .set('X-SLA-Vigil-Timestamp', ts)
      .set('X-SLA-Vigil-Nonce', nonce)
      .set(
        'X-SLA-Vigil-Signature',
        signBridgeRequest(SECRET, { method: 'POST', path, timestamp: ts, nonce, body: text }),
      );
  return req.send(text);
}

/** A ticket assigned to the agent whose resolution target (60 min) has just passed: the scan escalates. */
async function breachedTicket(scan: ModuleServices, subject: string): Promise<number> {
  const id = await t.devhost.tickets.create({ subject, message: 'm', department, admin: 1, assigned: agent });
  advance(61 * 60_000);
  await scan.scanner.run(clock.now());
  return id;
}

/** Waits for what the service does in the background after a push. */
async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const outboxOf = (id: number) =>
  t.devhost
    .db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .where({ subject_id: id })
    .first('state', 'attempts', 'last_error');

/** Every row of every table in the test database, as text. */
async function dumpDatabase(): Promise<string> {
  const [tables] = (await t.devhost.db.raw('SHOW TABLES')) as [Record<string, string>[]];
  const dumps = await Promise.all(
    tables.map(async (row) => JSON.stringify(await t.devhost.db(Object.values(row)[0]).select())),
  );
  expect(dumps.length).toBeGreaterThan(10);
  return dumps.join('\n');
}

it("before the push the escalation email waits pending; after it, it reaches Perfex's server with Perfex's login", async () => {
  const id = await breachedTicket(services, 'Printer down');
  expect(await outboxOf(id)).toMatchObject({ state: 'pending', attempts: 0 });
  // More scans while no settings came: still pending, no attempt spent, nothing sent anywhere.
  advance(5 * 60_000);
  await services.scanner.run(clock.now());
  expect(await outboxOf(id)).toMatchObject({ state: 'pending', attempts: 0 });
  expect(perfexSmtp.messages).toHaveLength(0);
  expect(logText.join('')).toContain("waiting for Perfex's mail settings");

  // The push itself sends what waited: the cron run's scan came before it.
  const res = await push(app, perfexSettings());
  expect([res.status, res.body]).toEqual([202, { ok: true }]);
  await eventually(async () => (await outboxOf(id)).state === 'sent', 'the waiting email');

  expect(await outboxOf(id)).toMatchObject({ state: 'sent', attempts: 1 });
  expect(perfexSmtp.messages).toHaveLength(1);
  expect(perfexSmtp.messages[0]).toMatchObject({
    authUser: SMTP_USER,
    from: SMTP_USER,
    to: ['ana.agent@acme.test'],
  });
  expect(perfexSmtp.messages[0].subject).toMatch(new RegExp(`#${id} Printer down`));
  expect(perfexSmtp.logins).toEqual([{ user: SMTP_USER, accepted: true }]);
});

it('the same settings pushed again keep the transport; changed ones replace it, and a refused login is retried, not lost', async () => {
  expect((await push(app, perfexSettings())).status).toBe(202);
  expect(logText.filter((l) => l.includes("the host's SMTP settings"))).toHaveLength(1);

  // The admin mistypes the password in Perfex: the next cron run pushes it.
  expect((await push(app, perfexSettings({ password: WRONG_PASSWORD }))).status).toBe(202);
  const id = await breachedTicket(services, 'Scanner jammed');
  expect(await outboxOf(id)).toMatchObject({ state: 'pending', attempts: 1 });
  expect(perfexSmtp.logins.at(-1)).toEqual({ user: SMTP_USER, accepted: false });

  // Fixed in Perfex, pushed by the next cron run; the retry goes out through the new transport.
  expect((await push(app, perfexSettings())).status).toBe(202);
  advance(2 * 60_000);
  await services.scanner.run(clock.now());
  // The push sends in the background too: whichever send claimed the row, it goes out once.
  await eventually(async () => (await outboxOf(id)).state === 'sent', 'the retried email');
  expect(await outboxOf(id)).toMatchObject({ state: 'sent', attempts: 2 });
  expect(perfexSmtp.messages.map((m) => m.subject)).toEqual([
    expect.stringContaining('Printer down'),
    expect.stringContaining('Scanner jammed'),
  ]);
});

it('every push sends what is due, so mail left pending by processes without the settings goes out at the next cron run', async () => {
  // A `sla-vigil worker` ran the scan: it has no settings and left the email pending.
  await t.devhost.db.transaction((trx) =>
    services.outbox.insert(
      [
        {
          escalationId: 9001,
          subjectType: 'ticket',
          subjectId: 9001,
          recipientStaffId: agent,
          recipientEmail: 'ana.agent@acme.test',
          language: 'en',
          subject: 'Left by a worker',
          html: '<p>w</p>',
          text: 'w',
          state: 'pending',
          createdAt: clock.now(),
        },
      ],
      trx,
    ),
  );
  // Perfex's next cron run pushes the same settings as before.
  expect((await push(app, perfexSettings())).status).toBe(202);
  await eventually(() => perfexSmtp.messages.some((m) => m.subject === 'Left by a worker'), 'the left email');
});

it("Perfex's 'mail' protocol: no transport, one clear log line, the mail stays pending", async () => {
  const mark = logText.length;
  for (let i = 0; i < 2; i++)
    expect((await push(app, perfexSettings({ protocol: 'mail' }))).status).toBe(202);
  const id = await breachedTicket(services, 'No SMTP');
  expect(await outboxOf(id)).toMatchObject({ state: 'pending', attempts: 0 });
  const said = logText.slice(mark).filter((l) => l.includes("Perfex sends mail with 'mail'"));
  expect(said).toHaveLength(1);
  expect(said[0]).toContain('set SMTP_URL');

  // Back to SMTP in Perfex: the waiting mail goes out.
  expect((await push(app, perfexSettings())).status).toBe(202);
  await eventually(async () => (await outboxOf(id)).state === 'sent', 'the waiting email');
});

it('with SMTP_URL set the pushed settings are ignored (said once) and mail goes to SMTP_URL', async () => {
  const logger = host.logger;
  const mail = perfexMailRouting(smtpUrlSink.url, logger);
  expect(mail.source).toBeUndefined();
  const withUrl = createModuleServices({ ...host, mail: { ...host.mail, smtpUrl: smtpUrlSink.url } });
  const urlApp = createBridgeApp({
    host,
    services: withUrl,
    scanQueue,
    redisUrl: TEST_REDIS_URL,
    mailSettings: mail.receiver,
  });
  try {
    const mark = logText.length;
    for (let i = 0; i < 2; i++) expect((await push(urlApp, perfexSettings())).status).toBe(202);
    expect(logText.slice(mark).filter((l) => l.includes('SMTP_URL is set'))).toHaveLength(1);
    const before = perfexSmtp.messages.length;
    const id = await breachedTicket(withUrl, 'Through SMTP_URL');
    expect(await outboxOf(id)).toMatchObject({ state: 'sent' });
    expect(smtpUrlSink.messages.map((m) => m.subject)).toEqual([expect.stringContaining('Through SMTP_URL')]);
    expect(smtpUrlSink.messages[0].authUser).toBeNull();
    expect(perfexSmtp.messages).toHaveLength(before);
  } finally {
    await withUrl.mailer.close();
  }
});

it('an unsigned push is refused and changes nothing; a wrong body gets 422 naming the field', async () => {
  const res = await push(app, perfexSettings({ port: 9, password: 'attacker' }), { sign: false });
  expect(res.status).toBe(401);
  const cases: [Record<string, unknown>, string][] = [
    [perfexSettings({ encryption: 'starttls' }), 'encryption'],
    [perfexSettings({ port: '587' }), 'port'],
    [perfexSettings({ port: 70000 }), 'port'],
    [{ ...perfexSettings(), smtp_password: 'x' }, 'smtp_password'],
    [Object.fromEntries(Object.entries(perfexSettings()).filter(([k]) => k !== 'password')), 'password'],
    [perfexSettings({ from_name: null }), 'from_name'],
  ];
  for (const [body, field] of cases) {
    const bad = await push(app, body);
    expect({ field, status: bad.status, answer: bad.body.field }).toEqual({
      field,
      status: 422,
      answer: field,
    });
  }
  // The settings in use are still Perfex's: a new escalation email goes out through them.
  const before = perfexSmtp.messages.length;
  const id = await breachedTicket(services, 'Still routed');
  expect(await outboxOf(id)).toMatchObject({ state: 'sent' });
  expect(perfexSmtp.messages).toHaveLength(before + 1);
});

it('the SMTP passwords are in no table and in no log line', async () => {
  const dump = await dumpDatabase();
  expect(dump).toContain('Printer down'); // the dump does hold the outbox
  for (const secret of [SMTP_PASSWORD, WRONG_PASSWORD]) {
    expect(dump).not.toContain(secret);
    expect(logText.join('')).not.toContain(secret);
  }
  expect(logText.join('')).not.toContain(SECRET);
});
