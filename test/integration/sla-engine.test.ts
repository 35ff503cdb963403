import request from 'supertest';
import { startTestDevhost, TEST_API_TOKEN, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAgent } from '../helpers/admin-session';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { DEFAULT_SETTINGS, type SlaConfig } from '../../src/sla/config';
import { supportPolicy, WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

// Tue 2026-03-03 08:00 UTC = 09:00 Europe/Berlin.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let support: number;
let billing: number;
let contact: { id: number; userid: number };
let vip: { id: number; userid: number };

const office = WEEKDAYS_9_TO_5;

function config(): SlaConfig {
  return {
    calendars: [
      {
        key: 'berlin-office',
        name: 'Berlin office',
        timezone: 'Europe/Berlin',
        week: office,
        holidays: ['2026-12-25'],
      },
    ],
    policies: [
      supportPolicy(support),
      {
        key: 'support-high',
        name: 'Support high priority',
        subject: 'ticket',
        active: true,
        position: 20,
        match: { departmentIds: [support], priorityIds: [3] },
        calendar: null,
        targets: { first_response: { minutes: 30 }, resolution: { minutes: 240 } },
        pauseStatusIds: [4],
        escalations: [],
      },
      {
        key: 'vip',
        name: 'VIP clients',
        subject: 'ticket',
        active: true,
        position: 30,
        match: { clientIds: [vip.userid], departmentIds: [support], priorityIds: [3] },
        calendar: null,
        targets: { first_response: { minutes: 15 } },
        pauseStatusIds: [],
        escalations: [],
      },
      {
        key: 'retired',
        name: 'Retired catch-all',
        subject: 'ticket',
        active: false,
        position: 0,
        match: {},
        calendar: null,
        targets: { first_response: { minutes: 1 } },
        pauseStatusIds: [],
        escalations: [],
      },
    ],
    settings: DEFAULT_SETTINGS,
  };
}

async function addContact(company: string) {
  const db = t.devhost.db;
  const [userid] = await db('tblclients').insert({ company, datecreated: '2026-01-01 00:00:00' });
  const [id] = await db('tblcontacts').insert({
    userid,
    firstname: 'C',
    lastname: company,
    email: `${company}@x.test`,
    datecreated: '2026-01-01 00:00:00',
  });
  return { id, userid };
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  [billing] = await db('tbldepartments').insert({ name: 'Billing' });
  contact = await addContact('acme');
  vip = await addContact('vipco');
  services = createModuleServices(t.devhost.host);
  await services.config.import(config());
});
afterAll(() => t.close());

const api = () => request(t.devhost.app);
const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };
const at = (iso: string): void => clock.set(new Date(iso));

async function newTicket(fields: Record<string, unknown> = {}): Promise<number> {
  const res = await api()
    .post('/api/tickets')
    .set(auth)
    .send({ subject: 'S', message: 'M', department: support, contactid: contact.id, ...fields });
  expect(res.status).toBe(201);
  return res.body.id;
}
const reply = (id: number, admin: number | null, extra: Record<string, unknown> = {}) =>
  api()
    .post(`/api/tickets/${id}/replies`)
    .set(auth)
    .send({ message: 'r', admin, ...extra })
    .expect(201);

async function storedClocks(id: number) {
  const clocks = await services.clockRepo.forSubjects([id]);
  return clocks.map((c) => ({
    metric: c.metric,
    cycle: c.cycle,
    state: c.state,
    startedAt: c.startedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    warnAt: c.warnAt.toISOString(),
    pausedMinutes: c.pausedMinutes,
    metAt: c.metAt?.toISOString() ?? null,
    breachedAt: c.breachedAt?.toISOString() ?? null,
  }));
}

