import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { decode, fieldError } from '../helpers/settings-html';
import { insertStaff } from '../helpers/host-fixtures';

/** The policy form edits a ticket policy's internal targets (OLA) and its internal levels. */

let t: TestDevhost;
let admin: AdminSession;
let support: number;
let anna: number;
const BASE = '/admin/sla_vigil/settings';

const policyForm = (key: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  key,
  name: `Policy ${key}`,
  active: '1',
  calendar: '',
  'targets.first_response.amount': '2',
  'targets.first_response.unit': 'hours',
  'targets.resolution.amount': '480',
  'targets.resolution.unit': 'minutes',
  pauseStatusIds: ['3', '4'],
  ...extra,
});

const team = (row: number, fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [`internalTargets.${row}.${k}`, v]));

async function exportedPolicy(key: string): Promise<Record<string, unknown> | undefined> {
  const res = await admin.agent.get(`${BASE}/export`).expect(200);
  return (JSON.parse(res.text) as { policies: Record<string, unknown>[] }).policies.find(
    (p) => p.key === key,
  );
}

beforeAll(async () => {
  t = await startTestDevhost();
  [support] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  anna = await insertStaff(t.devhost.db, 'anna@x.test', 'pw123456', { firstname: 'Anna', lastname: 'Agent' });
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  await admin.agent.get('/admin');
});
afterAll(() => t.close());

it('saves a team by department and a team by staff, and an internal level; the form shows them again', async () => {
  const res = await admin.post(
    `${BASE}/policies`,
    policyForm('ola', {
      ...team(0, {
        name: '',
        departmentId: String(support),
        'targets.resolution.amount': '4',
        'targets.resolution.unit': 'hours',
      }),
      // A blank row between is skipped.
      ...team(1, { name: '', departmentId: '', 'targets.resolution.amount': '' }),
      ...team(2, {
        name: 'Escalation desk',
        staffIds: [String(anna)],
        'targets.first_response.amount': '30',
        'targets.first_response.unit': 'minutes',
      }),
      'escalations.0.metric': 'resolution',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'notify_assignee',
      'escalations.0.internal': '1',
    }),
  );
  expect(res.status).toBe(303);
  const stored = await exportedPolicy('ola');
  expect(stored?.internalTargets).toEqual([
    { team: { departmentId: support }, targets: { resolution: { minutes: 240 } } },
    { name: 'Escalation desk', team: { staffIds: [anna] }, targets: { first_response: { minutes: 30 } } },
  ]);
  expect((stored?.escalations as unknown[])[0]).toEqual({
    metric: 'resolution',
    trigger: { type: 'at_due' },
    action: { type: 'notify_assignee' },
    scope: 'internal',
  });

  const form = await admin.agent.get(`${BASE}/policies/ola/edit`).expect(200);
  expect(form.text).toContain('data-testid="sv-internal-targets"');
  expect(form.text).toMatch(
    new RegExp(
      `name="internalTargets\\.0\\.departmentId"[\\s\\S]*?<option value="${support}" selected>Support</option>`,
    ),
  );
  expect(form.text).toMatch(
    new RegExp(
      `name="internalTargets\\.1\\.staffIds"[\\s\\S]*?<option value="${anna}" selected>Anna Agent</option>`,
    ),
  );
  expect(form.text).toMatch(/<input type="checkbox" name="escalations\.0\.internal" value="1" checked>/);

  // The settings list names the teams and their targets.
  const index = decode((await admin.agent.get(BASE).expect(200)).text);
  expect(index).toContain('Internal (Support): Resolution 4 h');
  expect(index).toContain('Internal (Escalation desk): First response 30 min');
});

it('refuses an internal target not shorter than the customer one at its field, HTTP 422, saving nothing', async () => {
  const res = await admin.post(
    `${BASE}/policies`,
    policyForm('too-long', {
      ...team(0, { name: '', departmentId: '' }),
      ...team(1, {
        departmentId: String(support),
        'targets.resolution.amount': '8',
        'targets.resolution.unit': 'hours',
      }),
    }),
  );
  expect(res.status).toBe(422);
  expect(fieldError(res.text, 'internalTargets.1.targets.resolution.amount')).toEqual([
    'An internal target must be shorter than the customer target (480 minutes).',
  ]);
  expect(await exportedPolicy('too-long')).toBeUndefined();
});

it('refuses a team with both a department and staff, and an internal level without an internal target', async () => {
  const res = await admin.post(
    `${BASE}/policies`,
    policyForm('both', {
      ...team(0, {
        departmentId: String(support),
        staffIds: [String(anna)],
        'targets.resolution.amount': '60',
        'targets.resolution.unit': 'minutes',
      }),
      'escalations.0.metric': 'first_response',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'notify_assignee',
      'escalations.0.internal': '1',
    }),
  );
  expect(res.status).toBe(422);
  expect(fieldError(res.text, 'internalTargets.0.departmentId')).toEqual([
    'Choose a department or assignees (one of the two).',
  ]);
  expect(fieldError(res.text, 'escalations.0.internal')).toEqual([
    'No team has an internal target for First response.',
  ]);
});
