import {
  insertStaffPerAccessLevel,
  insertStaffWithCapabilities,
  STAFF_PASSWORD,
} from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { decode, fieldError } from '../helpers/settings-html';

let t: TestDevhost;
let admin: AdminSession;
let department: number;
let acme: number;
let globex: number;
let hosting: number;
const BASE = '/admin/sla_vigil/settings';
const XSS = '<img src=x onerror=alert(1)>';

async function login(email: string): Promise<AdminSession> {
  const session = await loginAs(t.devhost.app, email);
  // The first CSRF token fetched right after login is refused by the devhost; one page view settles it.
  await session.agent.get('/admin');
  return session;
}

async function exportDoc(): Promise<{
  calendars: Record<string, unknown>[];
  policies: Record<string, unknown>[];
  settings: Record<string, unknown>;
}> {
  const res = await admin.agent.get(`${BASE}/export`).expect(200);
  return JSON.parse(res.text);
}

function isInvalid(html: string, name: string): boolean {
  const re = new RegExp(
    `<(input|select|textarea)[^>]*name="${name.replace(/\./g, '\\.')}"[^>]*class="[^"]*sv-invalid`,
  );
  return re.test(html);
}

const office = {
  key: 'office',
  name: 'Office hours',
  timezone: 'Europe/Berlin',
  'week.mon.0.start': '09:00',
  'week.mon.0.end': '12:00',
  'week.mon.1.start': '',
  'week.mon.1.end': '',
  'week.mon.2.start': '13:00',
  'week.mon.2.end': '17:00',
  'week.tue.0.start': '09:00',
  'week.tue.0.end': '17:00',
  'week.thu.0.start': '22:00',
  'week.thu.0.end': '06:00',
  holidays: '2026-12-25\n2026-12-26',
  holidayCountry: '',
  holidayRegion: '',
  holidayFrom: '2026',
  holidayTo: '2026',
};

function policyForm(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    name: `Policy ${key}`,
    active: '1',
    calendar: '',
    'match.departmentIds': [],
    'match.priorityIds': ['3'],
    'match.clientIds': '',
    'match.serviceIds': '',
    'targets.first_response.amount': '2',
    'targets.first_response.unit': 'hours',
    'targets.first_response.warnType': 'percent',
    'targets.first_response.warnValue': '75',
    'targets.next_response.amount': '',
    'targets.next_response.unit': 'hours',
    'targets.next_response.warnType': '',
    'targets.next_response.warnValue': '',
    'targets.resolution.amount': '480',
    'targets.resolution.unit': 'minutes',
    'targets.resolution.warnType': 'minutes',
    'targets.resolution.warnValue': '60',
    pauseStatusIds: ['3', '4'],
    ...extra,
  };
}

beforeAll(async () => {
  t = await startTestDevhost();
  [department] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  const datecreated = '2026-01-01 00:00:00';
  [acme] = await t.devhost.db('tblclients').insert({ company: 'Acme GmbH', datecreated });
  [globex] = await t.devhost.db('tblclients').insert({ company: 'Globex & Co', datecreated });
  [hosting] = await t.devhost.db('tblservices').insert({ name: 'Web hosting' });
  await insertStaffPerAccessLevel(t.devhost.db);
  admin = await login('admin@example.com');
  expect((await admin.post(`${BASE}/calendars`, office)).status).toBe(303);
  expect((await admin.post(`${BASE}/policies`, policyForm('base', { calendar: 'office' }))).status).toBe(303);
});
afterAll(() => t.close());

describe('settings pages: who may open them', () => {
  const pages = [
    BASE,
    `${BASE}/calendars/new`,
    `${BASE}/calendars/office/edit`,
    `${BASE}/policies/new`,
    `${BASE}/policies/base/edit`,
    `${BASE}/export`,
  ];
  it.each([
    ['admin@example.com', 200],
    ['manager@x.test', 200],
    ['viewer@x.test', 403],
    ['agent@x.test', 403],
  ])('%s gets %i on every page', async (email, status) => {
    const session = await login(email);
    for (const page of pages) {
      const res = await session.agent.get(page);
      expect([page, res.status]).toEqual([page, status]);
    }
  });

  it.each(['viewer@x.test', 'agent@x.test'])('%s cannot post to any settings form', async (email) => {
    const session = await login(email);
    const before = await exportDoc();
    const posts: [string, Record<string, unknown>][] = [
      [`${BASE}/calendars`, { ...office, key: 'sneaky' }],
      [`${BASE}/calendars/office`, { ...office, name: 'Hacked' }],
      [`${BASE}/calendars/office/delete`, {}],
      [`${BASE}/policies`, policyForm('sneaky')],
      [`${BASE}/policies/base`, policyForm('base', { name: 'Hacked' })],
      [`${BASE}/policies/base/delete`, {}],
      [`${BASE}/policies/base/move`, { direction: 'down' }],
      [`${BASE}/general`, { cooldownMinutes: '1', defaultWarnAtPercent: '50', scanIntervalMinutes: '5' }],
      [`${BASE}/import`, { document: '{"calendars":[]}' }],
    ];
    for (const [path, fields] of posts) {
      const res = await session.post(path, fields);
      // Refused for want of permission (the forbidden page), not for a bad token.
      expect([path, res.status, res.text.includes('data-testid="sv-forbidden"')]).toEqual([path, 403, true]);
    }
    expect(await exportDoc()).toEqual(before);
  });

  it('a POST without the CSRF token is refused and changes nothing', async () => {
    const manager = await login('manager@x.test');
    const before = await exportDoc();
    const res = await manager.agent
      .post(`${BASE}/calendars`)
      .type('form')
      .send({ ...office, key: 'nocsrf' });
    expect(res.status).toBe(403);
    const del = await manager.agent.post(`${BASE}/policies/base/delete`).type('form').send({});
    expect(del.status).toBe(403);
    expect(await exportDoc()).toEqual(before);
  });
});

