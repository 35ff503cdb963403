import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

/** The Webhooks settings page: manage only, CSRF, write-only secrets, URL checks, send test. */

let t: TestDevhost;
let admin: AdminSession;
const BASE = '/admin/sla_vigil/settings/webhooks';
const SECRET = 'page-secret-0123456789';

beforeAll(async () => {
  t = await startTestDevhost();
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  await insertStaffWithCapabilities(t.devhost.db, 'viewer@x.test', STAFF_PASSWORD, ['view']);
  await insertStaffWithCapabilities(t.devhost.db, 'de@x.test', STAFF_PASSWORD, ['manage'], {
    default_language: 'german',
  });
});
afterAll(() => t.close());

const form = (extra: Record<string, unknown> = {}) => ({
  key: 'chat',
  name: 'Team chat',
  url: 'https://hooks.example.com/sla',
  secret: SECRET,
  format: 'json',
  ...extra,
});

/** The field a rendered form shows an error under. */
const fieldErrors = (html: string) =>
  [...html.matchAll(/data-field="([^"]+)"/g)].map((m) => m[1]).filter((f) => f !== '_form');

it('is for managers only, and refuses a post without the CSRF token', async () => {
  const viewer = await loginAs(t.devhost.app, 'viewer@x.test');
  expect((await viewer.agent.get(BASE)).status).toBe(403);
  expect((await viewer.post(BASE, form())).status).toBe(403);
  expect((await admin.agent.post(BASE).type('form').send(form())).status).toBe(403);
  expect((await admin.agent.get(BASE)).status).toBe(200);
});

it("refuses bad URLs with 422 naming the field, in the viewer's language", async () => {
  let res = await admin.post(BASE, form({ url: 'ftp://hooks.example.com/x' }));
  expect(res.status).toBe(422);
  expect(fieldErrors(res.text)).toEqual(['url']);
  expect(res.text).toContain('Only http:// and https:// URLs');
  expect(res.text).not.toContain(SECRET);

  res = await admin.post(BASE, form({ url: 'http://127.0.0.1:9/x' }));
  expect(res.status).toBe(422);
  expect(fieldErrors(res.text)).toEqual(['url']);
  // A name that resolves to loopback is refused at save time too.
  res = await admin.post(BASE, form({ url: 'http://localhost:9/x' }));
  expect(res.status).toBe(422);
  expect(fieldErrors(res.text)).toEqual(['url']);

  res = await admin.post(BASE, form({ secret: '', url: 'https://1.1.1.1/hook' }));
  expect(res.status).toBe(422);
  expect(fieldErrors(res.text)).toEqual(['secret']);

  const de = await loginAs(t.devhost.app, 'de@x.test');
  res = await de.post(BASE, form({ url: 'gopher://x' }));
  expect(res.status).toBe(422);
  expect(res.text).toContain('Nur http://- und https://-URLs');
});

it('adds, lists (secret shown as set), edits keeping the secret, tests and deletes an endpoint', async () => {
  const receiver = await startWebhookReceiver(SECRET, [
    { status: 201, body: '<script>alert(1)</script> thanks' },
  ]);
  try {
    let res = await admin.post(BASE, form({ url: receiver.url, allowPrivateAddress: '1', format: 'slack' }));
    expect(res.status).toBe(303);
    res = await admin.agent.get(res.headers.location);
    expect(res.text).toContain('data-webhook="chat"');
    expect(res.text).toContain('data-testid="sv-webhook-secret"');
    expect(res.text).not.toContain(SECRET);

    res = await admin.agent.get(`${BASE}/chat/edit`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="sv-webhook-secret-set"');
    expect(res.text).not.toContain(SECRET);
    res = await admin.post(
      `${BASE}/chat`,
      form({ name: 'Renamed', secret: '', url: receiver.url, allowPrivateAddress: '1', format: 'slack' }),
    );
    expect(res.status).toBe(303);
    const row = await t.devhost.db('tblsla_vigil_webhooks').where('key', 'chat').first();
    expect(row).toMatchObject({ name: 'Renamed', secret: SECRET, format: 'slack' });

    res = await admin.post(`${BASE}/chat/test`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="sv-webhook-test-status"');
    expect(res.text).toContain('HTTP 201');
    // The receiver's answer is shown escaped.
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; thanks');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0].verified).toBe(true);
    const slack = JSON.parse(receiver.posts[0].body);
    expect(typeof slack.text).toBe('string');
    expect(Array.isArray(slack.blocks)).toBe(true);

    // Without the permission to reach private addresses the test is refused, not sent.
    await t.devhost.db('tblsla_vigil_webhooks').where('key', 'chat').update({ allow_private_address: false });
    res = await admin.post(`${BASE}/chat/test`);
    expect(res.text).toContain('data-testid="sv-webhook-test-error"');
    expect(receiver.posts).toHaveLength(1);

    res = await admin.post(`${BASE}/chat/delete`);
    expect(res.status).toBe(303);
    expect(await t.devhost.db('tblsla_vigil_webhooks').where('key', 'chat').first()).toBeUndefined();
    const audit: { details: string | null }[] = await t.devhost
      .db('tblsla_vigil_audit_log')
      .select('details');
    expect(audit.map((a) => a.details ?? '').join('\n')).not.toContain(SECRET);
  } finally {
    await receiver.close();
  }
});

it('answers 404 for an endpoint that does not exist', async () => {
  expect((await admin.agent.get(`${BASE}/nope/edit`)).status).toBe(404);
  expect((await admin.post(`${BASE}/nope/test`)).status).toBe(404);
});

it('the policy form offers the webhooks for a "Post to a webhook" level and names a missing one', async () => {
  await t.devhost.db('tblsla_vigil_webhooks').insert({
    key: 'ops',
    name: 'Ops channel',
    url: 'https://1.1.1.1/hook',
    secret: SECRET,
    format: 'teams',
    allow_private_address: false,
    updated_at: '2026-12-06 05:00:00.000',
  });
  const page = await admin.agent.get('/admin/sla_vigil/settings/policies/new');
  expect(page.text).toContain('data-target-field="webhook"');
  expect(page.text).toContain('<option value="ops"');
  const policy = {
    key: 'gold',
    name: 'Gold',
    active: '1',
    calendar: '',
    'targets.resolution.amount': '60',
    'targets.resolution.unit': 'minutes',
    'targets.resolution.warnType': '',
    'targets.resolution.warnValue': '',
    pauseStatusIds: ['3', '4'],
    'escalations.0.metric': 'resolution',
    'escalations.0.trigger': 'at_due',
    'escalations.0.action': 'webhook',
  };
  let res = await admin.post('/admin/sla_vigil/settings/policies', policy);
  expect(res.status).toBe(422);
  expect(fieldErrors(res.text)).toEqual(['escalations.0.webhook']);
  res = await admin.post('/admin/sla_vigil/settings/policies', { ...policy, 'escalations.0.webhook': 'ops' });
  expect(res.status).toBe(303);
  const stored = await t.devhost.db('tblsla_vigil_policies').where('key', 'gold').first('escalations');
  expect(JSON.parse(stored.escalations)[0].action).toEqual({ type: 'webhook', webhook: 'ops' });
  // In use: the endpoint cannot be deleted.
  res = await admin.post(`${BASE}/ops/delete`);
  expect(res.status).toBe(409);
  expect(res.text).toContain('gold');
});
