import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import { insertStaff } from '../helpers/host-fixtures';
import { decode, fieldError } from '../helpers/settings-html';

/**
 * The Working hours and On-call settings pages (manage): forms with CSRF, 422 at the field for bad
 * input, a round trip through the stored document, and "on call now" / "next handovers" / "off
 * until" as of the host's clock. UTC host, 2026-03-27 18:00Z (a Friday evening in Berlin).
 */
const BASE = '/admin/sla_vigil/settings';
const clock = new MutableClock(new Date('2026-03-27T18:00:00Z'));
let t: TestDevhost;
let admin: AdminSession;
let support = 0;
const staff: Record<string, number> = {};

const rota = () => ({
  key: 'desk',
  name: 'Support desk',
  departmentId: String(support),
  fallbackStaffId: String(staff.lea),
  type: 'weekly',
  timezone: 'Europe/Berlin',
  startsAt: '2026-03-16',
  handover: '09:00',
  'order.0': String(staff.ana),
  'order.1': '',
  'order.2': String(staff.ben),
  'ranges.0.from': '',
  'ranges.0.to': '',
  'ranges.0.staffId': '',
});

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  staff.ana = await insertStaff(db, 'ana.berlin@example.com', 'pw123456');
  staff.ben = await insertStaff(db, 'ben.york@example.com', 'pw123456');
  staff.lea = await insertStaff(db, 'lea.lead@example.com', 'pw123456');
  await db('tblstaff_departments').insert([
    { staffid: staff.ana, departmentid: support },
    { staffid: staff.ben, departmentid: support },
  ]);
  admin = await loginAs(t.devhost.app, ADMIN_EMAIL);
  await admin.agent.get('/admin');
});
afterAll(() => t.close());

it('saves a weekly rota and shows who is on call now and the next handovers', async () => {
  const res = await admin.post(`${BASE}/on-call`, rota());
  expect(res.status).toBe(303);
  const list = decode((await admin.agent.get(`${BASE}/on-call`).expect(200)).text);
  // Week 0 from 16 March is Ana's, week 1 (from 23 March) Ben's, blank order rows skipped.
  expect(list).toMatch(/data-testid="sv-on-call-now"><strong>Ben York<\/strong>/);
  // The next handover is Monday 30 March 09:00 in Berlin: 07:00 UTC after the DST change.
  expect(list).toContain('Mon 30 Mar 07:00: Ana Berlin');
  expect(list).toContain('Support');
  const edit = decode((await admin.agent.get(`${BASE}/on-call/desk/edit`).expect(200)).text);
  expect(edit).toMatch(/name="order\.0"[^>]*>[\s\S]*?<option value="\d+" selected>Ana Berlin/);
  expect(edit).toContain('value="09:00"');
});

it('date ranges are typed in the rota zone and round-trip', async () => {
  const res = await admin.post(`${BASE}/on-call`, {
    ...rota(),
    key: 'xmas',
    type: 'ranges',
    'ranges.0.from': '2026-12-24T17:00',
    'ranges.0.to': '2026-12-27T09:00',
    'ranges.0.staffId': String(staff.ben),
  });
  expect(res.status).toBe(303);
  const doc = JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
  expect(doc.onCall.find((r: { key: string }) => r.key === 'xmas').rotation).toEqual({
    type: 'ranges',
    ranges: [{ from: '2026-12-24T17:00:00+01:00', to: '2026-12-27T09:00:00+01:00', staffId: staff.ben }],
  });
  const list = decode((await admin.agent.get(`${BASE}/on-call`).expect(200)).text);
  // Nobody in range now: the fallback, marked as such.
  expect(list).toMatch(/<strong>Lea Lead<\/strong> <small class="sv-muted">\(fallback\)/);
});