describe('calendars', () => {
  it('the index lists calendars and policies with edit and delete', async () => {
    const res = await admin.agent.get(BASE).expect(200);
    expect(res.text).toContain('data-calendar="office"');
    expect(res.text).toContain('Europe/Berlin');
    expect(res.text).toContain('data-policy="base"');
    expect(res.text).toContain(`action="${BASE}/calendars/office/delete"`);
    expect(res.text).toContain(`href="${BASE}/policies/base/edit"`);
  });

  it('creating stores several intervals on one day, skipping blank rows', async () => {
    const row = await t.devhost.db('tblsla_vigil_calendars').where('key', 'office').first();
    expect(JSON.parse(row.week)).toEqual({
      mon: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
      tue: [['09:00', '17:00']],
      thu: [['22:00', '06:00']],
    });
    expect(JSON.parse(row.holidays)).toEqual(['2026-12-25', '2026-12-26']);
    expect(row.timezone).toBe('Europe/Berlin');
    // The edit form shows them again, with a blank row to add another without JS.
    const form = await admin.agent.get(`${BASE}/calendars/office/edit`).expect(200);
    expect(form.text).toMatch(/name="week\.mon\.1\.start" value="13:00"/);
    expect(form.text).toContain('name="week.mon.2.start" value=""');
  });

  it('editing keeps the key, and a redirect says what was saved', async () => {
    const res = await admin.post(`${BASE}/calendars/office`, {
      ...office,
      key: 'renamed',
      name: 'Office (edited)',
      'week.wed.4.start': '10:00',
      'week.wed.4.end': '24:00',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BASE}?saved=calendar:office#calendars`);
    const row = await t.devhost.db('tblsla_vigil_calendars').where('key', 'office').first();
    expect(row.name).toBe('Office (edited)');
    expect(JSON.parse(row.week).wed).toEqual([['10:00', '24:00']]);
    expect(await t.devhost.db('tblsla_vigil_calendars').where('key', 'renamed').first()).toBeUndefined();
    const index = await admin.agent.get(res.headers.location).expect(200);
    expect(index.text).toContain('data-testid="sv-notice"');
    expect(index.text).toContain('Calendar &#34;Office (edited)&#34; saved.');
  });

  it('importing holidays fills the form for review and saves nothing', async () => {
    const before = await exportDoc();
    const res = await admin.post(`${BASE}/calendars`, {
      ...office,
      key: 'berlin',
      holidays: '2026-06-01',
      holidayCountry: 'DE',
      holidayRegion: 'BE',
      holidayFrom: '2026',
      holidayTo: '2027',
      _action: 'import_holidays',
    });
    expect(res.status).toBe(200);
    const box = /<textarea id="sv-holidays"[^>]*>([^<]*)<\/textarea>/.exec(res.text)?.[1] ?? '';
    const dates = box.split('\n');
    expect(dates).toEqual(expect.arrayContaining(['2026-06-01', '2026-12-25', '2027-01-01', '2026-03-08']));
    expect(dates).toEqual([...dates].sort());
    expect(res.text).toContain('value="berlin"');
    expect(await exportDoc()).toEqual(before);

    const bad = await admin.post(`${BASE}/calendars`, {
      ...office,
      key: 'x',
      holidayCountry: 'QQ',
      _action: 'import_holidays',
    });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'holidayCountry')).toEqual([
      'No public holidays are known for the country "QQ"; use an ISO code such as DE.',
    ]);
  });

  it('an invalid calendar re-renders with messages next to the fields, HTTP 422, nothing saved', async () => {
    const before = await exportDoc();
    const res = await admin.post(`${BASE}/calendars`, {
      ...office,
      key: 'broken',
      name: 'Broken',
      'week.mon.2.start': '25:00',
      'week.tue.1.start': '10:00',
      'week.tue.1.end': '',
    });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'week.tue.1.end')).toEqual(['Give both a start and an end time.']);
    expect(isInvalid(res.text, 'week.tue.1.end')).toBe(true);
    // What the person typed is still there.
    expect(res.text).toContain('name="week.mon.2.start" value="25:00"');
    expect(await exportDoc()).toEqual(before);

    // With the form's own checks passing, the service's validation lands on the right row.
    const res2 = await admin.post(`${BASE}/calendars`, {
      ...office,
      key: 'broken',
      'week.mon.2.start': '25:00',
    });
    expect(res2.status).toBe(422);
    expect(fieldError(res2.text, 'week.mon.2.start')).toEqual([
      'Enter a start time between 00:00 and 23:59 (not: 25:00).',
    ]);
    expect(isInvalid(res2.text, 'week.mon.2.start')).toBe(true);
    const res3 = await admin.post(`${BASE}/calendars`, {
      ...office,
      key: 'Bad Key!',
      holidays: '2026-02-30',
    });
    expect(res3.status).toBe(422);
    expect(fieldError(res3.text, 'key')[0]).toMatch(/^Use 1 to 64 characters/);
    expect(fieldError(res3.text, 'holidays')).toEqual([
      'Not an existing date in the form YYYY-MM-DD: 2026-02-30.',
    ]);
    const dup = await admin.post(`${BASE}/calendars`, { ...office, name: 'Another' });
    expect(dup.status).toBe(422);
    expect(fieldError(dup.text, 'key')).toEqual(['This key is already in use.']);
    expect(await exportDoc()).toEqual(before);
  });

  it('deleting a calendar that a policy uses is refused with a clear message', async () => {
    const res = await admin.post(`${BASE}/calendars/office/delete`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('data-testid="sv-list-error"');
    expect(res.text).toContain('it is used by the policies base');
    expect(await t.devhost.db('tblsla_vigil_calendars').where('key', 'office').first()).toBeDefined();
  });

  it('deleting an unused calendar removes it', async () => {
    expect((await admin.post(`${BASE}/calendars`, { ...office, key: 'spare', name: 'Spare' })).status).toBe(
      303,
    );
    const res = await admin.post(`${BASE}/calendars/spare/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toContain('deleted=calendar:spare');
    expect(await t.devhost.db('tblsla_vigil_calendars').where('key', 'spare').first()).toBeUndefined();
    expect((await admin.post(`${BASE}/calendars/spare/delete`)).status).toBe(404);
  });
});

describe('policies', () => {
  it('creating stores targets, match, pause statuses and the escalation ladder', async () => {
    const res = await admin.post(
      `${BASE}/policies`,
      policyForm('gold', {
        'match.departmentIds': [String(department)],
        'match.clientIds': [String(acme), String(globex)],
        'escalations.0.metric': 'first_response',
        'escalations.0.trigger': 'before_due',
        'escalations.0.minutes': '15',
        'escalations.0.action': 'notify_assignee',
        'escalations.1.metric': '',
        'escalations.1.action': '',
        'escalations.2.metric': 'resolution',
        'escalations.2.trigger': 'after_due',
        'escalations.2.minutes': '30',
        'escalations.2.action': 'notify_staff',
        'escalations.2.staffId': '1',
        'escalations.2.departmentId': String(department),
        'escalations.3.metric': 'resolution',
        'escalations.3.trigger': 'at_due',
        'escalations.3.minutes': '99',
        'escalations.3.action': 'raise_priority',
        'escalations.3.priorityId': '3',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BASE}?saved=policy:gold#policies`);
    const gold = (await exportDoc()).policies.find((p) => p.key === 'gold');
    expect(gold).toEqual({
      key: 'gold',
      name: 'Policy gold',
      subject: 'ticket',
      active: true,
      position: 1,
      match: { departmentIds: [department], priorityIds: [3], clientIds: [acme, globex] },
      calendar: null,
      targets: {
        first_response: { minutes: 120, warnAtPercent: 75 },
        resolution: { minutes: 480, warnBeforeMinutes: 60 },
      },
      pauseStatusIds: [3, 4],
      escalations: [
        {
          metric: 'first_response',
          trigger: { type: 'before_due', minutes: 15 },
          action: { type: 'notify_assignee' },
        },
        {
          metric: 'resolution',
          trigger: { type: 'after_due', minutes: 30 },
          action: { type: 'notify_staff', staffId: 1 },
        },
        {
          metric: 'resolution',
          trigger: { type: 'at_due' },
          action: { type: 'raise_priority', priorityId: 3 },
        },
      ],
    });
    const form = await admin.agent.get(`${BASE}/policies/gold/edit`).expect(200);
    expect(form.text).toMatch(/name="targets\.first_response\.amount"[^>]*value="2"/);
    expect(form.text).toMatch(/<option value="hours" selected>/);
    expect(form.text).toContain('name="escalations.4.metric"');
  });

  it('a level can be limited to unassigned tickets, and the form keeps the condition on the next save', async () => {
    const level = {
      'escalations.0.metric': 'resolution',
      'escalations.0.trigger': 'after_due',
      'escalations.0.minutes': '10',
      'escalations.0.action': 'reassign_staff',
      'escalations.0.staffId': '1',
    };
    const res = await admin.post(
      `${BASE}/policies`,
      policyForm('triage', { ...level, 'escalations.0.unassigned': '1' }),
    );
    expect(res.status).toBe(303);
    const stored = (await exportDoc()).policies.find((p) => p.key === 'triage');
    expect((stored?.escalations as unknown[])[0]).toEqual({
      metric: 'resolution',
      trigger: { type: 'after_due', minutes: 10 },
      action: { type: 'reassign_staff', staffId: 1 },
      when: { unassigned: true },
    });
    const form = await admin.agent.get(`${BASE}/policies/triage/edit`).expect(200);
    expect(form.text).toMatch(/<input type="checkbox" name="escalations\.0\.unassigned" value="1" checked>/);
    expect(form.text).toMatch(/<input type="checkbox" name="escalations\.1\.unassigned" value="1" >/);
    // Anything but the checkbox's own value is refused at the field.
    const bad = await admin.post(
      `${BASE}/policies`,
      policyForm('triage2', { ...level, 'escalations.0.unassigned': 'yes' }),
    );
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('data-field="escalations.0.unassigned"');
    // The tests below count the policies without this one.
    expect((await admin.post(`${BASE}/policies/triage/delete`)).status).toBe(303);
  });

  it('the form offers clients and services by name, filterable, with the stored ones chosen', async () => {
    const form = await admin.agent.get(`${BASE}/policies/gold/edit`).expect(200);
    const options = (field: string): string[] => {
      const select = new RegExp(`<select id="sv-${field}"[^>]*>([\\s\\S]*?)</select>`).exec(form.text);
      return [...(select?.[1] ?? '').matchAll(/<option value="(\d+)" ?(selected)?>([^<]*)</g)].map(
        (m) => `${m[1]}${m[2] ? '*' : ''} ${decode(m[3])}`,
      );
    };
    expect(options('clientIds')).toEqual([`${acme}* Acme GmbH`, `${globex}* Globex & Co`]);
    expect(options('serviceIds')).toEqual([`${hosting} Web hosting`]);
    expect(form.text).toMatch(/<select id="sv-clientIds" name="match\.clientIds" multiple/);
    // The filter box has no name: it is never posted, and stays hidden until the script shows it.
    expect(form.text).toMatch(/<input type="search"[^>]*data-choice-filter="sv-clientIds"[^>]*hidden>/);
    expect(form.text).not.toContain('inputmode="numeric" placeholder="12, 40"');
  });

  it('a client or service id the host does not know is refused next to its field, HTTP 422', async () => {
    const before = await exportDoc();
    const res = await admin.post(
      `${BASE}/policies`,
      policyForm('ghost', { 'match.clientIds': [String(acme), '99999'], 'match.serviceIds': ['88888'] }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'match.clientIds')).toEqual([
      'Choose clients from the list (unknown: 99999).',
    ]);
    expect(fieldError(res.text, 'match.serviceIds')).toEqual([
      'Choose services from the list (unknown: 88888).',
    ]);
    expect(isInvalid(res.text, 'match.clientIds')).toBe(true);
    // What was sent stays chosen, the unknown id labelled as such.
    expect(res.text).toContain('<option value="99999" selected>#99999 (not in the CRM)</option>');
    expect(await exportDoc()).toEqual(before);
  });

  it('a client deleted in the CRM since does not block editing the policy that names it', async () => {
    const [gone] = await t.devhost
      .db('tblclients')
      .insert({ company: 'Soon gone', datecreated: '2026-01-01' });
    expect(
      (await admin.post(`${BASE}/policies`, policyForm('keeps', { 'match.clientIds': [String(gone)] })))
        .status,
    ).toBe(303);
    await t.devhost.db('tblclients').where('userid', gone).delete();
    const form = await admin.agent.get(`${BASE}/policies/keeps/edit`).expect(200);
    expect(form.text).toContain(`<option value="${gone}" selected>#${gone} (not in the CRM)</option>`);
    const res = await admin.post(
      `${BASE}/policies/keeps`,
      policyForm('keeps', { name: 'Keeps', 'match.clientIds': [String(gone)] }),
    );
    expect(res.status).toBe(303);
    expect((await exportDoc()).policies.find((p) => p.key === 'keeps')?.match).toEqual({
      priorityIds: [3],
      clientIds: [gone],
    });
    expect((await admin.post(`${BASE}/policies/keeps/delete`)).status).toBe(303);
  });

  it('the list says what each policy applies to and its targets, in words with names', async () => {
    const res = await admin.agent.get(BASE).expect(200);
    const cell = (key: string, testid: string): string => {
      const row = new RegExp(`<tr data-policy="${key}"[\\s\\S]*?</tr>`).exec(res.text)?.[0] ?? '';
      return decode(new RegExp(`data-testid="${testid}">([^<]*)<`).exec(row)?.[1] ?? '');
    };
    expect(cell('gold', 'sv-policy-applies')).toBe(
      'Department Support; priority High; clients Acme GmbH, Globex & Co',
    );
    expect(cell('gold', 'sv-policy-targets')).toBe('First response 2 h, Resolution 8 h');
    // "base" counts on the office calendar: business hours.
    expect(cell('base', 'sv-policy-applies')).toBe('priority High');
    expect(cell('base', 'sv-policy-targets')).toBe('First response 2 business h, Resolution 8 business h');
    // A calendar lists the policies that use it by name, not by key.
    const usedBy = /<tr data-calendar="office"[\s\S]*?data-testid="sv-calendar-used-by">([^<]*)</.exec(
      res.text,
    );
    expect(usedBy?.[1]).toBe('Policy base');
    // A policy without a calendar reads as the rule tester words it.
    expect(res.text).toMatch(
      /<tr data-policy="gold"[\s\S]*?data-label="Calendar">Around the clock \(24×7\)</,
    );
    // On a phone both tables are cards: every value cell says what it is.
    for (const table of ['sv-calendars-table', 'sv-policies-table'])
      expect(res.text).toContain(`class="sv-table sv-card-table" data-testid="${table}"`);
    for (const label of ['Order', 'Name', 'Applies to', 'Targets', 'Calendar', 'Time zone', 'Used by'])
      expect(res.text).toContain(`data-label="${label}"`);
  });

  it('editing changes the stored row, keeps the key and its position', async () => {
    const res = await admin.post(
      `${BASE}/policies/gold`,
      policyForm('gold', {
        name: 'Gold (edited)',
        active: undefined,
        calendar: 'office',
        'targets.next_response.amount': '30',
        'targets.next_response.unit': 'minutes',
      }),
    );
    expect(res.status).toBe(303);
    const row = await t.devhost.db('tblsla_vigil_policies').where('key', 'gold').first();
    expect(row.name).toBe('Gold (edited)');
    expect(row.active).toBe(0);
    expect(row.calendar_key).toBe('office');
    expect(row.position).toBe(1);
    expect(JSON.parse(row.targets).next_response).toEqual({ minutes: 30 });
    expect(JSON.parse(row.escalations)).toEqual([]);
  });

  it('an invalid policy shows each message next to its field, HTTP 422, nothing saved', async () => {
    const before = await exportDoc();
    const res = await admin.post(
      `${BASE}/policies`,
      policyForm('bad', {
        'targets.first_response.amount': 'soon',
        'escalations.1.metric': 'resolution',
        'escalations.1.trigger': 'at_due',
        'escalations.1.action': '',
      }),
    );
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'targets.first_response.amount')).toEqual(['Enter a number.']);
    expect(isInvalid(res.text, 'targets.first_response.amount')).toBe(true);
    expect(fieldError(res.text, 'escalations.1.action')).toEqual(['Required.']);
    expect(res.text).toMatch(/name="targets\.first_response\.amount"[^>]*value="soon"/);

    const res2 = await admin.post(
      `${BASE}/policies`,
      policyForm('bad', {
        'targets.first_response.amount': '',
        'targets.resolution.warnValue': '600',
        'escalations.2.metric': 'first_response',
        'escalations.2.trigger': 'after_due',
        'escalations.2.action': 'notify_staff',
      }),
    );
    expect(res2.status).toBe(422);
    expect(fieldError(res2.text, 'targets.resolution.warnValue')[0]).toMatch(/must come before the target/);
    expect(fieldError(res2.text, 'escalations.2.minutes')[0]).toMatch(/minutes for this trigger/);
    expect(fieldError(res2.text, 'escalations.2.staffId')).toEqual(['This action needs: Staff member.']);
    expect(fieldError(res2.text, 'escalations.2.metric')[0]).toMatch(/no target for "First response"/);
    expect(isInvalid(res2.text, 'escalations.2.staffId')).toBe(true);

    const res3 = await admin.post(
      `${BASE}/policies`,
      policyForm('bad', { 'targets.first_response.amount': '', 'targets.resolution.amount': '' }),
    );
    expect(res3.status).toBe(422);
    expect(fieldError(res3.text, 'targets')[0]).toMatch(/at least one target/);
    expect(await exportDoc()).toEqual(before);
  });

  it('the up/down buttons change the evaluation order', async () => {
    for (const key of ['p-a', 'p-b'])
      expect((await admin.post(`${BASE}/policies`, policyForm(key))).status).toBe(303);
    const order = async () =>
      (await t.devhost.db('tblsla_vigil_policies').orderBy('position').select('key', 'position')).map(
        (r) => r.key,
      );
    expect(await order()).toEqual(['base', 'gold', 'p-a', 'p-b']);
    const res = await admin.post(`${BASE}/policies/p-b/move`, { direction: 'up' });
    expect(res.status).toBe(303);
    expect(await order()).toEqual(['base', 'gold', 'p-b', 'p-a']);
    await admin.post(`${BASE}/policies/base/move`, { direction: 'down' });
    expect(await order()).toEqual(['gold', 'base', 'p-b', 'p-a']);
    // The first cannot move further up.
    await admin.post(`${BASE}/policies/gold/move`, { direction: 'up' });
    expect(await order()).toEqual(['gold', 'base', 'p-b', 'p-a']);
    const positions = await t.devhost.db('tblsla_vigil_policies').orderBy('position').pluck('position');
    expect(positions).toEqual([0, 1, 2, 3]);
    // Each move is one audited change of its own, not a whole-document import.
    const moves = await t.devhost
      .db('tblsla_vigil_audit_log')
      .where('action', 'config.move_policy')
      .pluck('details');
    expect(moves.map((d: string) => JSON.parse(d))).toEqual([
      {
        key: 'p-b',
        direction: 'up',
        before: { order: ['base', 'gold', 'p-a', 'p-b'] },
        after: { order: ['base', 'gold', 'p-b', 'p-a'] },
      },
      {
        key: 'base',
        direction: 'down',
        before: { order: ['base', 'gold', 'p-b', 'p-a'] },
        after: { order: ['gold', 'base', 'p-b', 'p-a'] },
      },
    ]);
    const index = await admin.agent.get(BASE).expect(200);
    expect(index.text.indexOf('data-policy="gold"')).toBeLessThan(index.text.indexOf('data-policy="p-a"'));
    const sideways = await admin.post(`${BASE}/policies/p-a/move`, { direction: 'sideways' });
    expect(sideways.status).toBe(422);
    expect(decode(sideways.text)).toContain('value for "direction" that this page does not offer');
    expect(await order()).toEqual(['gold', 'base', 'p-b', 'p-a']);
  });

  it('deleting a policy removes it; then its calendar can go too', async () => {
    const res = await admin.post(`${BASE}/policies/p-a/delete`);
    expect(res.status).toBe(303);
    expect(await t.devhost.db('tblsla_vigil_policies').where('key', 'p-a').first()).toBeUndefined();
    const audit = await t.devhost.db('tblsla_vigil_audit_log').where('action', 'config.delete_policy');
    expect(audit.filter((r) => JSON.parse(r.details).key === 'p-a').length).toBe(1);
  });
});

