import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { DEFAULT_LIMITS, RuleTester } from '../../src/engine/rule-tester';

/*
 * A hand-computed fixture, all 24x7 (no calendar), evaluated at Tue 2026-03-10 12:00Z.
 * Existing policies: "support" (Support dept: first response 60, resolution 480) and the more
 * specific "urgent" (Support + High: 30 / 120).
 *   T6 Support, opened 2026-01-15, still open       -> open now, but older than 30 days
 *   T1 Support, 03-08 12:00, reply 12:30, closed 14:00 -> response 30 min, resolution 120 min
 *   T4 Sales,   03-09 10:00                          -> never matched by a Support draft
 *   T2 Support, 03-10 09:00, reply 09:10, open       -> response 10 min, open 180 min
 *   T5 Support High, 03-10 10:30, no reply           -> 90 min waiting; "urgent" wins it
 *   T3 Support, 03-10 11:50, no reply (XSS subject)  -> 10 min waiting
 */
const clock = new MutableClock(new Date('2026-01-15T09:00:00Z'));
const NOW = new Date('2026-03-10T12:00:00Z');
const XSS = '<script>alert("x")</script><b>bold</b>';
const PAGE = '/admin/sla_vigil/rule-tester';
let t: TestDevhost;
let services: ModuleServices;
let support: number;
let sales: number;
const ids: Record<string, number> = {};

async function open(name: string, iso: string, department: number, subject: string, priority = 2) {
  clock.set(new Date(iso));
  ids[name] = await t.devhost.tickets.create({ subject, message: 'm', department, priority, admin: 1 });
}

async function staffReply(name: string, iso: string) {
  clock.set(new Date(iso));
  await t.devhost.tickets.reply(ids[name], { message: 'on it', admin: 1, status: 2 });
}

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  [sales] = await db('tbldepartments').insert({ name: 'Sales' });
  await insertStaffPerAccessLevel(t.devhost.db);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [{ key: 'office', name: 'Office', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'support',
        name: 'Support standard',
        position: 0,
        match: { departmentIds: [support] },
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
      },
      {
        key: 'urgent',
        name: 'Support urgent',
        position: 1,
        match: { departmentIds: [support], priorityIds: [3] },
        calendar: null,
        targets: { first_response: { minutes: 30 }, resolution: { minutes: 120 } },
      },
    ],
  });
  await open('T6', '2026-01-15T09:00:00Z', support, 'Old open ticket');
  await open('T1', '2026-03-08T12:00:00Z', support, 'Closed in two hours');
  await staffReply('T1', '2026-03-08T12:30:00Z');
  clock.set(new Date('2026-03-08T14:00:00Z'));
  await t.devhost.tickets.changeStatus(ids.T1, { status: 5 });
  await open('T4', '2026-03-09T10:00:00Z', sales, 'Sales question');
  await open('T2', '2026-03-10T09:00:00Z', support, 'Answered quickly');
  await staffReply('T2', '2026-03-10T09:10:00Z');
  await open('T5', '2026-03-10T10:30:00Z', support, 'Urgent outage', 3);
  await open('T3', '2026-03-10T11:50:00Z', support, XSS);
  clock.set(NOW);
  await services.scanner.run(NOW);
});
afterAll(() => t.close());

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

/** Posts the draft form the way a browser encodes it (repeated checkbox names, `targets[metric]`). */
async function postDraft(session: AdminSession, fields: [string, string | number][]) {
  const body = new URLSearchParams([
    ['_csrf', await session.csrf()],
    ...fields.map(([k, v]): [string, string] => [k, String(v)]),
  ]);
  return session.agent.post(PAGE).type('form').send(body.toString());
}

const draft = (firstResponse: number, resolution: number, extra: [string, string | number][] = []) =>
  [
    ['name', 'Support draft'],
    ['departmentIds', support],
    ['targets[first_response]', firstResponse],
    ['targets[resolution]', resolution],
    ['pauseStatusIds', 3],
    ['pauseStatusIds', 4],
    ...extra,
  ] as [string, string | number][];

/** The numbers of one metric's row in the 30-day table, by data-cell. */
function row(html: string, metric: string): Record<string, number> {
  const match = new RegExp(`<tr data-metric="${metric}">([\\s\\S]*?)</tr>`).exec(html);
  if (!match) throw new Error(`no row for ${metric}`);
  const cells: Record<string, number> = {};
  for (const m of match[1].matchAll(/data-cell="([a-z-]+)"[^>]*>([^<]*)</g))
    cells[m[1]] = Number(m[2].replace('−', '-'));
  return cells;
}

