import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

/**
 * Lead policies beside ticket policies: stored with their subject, exported and imported as
 * they were written, never governing a ticket, and kept out of the ticket policy form (which
 * would turn them into ticket policies on save).
 */
let t: TestDevhost;
let admin: AdminSession;
let services: ModuleServices;
const BASE = '/admin/sla_vigil/settings';

const leadPolicy = {
  key: 'india-new',
  name: 'India: new leads',
  subject: 'lead',
  match: { countryIds: [102], statusIds: [2] },
  targets: { status_time: { byStatus: { '2': { minutes: 60 } } } },
};

beforeAll(async () => {
  t = await startTestDevhost();
  services = createModuleServices(t.devhost.host);
  // A lead fallback matches every lead: it must still match no ticket.
  const fallback = { ...leadPolicy, key: 'leads', name: 'Every lead', match: {}, position: 9 };
  await services.config.import({ policies: [leadPolicy, fallback] });
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  await admin.agent.get('/admin');
});
afterAll(() => t.close());

it('stores the subject in its own column and exports the policy as written', async () => {
  const row = await t.devhost.db('tblsla_vigil_policies').where('key', 'india-new').first();
  expect(row.subject).toBe('lead');
  const exported = (await services.config.export()).policies.find((p) => p.key === 'india-new');
  expect(exported).toMatchObject({ ...leadPolicy, pauseStatusIds: [] });
});

it('never governs a ticket: a ticket with only lead policies around has no policy', async () => {
  const [support] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  const id = await t.devhost.tickets.create({
    subject: 'Help',
    message: 'Hi',
    department: support,
    email: 'a@b.test',
    name: 'A B',
  });
  const sla = await services.ticketSla.get(id, t.devhost.host.clock.now(), 'UTC');
  expect(sla?.policy).toBeNull();
  expect(sla?.state).toBe('no_policy');
});

it('keeps lead policies out of the ticket policy form: 409 on open and on save, nothing changed', async () => {
  const open = await admin.agent.get(`${BASE}/policies/india-new/edit`);
  expect(open.status).toBe(409);
  expect(open.text).toContain('This is a lead policy: edit it in the lead policy form.');
  const save = await admin.post(`${BASE}/policies/india-new`, {
    key: 'india-new',
    name: 'Hijacked',
    'targets.first_response.amount': '2',
    'targets.first_response.unit': 'hours',
  });
  expect(save.status).toBe(409);
  const row = await t.devhost.db('tblsla_vigil_policies').where('key', 'india-new').first();
  expect([row.subject, row.name]).toEqual(['lead', 'India: new leads']);
});