describe('general settings', () => {
  it('saves cooldown, warning, scan interval, the default pause statuses and the unassigned fallback', async () => {
    const adminId = (await t.devhost.db('tblstaff').where('email', 'admin@example.com').first())
      .staffid as number;
    const res = await admin.post(`${BASE}/general`, {
      cooldownMinutes: '30',
      defaultWarnAtPercent: '70',
      scanIntervalMinutes: '5',
      defaultPauseStatusIds: ['4'],
      unassignedFallback: `staff:${adminId}`,
    });
    expect(res.status).toBe(303);
    expect((await exportDoc()).settings).toEqual({
      cooldownMinutes: 30,
      defaultWarnAtPercent: 70,
      scanIntervalMinutes: 5,
      defaultPauseStatusIds: [4],
      unassignedFallback: 'staff',
      unassignedFallbackStaffId: adminId,
      // Not on this form: the digests keep what they had (their own page).
      digests: {
        daily: { enabled: false, schedule: '0 8 * * 1-5' },
        weekly: { enabled: false, schedule: '0 8 * * 1', extraStaffIds: [] },
      },
    });
    const index = await admin.agent.get(BASE).expect(200);
    expect(index.text).toMatch(new RegExp(`<option value="staff:${adminId}" selected>`));
    // A command quoted in a hint is code, not text between backticks.
    expect(index.text).toContain('<code>sla-vigil worker --every</code>');
    expect(index.text).not.toContain('`sla-vigil');
    // Back to the department (the default): the person is cleared.
    await admin.post(`${BASE}/general`, {
      cooldownMinutes: '30',
      defaultWarnAtPercent: '70',
      scanIntervalMinutes: '5',
      defaultPauseStatusIds: ['4'],
      unassignedFallback: 'department',
    });
    expect((await exportDoc()).settings).toMatchObject({
      unassignedFallback: 'department',
      unassignedFallbackStaffId: null,
    });
    const form = await admin.agent.get(`${BASE}/policies/new`).expect(200);
    expect(form.text).toMatch(/name="pauseStatusIds" value="4" checked/);
    expect(form.text).toMatch(/name="pauseStatusIds" value="3" >/);
    expect(form.text).toContain('Default (70 %)');
  });

  it('rejects an out-of-range interval next to the field, saving nothing', async () => {
    const before = await exportDoc();
    const res = await admin.post(`${BASE}/general`, {
      cooldownMinutes: '30',
      defaultWarnAtPercent: 'x',
      scanIntervalMinutes: '0',
    });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'defaultWarnAtPercent')).toEqual(['Enter a number.']);
    const res2 = await admin.post(`${BASE}/general`, {
      cooldownMinutes: '30',
      defaultWarnAtPercent: '70',
      scanIntervalMinutes: '0',
    });
    expect(res2.status).toBe(422);
    expect(fieldError(res2.text, 'scanIntervalMinutes')).toEqual(['Enter whole minutes from 1 to 60.']);
    expect(isInvalid(res2.text, 'scanIntervalMinutes')).toBe(true);
    expect(await exportDoc()).toEqual(before);
  });
});

