import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { main } from '../../devhost/cli';

/**
 * Lead SLAs end to end through the real engine on the devhost: the lead hooks record the
 * timeline, a lead policy (India, New 60 business minutes on the Kolkata office calendar) gives
 * status_time clocks per stay, lost ends them, pause statuses hold them, a scan breaches and
 * escalates once, and the scan picks up what no hook reported (direct writes, imports,
 * conversion). Mon 2026-03-02 09:00 Kolkata = 03:30Z.
 */
const clock = new MutableClock(new Date('2026-03-02T03:30:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let session: AdminSession;
const ids = {
  fresh: 0,
  contacted: 0,
  waiting: 0,
  google: 1,
  referral: 0,
  india: 0,
  de: 0,
  priya: 0,
  jonas: 0,
};
const at = (iso: string) => clock.set(new Date(iso));
const leads = () => t.devhost.leads;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Asia/Kolkata', clock });
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [ids.contacted] = await db('tblleads_status').insert({
    name: 'Contacted',
    statusorder: 2,
    color: '#f59e0b',
  });
  [ids.waiting] = await db('tblleads_status').insert({ name: 'Waiting', statusorder: 3, color: '#64748b' });
  [ids.referral] = await db('tblleads_sources').insert({ name: 'Referral' });
  ids.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  ids.de = (await db('tblcountries').where('iso2', 'DE').first()).country_id;
  ids.priya = await insertStaff(db, 'priya.nair@x.test', 'pw123456');
  ids.jonas = await insertStaff(db, 'jonas.weber@x.test', 'pw123456');
  services = createModuleServices(t.devhost.host);
  const newIn = (minutes: number) => ({ status_time: { byStatus: { [String(ids.fresh)]: { minutes } } } });
  await services.config.import({
    calendars: [{ key: 'kolkata', name: 'Kolkata office', timezone: 'Asia/Kolkata', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'india',
        name: 'India leads',
        subject: 'lead',
        match: { countryIds: [ids.india] },
        calendar: 'kolkata',
        targets: newIn(60),
        pauseStatusIds: [ids.waiting],
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
        ],
      },
      {
        key: 'referral',
        name: 'Referrals',
        subject: 'lead',
        match: { sourceIds: [ids.referral] },
        targets: newIn(30),
      },
      { key: 'leads', name: 'Every lead', subject: 'lead', match: {}, targets: newIn(480), position: 9 },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  session = await loginAs(t.devhost.app, ADMIN_EMAIL);
});
afterAll(() => t.close());

function newLead(extra: Record<string, unknown> = {}): Promise<number> {
  return leads().create({
    name: 'Ravi Kumar',
    company: 'Kumar Textiles',
    status: ids.fresh,
    source: ids.google,
    country: ids.india,
    assigned: ids.priya,
    ...extra,
  });
}

const leadClocks = async (id: number) =>
  (await services.leads.clockRepo.forSubjects([id])).map((c) => ({
    cycle: c.cycle,
    status: c.status,
    state: c.state,
    startedAt: c.startedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    metAt: c.metAt?.toISOString() ?? null,
    pausedMinutes: c.pausedMinutes,
  }));

const policyOf = async (id: number): Promise<string | null> => {
  const subject = (await services.leads.subjects.getMany([id])).get(id);
  if (!subject || subject.policyId === null) return null;
  return (await services.clocks.policyBook()).byId(subject.policyId)?.key ?? null;
};

it('gives each stay in a windowed status its own clock: enter, leave, re-enter; lost ends them', async () => {
  at('2026-03-02T03:30:00Z');
  const id = await newLead();
  expect(await policyOf(id)).toBe('india');
  // 09:00 Kolkata + 60 business minutes = 10:00 Kolkata (04:30Z).
  expect(await leadClocks(id)).toEqual([
    {
      cycle: 1,
      status: ids.fresh,
      state: 'on_track',
      startedAt: '2026-03-02T03:30:00.000Z',
      dueAt: '2026-03-02T04:30:00.000Z',
      metAt: null,
      pausedMinutes: 0,
    },
  ]);
  at('2026-03-02T03:50:00Z');
  await leads().changeStatus(id, { status: ids.contacted });
  at('2026-03-02T04:00:00Z');
  await leads().changeStatus(id, { status: ids.fresh });
  expect(await leadClocks(id)).toEqual([
    expect.objectContaining({ cycle: 1, state: 'met', metAt: '2026-03-02T03:50:00.000Z' }),
    expect.objectContaining({ cycle: 3, state: 'on_track', dueAt: '2026-03-02T05:00:00.000Z', metAt: null }),
  ]);
  at('2026-03-02T04:10:00Z');
  await leads().markLost(id);
  expect((await leadClocks(id)).map((c) => [c.cycle, c.state, c.metAt])).toEqual([
    [1, 'met', '2026-03-02T03:50:00.000Z'],
    [3, 'met', '2026-03-02T04:10:00.000Z'],
  ]);
  const subject = (await services.leads.subjects.getMany([id])).get(id);
  expect(subject).toMatchObject({ ended: 'lost', slaState: 'met' });
  // Nothing is due any more: no later scan can escalate a lost lead.
  expect((await services.leads.clockRepo.forSubjects([id])).every((c) => c.nextCheckAt === null)).toBe(true);
});

it('ends the window of an imported lead marked lost before any scan adopted it', async () => {
  at('2026-03-02T03:30:00Z');
  const [id] = await leads().importWithoutHooks([
    {
      name: 'Imported Lead',
      status: ids.fresh,
      source: ids.google,
      country: ids.india,
      assigned: ids.priya,
    },
  ]);
  // Marked lost at 09:20 Kolkata: the hook is the module's first sight of the lead.
  at('2026-03-02T03:50:00Z');
  await leads().markLost(id);
  expect((await leadClocks(id)).map((c) => [c.cycle, c.state, c.metAt])).toEqual([
    [1, 'met', '2026-03-02T03:50:00.000Z'],
  ]);
  expect((await services.leads.subjects.getMany([id])).get(id)).toMatchObject({ ended: 'lost' });
  // Long past its window, a scan neither reopens nor escalates it.
  at('2026-03-02T09:00:00Z');
  await services.scanner.run(clock.now());
  expect((await leadClocks(id)).map((c) => c.state)).toEqual(['met']);
  const fired = await t.devhost
    .db('tblsla_vigil_escalations')
    .where({ subject_type: 'lead', subject_id: id });
  expect(fired).toEqual([]);
});

it('holds the window while the lead waits in a pause status and resumes it on return', async () => {
  at('2026-03-02T06:30:00Z'); // 12:00 Kolkata
  const id = await newLead({ name: 'Anita Rao' });
  at('2026-03-02T06:45:00Z');
  await leads().changeStatus(id, { status: ids.waiting });
  expect(await leadClocks(id)).toEqual([expect.objectContaining({ cycle: 1, state: 'paused', metAt: null })]);
  at('2026-03-02T08:45:00Z');
  await leads().changeStatus(id, { status: ids.fresh });
  // Held two business hours: due 13:00 Kolkata moves to 15:00 Kolkata (09:30Z), same cycle.
  expect(await leadClocks(id)).toEqual([
    expect.objectContaining({
      cycle: 1,
      state: 'on_track',
      dueAt: '2026-03-02T09:30:00.000Z',
      pausedMinutes: 120,
    }),
  ]);
  await leads().delete(id);
  expect(await leadClocks(id)).toEqual([]);
});

it('breaches on a scan and notifies the owner exactly once across scans, naming and linking the lead', async () => {
  at('2026-03-03T03:30:00Z'); // Tue 09:00 Kolkata
  const id = await newLead({ name: 'Meera Shah', company: 'Shah Exports' });
  at('2026-03-03T04:35:00Z');
  const first = await services.scanner.run(clock.now());
  expect(first.escalated).toBe(1);
  at('2026-03-03T04:40:00Z');
  const second = await services.scanner.run(clock.now());
  expect(second.escalated).toBe(0);
  const rows = await t.devhost.db('tblsla_vigil_escalations').where({ subject_type: 'lead', subject_id: id });
  expect(rows.map((e) => [e.metric, e.cycle, e.level, e.outcome])).toEqual([
    ['status_time', 1, 1, 'notified'],
  ]);
  expect((await leadClocks(id)).map((c) => c.state)).toEqual(['breached']);
  const mine = (await t.devhost.mailbox.list()).filter((m) => (m.subject ?? '').includes('Meera Shah'));
  expect(mine).toHaveLength(1);
  expect(mine[0].rcpt_to).toBe('priya.nair@x.test');
  expect(mine[0].subject).toContain('time in New');
  expect(mine[0].text).toContain(`/admin/leads/index/${id}`);
  expect(mine[0].text).toContain('Shah Exports');
  const audit = await t.devhost.db('tblsla_vigil_audit_log').where({ subject_type: 'lead', subject_id: id });
  expect(audit.map((a) => a.action)).toEqual(['escalation.notified']);
});

it('picks up a direct write, an import and a conversion that fired no hook, and matches by market and source', async () => {
  at('2026-03-04T03:30:00Z'); // Wed 09:00 Kolkata
  const written = await newLead({ name: 'Direct Write' });
  const converted = await newLead({ name: 'Soon Customer' });
  const dragged = await newLead({ name: 'Moved By Script' });
  const german = await newLead({ name: 'Jonas Kunde', country: ids.de, assigned: ids.jonas });
  expect(await policyOf(german)).toBe('leads');
  at('2026-03-04T03:40:00Z');
  await leads().writeWithoutHooks({ ids: [written], status: ids.contacted, assigned: ids.jonas });
  const [imported] = await leads().importWithoutHooks([
    { name: 'Imported Referral', status: ids.fresh, source: ids.referral, country: ids.de },
  ]);
  await leads().convert(converted);
  // Inserted by a script before office hours, moved to New at 09:05 Kolkata (03:35Z): its stay in
  // New begins when the host says the status came, not when the row was added.
  const [scripted] = await t.devhost.db('tblleads').insert({
    name: 'Scripted Lead',
    status: ids.fresh,
    source: ids.google,
    country: ids.india,
    dateadded: '2026-03-04 08:00:00',
    last_status_change: '2026-03-04 09:05:00',
    addedfrom: 0,
  });
  // A script that moves the lead and stamps last_status_change (Kolkata wall clock, 03:42Z).
  await t.devhost
    .db('tblleads')
    .where('id', dragged)
    .update({ status: ids.contacted, last_status_change: '2026-03-04 09:12:00' });
  // Nothing was recorded without a hook: the lead still looks untouched to the module.
  expect(await policyOf(imported)).toBeNull();
  at('2026-03-04T03:45:00Z');
  const scan = await services.scanner.run(clock.now());
  expect(scan.leadsChanged).toBe(5);
  // The direct write: a status change at the scan's time (the write left no last_status_change).
  expect((await leadClocks(written)).map((c) => [c.cycle, c.state, c.metAt])).toEqual([
    [1, 'met', '2026-03-04T03:45:00.000Z'],
  ]);
  const events = await services.timeline.forSubject('lead', written);
  expect(events.map((e) => [e.eventType, e.source])).toEqual([
    ['created', 'hook'],
    ['assignee_changed', 'reconcile'],
    ['status_changed', 'reconcile'],
  ]);
  // The import: created when it was added, under the source's policy (30 minutes, 24x7).
  expect(await policyOf(imported)).toBe('referral');
  expect(await leadClocks(imported)).toEqual([
    expect.objectContaining({ cycle: 1, state: 'on_track', dueAt: '2026-03-04T04:10:00.000Z' }),
  ]);
  // The conversion ends the stay it was in, at the host's conversion time.
  expect((await leadClocks(converted)).map((c) => [c.state, c.metAt])).toEqual([
    ['met', '2026-03-04T03:40:00.000Z'],
  ]);
  expect((await services.leads.subjects.getMany([converted])).get(converted)?.ended).toBe('converted');
  // The script's status change is dated by last_status_change, later than the last event.
  expect((await leadClocks(dragged)).map((c) => [c.state, c.metAt])).toEqual([
    ['met', '2026-03-04T03:42:00.000Z'],
  ]);
  expect(await leadClocks(scripted)).toEqual([
    expect.objectContaining({
      cycle: 2,
      startedAt: '2026-03-04T03:35:00.000Z',
      dueAt: '2026-03-04T04:35:00.000Z',
    }),
  ]);
  // A second scan finds nothing new.
  const again = await services.scanner.run(clock.now());
  expect(again.leadsChanged).toBe(0);
  expect(again.leadEvents).toBe(0);
});

it('answers the subject JSON for leads and tickets, over the API and the CLI', async () => {
  at('2026-03-05T03:30:00Z');
  const id = await newLead({ name: 'Json Lead' });
  const json = (
    await session.agent.get(`/admin/sla_vigil/api/subjects/lead/${id}?now=2026-03-05T04:00:00Z`).expect(200)
  ).body;
  expect(Object.keys(json)).toEqual(['subjectType', 'subjectId', 'policy', 'state', 'clocks']);
  expect(json).toMatchObject({
    subjectType: 'lead',
    subjectId: id,
    policy: { name: 'India leads' },
    state: 'on_track',
  });
  expect(json.clocks).toEqual([
    {
      metric: 'status_time',
      status: ids.fresh,
      state: 'on_track',
      startedAt: '2026-03-05T03:30:00.000Z',
      dueAt: '2026-03-05T04:30:00.000Z',
      warnAt: '2026-03-05T04:18:00.000Z',
      pausedMinutes: 0,
      metAt: null,
      breachedAt: null,
      cycle: 1,
      explain: expect.any(Array),
    },
  ]);
  await session.agent.get('/admin/sla_vigil/api/subjects/lead/999999').expect(404);
  await session.agent.get('/admin/sla_vigil/api/subjects/task/1').expect(422);

  const [department] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  const ticket = await t.devhost.tickets.create({
    subject: 'Help',
    message: 'm',
    department,
    email: 'a@b.test',
    name: 'A B',
  });
  const ticketJson = (await session.agent.get(`/admin/sla_vigil/api/subjects/ticket/${ticket}`).expect(200))
    .body;
  expect(ticketJson).toMatchObject({
    subjectType: 'ticket',
    subjectId: ticket,
    policy: null,
    state: 'no_policy',
  });

  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = t.database.url;
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  try {
    await main(['node', 'sla-vigil', 'subject', 'lead', String(id), '--now', '2026-03-05T04:40:00Z']);
  } finally {
    spy.mockRestore();
    process.env.DATABASE_URL = savedUrl;
  }
  const cli = JSON.parse(out.join('\n'));
  expect(cli).toMatchObject({ subjectType: 'lead', subjectId: id, state: 'breached' });
  expect(cli.clocks.map((c: { status: number; state: string }) => [c.status, c.state])).toEqual([
    [ids.fresh, 'breached'],
  ]);
  out.length = 0;
  const again = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  process.env.DATABASE_URL = t.database.url;
  try {
    await main(['node', 'sla-vigil', 'subject', 'ticket', String(ticket)]);
  } finally {
    again.mockRestore();
    process.env.DATABASE_URL = savedUrl;
  }
  expect(JSON.parse(out.join('\n'))).toMatchObject({ subjectType: 'ticket', subjectId: ticket, clocks: [] });
});

/** The lead's timeline as `type source dedupeKey`. */
const timelineOf = async (id: number) =>
  (await services.timeline.forSubject('lead', id)).map((e) =>
    [e.eventType, e.source, e.dedupeKey ?? ''].join(' ').trim(),
  );
const escalationsOf = (id: number) =>
  t.devhost
    .db('tblsla_vigil_escalations')
    .where({ subject_type: 'lead', subject_id: id })
    .orderBy('id')
    .select('cycle', 'outcome');

it('gives an un-marked lost lead its clocks back from when after_lead_updated reports it; lost again ends them again', async () => {
  at('2026-03-06T03:30:00Z'); // Fri 09:00 Kolkata
  const id = await newLead({ name: 'Back From Lost' });
  at('2026-03-06T03:40:00Z');
  await leads().markLost(id);
  expect((await leadClocks(id)).map((c) => [c.cycle, c.state])).toEqual([[1, 'met']]);
  // Perfex fires no hook when a lead is un-marked: nothing is recorded yet.
  at('2026-03-06T04:00:00Z');
  await leads().writeWithoutHooks({ ids: [id], lost: 0 });
  expect((await services.leads.subjects.getMany([id])).get(id)?.ended).toBe('lost');
  // The next edit of the lead fires after_lead_updated: the reopen is seen then.
  at('2026-03-06T04:05:00Z');
  await leads().update(id, { company: 'Back Again Ltd' });
  expect(await leadClocks(id)).toEqual([
    expect.objectContaining({ cycle: 1, state: 'met', metAt: '2026-03-06T03:40:00.000Z' }),
    // A new stay in New from 09:35 Kolkata: due 10:35 Kolkata (05:05Z).
    expect.objectContaining({
      cycle: 2,
      status: ids.fresh,
      state: 'on_track',
      startedAt: '2026-03-06T04:05:00.000Z',
      dueAt: '2026-03-06T05:05:00.000Z',
      metAt: null,
    }),
  ]);
  const reopened = (await services.leads.subjects.getMany([id])).get(id);
  expect([reopened?.ended, reopened?.slaState]).toEqual([undefined, 'on_track']);
  // Lost again: the second stay ends, recorded (its own dedupe key), nothing left due.
  at('2026-03-06T04:20:00Z');
  await leads().markLost(id);
  expect((await leadClocks(id)).map((c) => [c.cycle, c.state, c.metAt])).toEqual([
    [1, 'met', '2026-03-06T03:40:00.000Z'],
    [2, 'met', '2026-03-06T04:20:00.000Z'],
  ]);
  expect(await timelineOf(id)).toEqual([
    'created hook created',
    'lost hook ended',
    'reopened hook reopened:1',
    'lost hook ended:1',
  ]);
  expect((await services.leads.clockRepo.forSubjects([id])).every((c) => c.nextCheckAt === null)).toBe(true);
});

it('a scan finds an un-marked junk lead (no hook) and starts its clocks from then; they escalate as any stay', async () => {
  at('2026-03-09T03:30:00Z'); // Mon 09:00 Kolkata
  const id = await newLead({ name: 'Not Junk After All' });
  const kept = await newLead({ name: 'Still Junk' });
  at('2026-03-09T03:35:00Z');
  await leads().markJunk(id);
  await leads().markJunk(kept);
  at('2026-03-09T03:50:00Z');
  // Un-marked and moved on in one write, with no hook (the module still holds it junk).
  await leads().writeWithoutHooks({ ids: [id], junk: 0, status: ids.contacted });
  at('2026-03-09T03:55:00Z');
  await leads().writeWithoutHooks({ ids: [id], status: ids.fresh });
  at('2026-03-09T04:00:00Z');
  const scan = await services.scanner.run(clock.now());
  expect(scan.leadsChanged).toBe(1);
  expect(await timelineOf(id)).toEqual([
    'created hook created',
    'junk hook ended',
    'reopened reconcile reopened:1',
  ]);
  // Seen reopened by the scan at 09:30 Kolkata, in New: a new stay from then, due 10:30 Kolkata.
  expect((await leadClocks(id)).map((c) => [c.cycle, c.state, c.startedAt, c.dueAt])).toEqual([
    [1, 'met', '2026-03-09T03:30:00.000Z', '2026-03-09T04:30:00.000Z'],
    [2, 'on_track', '2026-03-09T04:00:00.000Z', '2026-03-09T05:00:00.000Z'],
  ]);
  expect((await services.leads.subjects.getMany([kept])).get(kept)?.ended).toBe('junk');
  // The next scan finds nothing new.
  at('2026-03-09T04:10:00Z');
  expect((await services.scanner.run(clock.now())).leadEvents).toBe(0);
  // The new stay breaches and escalates once, like the first stay would have.
  at('2026-03-09T05:01:00Z');
  await services.scanner.run(clock.now());
  at('2026-03-09T05:10:00Z');
  await services.scanner.run(clock.now());
  expect(await escalationsOf(id)).toEqual([{ cycle: 2, outcome: 'notified' }]);
  expect(await escalationsOf(kept)).toEqual([]);
});

it('a kanban drag of an un-marked lost lead (only lead_status_changed fires) records the move and the reopen', async () => {
  at('2026-03-10T03:30:00Z'); // Tue 09:00 Kolkata
  const id = await newLead({ name: 'Dragged Back' });
  await leads().changeStatus(id, { status: ids.contacted });
  at('2026-03-10T03:40:00Z');
  await leads().markLost(id);
  await leads().writeWithoutHooks({ ids: [id], lost: 0 });
  at('2026-03-10T03:50:00Z');
  await leads().changeStatus(id, { status: ids.fresh });
  expect(await timelineOf(id)).toEqual([
    'created hook created',
    'status_changed hook',
    'lost hook ended',
    'status_changed hook',
    'reopened hook reopened:1',
  ]);
  // Visits: New 1, Contacted 2, New 3 (moved while lost), New again 4 (the reopen).
  expect((await leadClocks(id)).map((c) => [c.cycle, c.status, c.state, c.startedAt])).toEqual([
    [1, ids.fresh, 'met', '2026-03-10T03:30:00.000Z'],
    [4, ids.fresh, 'on_track', '2026-03-10T03:50:00.000Z'],
  ]);
});