const listedIds = (html: string) =>
  [...html.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
const count = (html: string, name: string) =>
  Number(new RegExp(`data-count="${name}">(\\d+)<`).exec(html)?.[1] ?? NaN);

describe('who may open the rule tester', () => {
  it.each([
    ['admin@example.com', 200],
    ['manager@x.test', 200],
    ['viewer@x.test', 403],
    ['agent@x.test', 403],
  ])('%s gets %i on GET and POST', async (email, status) => {
    const session = await login(email);
    const page = await session.agent.get(PAGE);
    expect(page.status).toBe(status);
    const posted = await postDraft(session, draft(20, 60));
    expect(posted.status).toBe(status);
    if (status === 200) {
      expect(page.text).toContain('data-testid="sv-rt-nothing-saved"');
      expect(page.text).toContain('href="/admin/sla_vigil/settings/policies/new"');
      expect(posted.text).toContain('data-testid="sv-rt-history"');
    } else {
      expect(posted.text).not.toContain('data-testid="sv-rt-form"');
    }
  });
});

describe('testing a draft', () => {
  let admin: AdminSession;
  beforeAll(async () => {
    admin = await login('admin@example.com');
  });

  it('lists the open tickets it matches, newest first, and says which existing policy still wins', async () => {
    const res = await postDraft(admin, draft(20, 60));
    expect(res.status).toBe(200);
    expect(listedIds(res.text)).toEqual([ids.T3, ids.T5, ids.T2, ids.T6]);
    // Added next to "support" (same specificity, ahead of it by position): support keeps them, urgent keeps T5.
    expect(count(res.text, 'matched')).toBe(4);
    expect(count(res.text, 'others')).toBe(4);
    expect(res.text).toMatch(new RegExp(`<tr data-ticket-id="${ids.T5}" data-winner="urgent">`));
    expect(res.text).toMatch(new RegExp(`<tr data-ticket-id="${ids.T2}" data-winner="support">`));
    expect(res.text).toContain(`href="/admin/tickets/ticket/${ids.T3}"`);
  });

  it('in place of the policy it started from, only the more specific policy still wins', async () => {
    const res = await postDraft(admin, draft(20, 60, [['replaces', 'support']]));
    expect(res.status).toBe(200);
    expect(count(res.text, 'matched')).toBe(4);
    expect(count(res.text, 'governed')).toBe(3);
    expect(count(res.text, 'others')).toBe(1);
    expect(res.text).toMatch(new RegExp(`<tr data-ticket-id="${ids.T5}" data-winner="urgent">`));
    expect(res.text).toMatch(new RegExp(`<tr data-ticket-id="${ids.T2}">`));
    expect(res.text).toContain('Support standard');
  });

  it('counts breaches over the last 30 days: a tight draft breaches more than a loose one, against the stored clocks', async () => {
    const tight = await postDraft(admin, draft(20, 60));
    const loose = await postDraft(admin, draft(120, 1440));
    // T1, T2, T5, T3 were created in the window and match; T6 is older, T4 is Sales.
    expect(tight.text).toContain('4 tickets created since');
    // Stored clocks: T5 under "urgent" missed its 30-minute response; the rest are on time or running.
    const current = {
      'current-breached': 1,
      'current-met': 2,
      'current-running': 1,
    };
    expect(row(tight.text, 'first_response')).toEqual({
      'draft-breached': 2, // T1 (30 > 20), T5 (90 > 20)
      'draft-met': 1, // T2
      'draft-running': 1, // T3
      ...current,
      delta: 1,
    });
    expect(row(tight.text, 'resolution')).toEqual({
      'draft-breached': 3, // T1 (120 > 60), T2 (180 > 60), T5 (90 > 60)
      'draft-met': 0,
      'draft-running': 1, // T3
      'current-breached': 0,
      'current-met': 1,
      'current-running': 3,
      delta: 3,
    });
    expect(row(loose.text, 'first_response')).toEqual({
      'draft-breached': 0,
      'draft-met': 2,
      'draft-running': 2,
      ...current,
      delta: -1,
    });
    expect(row(loose.text, 'resolution')).toMatchObject({
      'draft-breached': 0,
      'draft-met': 1,
      'draft-running': 3,
    });
    expect(row(tight.text, 'next_response')['draft-none']).toBeNaN();
  });

  it('?from=<key> starts from an existing policy and tests it in its place', async () => {
    const res = await admin.agent.get(`${PAGE}?from=urgent`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="replaces" value="urgent"');
    expect(res.text).toContain('value="Support urgent"');
    // Only T5 is Support + High.
    expect(listedIds(res.text)).toEqual([ids.T5]);
    expect(count(res.text, 'governed')).toBe(1);
    expect(row(res.text, 'first_response')).toMatchObject({ 'draft-breached': 1, 'current-breached': 1 });
    expect((await admin.agent.get(`${PAGE}?from=nope`)).status).toBe(404);
  });

  it('?from given twice is a 422 naming from, not an unknown policy', async () => {
    const res = await admin.agent.get(`${PAGE}?from=urgent&from=support`);
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-error-for="from">Choose one policy to start from.</span>');
    expect(res.text).toMatch(/name="from" class="sv-invalid" aria-invalid="true"/);
    expect(listedIds(res.text)).toEqual([]);
  });

  it('offers clients and services by name, keeps the chosen ones, and tests a draft matching a client', async () => {
    const [acme] = await t.devhost
      .db('tblclients')
      .insert({ company: 'Acme GmbH', datecreated: '2026-01-01' });
    const form = await admin.agent.get(PAGE);
    expect(form.text).toMatch(/<select id="sv-rt-clientIds" name="clientIds" multiple/);
    expect(form.text).toContain(`<option value="${acme}">Acme GmbH</option>`);
    expect(form.text).not.toMatch(/name="clientIds" type="text"/);
    const res = await postDraft(admin, draft(20, 60, [['clientIds', acme]]));
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<option value="${acme}" selected>Acme GmbH</option>`);
  });

  it('escapes ticket subjects', async () => {
    const res = await postDraft(admin, draft(20, 60));
    expect(res.text).not.toContain(XSS);
    expect(res.text).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;');
  });

  // Fields are built lazily: the department ids exist only once beforeAll has run.
  it.each([
    ['a negative target', () => draft(-5, 60), 'targets.first_response', 'Enter minutes greater than 0'],
    [
      'no target at all',
      () =>
        [
          ['departmentIds', support],
          ['pauseStatusIds', 3],
        ] as [string, string | number][],
      'targets',
      'Set at least one target',
    ],
    [
      'an unknown calendar',
      () => draft(20, 60, [['calendar', 'nope']]),
      'calendar',
      'Choose an existing calendar',
    ],
    [
      'a client that is not an id',
      () => draft(20, 60, [['clientIds', 'abc']]),
      'clientIds',
      'Choose from the list',
    ],
  ])(
    'rejects %s with 422 next to the field, keeping what was typed',
    async (_label, fields, field, message) => {
      const res = await postDraft(admin, fields());
      expect(res.status).toBe(422);
      expect(res.text).toMatch(
        new RegExp(`class="sv-field-error"[^>]*data-error-for="${field.replace('.', '\\.')}">${message}`),
      );
      expect(res.text).toMatch(
        new RegExp(`data-field="${field.replace('.', '\\.')}"[^>]*class="[^"]*sv-invalid`),
      );
      expect(res.text).not.toContain('data-testid="sv-rt-history"');
      if (field === 'clientIds') expect(res.text).toMatch(/<option value="abc" selected>/);
    },
  );

  it('writes nothing: configuration, audit log and clocks are unchanged', async () => {
    const snapshot = async () => ({
      config: await services.config.export(),
      version: await services.config.version(),
      audit: await t.devhost.db('tblsla_vigil_audit_log').select(),
      clocks: await t.devhost.db('tblsla_vigil_clocks').select().orderBy('id'),
      timeline: await t.devhost.db('tblsla_vigil_timeline').count({ n: '*' }),
    });
    const before = await snapshot();
    await postDraft(admin, draft(20, 60, [['replaces', 'support']]));
    await postDraft(admin, draft(-1, 60));
    await admin.agent.get(`${PAGE}?from=support`);
    expect(await snapshot()).toEqual(before);
  });
});

describe('bounds', () => {
  it('replays at most the newest N matching tickets and says so', async () => {
    const tester = new RuleTester(
      t.devhost.db,
      'tbl',
      t.devhost.host.tickets,
      services.config,
      services.timeline,
      services.clockRepo,
      { ...DEFAULT_LIMITS, replay: 2, openScan: 3 },
    );
    const validation = await tester.validate(
      {
        name: 'D',
        position: 0,
        match: { departmentIds: [support] },
        calendar: null,
        targets: { first_response: { minutes: 20 } },
        pauseStatusIds: [],
      },
      null,
    );
    if (!validation.ok) throw new Error('draft should be valid');
    const result = await tester.run(validation.policy, null, NOW);
    expect(result.history).toMatchObject({ tickets: 2, capped: true });
    // The two newest: T3 running, T5 breached.
    expect(result.history.draft.first_response).toEqual({ breached: 1, met: 0, running: 1, none: 0 });
    // Only the three newest open tickets (T3, T5, T2) were looked at; T4 and T6 were cut off.
    expect(result.open).toMatchObject({ matched: 3, capped: true });
  });
});