describe('import and export', () => {
  it('exports a JSON attachment that imports back unchanged, and an edited copy applies', async () => {
    const res = await admin.agent.get(`${BASE}/export`).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="?sla-vigil-config-\d{4}-\d{2}-\d{2}\.json"?$/,
    );
    const doc = JSON.parse(res.text);
    const same = await admin.post(`${BASE}/import`, { document: res.text });
    expect(same.status).toBe(303);
    expect(await exportDoc()).toEqual(doc);
    doc.calendars[0].name = 'Imported name';
    doc.policies.push({ key: 'imported', name: 'Imported', targets: { resolution: { minutes: 60 } } });
    const changed = await admin.post(`${BASE}/import`, { document: JSON.stringify(doc) });
    expect(changed.status).toBe(303);
    expect(changed.headers.location).toBe(`${BASE}?imported=1:4`);
    const after = await exportDoc();
    expect(after.calendars[0].name).toBe('Imported name');
    expect(after.policies.map((p) => p.key)).toContain('imported');
  });

  it('an invalid document changes nothing and lists every problem with its path', async () => {
    const before = await exportDoc();
    const bad = {
      calendars: [{ key: 'ok', name: 'Fine', timezone: 'UTC' }],
      policies: [{ key: 'x', name: 'X', calendar: 'nope', targets: { resolution: { minutes: -1 } } }],
    };
    const res = await admin.post(`${BASE}/import`, { document: JSON.stringify(bad) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="sv-import-issues"');
    expect(res.text).toContain('<code>policies[0].targets.resolution.minutes</code>');
    expect(res.text).toContain('<code>policies[0].calendar</code>');
    const notJson = await admin.post(`${BASE}/import`, { document: '{nope' });
    expect(notJson.status).toBe(422);
    expect(notJson.text).toContain('This is not valid JSON');
    expect(notJson.text).toContain('{nope</textarea>');
    expect(await exportDoc()).toEqual(before);
  });
});

describe('escaping', () => {
  it('renders calendar and policy names as text, never as markup', async () => {
    expect((await admin.post(`${BASE}/calendars`, { ...office, key: 'xss', name: XSS })).status).toBe(303);
    expect(
      (await admin.post(`${BASE}/policies`, policyForm('xss', { name: XSS, calendar: 'xss' }))).status,
    ).toBe(303);
    const escaped = '&lt;img src=x onerror=alert(1)&gt;';
    for (const page of [
      BASE,
      `${BASE}/calendars/xss/edit`,
      `${BASE}/policies/xss/edit`,
      `${BASE}/policies/new`,
    ]) {
      const res = await admin.agent.get(page).expect(200);
      expect(res.text).not.toContain(XSS);
      expect(res.text).toContain(escaped);
    }
    const invalid = await admin.post(
      `${BASE}/policies`,
      policyForm('xss2', { name: XSS, 'targets.resolution.amount': 'x' }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.text).not.toContain(XSS);
  });
});

describe('messages in the viewer language', () => {
  const sessions: Record<string, AdminSession> = {};
  beforeAll(async () => {
    for (const [email, language] of [
      ['en.manager@x.test', 'english'],
      ['de.manager@x.test', 'german'],
      ['es.manager@x.test', 'spanish'],
    ]) {
      await insertStaffWithCapabilities(t.devhost.db, email, STAFF_PASSWORD, ['manage'], {
        default_language: language,
      });
      sessions[language] = await login(email);
    }
  });

  /** Every message a rejected settings request shows: next to fields, at the top, in the import list. */
  function messages(html: string): string[] {
    const field = [...html.matchAll(/class="sv-field-error"[^>]*>([^<]*)</g)].map((m) => m[1]);
    const list = [...html.matchAll(/data-testid="sv-list-error">([^<]*)</g)].map((m) => m[1]);
    const issues = [...html.matchAll(/<li><code>[^<]*<\/code>: ([^<]*)<\/li>/g)].map((m) => m[1]);
    return [...field, ...list, ...issues].map(decode);
  }

  const long = 'x'.repeat(192);
  const cases: [name: string, path: string, body: Record<string, unknown>][] = [
    ['policy: bad key, long name', '/policies', policyForm('Bad Key!', { name: long })],
    ['policy: key taken', '/policies', policyForm('base')],
    ['policy: not a number', '/policies', policyForm('m1', { 'targets.first_response.amount': 'soon' })],
    [
      'policy: warning after target',
      '/policies',
      policyForm('m2', { 'targets.resolution.warnValue': '900' }),
    ],
    [
      'policy: warning percent out of range, negative warning minutes',
      '/policies',
      policyForm('m3', { 'targets.first_response.warnValue': '150', 'targets.resolution.warnValue': '-5' }),
    ],
    [
      'policy: target zero and over a year',
      '/policies',
      policyForm('m4', { 'targets.first_response.amount': '0', 'targets.resolution.amount': '600000' }),
    ],
    [
      'policy: no target',
      '/policies',
      policyForm('m5', { 'targets.first_response.amount': '', 'targets.resolution.amount': '' }),
    ],
    [
      'policy: warning type without value',
      '/policies',
      policyForm('m6', { 'targets.resolution.warnValue': '' }),
    ],
    [
      'policy: escalation rows the schema refuses',
      '/policies',
      policyForm('m7', {
        'targets.first_response.amount': '',
        'escalations.0.metric': 'first_response',
        'escalations.0.trigger': 'after_due',
        'escalations.0.action': 'notify_staff',
        'escalations.1.metric': 'resolution',
        'escalations.1.trigger': 'before_due',
        'escalations.1.minutes': '-5',
        'escalations.1.action': 'reassign_department',
        'escalations.1.departmentId': '0',
      }),
    ],
    [
      'policy: escalation rows the form refuses',
      '/policies',
      policyForm('m7', {
        'escalations.2.metric': 'resolution',
        'escalations.2.trigger': 'at_due',
        'escalations.2.action': '',
        'escalations.3.metric': 'resolution',
        'escalations.3.trigger': 'after_due',
        'escalations.3.minutes': 'later',
        'escalations.3.action': 'notify_assignee',
      }),
    ],
    [
      'policy: ids, calendar, statuses',
      '/policies',
      policyForm('m8', { 'match.clientIds': 'abc', pauseStatusIds: ['x'], calendar: 'nope' }),
    ],
    [
      'policy: zero id, unknown calendar',
      '/policies',
      policyForm('m9', { 'match.serviceIds': '0', calendar: 'nope' }),
    ],
    ['calendar: times out of range', '/calendars', { ...office, key: 'c1', 'week.mon.2.start': '25:00' }],
    ['calendar: end time out of range', '/calendars', { ...office, key: 'c2', 'week.mon.2.end': '24:30' }],
    [
      'calendar: overlap',
      '/calendars',
      { ...office, key: 'c3', 'week.mon.1.start': '11:00', 'week.mon.1.end': '14:00' },
    ],
    ['calendar: holiday date', '/calendars', { ...office, key: 'c4', holidays: '2026-02-30' }],
    ['calendar: time zone', '/calendars', { ...office, key: 'c5', timezone: 'Mars/Base' }],
    ['calendar: bad key, long name', '/calendars', { ...office, key: 'Bad Key!', name: long }],
    ['calendar: no name', '/calendars', { ...office, key: 'c0', name: '' }],
    [
      'calendar: country and region codes',
      '/calendars',
      { ...office, key: 'c6', holidayCountry: 'deu', holidayRegion: 'r'.repeat(17) },
    ],
    ['calendar: half interval', '/calendars', { ...office, key: 'c7', 'week.tue.1.start': '10:00' }],
    [
      'calendar: no hours',
      '/calendars',
      Object.fromEntries(Object.entries({ ...office, key: 'c8' }).filter(([k]) => !k.startsWith('week.'))),
    ],
    ['calendar: key taken', '/calendars', { ...office, name: 'Again' }],
    [
      'holiday import: unknown country',
      '/calendars',
      { ...office, key: 'c9', holidayCountry: 'QQ', _action: 'import_holidays' },
    ],
    [
      'holiday import: unknown region',
      '/calendars',
      { ...office, key: 'c9', holidayCountry: 'DE', holidayRegion: 'XX', _action: 'import_holidays' },
    ],
    [
      'holiday import: years',
      '/calendars',
      {
        ...office,
        key: 'c9',
        holidayCountry: 'DE',
        holidayFrom: '2030',
        holidayTo: '2020',
        _action: 'import_holidays',
      },
    ],
    [
      'holiday import: no country',
      '/calendars',
      { ...office, key: 'c9', holidayCountry: '', _action: 'import_holidays' },
    ],
    ['calendar delete: in use', '/calendars/office/delete', {}],
    ['calendar delete: unknown', '/calendars/nope/delete', {}],
    [
      'general: below range',
      '/general',
      { cooldownMinutes: '-5', defaultWarnAtPercent: '0', scanIntervalMinutes: '0' },
    ],
    [
      'general: above range, fractions',
      '/general',
      { cooldownMinutes: '1.5', defaultWarnAtPercent: '150', scanIntervalMinutes: '61' },
    ],
    [
      'general: status ids',
      '/general',
      {
        cooldownMinutes: '5',
        defaultWarnAtPercent: '80',
        scanIntervalMinutes: '1',
        defaultPauseStatusIds: ['x'],
      },
    ],
    [
      'general: not numbers',
      '/general',
      { cooldownMinutes: 'x', defaultWarnAtPercent: '', scanIntervalMinutes: '5' },
    ],
    ['general: unknown field', '/general', { cooldownMinutes: '5', colour: 'red' }],
    ['policy move: bad direction', '/policies/base/move', { direction: 'sideways' }],
    ['import: broken JSON', '/import', { document: '{\n  "calendars": [,]\n}' }],
    ['import: broken JSON at a position', '/import', { document: '{\n  nope' }],
    ['import: not an object', '/import', { document: '[1, 2]' }],
    [
      'import: problems found once the document has its shape',
      '/import',
      {
        document: JSON.stringify({
          calendars: [
            { key: 'i0', name: 'I0', timezone: 'Nowhere/City' },
            {
              key: 'i1',
              name: 'I1',
              timezone: 'UTC',
              week: {
                mon: [
                  ['09:00', '12:00'],
                  ['11:00', '13:00'],
                ],
              },
            },
            { key: 'i2', name: 'I2', timezone: 'UTC', holidays: ['2026-13-01'] },
            { key: 'i3', name: 'I3', timezone: 'UTC', week: { mon: [['09:00', '25:00']] } },
            { key: 'i4', name: 'I4', timezone: 'UTC', week: { mon: [['9am', '17:00']] } },
            { key: 'i4', name: 'I4 again', timezone: 'UTC', week: { someday: [] } },
          ],
          policies: [
            {
              key: 'x',
              name: 'X',
              calendar: 'nope',
              targets: { resolution: { minutes: 60 } },
              escalations: [
                {
                  metric: 'first_response',
                  trigger: { type: 'at_due' },
                  action: { type: 'notify_assignee' },
                },
              ],
            },
          ],
        }),
      },
    ],
    [
      'import: every kind of document problem',
      '/import',
      {
        document: JSON.stringify({
          calendars: [
            { key: 'Bad Key', name: '', timezone: 'Nowhere/City', colour: 'red' },
            {
              key: 'i1',
              name: 'I1',
              timezone: 'UTC',
              week: {
                mon: [
                  ['09:00', '12:00'],
                  ['11:00', '13:00'],
                ],
                tue: [['9am', '17:00']],
              },
            },
            { key: 'i2', name: 'I2', timezone: 'UTC', holidays: ['2026-13-01'], holidayCountry: 'Germany' },
            { key: 'i3', name: 'I3', timezone: 'UTC', week: { mon: [['09:00', '25:00']] } },
            { key: 'i3', name: 'I3 again', timezone: 'UTC' },
          ],
          policies: [
            {
              key: 'x',
              name: 'X',
              calendar: 'nope',
              position: -1,
              match: { clientIds: [] },
              targets: { resolution: { minutes: -1, warnAtPercent: 50, warnBeforeMinutes: 5 } },
              pauseStatusIds: ['3'],
              escalations: [
                {
                  metric: 'first_response',
                  trigger: { type: 'after_due' },
                  action: { type: 'notify_staff' },
                },
                { metric: 'speed', trigger: { type: 'soon' }, action: { type: 'shout' } },
              ],
            },
            { key: 'y', name: 'Y', targets: {} },
          ],
          settings: { cooldownMinutes: 99999, defaultWarnAtPercent: 100, scanIntervalMinutes: 0, extra: 1 },
        }),
      },
    ],
  ];

  it.each(cases)('%s: a German or Spanish manager reads no English message', async (_name, path, body) => {
    const before = await exportDoc();
    const en = await sessions.english.post(`${BASE}${path}`, body);
    expect(en.status).toBeGreaterThanOrEqual(400);
    const english = messages(en.text);
    expect(english.length).toBeGreaterThan(0);
    for (const language of ['german', 'spanish']) {
      const res = await sessions[language].post(`${BASE}${path}`, body);
      expect(res.status).toBe(en.status);
      const shown = messages(res.text);
      // Same problems, each in the viewer's words: a message equal to the English one was not translated.
      expect(shown.length).toBe(english.length);
      shown.forEach((message, i) => expect([language, message]).not.toEqual([language, english[i]]));
      for (const message of shown)
        expect(message).not.toMatch(
          /\b(must|expected|Too (small|big)|Invalid|needs|overlaps|Unrecognized|unknown|got)\b/,
        );
    }
    expect(await exportDoc()).toEqual(before);
  });

  it('names each problem of a document in the import list with its path', async () => {
    const [, , body] = cases.find(([name]) => name === 'import: every kind of document problem')!;
    const res = await sessions.german.post(`${BASE}/import`, body);
    expect(res.status).toBe(422);
    const list = decode(res.text);
    expect(list).toContain('<li><code>calendars[0].key</code>: 1 bis 64 Zeichen');
    expect(list).toContain(
      '<li><code>settings.scanIntervalMinutes</code>: Bitte ganze Minuten von 1 bis 60 eingeben.</li>',
    );
    expect(list).toMatch(/<li><code>[^<]*<\/code>: Unbekannte\(s\) Feld\(er\): colour\.<\/li>/);
  });

  it('names the problems found once a document has its shape with their paths', async () => {
    const [, , body] = cases.find(([name]) => name.startsWith('import: problems found once'))!;
    const res = await sessions.german.post(`${BASE}/import`, body);
    expect(res.status).toBe(422);
    const list = decode(res.text);
    expect(list).toContain(
      '<li><code>calendars[0].timezone</code>: Bitte eine Zeitzone aus der Liste wählen.</li>',
    );
    expect(list).toContain('<li><code>calendars[1].week.mon[1]</code>: Dieses Intervall überschneidet sich');
    expect(list).toContain(
      '<li><code>calendars[2].holidays[0]</code>: Kein existierendes Datum im Format JJJJ-MM-TT: 2026-13-01.</li>',
    );
    expect(list).toContain(
      '<li><code>calendars[3].week.mon[0][1]</code>: Bitte eine Endzeit zwischen 00:00 und 24:00 eingeben (nicht: 25:00).</li>',
    );
    expect(list).toContain(
      '<li><code>calendars[5].key</code>: Dieser Schlüssel wird bereits verwendet.</li>',
    );
    expect(list).toContain('<li><code>calendars[5].week.someday</code>: Als Wochentage bitte mon, tue');
    expect(list).toContain(
      '<li><code>policies[0].calendar</code>: Bitte einen vorhandenen Kalender wählen.</li>',
    );
    expect(list).toContain(
      '<li><code>policies[0].escalations[0].metric</code>: Diese Richtlinie hat kein Ziel für „Erste Antwort“',
    );
  });

  it('a non-numeric default pause status is named, not dropped', async () => {
    const before = await exportDoc();
    const res = await sessions.english.post(`${BASE}/general`, {
      cooldownMinutes: '30',
      defaultWarnAtPercent: '70',
      scanIntervalMinutes: '5',
      defaultPauseStatusIds: ['4', 'x'],
    });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'defaultPauseStatusIds')).toEqual([
      'Choose statuses from the list (not: x).',
    ]);
    expect(await exportDoc()).toEqual(before);
  });

  it('a field no settings form has gives the settings page, 422, naming the field', async () => {
    const res = await sessions.german.post(`${BASE}/policies`, { ...policyForm('u1'), colour: 'red' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="sv-settings"');
    expect(decode(res.text)).toContain('ein Feld, das diese Seite nicht kennt („colour“)');
    expect(await t.devhost.db('tblsla_vigil_policies').where('key', 'u1').first()).toBeUndefined();
  });
});

describe('notices after a redirect', () => {
  const notice = async (query: string): Promise<string | null> => {
    const res = await admin.agent.get(`${BASE}?${query}`).expect(200);
    const m = /data-testid="sv-notice">([^<]*)</.exec(res.text);
    return m ? decode(m[1]) : null;
  };

  it('are shown for what exists (or, when deleted, could have existed), and never repeat other text', async () => {
    expect(await notice('saved=policy:base')).toBe('Policy "Policy base" saved.');
    expect(await notice('saved=calendar:office')).toBe('Calendar "Imported name" saved.');
    expect(await notice('saved=settings')).toBe('Settings saved.');
    expect(await notice('moved=base')).toBe('Order of "Policy base" changed.');
    // Nothing by that key was ever deleted: no notice (a link could carry any key).
    expect(await notice('deleted=policy:gone-now')).toBeNull();
    expect(await notice('imported=1:2')).toBe('Imported 1 calendar(s) and 2 policy(ies).');
    for (const query of [
      'saved=policy:nope',
      'saved=calendar:base',
      `saved=policy:${encodeURIComponent(XSS)}`,
      'saved=thing:base',
      'moved=nope',
      `moved=${encodeURIComponent('Your account is locked')}`,
      `deleted=policy:${encodeURIComponent('Call +1 555 0100')}`,
      'deleted=calendar:base',
      'deleted=thing:base',
      'deleted=policy',
      'imported=1:x',
    ]) {
      expect([query, await notice(query)]).toEqual([query, null]);
    }
  });

  it('name the policy after saving and after deleting it (the name read from the audit log)', async () => {
    const saved = await admin.post(`${BASE}/policies`, policyForm('named', { name: 'VIP <gold> & co' }));
    expect(saved.status).toBe(303);
    expect(await notice(saved.headers.location.split('?')[1].split('#')[0])).toBe(
      'Policy "VIP <gold> & co" saved.',
    );
    const page = await admin.agent.get(saved.headers.location).expect(200);
    expect(page.text).toContain('Policy &#34;VIP &lt;gold&gt; &amp; co&#34; saved.');
    const deleted = await admin.post(`${BASE}/policies/named/delete`);
    expect(deleted.status).toBe(303);
    expect(await notice(deleted.headers.location.split('?')[1].split('#')[0])).toBe(
      'Policy "VIP <gold> & co" deleted.',
    );
  });
});
