import request from 'supertest';
import { startTestDevhost, TEST_API_TOKEN, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAgent, type AdminSession } from '../helpers/admin-session';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { ReportService, type Report } from '../../src/store/read/report-service';
import { ReportQueries } from '../../src/store/read/report-queries';
import { DEFAULT_SETTINGS } from '../../src/sla/config';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

/**
 * Editing or deleting a policy (or its calendar) changes only running and future clocks.
 * The office calendar is UTC, Mon-Fri 09:00-17:00; Tue 2026-03-03:
 *   A: created 09:00, answered 09:30, closed 10:00: both clocks met.
 *   B: created 09:00, answered 10:30 (first response breached at 10:00), closed 14:00
 *      (resolution breached at 13:00): breached and then closed.
 *   C: created 15:00, still waiting: its clocks run.
 *   D: created 09:00, merged into A at 10:45 unanswered: its first response ended breached.
 * The edit shortens resolution to 30 min, lengthens first response to 120 min and cuts the
 * calendar to 09:00-12:00: under it A's resolution would be breached, B's first response met and
 * D's first response not owed at all.
 */
const clock = new MutableClock(new Date('2026-03-03T09:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let reports: ReportService;
let session: AdminSession;
let department: number;
let contact: number;
let a: number;
let b: number;
let c: number;
let d: number;

const api = () => request(t.devhost.app);
const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };
const at = (iso: string): void => clock.set(new Date(iso));

async function newTicket(): Promise<number> {
  const res = await api()
    .post('/api/tickets')
    .set(auth)
    .send({ subject: 'S', message: 'M', department, contactid: contact })
    .expect(201);
  return res.body.id;
}
const staffReply = (id: number) =>
  api().post(`/api/tickets/${id}/replies`).set(auth).send({ message: 'r', admin: 1 }).expect(201);
const close = (id: number) =>
  api().put(`/api/tickets/${id}/status`).set(auth).send({ status: 5 }).expect(200);

/** Every stored column of a ticket's clock rows that a finished clock must keep. */
async function rows(id: number) {
  return t.devhost
    .db('tblsla_vigil_clocks')
    .where({ subject_type: 'ticket', subject_id: id })
    .orderBy(['metric', 'cycle'])
    .select(
      'metric',
      'cycle',
      'policy_id',
      'target_minutes',
      'started_at',
      'due_at',
      'warn_at',
      'met_at',
      'breached_at',
      'ended_at',
      'state',
    );
}

const report = (groupBy: 'policy' | 'metric'): Promise<Report> =>
  reports.report({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-10T00:00:00Z'), groupBy });

async function put(path: string, body: object): Promise<request.Response> {
  // The token first: supertest attaches the session's cookies when the request is created.
  const token = await session.csrf();
  return session.agent.put(`/admin/sla_vigil/api/${path}`).set('x-csrf-token', token).send(body);
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: 'Acme', datecreated: '2026-01-01 00:00:00' });
  [contact] = await db('tblcontacts').insert({
    userid,
    firstname: 'C',
    lastname: 'Acme',
    email: 'acme@x.test',
    datecreated: '2026-01-01 00:00:00',
  });
  services = createModuleServices(t.devhost.host);
  reports = new ReportService(
    new ReportQueries(db, 'tbl'),
    () => services.clocks.policyBook(),
    t.devhost.host.tickets,
  );
  await services.config.import({
    calendars: [{ key: 'office', name: 'Office', timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: [] }],
    policies: [
      {
        key: 'std',
        name: 'Standard',
        match: {},
        calendar: 'office',
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 240 } },
        pauseStatusIds: [],
      },
    ],
    settings: DEFAULT_SETTINGS,
  });
  session = await loginAgent(t.devhost.app, 'admin@example.com', 'demo1234');

  at('2026-03-03T09:00:00Z');
  a = await newTicket();
  b = await newTicket();
  d = await newTicket();
  at('2026-03-03T09:30:00Z');
  await staffReply(a);
  at('2026-03-03T10:00:00Z');
  await close(a);
  at('2026-03-03T10:30:00Z');
  await staffReply(b);
  at('2026-03-03T10:45:00Z');
  await api()
    .post('/api/tickets/merge')
    .set(auth)
    .send({ primary: a, ids: [d] })
    .expect(200);
  await services.scanner.run(clock.now());
  at('2026-03-03T14:00:00Z');
  await close(b);
  at('2026-03-03T15:00:00Z');
  c = await newTicket();
  await services.scanner.run(clock.now());
});
afterAll(() => t.close());