describe('hooks keep clocks current', () => {
  it('a new ticket gets its policy and clocks at once; a reply meets first response', async () => {
    at('2026-03-03T08:00:00Z');
    const id = await newTicket();
    const clocks = await storedClocks(id);
    expect(clocks.map((c) => [c.metric, c.state, c.dueAt])).toEqual([
      ['first_response', 'on_track', '2026-03-03T09:00:00.000Z'],
      ['resolution', 'on_track', '2026-03-03T16:00:00.000Z'],
    ]);
    at('2026-03-03T08:20:00Z');
    await reply(id, 1);
    const after = await storedClocks(id);
    expect(after.find((c) => c.metric === 'first_response')).toMatchObject({
      state: 'met',
      metAt: '2026-03-03T08:20:00.000Z',
    });
    // The staff reply set Answered (3), a pause status: resolution pauses.
    expect(after.find((c) => c.metric === 'resolution')?.state).toBe('paused');
  });

  it('most specific policy wins; inactive policies never match; no match is counted as no_policy', async () => {
    at('2026-03-03T08:00:00Z');
    const plain = await newTicket();
    const high = await newTicket({ priority: 3 });
    const vipHigh = await newTicket({ priority: 3, contactid: vip.id });
    const elsewhere = await newTicket({ department: billing });
    const subjects = await services.subjects.getMany([plain, high, vipHigh, elsewhere]);
    const book = await services.clocks.policyBook();
    const keyOf = (id: number) => book.byId(subjects.get(id)?.policyId ?? -1)?.key ?? null;
    expect([keyOf(plain), keyOf(high), keyOf(vipHigh), keyOf(elsewhere)]).toEqual([
      'support-default',
      'support-high',
      'vip',
      null,
    ]);
    expect(subjects.get(elsewhere)?.slaState).toBe('no_policy');
    expect((await services.subjects.countByState()).no_policy).toBeGreaterThanOrEqual(1);
  });

  it('a priority change recomputes under the new policy, keeping the start', async () => {
    at('2026-03-03T08:00:00Z');
    const id = await newTicket();
    at('2026-03-03T08:10:00Z');
    await api().put(`/api/tickets/${id}/settings`).set(auth).send({ priority: 3 }).expect(200);
    const clocks = await storedClocks(id);
    expect(clocks.find((c) => c.metric === 'first_response')).toMatchObject({
      startedAt: '2026-03-03T08:00:00.000Z',
      dueAt: '2026-03-03T08:30:00.000Z',
    });
    const timeline = await services.timeline.forSubject('ticket', id);
    expect(timeline.map((e) => e.eventType)).toContain('priority_changed');
  });
});

describe('back-dated history through the devhost API', () => {
  it('a status set by a back-dated reply is dated at the reply, as Perfex sets it with the reply', async () => {
    at('2026-03-10T12:00:00Z');
    const id = await newTicket({ date: '2026-03-10T08:00:00Z' });
    await reply(id, 1, { date: '2026-03-10T08:30:00Z', status: 4 });
    const statuses = (await services.timeline.forSubject('ticket', id)).filter(
      (e) => e.eventType === 'status_changed',
    );
    expect(statuses.map((e) => [e.toValue, e.occurredAt.toISOString()])).toEqual([
      ['4', '2026-03-10T08:30:00.000Z'],
    ]);
    // A status change of its own, later, is dated when it happens.
    at('2026-03-10T12:00:10Z');
    await api().put(`/api/tickets/${id}/status`).set(auth).send({ status: 2 }).expect(200);
    const last = (await services.timeline.forSubject('ticket', id)).pop();
    expect(last?.occurredAt.toISOString()).toBe('2026-03-10T12:00:10.000Z');
  });
});

