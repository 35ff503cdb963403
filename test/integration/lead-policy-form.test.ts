import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import {
  decode,
  fieldError,
  leadLadderForm,
  mondayCalendarForm,
  statusWindow,
} from '../helpers/settings-html';

/**
 * The lead policy form: a manager sets a lead policy (markets, sources, statuses, owners by name,
 * a window per lead status, pause statuses, a ladder of lead actions) without JSON. Saved as the
 * configuration document spells it (`subject: "lead"`), shown again on edit, listed in words in
 * its own section, refused with field errors for what the host or a lead lacks, and guarded as
 * the ticket form is (CSRF, "manage").
 */
let t: TestDevhost;
let admin: AdminSession;
const BASE = '/admin/sla_vigil/settings';
let germany: number;
let france: number;
let staffId: number;
const CUSTOMER = 1;
const NEW = 2;
const CONTACTED = 3;
const WEBSITE = 3;

async function exportDoc(): Promise<{ policies: Record<string, unknown>[] }> {
  return JSON.parse((await admin.agent.get(`${BASE}/export`).expect(200)).text);
}
async function login(email: string): Promise<AdminSession> {
  const session = await loginAs(t.devhost.app, email);
  // The first CSRF token fetched right after login is refused by the devhost; one page view settles it.
  await session.agent.get('/admin');
  return session;
}

const window = statusWindow;
function leadForm(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    name: `Leads ${key}`,
    active: '1',
    calendar: '',
    ...window(NEW, '1'),
    ...window(CONTACTED, ''),
    ...extra,
  };
}

beforeAll(async () => {
  t = await startTestDevhost();
  await insertStaffPerAccessLevel(t.devhost.db);
  const db = t.devhost.db;
  await db('tblleads_status').insert([
    { id: NEW, name: 'New', statusorder: 1, color: '#000', isdefault: 0 },
    { id: CONTACTED, name: 'Contacted', statusorder: 2, color: '#000', isdefault: 0 },
  ]);
  await db('tblleads_sources').insert({ id: WEBSITE, name: 'Website' });
  germany = (await db('tblcountries').where('short_name', 'Germany').first()).country_id;
  france = (await db('tblcountries').where('short_name', 'France').first()).country_id;
  staffId = (await db('tblstaff').where('email', 'admin@example.com').first()).staffid;
  admin = await login('admin@example.com');
  await admin
    .post(`${BASE}/calendars`, mondayCalendarForm('berlin', 'Berlin office'))
    .then((res) => expect(res.status).toBe(303));
});
afterAll(() => t.close());

it('offers countries, sources, statuses and owners by name, a window per lead status but Customer', async () => {
  const form = (await admin.agent.get(`${BASE}/lead-policies/new`).expect(200)).text;
  expect(form).toContain('data-subject="lead"');
  const countries = /id="sv-countryIds"[\s\S]*?<\/select>/.exec(form)?.[0] ?? '';
  expect(countries.match(/<option /g)?.length).toBe(249);
  expect(countries).toMatch(new RegExp(`<option value="${germany}" >Germany</option>`));
  expect(form).toMatch(/id="sv-sourceIds"[\s\S]*?>Website<\/option>/);
  expect(form).toMatch(/id="sv-assignedIds"[\s\S]*?<\/select>/);
  const windows = /data-testid="sv-status-limits"[\s\S]*?<\/fieldset>/.exec(form)?.[0] ?? '';
  const rows = [...windows.matchAll(/<tr data-status="(\d+)">\s*<th scope="row">([^<]*)<\/th>/g)].map(
    (m) => m[2],
  );
  expect(rows).toEqual(['New', 'Contacted']);
  // No ticket metric, no ticket-only action, no priority select.
  expect(form).not.toContain('targets.first_response');
  expect(form).not.toContain('value="raise_priority"');
  expect(form).not.toContain('value="reassign_department"');
  expect(form).not.toContain('.priorityId"');
  expect(form).toContain('>Notify owner</option>');
  expect(form).toContain('<option value="status_time" >Time in status</option>');
  expect(form).not.toContain('<option value="first_response"');
});

