/**
 * The whole way, as installed: `sla-vigil serve` without SMTP_URL, the PHP module (php-cli on
 * the Perfex stand-in) running Perfex's cron hook with Perfex's email settings in its options
 * (the password encrypted), and Perfex's mail server requiring that login. The escalation email
 * that waited in the outbox reaches the server; the password shows up in no output.
 */
import crypto from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { firePerfexHook } from '../helpers/fire-perfex-hook';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { SmtpSink } from '../helpers/smtp-sink';
import { OutboxRepository } from '../../src/notify/outbox-repository';

const root = path.join(__dirname, '..', '..');
const SECRET = crypto.randomBytes(32).toString('hex');
const SMTP_USER = 'helpdesk@acme.test';
const SMTP_PASSWORD = `Perfex-${crypto.randomBytes(6).toString('hex')}-smtp`;
/** How the Perfex stand-in stores an encrypted option (test/php/perfex-stubs.php, StubEncryption). */
const ENCRYPTED_PASSWORD = `enc:${Buffer.from(SMTP_PASSWORD).toString('base64')}`;
const servePrefix = testRedisPrefix();
const sink = new SmtpSink({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
let t: TestDevhost;

beforeAll(async () => {
  await sink.start();
  t = await startTestDevhost({ timezone: 'Europe/Berlin' });
  await t.devhost.db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
  await dropRedisPrefix(servePrefix);
});

function firePhp(hook: string, args: unknown[], serviceUrl: string, options: Record<string, string>) {
  return firePerfexHook(hook, args, { serviceUrl, secret: SECRET, options });
}

/** A `sla-vigil` command against the same database; its stdout (status exits 1 while no scan has run). */
function status(env: NodeJS.ProcessEnv, command = ['status']) {
  return new Promise<string>((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'bin/sla-vigil.js'), ...command],
      { cwd: root, env, timeout: 30_000 },
      (_err, stdout) => resolve(stdout),
    );
  });
}

it("serve without SMTP_URL: Perfex's cron run hands over its SMTP settings and the waiting email goes out with Perfex's login", async () => {
  // An escalation email written before the service had any settings.
  const outbox = new OutboxRepository(t.devhost.db, 'tbl', 'crm.test');
  await t.devhost.db.transaction((trx) =>
    outbox.insert(
      [
        {
          escalationId: 1,
          subjectType: 'ticket',
          subjectId: 7,
          recipientStaffId: 3,
          recipientEmail: 'ana.agent@acme.test',
          language: 'en',
          subject: '[SLA breach] #7 Printer down — resolution 5m late',
          html: '<p>#7</p>',
          text: '#7',
          state: 'pending',
          createdAt: new Date(),
        },
      ],
      trx,
    ),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: t.database.url,
    REDIS_URL: TEST_REDIS_URL,
    PORT: '0',
    HOST: '',
    SLA_VIGIL_QUEUE_PREFIX: servePrefix,
    LOG_LEVEL: 'info',
  };
  delete env.SMTP_URL;
  const child = spawn(process.execPath, [path.join(root, 'bin/sla-vigil.js'), 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 300 && !/listening on/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    expect({ out, err, match: Boolean(match) }).toMatchObject({ match: true });
    // Recorded by serve as it starts: no settings yet, the email waits.
    let before = '';
    for (let i = 0; i < 20 && !before.includes('mail: waiting'); i++) before = await status(env);
    expect(before).toContain("mail: waiting for Perfex's mail settings since");
    expect(before).toContain('(1 emails pending)');
    // A command-line scan has no settings of its own: it leaves the email to serve, spending no attempt.
    expect(await status(env, ['scan', '--once'])).toMatch(/^scan: /);
    expect(
      await t.devhost.db('tblsla_vigil_outbox').where('channel', 'email').first('state', 'attempts'),
    ).toEqual({
      state: 'pending',
      attempts: 0,
    });
    const phpLog = await firePhp('after_cron_run', [false], match?.[1] ?? '', {
      email_protocol: 'smtp',
      smtp_host: '127.0.0.1',
      smtp_port: String(sink.port),
      smtp_encryption: '',
      smtp_username: SMTP_USER,
      smtp_password: ENCRYPTED_PASSWORD,
      smtp_email: SMTP_USER,
      companyname: 'Acme Support',
    });
    expect(phpLog).toBe('');
    for (let i = 0; i < 200 && sink.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sink.messages.map((m) => [m.subject, m.authUser, m.from, m.to])).toEqual([
      ['[SLA breach] #7 Printer down — resolution 5m late', SMTP_USER, SMTP_USER, ['ana.agent@acme.test']],
    ]);
    // Marked sent right after the server accepted it.
    const states = () => t.devhost.db('tblsla_vigil_outbox').where('channel', 'email').pluck('state');
    for (let i = 0; i < 100 && (await states())[0] !== 'sent'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await states()).toEqual(['sent']);
    expect(await status(env)).toContain("mail: through Perfex's SMTP settings (last received");
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toContain("the host's SMTP settings (127.0.0.1:");
    for (const text of [out, err, phpLog]) {
      expect(text).not.toContain(SMTP_PASSWORD);
      expect(text).not.toContain(SECRET);
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
