import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, ADMIN_EMAIL, type AdminSession } from '../helpers/admin-session';

/**
 * Input is strict everywhere: ids are positive decimal integers within 32 bits, instants are
 * ISO-8601, holiday years are bounded, a field sent twice is refused, regions belong to their
 * country, names hold no NUL or lone surrogate; each refusal is a 422 naming the field.
 */
let t: TestDevhost;
let admin: AdminSession;
let csrf: string;
const BASE = '/admin/sla_vigil';
const BAD_IDS = ['0x12d', '1e2', '+301', '0', '-1', '4294967296', '2147483648', ' 12', '12.0', '٣'];

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC' });
  admin = await loginAs(t.devhost.app, ADMIN_EMAIL);
  // The first token after login is refused by the devhost; one page view settles it.
  await admin.agent.get('/admin');
  csrf = await admin.csrf();
  await t.devhost.db('tbldepartments').insert({ name: 'Support' });
});
afterAll(async () => {
  await t.close();
});

/** Posts a urlencoded body exactly as written (repeated names stay repeated). */
async function postRaw(path: string, pairs: [string, string][]): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams([...pairs, ['_csrf', await admin.csrf()]]).toString();
  return admin.agent.post(path).type('form').send(body);
}

const api = (path: string) => `${BASE}/api${path}`;
const paths = (res: { body: { issues?: { path: string }[] } }) => (res.body.issues ?? []).map((i) => i.path);

describe('ids', () => {
  it.each(BAD_IDS)('GET api/tickets/%j is 422 naming id', async (id) => {
    const res = await admin.agent.get(api(`/tickets/${encodeURIComponent(id)}`));
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['id']);
  });

  it('a plain decimal id is looked up', async () => {
    expect((await admin.agent.get(api('/tickets/2147483647'))).status).toBe(404);
  });

  it.each([
    ['department', '0x12d'],
    ['department', '1e2'],
    ['priority', '+3'],
    ['policy', '0'],
    ['policy', '4294967296'],
    ['agent', '-1'],
    ['agent', '00'],
    ['page', '1e1'],
  ])('monitor ?%s=%s is 422 naming the field', async (field, value) => {
    const res = await admin.agent.get(`${BASE}/monitor?partial=1&${field}=${encodeURIComponent(value)}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`"${field}"`);
  });

  it('monitor takes decimal ids and 0 for unassigned', async () => {
    expect((await admin.agent.get(`${BASE}/monitor?partial=1&department=1&agent=0`)).status).toBe(200);
  });

  it.each([
    ['ticket', '4294967296'],
    ['ticket', '0'],
    ['staff', '0'],
    ['staff', '0x1'],
    ['page', '+2'],
  ])('audit ?%s=%s is 422 with the message at the field', async (field, value) => {
    const res = await admin.agent.get(`${BASE}/audit?${field}=${encodeURIComponent(value)}`);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`data-field="${field}"`));
    if (field === 'staff') expect(res.text).toContain('Choose a staff member from the list.');
    if (field === 'ticket') expect(res.text).toContain('Enter a ticket number (digits only).');
  });

  it('ids in a configuration document are whole numbers within 32 bits', async () => {
    const res = await admin.agent
      .put(api('/policies/p'))
      .set('x-csrf-token', csrf)
      .send({
        name: 'P',
        match: { departmentIds: [4294967296] },
        targets: { resolution: { minutes: 60 } },
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_staff', staffId: 2 ** 31 },
          },
        ],
      });
    expect(res.status).toBe(422);
    expect(paths(res).sort()).toEqual(['escalations[0].action.staffId', 'match.departmentIds[0]']);
  });

  it('the policy form refuses an escalation id that is not a plain decimal id', async () => {
    const res = await postRaw(`${BASE}/settings/policies`, [
      ['key', 'strict'],
      ['name', 'Strict'],
      ['targets.resolution.amount', '1'],
      ['targets.resolution.unit', 'hours'],
      ['escalations.0.metric', 'resolution'],
      ['escalations.0.trigger', 'at_due'],
      ['escalations.0.action', 'notify_staff'],
      ['escalations.0.staffId', '0x1'],
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(
      /data-field="escalations\.0\.staffId"[^>]*>Enter a whole id from 1 to 2147483647/,
    );
  });
});

describe('instants', () => {
  it.each([
    '2026-02-30T08:00:00Z',
    '2026-13-01T08:00:00Z',
    'March 3',
    '1772611200000',
    '2026-03-09',
    '2026-03-09T08:00:00',
  ])('?now=%j is 422 naming now', async (now) => {
    const res = await admin.agent.get(api(`/tickets/1?now=${encodeURIComponent(now)}`));
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['now']);
  });

  it('?now given twice is 422, not one of them', async () => {
    const res = await admin.agent.get(api('/tickets/1?now=2026-03-09T08:00:00Z&now=2026-03-10T08:00:00Z'));
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['now']);
  });

  it.each(['2026-03-09T08:00:00Z', '2026-03-09T09:00+01:00', '2026-03-09T08:00:00.250Z'])(
    '?now=%j is read',
    async (now) => {
      expect((await admin.agent.get(api(`/tickets/1?now=${encodeURIComponent(now)}`))).status).toBe(404);
    },
  );
});

describe('holiday import years', () => {
  const post = (body: object) =>
    admin.agent.post(api('/holidays/import')).set('x-csrf-token', csrf).send(body);

  it.each([
    [{ country: 'DE', from: 1969 }, 'from'],
    [{ country: 'DE', from: 2101 }, 'from'],
    [{ country: 'DE', from: '1e3' }, 'from'],
    [{ country: 'DE', from: 2026, to: 2101 }, 'to'],
    [{ country: 'DE', from: 2026, to: 99999 }, 'to'],
  ])('API %j is 422 naming %s', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual([field]);
  });

  it('the API takes 1970 to 2100', async () => {
    expect((await post({ country: 'DE', from: 1970, to: 1971 })).status).toBe(200);
    expect((await post({ country: 'DE', from: '2100' })).status).toBe(200);
  });

  it.each([
    ['holidayFrom', '1969', '2026'],
    ['holidayTo', '2026', '2101'],
  ])('the calendar form refuses %s outside 1970-2100 with 422 at the field', async (field, from, to) => {
    const res = await postRaw(`${BASE}/settings/calendars`, [
      ['_action', 'import_holidays'],
      ['key', 'office'],
      ['name', 'Office'],
      ['timezone', 'UTC'],
      ['holidayCountry', 'DE'],
      ['holidayFrom', from],
      ['holidayTo', to],
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`data-field="${field}"[^>]*>Give a year range from 1970 to 2100`));
  });
});

describe('a field sent twice', () => {
  it.each([
    ['/settings/calendars', 'name'],
    ['/settings/general', 'cooldownMinutes'],
    ['/settings/policies', 'key'],
  ])('on %s (%s) is 422 naming the field', async (path, field) => {
    const res = await postRaw(`${BASE}${path}`, [
      [field, 'a'],
      [field, 'b'],
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`The form sent &#34;${field}&#34; more than once`);
  });

  it('on the rule tester is 422 with the message at the field', async () => {
    const res = await postRaw(`${BASE}/rule-tester`, [
      ['name', 'a'],
      ['name', 'b'],
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/data-error-for="name">A field was sent more than once/);
  });

  it('in a JSON body is 422 naming the key', async () => {
    const res = await admin.agent
      .put(api('/calendars/office'))
      .set('x-csrf-token', csrf)
      .set('Content-Type', 'application/json')
      .send('{"name": "Office", "timezone": "UTC", "name": "Other"}');
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['name']);
    expect((await admin.agent.get(api('/calendars/office'))).status).toBe(404);
  });

  it('in an imported document is 422 naming the path; a byte order mark is fine', async () => {
    const dup = await postRaw(`${BASE}/settings/import`, [
      ['document', '{"settings": {"cooldownMinutes": 5, "cooldownMinutes": 6}}'],
    ]);
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('settings.cooldownMinutes');
    expect(dup.text).toContain('appears more than once in the same object');
    const bom = await postRaw(`${BASE}/settings/import`, [
      ['document', '\uFEFF{"settings": {"cooldownMinutes": 7}}'],
    ]);
    expect(bom.status).toBe(303);
  });
});