it('saves a lead policy with all its parts, exports it as the document spells it, and shows it again', async () => {
  const res = await admin.post(
    `${BASE}/lead-policies`,
    leadForm('dach', {
      name: 'DACH web leads',
      calendar: 'berlin',
      'match.countryIds': [String(germany), String(france)],
      'match.sourceIds': String(WEBSITE),
      'match.statusIds': [String(NEW), String(CONTACTED)],
      'match.assignedIds': String(staffId),
      ...window(NEW, '1', 'hours', 'percent', '50'),
      ...window(CONTACTED, '30', 'minutes', 'minutes', '10'),
      pauseStatusIds: String(CONTACTED),
      ...leadLadderForm(staffId),
      passedLevels: 'fire',
    }),
  );
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`${BASE}?saved=policy:dach#lead-policies`);
  const saved = (await exportDoc()).policies.find((p) => p.key === 'dach');
  expect(saved).toMatchObject({
    key: 'dach',
    name: 'DACH web leads',
    subject: 'lead',
    active: true,
    calendar: 'berlin',
    match: {
      countryIds: [germany, france],
      sourceIds: [WEBSITE],
      statusIds: [NEW, CONTACTED],
      assignedIds: [staffId],
    },
    targets: {
      status_time: {
        byStatus: {
          [NEW]: { minutes: 60, warnAtPercent: 50 },
          [CONTACTED]: { minutes: 30, warnBeforeMinutes: 10 },
        },
      },
    },
    pauseStatusIds: [CONTACTED],
    escalations: [
      {
        metric: 'status_time',
        trigger: { type: 'before_due', minutes: 15 },
        action: { type: 'notify_assignee' },
      },
      {
        metric: 'status_time',
        trigger: { type: 'after_due', minutes: 60 },
        action: { type: 'reassign_staff', staffId },
      },
    ],
  });
  expect(Object.keys(saved?.targets as object)).toEqual(['status_time']);

  const form = (await admin.agent.get(`${BASE}/lead-policies/dach/edit`).expect(200)).text;
  expect(form).toMatch(/name="key" value="dach"[^>]*readonly/);
  expect(form).toMatch(new RegExp(`<option value="${germany}" selected>Germany</option>`));
  expect(form).toMatch(new RegExp(`name="targets\\.status_time\\.${CONTACTED}\\.amount"[^>]*value="30"`));
  expect(form).toMatch(new RegExp(`name="pauseStatusIds" value="${CONTACTED}" checked`));
  expect(form).toMatch(/name="escalations\.1\.action"[\s\S]*?value="reassign_staff" selected/);

  // The edit round trip: renamed, one market less, the same everything else.
  const edit = await admin.post(
    `${BASE}/lead-policies/dach`,
    leadForm('dach', {
      name: 'Germany web leads',
      calendar: 'berlin',
      'match.countryIds': String(germany),
      'match.sourceIds': String(WEBSITE),
      ...window(NEW, '1', 'hours', 'percent', '50'),
      passedLevels: 'fire',
    }),
  );
  expect(edit.status).toBe(303);
  const after = (await exportDoc()).policies.find((p) => p.key === 'dach');
  expect(after).toMatchObject({
    name: 'Germany web leads',
    subject: 'lead',
    match: { countryIds: [germany], sourceIds: [WEBSITE] },
    targets: { status_time: { byStatus: { [NEW]: { minutes: 60, warnAtPercent: 50 } } } },
    escalations: [],
  });
  expect(after?.position).toBe(saved?.position);
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where('action', 'like', 'config.%policy%')
    .select('action');
  expect(audit.map((a: { action: string }) => a.action)).toEqual(
    expect.arrayContaining(['config.save_policy']),
  );
});