describe('the scan', () => {
  it('moves clocks past their warning and due times, touching only due clocks', async () => {
    at('2026-03-03T08:00:00Z');
    const id = await newTicket({ department: support });
    const scan1 = await services.scanner.run(new Date('2026-03-03T08:50:00Z'));
    expect(scan1.advanced).toBeGreaterThanOrEqual(1);
    expect((await storedClocks(id)).find((c) => c.metric === 'first_response')?.state).toBe('at_risk');
    await services.scanner.run(new Date('2026-03-03T09:00:00Z'));
    const fr = (await storedClocks(id)).find((c) => c.metric === 'first_response');
    expect(fr).toMatchObject({ state: 'breached', breachedAt: '2026-03-03T09:00:00.000Z' });
    expect((await services.subjects.getMany([id])).get(id)?.slaState).toBe('breached');
    const again = await services.scanner.run(new Date('2026-03-03T09:00:00Z'));
    expect(again).toMatchObject({ advanced: 0, eventsRecorded: 0, changed: 0, recomputed: 0 });
  });

  it('gives the same clocks for a ticket driven by hooks and a twin written by SQL and found by reconcile', async () => {
    const db = t.devhost.db;
    // Each step happens to both twins at the same instant: through the devhost (hooks) and
    // straight into Perfex's tables (no hooks), followed by a scan at that instant.
    const instant = (wall: string) => new Date(`${wall.replace(' ', 'T')}+01:00`);
    at(instant('2026-03-04 09:00:00').toISOString());
    const hooked = await newTicket();
    const [silent] = await db('tbltickets').insert({
      subject: 'S',
      message: 'M',
      department: support,
      priority: 2,
      status: 1,
      userid: contact.userid,
      contactid: contact.id,
      date: '2026-03-04 09:00:00',
      ticketkey: 'k',
    });
    await services.scanner.run(clock.now());
    const steps: [string, number | null, number][] = [
      ['2026-03-04 09:30:00', 1, 4], // staff reply, On Hold
      ['2026-03-04 11:00:00', null, 1], // client reply: Open again
      ['2026-03-04 13:00:00', 1, 5], // closed by a staff reply
    ];
    for (const [wall, admin, status] of steps) {
      at(instant(wall).toISOString());
      await reply(hooked, admin, admin ? { status } : {});
      await db('tblticket_replies').insert({
        ticketid: silent,
        date: wall,
        message: 'r',
        admin,
        contactid: admin ? 0 : contact.id,
      });
      await db('tbltickets').where('ticketid', silent).update({ status, lastreply: wall });
      await services.scanner.run(clock.now());
    }
    const hookedClocks = await storedClocks(hooked);
    expect(hookedClocks.map((c) => `${c.metric}:${c.cycle}:${c.state}`)).toEqual([
      'first_response:1:met',
      'next_response:1:met',
      'resolution:1:met',
    ]);
    expect(hookedClocks.find((c) => c.metric === 'resolution')?.pausedMinutes).toBe(90);
    expect(await storedClocks(silent)).toEqual(hookedClocks);
    const now = clock.now();
    const hookedSla = await services.ticketSla.get(hooked, now, 'Europe/Berlin');
    const silentSla = await services.ticketSla.get(silent, now, 'Europe/Berlin');
    expect({ ...silentSla, ticketId: 0 }).toEqual({ ...hookedSla, ticketId: 0 });
    const sources = (await services.timeline.forSubject('ticket', silent)).map((e) => e.source);
    expect(new Set(sources)).toEqual(new Set(['reconcile']));
  });

  it('records bulk changes, merges and deletions that fired no hook', async () => {
    at('2026-03-05T08:00:00Z');
    const a = await newTicket();
    const b = await newTicket();
    const c = await newTicket();
    await api()
      .post('/api/tickets/bulk-status')
      .set(auth)
      .send({ ids: [a], status: 2 })
      .expect(200);
    await api()
      .post('/api/tickets/merge')
      .set(auth)
      .send({ primary: a, ids: [b] })
      .expect(200);
    await t.devhost.db('tbltickets').where('ticketid', c).delete();
    await services.scanner.run(new Date('2026-03-05T08:05:00Z'));
    const types = async (id: number) =>
      (await services.timeline.forSubject('ticket', id)).map((e) => `${e.eventType}:${e.source}`);
    expect(await types(a)).toContain('status_changed:reconcile');
    // A merge closes the ticket in Perfex, but it is recorded as a merge, not as a resolution.
    expect(await types(b)).toEqual(['created:hook', 'merged:reconcile']);
    expect(await types(c)).toContain('deleted:reconcile');
    expect(await storedClocks(c)).toEqual([]);
  });
});