it.each([
  ['handover', { handover: '25:00' }, 'Enter a time between 00:00 and 23:59.'],
  ['startsAt', { startsAt: '' }, 'Required.'],
  ['order.0', { 'order.0': '', 'order.2': '' }, 'Choose at least one person.'],
  ['departmentId', { departmentId: '999' }, null],
  [
    'ranges.0.to',
    {
      type: 'ranges',
      'ranges.0.from': '2026-12-27T09:00',
      'ranges.0.to': '2026-12-24T09:00',
      'ranges.0.staffId': '1',
    },
    'The end must be after the start.',
  ],
  [
    'ranges.0.from',
    { type: 'ranges', 'ranges.0.from': 'soon', 'ranges.0.to': '2026-12-24T09:00', 'ranges.0.staffId': '1' },
    'Enter a date and time.',
  ],
])('refuses a bad %s with 422 at the field', async (field, change, message) => {
  const res = await admin.post(`${BASE}/on-call`, {
    ...rota(),
    key: `bad-${field.replace(/\W/g, '')}`,
    ...change,
  });
  expect(res.status).toBe(422);
  const errors = fieldError(res.text, field);
  expect(errors.length).toBeGreaterThan(0);
  if (message) expect(errors).toContain(message);
});

it('refuses a post without CSRF; an unused rota can be deleted', async () => {
  await admin.agent
    .post(`${BASE}/on-call`)
    .type('form')
    .send({ ...rota(), key: 'nocsrf' })
    .expect(403);
  const doc = JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
  expect(doc.onCall.map((r: { key: string }) => r.key)).not.toContain('nocsrf');
  const deleted = await admin.post(`${BASE}/on-call/xmas/delete`);
  expect(deleted.status).toBe(303);
});

it('sets working hours by calendar name and zone, and shows who is off until when', async () => {
  const calendar = await admin.post(`${BASE}/calendars`, {
    key: 'office',
    name: 'Office hours',
    timezone: 'Europe/Berlin',
    'week.mon.0.start': '09:00',
    'week.mon.0.end': '17:00',
    'week.tue.0.start': '09:00',
    'week.tue.0.end': '17:00',
    holidays: '',
    holidayCountry: '',
    holidayRegion: '',
    holidayFrom: '2026',
    holidayTo: '2026',
  });
  expect(calendar.status).toBe(303);
  expect(
    (await admin.post(`${BASE}/working-hours/${staff.ana}`, { calendar: 'office', timezone: '' })).status,
  ).toBe(303);
  expect(
    (
      await admin.post(`${BASE}/working-hours/${staff.ben}`, {
        calendar: 'office',
        timezone: 'America/New_York',
      })
    ).status,
  ).toBe(303);
  const page = decode((await admin.agent.get(`${BASE}/working-hours`).expect(200)).text);
  // Ana: Monday 09:00 CEST, shown in her zone; Ben: Monday 09:00 EDT.
  expect(page).toContain('Off until Mon 30 Mar 09:00 (Europe/Berlin)');
  expect(page).toContain('Off until Mon 30 Mar 09:00 (America/New_York)');
  const doc = JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
  expect(doc.staffSchedules).toEqual([
    { staffId: staff.ana, calendar: 'office' },
    { staffId: staff.ben, calendar: 'office', timezone: 'America/New_York' },
  ]);

  const bad = await admin.post(`${BASE}/working-hours/${staff.ana}`, {
    calendar: 'nope',
    timezone: 'Mars/Base',
  });
  expect(bad.status).toBe(422);
  expect(fieldError(bad.text, 'timezone').length).toBe(1);
  const unknown = await admin.post(`${BASE}/working-hours/${staff.ana}`, { calendar: 'nope', timezone: '' });
  expect(unknown.status).toBe(422);
  expect(fieldError(unknown.text, 'calendar').length).toBe(1);
  // Back to always reachable: no entry left.
  expect(
    (await admin.post(`${BASE}/working-hours/${staff.ben}`, { calendar: '', timezone: '' })).status,
  ).toBe(303);
  const after = JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
  expect(after.staffSchedules).toEqual([{ staffId: staff.ana, calendar: 'office' }]);
});