it('lists ticket and lead policies in their own sections, lead ones in words', async () => {
  const list = (await admin.agent.get(BASE).expect(200)).text;
  expect(list).toContain('data-testid="sv-new-policy"');
  expect(list).toContain(`href="${BASE}/lead-policies/new" data-testid="sv-new-lead-policy"`);
  const leads = /data-testid="sv-lead-policies"[\s\S]*?<\/section>/.exec(list)?.[0] ?? '';
  expect(leads).toContain('>Lead policies</h2>');
  const row = /<tr data-policy="dach"[\s\S]*?<\/tr>/.exec(leads)?.[0] ?? '';
  expect(decode(/data-testid="sv-policy-applies">([^<]*)</.exec(row)?.[1] ?? '')).toBe(
    'Market Germany; source Website',
  );
  expect(decode(/data-testid="sv-policy-targets">([^<]*)</.exec(row)?.[1] ?? '')).toBe(
    'Time in New 1 business h',
  );
  expect(row).toContain(`href="${BASE}/lead-policies/dach/edit"`);
  const tickets = /data-testid="sv-policies"[\s\S]*?<\/section>/.exec(list)?.[0] ?? '';
  expect(tickets).toContain('>Ticket policies</h2>');
  expect(tickets).not.toContain('data-policy="dach"');
});

it('refuses an unknown country, a Customer window and a ticket-only action, naming the fields', async () => {
  const before = await exportDoc();
  const res = await admin.post(
    `${BASE}/lead-policies`,
    leadForm('bad', {
      'match.countryIds': [String(germany), '9999'],
      ...window(CUSTOMER, '2'),
      'escalations.0.metric': 'status_time',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'raise_priority',
      'escalations.0.priorityId': '3',
    }),
  );
  expect(res.status).toBe(422);
  expect(fieldError(res.text, 'match.countryIds')).toEqual([
    'Choose countries from the list (unknown: 9999).',
  ]);
  expect(fieldError(res.text, `targets.status_time.${CUSTOMER}.amount`)).toEqual([
    'A lead that became a customer owes nothing: the customer status cannot have a window.',
  ]);
  // The refused values stay on the form as sent.
  expect(res.text).toContain('<option value="9999" selected>#9999 (not in the CRM)</option>');
  expect(await exportDoc()).toEqual(before);

  const action = await admin.post(
    `${BASE}/lead-policies`,
    leadForm('bad', {
      'escalations.0.metric': 'status_time',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'raise_priority',
      'escalations.0.priorityId': '3',
    }),
  );
  expect(action.status).toBe(422);
  expect(fieldError(action.text, 'escalations.0.action')).toHaveLength(1);
  // A ticket metric is no field of the lead form.
  const metric = await admin.post(
    `${BASE}/lead-policies`,
    leadForm('bad', { 'targets.first_response.amount': '1' }),
  );
  expect(metric.status).toBe(422);
  expect(metric.text).toContain('targets.first_response.amount');
  expect(await exportDoc()).toEqual(before);
});

it('keeps a stored id the host no longer has, listed as unknown, and saves over it', async () => {
  await t.devhost.db('tblleads_sources').insert({ id: 40, name: 'Fair' });
  expect(
    (
      await admin.post(
        `${BASE}/lead-policies`,
        leadForm('fair', { 'match.sourceIds': '40', passedLevels: 'fire' }),
      )
    ).status,
  ).toBe(303);
  await t.devhost.db('tblleads_sources').where('id', 40).delete();
  const form = (await admin.agent.get(`${BASE}/lead-policies/fair/edit`).expect(200)).text;
  expect(form).toContain('<option value="40" selected>#40 (not in the CRM)</option>');
  const res = await admin.post(
    `${BASE}/lead-policies/fair`,
    leadForm('fair', { name: 'Renamed', 'match.sourceIds': '40', passedLevels: 'fire' }),
  );
  expect(res.status).toBe(303);
});

