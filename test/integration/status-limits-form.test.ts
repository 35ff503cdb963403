import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { decode, fieldError, statusWindow } from '../helpers/settings-html';

/**
 * The policy form's "Status limits": one row per host status by name (not Closed), saved as
 * targets.status_time.byStatus, shown again on edit, in the settings list in words, refused for a
 * status the host does not have, and written to the audit log as a readable change.
 */
let t: TestDevhost;
let admin: AdminSession;
const BASE = '/admin/sla_vigil/settings';

async function exportDoc(): Promise<{ policies: Record<string, unknown>[] }> {
  return JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
}

const limit = statusWindow;
function policyForm(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    name: `Policy ${key}`,
    active: '1',
    calendar: '',
    'targets.first_response.amount': '2',
    'targets.first_response.unit': 'hours',
    'targets.first_response.warnType': '',
    'targets.first_response.warnValue': '',
    'targets.resolution.amount': '',
    'targets.resolution.unit': 'hours',
    'targets.resolution.warnType': '',
    'targets.resolution.warnValue': '',
    pauseStatusIds: ['3', '4'],
    ...limit(1, ''),
    ...limit(2, ''),
    ...limit(3, ''),
    ...limit(4, ''),
    ...extra,
  };
}

beforeAll(async () => {
  t = await startTestDevhost();
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  // The first CSRF token fetched right after login is refused by the devhost; one page view settles it.
  await admin.agent.get('/admin');
});
afterAll(() => t.close());

it('offers one limit per host status by name, without Closed', async () => {
  const form = (await admin.agent.get(`${BASE}/policies/new`).expect(200)).text;
  const section = /data-testid="sv-status-limits"[\s\S]*?<\/fieldset>/.exec(form)?.[0] ?? '';
  const rows = [...section.matchAll(/<tr data-status="(\d+)">\s*<th scope="row">([^<]*)<\/th>/g)].map((m) => [
    m[1],
    m[2],
  ]);
  expect(rows).toEqual([
    ['1', 'Open'],
    ['2', 'In progress'],
    ['3', 'Answered'],
    ['4', 'On Hold'],
  ]);
  expect(section).toContain('name="targets.status_time.2.amount"');
  // An escalation level may act on the status limits.
  expect(form).toContain('<option value="status_time" >Time in status</option>');
});

it('saves status limits with their warnings and an escalation on them, and shows them again', async () => {
  const res = await admin.post(
    `${BASE}/policies`,
    policyForm('limits', {
      ...limit(2, '2', 'hours', 'percent', '50'),
      ...limit(4, '30', 'minutes', 'minutes', '10'),
      'escalations.0.metric': 'status_time',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'notify_assignee',
      passedLevels: 'fire',
    }),
  );
  expect(res.status).toBe(303);
  const saved = (await exportDoc()).policies.find((p) => p.key === 'limits');
  expect(saved?.targets).toEqual({
    first_response: { minutes: 120 },
    status_time: {
      byStatus: { '2': { minutes: 120, warnAtPercent: 50 }, '4': { minutes: 30, warnBeforeMinutes: 10 } },
    },
  });
  expect(saved?.escalations).toEqual([
    { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
  ]);

  const form = (await admin.agent.get(`${BASE}/policies/limits/edit`).expect(200)).text;
  expect(form).toMatch(/name="targets\.status_time\.2\.amount"[^>]*value="2"/);
  expect(form).toMatch(/name="targets\.status_time\.4\.amount"[^>]*value="30"/);
  expect(form).toMatch(/name="targets\.status_time\.4\.warnValue"[^>]*value="10"/);
  expect(form).toMatch(/name="targets\.status_time\.1\.amount"[^>]*value=""/);

  const list = (await admin.agent.get(BASE).expect(200)).text;
  const row = /<tr data-policy="limits"[\s\S]*?<\/tr>/.exec(list)?.[0] ?? '';
  expect(decode(/data-testid="sv-policy-targets">([^<]*)</.exec(row)?.[1] ?? '')).toBe(
    'First response 2 h, Time in In progress 2 h, Time in On Hold 30 min',
  );
});

it('refuses a status the host does not have, or Closed, next to its field, HTTP 422, nothing saved', async () => {
  const before = await exportDoc();
  const res = await admin.post(
    `${BASE}/policies`,
    policyForm('ghost', { ...limit(99, '1'), ...limit(5, '1') }),
  );
  expect(res.status).toBe(422);
  expect(fieldError(res.text, 'targets.status_time.99.amount')).toEqual([
    'Status #99 does not exist in the CRM.',
  ]);
  expect(fieldError(res.text, 'targets.status_time.5.amount')).toEqual([
    'A closed ticket owes nothing: the closed status cannot have a limit.',
  ]);
  // What was sent stays on the form, the unknown status labelled as such.
  expect(res.text).toMatch(/<tr data-status="99">\s*<th scope="row">#99 \(not in the CRM\)<\/th>/);
  expect(res.text).toMatch(/<tr data-status="5">\s*<th scope="row">Closed<\/th>/);
  expect(await exportDoc()).toEqual(before);

  const bad = await admin.post(
    `${BASE}/policies`,
    policyForm('ghost', limit(2, '1', 'hours', 'minutes', '90')),
  );
  expect(bad.status).toBe(422);
  expect(fieldError(bad.text, 'targets.status_time.2.warnValue')[0]).toMatch(/must come before the target/);

  const named = await admin.post(
    `${BASE}/policies`,
    policyForm('ghost', { 'targets.status_time.open.amount': '1' }),
  );
  expect(named.status).toBe(422);
  expect(decode(named.text)).toContain('targets.status_time.open.amount');
  expect(await exportDoc()).toEqual(before);
});

it('the audit log shows a changed limit by status name', async () => {
  const res = await admin.post(
    `${BASE}/policies/limits`,
    policyForm('limits', {
      ...limit(2, '3', 'hours', 'percent', '50'),
      ...limit(4, '30', 'minutes', 'minutes', '10'),
      'escalations.0.metric': 'status_time',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'notify_assignee',
      passedLevels: 'fire',
    }),
  );
  expect(res.status).toBe(303);
  const page = decode(
    (await admin.agent.get('/admin/sla_vigil/audit?action=config.save_policy').expect(200)).text,
  );
  expect(page).toContain('>Targets › Time in status › Per status › In progress › Minutes: 120 → 180</li>');
});
