import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { main } from '../../src/cli';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

/**
 * A calendar that can never open is refused (422 naming the field) wherever a policy would use
 * it: the settings forms, the JSON API (whole document, one calendar, one policy) and the CLI.
 */
let t: TestDevhost;
let admin: AdminSession;
let services: ModuleServices;
let dir: string;
const savedUrl = process.env.DATABASE_URL;
const BASE = '/admin/sla_vigil';
const office = { key: 'office', name: 'Office', timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: [] };
const shut = { key: 'shut', name: 'Shut', timezone: 'UTC', week: {}, holidays: [] };
const policy = { key: 'std', name: 'Standard', calendar: 'office', targets: { resolution: { minutes: 60 } } };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC' });
  process.env.DATABASE_URL = t.database.url;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-vigil-never-open-'));
  services = createModuleServices(t.devhost.host);
  await services.config.import({ calendars: [office, shut], policies: [policy] });
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  // The first CSRF token fetched right after login is refused by the devhost; one page view settles it.
  await admin.agent.get('/admin');
});
afterAll(async () => {
  process.env.DATABASE_URL = savedUrl;
  fs.rmSync(dir, { recursive: true, force: true });
  await t.close();
});

async function put(url: string, body: object) {
  const token = await admin.csrf();
  return admin.agent.put(`${BASE}/api/${url}`).set('x-csrf-token', token).send(body);
}
const paths = (res: { body: { issues?: { path: string }[] } }) => (res.body.issues ?? []).map((i) => i.path);

it('the JSON API refuses a policy on it, a calendar a policy uses made never open, and such a document', async () => {
  const before = await services.config.export();
  const onShut = await put('policies/std', { ...policy, key: undefined, calendar: 'shut' });
  expect(onShut.status).toBe(422);
  expect(paths(onShut)).toEqual(['calendar']);
  expect(onShut.body.issues[0].message).toMatch(/calendar "shut" never opens/);

  const closed = await put('calendars/office', { ...office, key: undefined, week: { mon: [], tue: [] } });
  expect(closed.status).toBe(422);
  expect(paths(closed)).toEqual(['week']);
  expect(closed.body.issues[0].message).toMatch(/no opening hours on any weekday.*policy "std"/);

  const holidays = Array.from({ length: 400 }, (_, i) =>
    new Date(Date.UTC(2027, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
  );
  const closedYear = await put('calendars/office', { ...office, key: undefined, holidays });
  expect(closedYear.status).toBe(422);
  expect(paths(closedYear)).toEqual(['holidays']);

  const doc = await put('config', { calendars: [{ ...office, week: {} }], policies: [policy] });
  expect(doc.status).toBe(422);
  expect(paths(doc).sort()).toEqual(['calendars[0].week', 'policies[0].calendar']);
  expect(await services.config.export()).toEqual(before);
  // A calendar no policy uses may stay closed (a draft).
  expect((await put('calendars/shut', { ...shut, key: undefined, name: 'Still shut' })).status).toBe(200);
});

it('the settings forms show the message next to the field, HTTP 422, nothing saved', async () => {
  const before = await services.config.export();
  const res = await admin.post(`${BASE}/settings/calendars/office`, {
    key: 'office',
    name: 'Office',
    timezone: 'UTC',
    'week.mon.0.start': '09:00',
    'week.mon.0.end': '17:00',
    // Open on Mondays only: the closed days around the holidays count too.
    holidays: Array.from({ length: 400 }, (_, i) =>
      new Date(Date.UTC(2027, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    ).join('\n'),
    holidayCountry: '',
    holidayRegion: '',
    holidayFrom: '2026',
    holidayTo: '2026',
  });
  expect(res.status).toBe(422);
  expect(res.text).toMatch(
    /data-field="holidays"[^>]*>These holidays close the calendar for 405 days in a row from 2026-12-29, so a policy using it \(std\) could not fall due/,
  );
  const form = await admin.post(`${BASE}/settings/policies/std`, {
    key: 'std',
    name: 'Standard',
    active: '1',
    calendar: 'shut',
    'targets.resolution.amount': '60',
    'targets.resolution.unit': 'minutes',
    'targets.resolution.warnType': '',
    'targets.resolution.warnValue': '',
    pauseStatusIds: ['3', '4'],
  });
  expect(form.status).toBe(422);
  expect(form.text).toMatch(/data-field="calendar"[^>]*>The calendar &#34;shut&#34; never opens/);
  expect(await services.config.export()).toEqual(before);
});

it('sla-vigil config import refuses it and lists the fields', async () => {
  const file = path.join(dir, 'closed.json');
  fs.writeFileSync(file, JSON.stringify({ policies: [{ ...policy, calendar: 'shut' }] }));
  const error = await main(['node', 'sla-vigil', 'config', 'import', file]).then(
    () => null,
    (err: Error) => err.message,
  );
  expect(error).toMatch(/^invalid configuration:/);
  expect(error).toContain('policies[0].calendar: calendar "shut" never opens');
  expect((await services.config.export()).policies[0].calendar).toBe('office');
});

it('a clock on a never-open calendar stored before they were refused reads "not due": no failed scan, no 500', async () => {
  // Written straight into the tables, as an older version could have saved it.
  const db = t.devhost.db;
  await db('tblsla_vigil_calendars').insert({
    key: 'legacy',
    name: 'Legacy',
    timezone: 'UTC',
    week: '{}',
    holidays: '[]',
    updated_at: '2026-01-01 00:00:00',
  });
  const [department] = await db('tbldepartments').insert({ name: 'Legacy desk' });
  await db('tblsla_vigil_policies').insert({
    key: 'legacy',
    name: 'Legacy',
    position: 0,
    match: JSON.stringify({ departmentIds: [department] }),
    calendar_key: 'legacy',
    targets: JSON.stringify({ first_response: { minutes: 60 } }),
    pause_status_ids: '[]',
    escalations: '[]',
    updated_at: '2026-01-01 00:00:00',
  });
  await services.config.saveSettings({}, null); // a config write: caches see the new version
  const id = await t.devhost.tickets.create({ subject: 'Never due', message: 'm', department, admin: 1 });
  const scan = await services.scanner.run(t.devhost.host.clock.now());
  expect(scan.failed).toBe(0);
  expect(await services.clockRepo.forSubjects([id])).toEqual([]);
  expect((await services.subjects.getMany([id])).get(id)).toMatchObject({ slaState: 'on_track' });

  const res = await admin.agent.get(`${BASE}/api/tickets/${id}`);
  expect(res.status).toBe(200);
  expect(res.body.clocks).toEqual([
    expect.objectContaining({
      metric: 'first_response',
      state: 'not_due',
      dueAt: null,
      warnAt: null,
      explain: [expect.stringMatching(/not due: the calendar never opens, so there is no due time$/)],
    }),
  ]);
  const page = await admin.agent.get(`/admin/tickets/ticket/${id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('data-sla-state="not_due"');
  expect(page.text).toContain('not due: the calendar never opens');
});