it('each form keeps to its kind: the ticket form refuses a lead policy, the lead form a ticket one', async () => {
  expect((await admin.agent.get(`${BASE}/policies/dach/edit`)).status).toBe(409);
  const ticket = await admin.post(`${BASE}/policies`, {
    key: 'tix',
    name: 'Tickets',
    active: '1',
    calendar: '',
    'targets.first_response.amount': '2',
    'targets.first_response.unit': 'hours',
    passedLevels: 'fire',
  });
  expect(ticket.status).toBe(303);
  expect((await admin.agent.get(`${BASE}/lead-policies/tix/edit`)).status).toBe(409);
  const over = await admin.post(`${BASE}/lead-policies/tix`, leadForm('tix'));
  expect(over.status).toBe(409);
  expect((await exportDoc()).policies.find((p) => p.key === 'tix')?.subject).toBe('ticket');
});

it("offers the owner's department first for a lead's notify_department and round-trips it; a ticket still needs one", async () => {
  const [sales] = await t.devhost.db('tbldepartments').insert({ name: 'Sales' });
  /** The department select of one escalation row: its options as [value, selected, label]. */
  const departmentSelect = (html: string, row: number): [string, boolean, string][] => {
    const select =
      new RegExp(`<select name="escalations\\.${row}\\.departmentId"[\\s\\S]*?</select>`).exec(html)?.[0] ??
      '';
    return [...select.matchAll(/<option value="([^"]*)" ?(selected)?>([^<]*)<\/option>/g)].map((m) => [
      m[1],
      m[2] === 'selected',
      decode(m[3]),
    ]);
  };
  const fresh = (await admin.agent.get(`${BASE}/lead-policies/new`).expect(200)).text;
  expect(departmentSelect(fresh, 0).slice(0, 2)).toEqual([
    ['', true, "Owner's department"],
    [String(sales), false, 'Sales'],
  ]);

  const ladder = {
    'escalations.0.metric': 'status_time',
    'escalations.0.trigger': 'at_due',
    'escalations.0.action': 'notify_department',
    'escalations.0.departmentId': '',
    'escalations.1.metric': 'status_time',
    'escalations.1.trigger': 'after_due',
    'escalations.1.minutes': '30',
    'escalations.1.action': 'notify_department',
    'escalations.1.departmentId': String(sales),
    passedLevels: 'fire',
  };
  expect((await admin.post(`${BASE}/lead-policies`, leadForm('owners', ladder))).status).toBe(303);
  const actions = async () =>
    ((await exportDoc()).policies.find((p) => p.key === 'owners')?.escalations as { action: unknown }[]).map(
      (e) => e.action,
    );
  expect(await actions()).toEqual([
    { type: 'notify_department' },
    { type: 'notify_department', departmentId: sales },
  ]);

  const edit = (await admin.agent.get(`${BASE}/lead-policies/owners/edit`).expect(200)).text;
  expect(edit).toMatch(/name="escalations\.0\.action"[\s\S]*?value="notify_department" selected/);
  expect(departmentSelect(edit, 0).filter(([, selected]) => selected)).toEqual([
    ['', true, "Owner's department"],
  ]);
  expect(departmentSelect(edit, 1).filter(([, selected]) => selected)).toEqual([
    [String(sales), true, 'Sales'],
  ]);
  // Saved again as the edit form shows it: the same ladder.
  expect((await admin.post(`${BASE}/lead-policies/owners`, leadForm('owners', ladder))).status).toBe(303);
  expect(await actions()).toEqual([
    { type: 'notify_department' },
    { type: 'notify_department', departmentId: sales },
  ]);

  // The ticket form keeps "—" and refuses notify_department without a department, next to the field.
  const ticketForm = (await admin.agent.get(`${BASE}/policies/new`).expect(200)).text;
  expect(departmentSelect(ticketForm, 0)[0]).toEqual(['', true, '—']);
  const before = await exportDoc();
  const ticket = await admin.post(`${BASE}/policies`, {
    key: 'tix-dept',
    name: 'Tickets to a department',
    active: '1',
    calendar: '',
    'targets.first_response.amount': '2',
    'targets.first_response.unit': 'hours',
    'escalations.0.metric': 'first_response',
    'escalations.0.trigger': 'at_due',
    'escalations.0.action': 'notify_department',
    'escalations.0.departmentId': '',
    passedLevels: 'fire',
  });
  expect(ticket.status).toBe(422);
  expect(fieldError(ticket.text, 'escalations.0.departmentId')).toHaveLength(1);
  expect(await exportDoc()).toEqual(before);
});