describe('regions and names', () => {
  const put = (key: string, body: object) =>
    admin.agent
      .put(api(`/calendars/${key}`))
      .set('x-csrf-token', csrf)
      .send(body);

  it('a region must be a region of the country', async () => {
    const bad = await put('de', {
      name: 'DE',
      timezone: 'Europe/Berlin',
      holidayCountry: 'DE',
      holidayRegion: 'ZZ',
    });
    expect(bad.status).toBe(422);
    expect(paths(bad)).toEqual(['holidayRegion']);
    const alone = await put('de', { name: 'DE', timezone: 'Europe/Berlin', holidayRegion: 'BY' });
    expect(paths(alone)).toEqual(['holidayRegion']);
    const good = await put('de', {
      name: 'DE',
      timezone: 'Europe/Berlin',
      holidayCountry: 'DE',
      holidayRegion: 'BY',
    });
    expect(good.status).toBe(200);
  });

  it('the calendar form shows the region refusal at the field, in the viewer language', async () => {
    const res = await postRaw(`${BASE}/settings/calendars`, [
      ['key', 'fr'],
      ['name', 'FR'],
      ['timezone', 'Europe/Paris'],
      ['alwaysOpen', '1'],
      ['holidayCountry', 'FR'],
      ['holidayRegion', 'BY'],
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/data-field="holidayRegion"[^>]*>&#34;BY&#34; is not a region of FR/);
  });

  it.each([
    ['NUL', '"Office\\u0000"'],
    ['a lone high surrogate', '"Office \\ud800"'],
    ['a lone low surrogate', '"\\udc00 Office"'],
  ])('a name with %s is 422 naming name', async (_what, name) => {
    for (const kind of ['calendars', 'policies']) {
      const body =
        kind === 'calendars'
          ? `{"name": ${name}, "timezone": "UTC"}`
          : `{"name": ${name}, "targets": {"resolution": {"minutes": 60}}}`;
      const res = await admin.agent
        .put(api(`/${kind}/named`))
        .set('x-csrf-token', csrf)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(422);
      expect(paths(res)).toEqual(['name']);
    }
  });

  it('a name with a paired surrogate (an emoji) is fine', async () => {
    expect((await put('emoji', { name: 'Office 🙂', timezone: 'UTC' })).status).toBe(200);
  });
});