describe('a failing hook handler', () => {
  it('never fails the host action, and the next scan repairs what it missed', async () => {
    at('2026-03-05T09:00:00Z');
    const spy = jest
      .spyOn(t.devhost.host.tickets, 'getTicket')
      .mockRejectedValueOnce(new Error('database hiccup'));
    let id: number;
    let calls: number;
    try {
      id = await newTicket();
      calls = spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBeGreaterThan(0);
    expect(await services.timeline.forSubject('ticket', id)).toEqual([]);
    await services.scanner.run(clock.now());
    const [created] = await services.timeline.forSubject('ticket', id);
    expect(created).toMatchObject({ eventType: 'created', source: 'reconcile' });
    expect((await storedClocks(id)).map((c) => c.metric)).toEqual(['first_response', 'resolution']);
  });
});

describe('reading a ticket', () => {
  it('GET /admin/sla_vigil/api/tickets/:id returns every cycle with explanations', async () => {
    at('2026-03-06T16:40:00Z'); // Fri 17:40 Berlin: the office is closed until Monday 09:00
    const id = await newTicket();
    const session = await loginAgent(t.devhost.app, 'admin@example.com', 'demo1234');
    const res = await session.agent
      .get(`/admin/sla_vigil/api/tickets/${id}`)
      .set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ticketId: id, policy: { name: 'Support default' } });
    const fr = res.body.clocks.find((c: { metric: string }) => c.metric === 'first_response');
    expect(fr).toMatchObject({
      cycle: 1,
      state: 'on_track',
      startedAt: '2026-03-06T16:40:00.000Z',
      dueAt: '2026-03-09T09:00:00.000Z',
      metAt: null,
      breachedAt: null,
      pausedMinutes: 0,
    });
    expect(fr.explain[0]).toBe(
      'started Fri 6 Mar 17:40 (Europe/Berlin), office closed until Mon 9 Mar 09:00; 1 business hour → due Mon 9 Mar 10:00',
    );
    const whatIf = await session.agent.get(`/admin/sla_vigil/api/tickets/${id}?now=2026-03-09T09:30:00Z`);
    expect(whatIf.body.clocks.find((c: { metric: string }) => c.metric === 'first_response').state).toBe(
      'breached',
    );
    expect((await session.agent.get('/admin/sla_vigil/api/tickets/abc')).status).toBe(422);
    expect((await session.agent.get('/admin/sla_vigil/api/tickets/999999')).status).toBe(404);
  });
});