it('an edit of the policy and its calendar leaves ended clocks as they ended; running ones follow it', async () => {
  const [rowsA, rowsB, rowsD] = [await rows(a), await rows(b), await rows(d)];
  expect(rowsD.map((r) => `${r.metric}:${r.state}:${r.ended_at !== null}`)).toContain(
    'first_response:breached:true',
  );
  expect(rowsA.map((r) => `${r.metric}:${r.state}`)).toEqual(['first_response:met', 'resolution:met']);
  expect(rowsB.map((r) => `${r.metric}:${r.state}`)).toEqual([
    'first_response:breached',
    'resolution:breached',
  ]);
  const before = { policy: await report('policy'), metric: await report('metric') };
  expect(before.metric.total).toMatchObject({ breached: 3 });

  at('2026-03-03T15:05:00Z');
  const calendar = await put('calendars/office', {
    name: 'Office',
    timezone: 'UTC',
    week: Object.fromEntries(Object.keys(WEEKDAYS_9_TO_5).map((d) => [d, [['09:00', '12:00']]])),
  });
  expect(calendar.status).toBe(200);
  const policy = await put('policies/std', {
    name: 'Standard',
    match: {},
    calendar: 'office',
    targets: { first_response: { minutes: 120 }, resolution: { minutes: 30 } },
    pauseStatusIds: [],
  });
  expect(policy.status).toBe(200);
  const scan = await services.scanner.run(clock.now());
  expect(scan.recomputed).toBeGreaterThanOrEqual(3);

  expect(await rows(a)).toEqual(rowsA);
  expect(await rows(b)).toEqual(rowsB);
  expect(await rows(d)).toEqual(rowsD);
  // C started after hours under the new calendar: due Wed 09:00 + 120 min and + 30 min.
  const running = await services.clockRepo.forSubjects([c]);
  expect(running.map((r) => [r.metric, r.state, r.dueAt.toISOString()])).toEqual([
    ['first_response', 'on_track', '2026-03-04T11:00:00.000Z'],
    ['resolution', 'on_track', '2026-03-04T09:30:00.000Z'],
  ]);
  expect((await rows(c)).map((r) => r.target_minutes)).toEqual([120, 30]);
  // Same counts and the same response times (counted on the calendar they were met under).
  expect(await report('policy')).toEqual(before.policy);
  expect(await report('metric')).toEqual(before.metric);
  // The ticket's summary still shows the breach it ended with.
  expect((await services.subjects.getMany([b])).get(b)?.slaState).toBe('breached');
  // So does its JSON (and the ticket panel that words it), with why.
  const json = (await session.agent.get(`/admin/sla_vigil/api/tickets/${b}`).expect(200)).body;
  expect(json.state).toBe('breached');
  expect(
    json.clocks.map((x: { metric: string; state: string; dueAt: string }) => [x.metric, x.state, x.dueAt]),
  ).toEqual([
    ['first_response', 'breached', '2026-03-03T10:00:00.000Z'],
    ['resolution', 'breached', '2026-03-03T13:00:00.000Z'],
  ]);
  expect(json.clocks[0].explain).toEqual([
    'ended under the policy in force then: due Tue 3 Mar 10:00',
    'breached at Tue 3 Mar 10:00; met late at Tue 3 Mar 10:30',
  ]);
  const runningJson = (await session.agent.get(`/admin/sla_vigil/api/tickets/${c}`).expect(200)).body;
  expect(runningJson.clocks.map((x: { dueAt: string }) => x.dueAt)).toEqual([
    '2026-03-04T11:00:00.000Z',
    '2026-03-04T09:30:00.000Z',
  ]);
  // A what-if before B's first response ended computes it under today's policy.
  const early = await session.agent
    .get(`/admin/sla_vigil/api/tickets/${b}?now=2026-03-03T09:10:00Z`)
    .expect(200);
  expect(early.body.clocks[0]).toMatchObject({ state: 'on_track', dueAt: '2026-03-03T11:00:00.000Z' });
});

it('deleting the policy keeps the outcome of ended clocks and drops running ones', async () => {
  const [rowsA, rowsB, rowsD] = [await rows(a), await rows(b), await rows(d)];
  const before = await report('metric');
  const token = await session.csrf();
  const res = await session.agent.delete('/admin/sla_vigil/api/policies/std').set('x-csrf-token', token);
  expect(res.status).toBe(200);
  at('2026-03-03T15:10:00Z');
  await services.scanner.run(clock.now());
  expect(await rows(a)).toEqual(rowsA);
  expect(await rows(b)).toEqual(rowsB);
  expect(await rows(d)).toEqual(rowsD);
  expect(await rows(c)).toEqual([]);
  expect((await services.subjects.getMany([c])).get(c)?.slaState).toBe('no_policy');
  expect(await report('metric')).toEqual(before);
  const json = (await session.agent.get(`/admin/sla_vigil/api/tickets/${a}`).expect(200)).body;
  expect(json.policy).toBeNull();
  expect(json.clocks.map((x: { metric: string; state: string }) => `${x.metric}:${x.state}`)).toEqual([
    'first_response:met',
    'resolution:met',
  ]);
});