it('needs "manage" and the CSRF token', async () => {
  const before = await exportDoc();
  for (const email of ['viewer@x.test', 'agent@x.test']) {
    const session = await login(email);
    expect((await session.agent.get(`${BASE}/lead-policies/new`)).status).toBe(403);
    expect((await session.agent.get(`${BASE}/lead-policies/dach/edit`)).status).toBe(403);
    const res = await session.post(`${BASE}/lead-policies`, leadForm('sneaky'));
    expect([res.status, res.text.includes('data-testid="sv-forbidden"')]).toEqual([403, true]);
  }
  const manager = await login('manager@x.test');
  expect((await manager.agent.get(`${BASE}/lead-policies/new`)).status).toBe(200);
  const res = await manager.agent.post(`${BASE}/lead-policies`).type('form').send(leadForm('nocsrf'));
  expect(res.status).toBe(403);
  expect(await exportDoc()).toEqual(before);
});

it('previews what saving would fire now, in lead words, and saves nothing', async () => {
  const before = await exportDoc();
  const res = await admin.post(
    `${BASE}/lead-policies`,
    leadForm('preview', {
      'escalations.0.metric': 'status_time',
      'escalations.0.trigger': 'at_due',
      'escalations.0.action': 'notify_assignee',
      _action: 'preview',
    }),
  );
  expect(res.status).toBe(200);
  expect(res.text).toContain('data-testid="sv-passed-levels"');
  expect(decode(/data-testid="sv-passed-summary">([^<]*)</.exec(res.text)?.[1] ?? '')).toBe(
    'No open lead has passed a level of this ladder: saving fires nothing at once.',
  );
  expect(await exportDoc()).toEqual(before);
});

it('moves a policy among its own kind only, and opens the index at its list', async () => {
  const order = async () => (await exportDoc()).policies.map((p) => p.key);
  const before = await order();
  // "tix" is the only ticket policy: moving it up passes no lead policy.
  const tix = await admin.post(`${BASE}/policies/tix/move`, { direction: 'up' });
  expect(tix.headers.location).toBe(`${BASE}?moved=tix#policies`);
  expect(await order()).toEqual(before);
  const fair = await admin.post(`${BASE}/policies/fair/move`, { direction: 'up' });
  expect(fair.headers.location).toBe(`${BASE}?moved=fair#lead-policies`);
  const leads = (await exportDoc()).policies.filter((p) => p.subject === 'lead').map((p) => p.key);
  expect(leads.indexOf('fair')).toBe(0);
  const del = await admin.post(`${BASE}/policies/fair/delete`, {});
  expect(del.headers.location).toBe(`${BASE}?deleted=policy:fair#lead-policies`);
});

it('without a leads gateway the host offers no lead form and lists no empty lead section', async () => {
  const host = t.devhost.host;
  const leads = host.leads;
  delete host.leads;
  try {
    expect((await admin.agent.get(`${BASE}/lead-policies/new`)).status).toBe(404);
    const list = (await admin.agent.get(BASE).expect(200)).text;
    // Stored lead policies stay listed (by their ids), but none can be made.
    expect(list).toContain('data-testid="sv-lead-policies"');
    expect(list).not.toContain('data-testid="sv-new-lead-policy"');
    for (const p of (await exportDoc()).policies.filter((x) => x.subject === 'lead'))
      expect((await admin.post(`${BASE}/policies/${String(p.key)}/delete`, {})).status).toBe(303);
    expect((await admin.agent.get(BASE).expect(200)).text).not.toContain('data-testid="sv-lead-policies"');
  } finally {
    host.leads = leads;
  }
});
