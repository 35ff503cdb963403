import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';

let t: TestDevhost;

beforeAll(async () => {
  t = await startTestDevhost();
  await insertStaffPerAccessLevel(t.devhost.db);
});
afterAll(() => t.close());

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);
const policyCount = async (): Promise<number> =>
  Number((await t.devhost.db('tblsla_vigil_policies').count({ n: '*' }))[0].n);
const policy = { name: 'Origin test', targets: { resolution: { minutes: 600 } } };

describe('/admin/sla_vigil leaks nothing', () => {
  it('a missing asset is a plain 404 without a server path', async () => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get('/admin/sla_vigil/assets/nope.js');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('Not found');
    expect(res.text).not.toMatch(/ENOENT|\/assets\/|\//);
    const html = await admin.agent.get('/admin/sla_vigil/assets/nope.js').set('Accept', 'text/html');
    expect(html.status).toBe(404);
    expect(html.text).not.toContain(process.cwd());
    // Existing assets are still served.
    expect((await admin.agent.get('/admin/sla_vigil/assets/sla-vigil.css')).status).toBe(200);
  });

  it.each([
    '/admin/sla_vigil',
    '/admin/sla_vigil/monitor',
    '/admin/sla_vigil/reports',
    '/admin/sla_vigil/settings',
    '/admin/sla_vigil/api/tickets/1',
    '/admin/sla_vigil/api/config',
    '/admin/sla_vigil/assets/sla-vigil.css',
  ])('%s is sent with Cache-Control: no-store', async (path) => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get(path);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refusals are not cached either', async () => {
    const agent = await login('agent@x.test');
    const res = await agent.agent.get('/admin/sla_vigil/monitor');
    expect(res.status).toBe(403);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('/admin/sla_vigil refuses writes from other sites', () => {
  it.each([
    ['https://evil.example', undefined],
    ['http://crm.example.test.evil.example', undefined],
    ['not a url', undefined],
    ['https://evil.example', 'same-origin'],
    // A sandboxed frame or a no-referrer page of another site: the browser's Fetch Metadata tells.
    ['null', 'cross-site'],
    ['null', 'same-site'],
    [undefined, 'cross-site'],
  ])(
    'a PUT with a valid CSRF token, Origin %s and Sec-Fetch-Site %s is refused with 403, nothing saved',
    async (origin, fetchSite) => {
      const manager = await login('manager@x.test');
      const csrf = await manager.csrf();
      const before = await policyCount();
      const res = await manager.agent
        .put('/admin/sla_vigil/api/policies/cross')
        .set('Host', 'crm.example.test')
        .set(origin === undefined ? {} : { Origin: origin })
        .set(fetchSite === undefined ? {} : { 'Sec-Fetch-Site': fetchSite })
        .set('x-csrf-token', csrf)
        .send(policy);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('cross_origin');
      expect(await policyCount()).toBe(before);
    },
  );

  it('a form POST from another site gets the 403 page in the host layout', async () => {
    const manager = await login('manager@x.test');
    const csrf = await manager.csrf();
    const res = await manager.agent
      .post('/admin/sla_vigil/settings/general')
      .type('form')
      .set('Origin', 'https://evil.example')
      .send({ _csrf: csrf });
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-testid="sv-cross-origin"');
    expect(res.text).toContain('another site');
  });

  it('the same origin (any scheme, e.g. behind a TLS proxy) and a missing Origin are allowed', async () => {
    const manager = await login('manager@x.test');
    const csrf = await manager.csrf();
    const same = await manager.agent
      .put('/admin/sla_vigil/api/policies/same')
      .set('Host', 'crm.example.test')
      .set('Origin', 'https://crm.example.test')
      .set('x-csrf-token', csrf)
      .send(policy);
    expect(same.status).toBe(200);
    const none = await manager.agent
      .put('/admin/sla_vigil/api/policies/none')
      .set('x-csrf-token', csrf)
      .send(policy);
    expect(none.status).toBe(200);
    // The browser's own form post from a no-referrer page: Origin null, Sec-Fetch-Site same-origin.
    const nullSame = await manager.agent
      .put('/admin/sla_vigil/api/policies/null-same')
      .set('Origin', 'null')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('x-csrf-token', csrf)
      .send(policy);
    expect(nullSame.status).toBe(200);
    // Without Origin the CSRF token still decides.
    const noToken = await manager.agent.put('/admin/sla_vigil/api/policies/none2').send(policy);
    expect(noToken.status).toBe(403);
  });

  it('reads from another site are not refused (GET changes nothing)', async () => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get('/admin/sla_vigil/api/config').set('Origin', 'https://evil.example');
    expect(res.status).toBe(200);
  });

  it('the admin URL the host is configured with counts as its own origin', async () => {
    const manager = await login('manager@x.test');
    const csrf = await manager.csrf();
    const res = await manager.agent
      .put('/admin/sla_vigil/api/policies/configured')
      .set('Origin', t.devhost.host.mail.adminBaseUrl)
      .set('x-csrf-token', csrf)
      .send(policy);
    expect(res.status).toBe(200);
  });
});
