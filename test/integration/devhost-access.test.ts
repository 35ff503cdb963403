import bcrypt from 'bcryptjs';
import request from 'supertest';
import { Devhost } from '../../devhost/devhost';
import { runDemo } from '../../devhost/demo';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { csrfFrom, loginAs } from '../helpers/admin-session';
import { insertStaff, STAFF_PASSWORD } from '../helpers/host-fixtures';

let t: TestDevhost;

beforeAll(async () => {
  t = await startTestDevhost();
  // Each test signs in from addresses of its own (X-Forwarded-For), so the per-address limit of
  // one test does not spill into the next.
  t.devhost.app.set('trust proxy', true);
  await insertStaff(t.devhost.db, 'sam@x.test', STAFF_PASSWORD);
  await insertStaff(t.devhost.db, 'gone@x.test', STAFF_PASSWORD, { active: 0 });
  await insertStaff(t.devhost.db, 'kim@x.test', STAFF_PASSWORD);
});
afterAll(() => t.close());

/** One login attempt from a fresh browser (own session and CSRF cookie), from `ip`. */
async function attempt(email: string, password: string, ip = '10.0.0.1'): Promise<request.Response> {
  const agent = request.agent(t.devhost.app);
  const form = await agent.get('/admin/login');
  return agent
    .post('/admin/login')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ email, password, _csrf: csrfFrom(form.text) });
}

describe('devhost mailbox', () => {
  it('is for administrators only: 403 for other staff, and no sidebar link', async () => {
    const sam = await loginAs(t.devhost.app, 'sam@x.test');
    expect((await sam.agent.get('/admin/mailbox')).status).toBe(403);
    expect((await sam.agent.get('/admin/mailbox/1')).status).toBe(403);
    expect((await sam.agent.get('/admin/tickets')).text).not.toContain('href="/admin/mailbox"');
    const admin = await loginAs(t.devhost.app, 'admin@example.com');
    expect((await admin.agent.get('/admin/mailbox')).status).toBe(200);
    expect((await admin.agent.get('/admin/tickets')).text).toContain('href="/admin/mailbox"');
  });
});

describe('devhost login timing', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['an unknown email', 'nobody@x.test'],
    ['a known email with a wrong password', 'sam@x.test'],
    ['an inactive account', 'gone@x.test'],
  ])('%s costs exactly one bcrypt comparison', async (_what, email) => {
    const compare = jest.spyOn(bcrypt, 'compare');
    const res = await attempt(email, email === 'gone@x.test' ? STAFF_PASSWORD : 'wrong-password', '10.0.1.1');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Invalid email or password');
    expect(compare).toHaveBeenCalledTimes(1);
    // The unknown email is compared against a cost-8 hash, as Perfex's own hashes are.
    if (email === 'nobody@x.test') expect(String(compare.mock.calls[0][1])).toMatch(/^\$2[aby]\$08\$/);
  });
});

describe('devhost login rate limit', () => {
  it('5 failures for one email → 429 with a clear message, even with the right password', async () => {
    for (let i = 0; i < 5; i++)
      expect((await attempt('kim@x.test', 'wrong', `10.1.0.${i}`)).status).toBe(401);
    const refused = await attempt('kim@x.test', STAFF_PASSWORD, '10.1.1.1');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many failed sign-ins. Try again in 15 minutes.');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    // Other accounts are not affected.
    expect((await attempt('admin@example.com', 'demo1234', '10.1.1.1')).status).toBe(303);
  });

  it('20 failures from one address → 429 for any email from it, others still sign in', async () => {
    for (let i = 0; i < 20; i++)
      expect((await attempt(`guess${i}@x.test`, 'wrong', '10.2.0.1')).status).toBe(401);
    const refused = await attempt('admin@example.com', 'demo1234', '10.2.0.1');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many failed sign-ins');
    expect((await attempt('admin@example.com', 'demo1234', '10.2.0.2')).status).toBe(303);
  });
});

describe('devhost API token', () => {
  const base = { databaseUrl: 'mysql://root@127.0.0.1:3306/unused', redisUrl: 'redis://127.0.0.1:6379' };

  it.each(['0.0.0.0', '::', '192.168.1.10'])(
    'the default token on %s is refused at start, naming DEVHOST_API_TOKEN',
    async (listenHost) => {
      await expect(Devhost.create({ ...base, listenHost })).rejects.toThrow(/set DEVHOST_API_TOKEN/);
    },
  );

  it('the default token on loopback is fine, and a token of your own anywhere', async () => {
    for (const config of [
      { ...base, listenHost: '127.0.0.1', databaseUrl: t.database.url },
      { ...base, listenHost: '0.0.0.0', apiToken: 'a-secret-of-mine', databaseUrl: t.database.url },
    ]) {
      const devhost = await Devhost.create({ ...config, mailboxPort: null, cronIntervalMs: 0 });
      await devhost.db.destroy();
    }
  });

  it('the demo with DEVHOST_HOST=0.0.0.0 and no DEVHOST_API_TOKEN stops before creating anything', async () => {
    const saved = { host: process.env.DEVHOST_HOST, token: process.env.DEVHOST_API_TOKEN };
    process.env.DEVHOST_HOST = '0.0.0.0';
    delete process.env.DEVHOST_API_TOKEN;
    const name = `sv_never_${process.pid}`;
    try {
      await expect(
        runDemo({
          databaseUrl: `mysql://root@127.0.0.1:3306/${name}`,
          redisUrl: 'redis://127.0.0.1:6379',
          smtpUrl: undefined,
          port: 0,
          tablePrefix: 'tbl',
        }),
      ).rejects.toThrow(/0\.0\.0\.0.*set DEVHOST_API_TOKEN/);
      const [rows] = (await t.devhost.db.raw('SHOW DATABASES LIKE ?', [name])) as unknown as [unknown[]];
      expect(rows).toHaveLength(0);
    } finally {
      if (saved.host === undefined) delete process.env.DEVHOST_HOST;
      else process.env.DEVHOST_HOST = saved.host;
      if (saved.token !== undefined) process.env.DEVHOST_API_TOKEN = saved.token;
    }
  });
});