const policy = (extra: Record<string, string>) => ({
  key: 'desk-policy',
  name: 'Desk',
  active: '1',
  calendar: '',
  'targets.first_response.amount': '1',
  'targets.first_response.unit': 'hours',
  'targets.first_response.warnType': '',
  'targets.first_response.warnValue': '',
  'escalations.0.metric': 'first_response',
  'escalations.0.trigger': 'at_due',
  'escalations.0.minutes': '',
  ...extra,
});

it('the ladder editor saves on-call and working-hours levels and says whom each would reach now', async () => {
  const saved = await admin.post(
    `${BASE}/policies`,
    policy({
      'escalations.0.action': 'notify_on_call',
      'escalations.0.rota': 'desk',
      'escalations.1.metric': 'first_response',
      'escalations.1.trigger': 'at_due',
      'escalations.1.action': 'notify_department',
      'escalations.1.departmentId': String(support),
      'escalations.1.deliver': 'working_hours',
      'escalations.2.metric': 'first_response',
      'escalations.2.trigger': 'at_due',
      'escalations.2.action': 'notify_assignee',
    }),
  );
  expect(saved.status).toBe(303);
  const doc = JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
  const { escalations } = doc.policies.find((p: { key: string }) => p.key === 'desk-policy');
  expect(escalations[0]).toEqual({
    metric: 'first_response',
    trigger: { type: 'at_due' },
    action: { type: 'notify_on_call', rota: 'desk' },
  });
  expect(escalations[1]).toMatchObject({ deliver: 'working_hours' });
  expect(escalations[2].deliver).toBeUndefined();

  const form = decode((await admin.agent.get(`${BASE}/policies/desk-policy/edit`).expect(200)).text);
  const reach = [...form.matchAll(/data-testid="sv-level-reach">([^<]*)</g)].map((m) => m[1]);
  expect(reach).toEqual([
    // Friday 27 March: the second week of the rota, Ben's.
    'Would reach now: Ben York',
    // Ana's hours (Berlin) are over until Monday 09:00 her time; Ben has no schedule (any more).
    'Would reach now: Ana Berlin (held until Mon 30 Mar 09:00), Ben York',
    'Would reach now: the assignee (or the fallback set under General settings)',
  ]);
  expect(form).toMatch(/name="escalations\.0\.rota"[\s\S]*?<option value="desk" selected>Support desk/);

  // A rota a level names cannot be deleted.
  const refused = await admin.post(`${BASE}/on-call/desk/delete`);
  expect(refused.status).toBe(409);
  expect(decode(refused.text)).toContain('Rota desk is used by an escalation level');
  // A rota that does not exist is refused at the level's field.
  const bad = await admin.post(
    `${BASE}/policies`,
    policy({ key: 'bad-rota', 'escalations.0.action': 'notify_on_call', 'escalations.0.rota': 'nope' }),
  );
  expect(bad.status).toBe(422);
  expect(fieldError(bad.text, 'escalations.0.rota')).toEqual(['Choose an on-call rota.']);
  const held = await admin.post(
    `${BASE}/policies`,
    policy({
      key: 'bad-hold',
      'escalations.0.action': 'raise_priority',
      'escalations.0.deliver': 'working_hours',
    }),
  );
  expect(held.status).toBe(422);
  expect(fieldError(held.text, 'escalations.0.deliver')).toEqual([
    'Only levels that notify someone can wait for working hours.',
  ]);
});

it('pages are for managers only, in German too', async () => {
  await t.devhost.db('tblstaff').where('staffid', 1).update({ default_language: 'german' });
  const de = await loginAs(t.devhost.app, ADMIN_EMAIL);
  const page = decode((await de.agent.get(`${BASE}/on-call`).expect(200)).text);
  expect(page).toContain('Jetzt in Bereitschaft');
  await t.devhost.db('tblstaff').where('staffid', 1).update({ default_language: '' });
});
