import {
  insertStaffPerAccessLevel,
  insertStaffWithCapabilities,
  STAFF_PASSWORD,
} from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';

let t: TestDevhost;

beforeAll(async () => {
  t = await startTestDevhost();
  await insertStaffPerAccessLevel(t.devhost.db);
  await insertStaffWithCapabilities(t.devhost.db, 'lector@x.test', STAFF_PASSWORD, ['view'], {
    default_language: 'spanish',
  });
});
afterAll(() => t.close());

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

describe('/admin/sla_vigil permissions', () => {
  it.each([
    ['admin@example.com', 200],
    ['viewer@x.test', 200],
    ['manager@x.test', 200],
    ['agent@x.test', 403],
  ])('%s gets %i on the dashboard', async (email, status) => {
    const session = await login(email);
    const res = await session.agent.get('/admin/sla_vigil');
    expect(res.status).toBe(status);
    const list = await session.agent.get('/admin/tickets');
    expect(list.text.includes('data-menu="sla_vigil"')).toBe(status === 200);
  });

  it('manage is needed for configuration; view reads tickets', async () => {
    const viewer = await login('viewer@x.test');
    expect(
      (await viewer.agent.get('/admin/sla_vigil/api/config').set('Accept', 'application/json')).status,
    ).toBe(403);
    const manager = await login('manager@x.test');
    expect((await manager.agent.get('/admin/sla_vigil/api/config')).status).toBe(200);
    const agent = await login('agent@x.test');
    expect(
      (await agent.agent.get('/admin/sla_vigil/api/tickets/1').set('Accept', 'application/json')).status,
    ).toBe(403);
  });

  it('writes need the CSRF token even with manage permission', async () => {
    const manager = await login('manager@x.test');
    const res = await manager.agent.put('/admin/sla_vigil/api/policies/p').send({ name: 'P' });
    expect(res.status).toBe(403);
    expect(await t.devhost.db('tblsla_vigil_policies').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('deactivating the module removes its menu and routes; reactivating restores them', async () => {
    const admin = await login('admin@example.com');
    await t.devhost.loader.deactivate('sla_vigil');
    expect((await admin.agent.get('/admin/sla_vigil')).status).toBe(404);
    expect((await admin.agent.get('/admin/tickets')).text).not.toContain('data-menu="sla_vigil"');
    await t.devhost.loader.activate('sla_vigil');
    expect((await admin.agent.get('/admin/sla_vigil')).status).toBe(200);
    expect((await admin.agent.get('/admin/tickets')).text).toContain('data-menu="sla_vigil"');
  });

  it('a signed-out visitor is sent to the login page', async () => {
    const { default: request } = await import('supertest');
    const res = await request(t.devhost.app).get('/admin/sla_vigil');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/login');
  });

  it("the ticket-list badge and the SLA tab speak the staff member's language, and stay hidden without view", async () => {
    const [department] = await t.devhost.db('tbldepartments').insert({ name: 'Soporte' });
    const id = await t.devhost.tickets.create({ subject: 'Hola', message: 'm', department, admin: 1 });
    const lector = await login('lector@x.test');
    expect((await lector.agent.get('/admin/tickets')).text).toContain('data-sla-state="no_policy"');
    expect((await lector.agent.get('/admin/tickets')).text).toContain('Sin política');
    expect((await lector.agent.get(`/admin/tickets/ticket/${id}`)).text).toContain('Cronología del SLA');
    const agent = await login('agent@x.test');
    const list = (await agent.agent.get('/admin/tickets')).text;
    expect(list).not.toContain('data-sla-state=');
    // No SLA column, filter or sort at all for them, and the list does not filter by SLA for them.
    expect(list).not.toContain('data-column="sla_vigil"');
    expect(list).not.toContain('name="sla"');
    // Their list ignores an SLA filter in the URL: it does not reveal which tickets breached.
    const filtered = await agent.agent.get('/admin/tickets?sla=breached');
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain(`data-ticket-id="${id}"`);
    expect((await lector.agent.get('/admin/tickets?sla=breached')).text).not.toContain(
      `data-ticket-id="${id}"`,
    );
    expect((await agent.agent.get(`/admin/tickets/ticket/${id}`)).text).not.toContain(
      'data-testid="sv-ticket-panel"',
    );
  });
});