describe('configuration', () => {
  it('an invalid import changes nothing and reports every error with its path', async () => {
    const before = await services.config.export();
    const versionBefore = await services.config.version();
    const bad = config();
    bad.calendars.push({ ...bad.calendars[0], key: 'mars', timezone: 'Mars/Olympus' });
    bad.calendars[0].week = { ...office, mon: [['09:00', '25:00']] };
    bad.policies[0].calendar = 'nope';
    (bad.policies[1].targets as Record<string, unknown>).first_response = { minutes: -5 };
    bad.policies[2].name = 'changed, but must not land';
    (bad as unknown as Record<string, unknown>).extra = true;
    await expect(services.config.import(bad)).rejects.toMatchObject({
      issues: expect.arrayContaining([
        expect.objectContaining({ path: '(document)' }),
        expect.objectContaining({ path: 'calendars[1].timezone' }),
        expect.objectContaining({ path: 'calendars[0].week.mon[0][1]' }),
        expect.objectContaining({ path: 'policies[0].calendar' }),
        expect.objectContaining({ path: 'policies[1].targets.first_response.minutes' }),
      ]),
    });
    expect(await services.config.export()).toEqual(before);
    expect(await services.config.version()).toBe(versionBefore);
  });

  it('a valid document round-trips through export, and a re-import updates in place', async () => {
    const exported = await services.config.export();
    await services.config.import(exported);
    expect(await services.config.export()).toEqual(exported);
    const renamed = {
      ...exported,
      policies: exported.policies.map((p) => (p.key === 'vip' ? { ...p, name: 'VIP' } : p)),
    };
    await services.config.import(renamed);
    const after = await services.config.export();
    expect(after.policies).toHaveLength(exported.policies.length);
    expect(after.policies.find((p) => p.key === 'vip')?.name).toBe('VIP');
  });

  it('a partial import may name a calendar only the database has; an unknown one is refused', async () => {
    const [calendar] = (await services.config.export()).calendars;
    const policy = {
      key: 'partial',
      name: 'Partial',
      calendar: calendar.key,
      targets: { resolution: { minutes: 60 } },
    };
    await services.config.import({ policies: [policy] });
    expect((await services.config.export()).policies.find((p) => p.key === 'partial')?.calendar).toBe(
      calendar.key,
    );
    await expect(
      services.config.import({ policies: [{ ...policy, key: 'partial-2', calendar: 'nowhere' }] }),
    ).rejects.toMatchObject({
      issues: [{ path: 'policies[0].calendar', message: 'no calendar with key "nowhere"' }],
    });
    expect((await services.config.export()).policies.some((p) => p.key === 'partial-2')).toBe(false);
    await services.config.deletePolicy('partial', null);
  });

  it('the JSON API saves one policy with manage permission and names the field on bad input', async () => {
    const session = await loginAgent(t.devhost.app, 'admin@example.com', 'demo1234');
    const csrf = await session.csrf();
    const bad = await session.agent
      .put('/admin/sla_vigil/api/policies/billing')
      .set('x-csrf-token', csrf)
      .send({
        name: 'Billing',
        match: { departmentIds: [billing] },
        calendar: 'missing',
        targets: { resolution: { minutes: 0 } },
      });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'calendar',
      'targets.resolution.minutes',
    ]);
    const good = await session.agent
      .put('/admin/sla_vigil/api/policies/billing')
      .set('x-csrf-token', csrf)
      .send({
        name: 'Billing',
        match: { departmentIds: [billing] },
        calendar: 'berlin-office',
        targets: { resolution: { minutes: 600 } },
      });
    expect(good.status).toBe(200);
    // Tickets computed under the old configuration are recomputed by the next scan.
    at('2026-03-06T08:00:00Z');
    const scan = await services.scanner.run(new Date('2026-03-06T08:00:00Z'));
    expect(scan.recomputed).toBeGreaterThan(0);
    const billingTickets = await t.devhost.db('tbltickets').where('department', billing).pluck('ticketid');
    const subjects = await services.subjects.getMany(billingTickets);
    expect([...subjects.values()].every((s) => s.slaState !== 'no_policy')).toBe(true);
  });

  it('imports public holidays per country and region for a range of years (manage)', async () => {
    const session = await loginAgent(t.devhost.app, 'admin@example.com', 'demo1234');
    const csrf = await session.csrf();
    const post = (body: object) =>
      session.agent.post('/admin/sla_vigil/api/holidays/import').set('x-csrf-token', csrf).send(body);
    const de = await post({ country: 'DE', region: 'BY', from: 2026, to: 2027 });
    expect(de.status).toBe(200);
    expect(de.body.holidays).toEqual(expect.arrayContaining(['2026-12-25', '2027-01-06', '2027-12-26']));
    const bad = await post({ country: 'ZZ', from: 2026 });
    expect(bad.status).toBe(422);
    expect(bad.body.issues[0].path).toBe('country');
    expect((await post({ country: 'DE', from: 2027, to: 2026 })).status).toBe(422);
  });
});
