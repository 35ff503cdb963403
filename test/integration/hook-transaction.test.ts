import pino from 'pino';
import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { createDb } from '../../src/store/db';
import { insertStaff } from '../helpers/host-fixtures';
import { afterPatch, afterUpsert, SubjectRepository } from '../../src/store/subject-repository';
import type { ClockService } from '../../src/engine/clock-service';
import type { SubjectType } from '../../src/sla/config/subject-types';

/**
 * One hook's work is one transaction: lock the subject row, record the events, update the
 * snapshot, recompute the clocks. A database trigger fails the clock write of chosen subjects
 * (a real fault in the real database, nothing of ours mocked): the hook must then leave no trace
 * at all, and the next scan must record the change from the host rows. Hooks racing each other
 * and a recompute on one subject must queue on its row and agree with each other.
 */
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
const at = (iso: string) => clock.set(new Date(iso));
/** What the module logged at error level (the hooks' guard logs every failed handler here). */
const logged: { event?: string; ticketId?: number; leadId?: number; err?: { message: string } }[] = [];
let t: TestDevhost;
let db: Knex;
let services: ModuleServices;
let department: number;
let contactId: number;
let agent: number;
const lead = { fresh: 0, contacted: 0, india: 0 };
const pools: Knex[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  t = await startTestDevhost({ clock, logger });
  db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: 'acme', datecreated: '2026-01-01 00:00:00' });
  [contactId] = await db('tblcontacts').insert({
    userid,
    firstname: 'C',
    lastname: 'x',
    email: 'c@x.test',
    datecreated: '2026-01-01 00:00:00',
  });
  agent = await insertStaff(db, 'ana.agent@x.test', 'pw123456');
  [lead.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [lead.contacted] = await db('tblleads_status').insert({ name: 'Contacted', statusorder: 2, color: '#f00' });
  lead.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'p',
        name: 'P',
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
      },
      {
        key: 'leads',
        name: 'Leads',
        subject: 'lead',
        match: {},
        calendar: null,
        targets: { status_time: { byStatus: { [String(lead.fresh)]: { minutes: 60 } } } },
      },
    ],
  });
  // The fault: inserting or rewriting a clock row of a listed subject (subject_id NULL: of every
  // subject of that type) fails, as a full disk or a lock wait timeout would, midway through the
  // recompute (which rewrites a clock in place when its cycle's row is there, else inserts it).
  await db.schema.createTable('test_clock_faults', (x) => {
    x.string('subject_type', 16).notNullable();
    x.integer('subject_id').nullable();
  });
  for (const [name, event] of [
    ['test_clock_fault', 'INSERT'],
    ['test_clock_fault_update', 'UPDATE'],
  ])
    await db.raw(
      `CREATE TRIGGER ${name} BEFORE ${event} ON tblsla_vigil_clocks FOR EACH ROW
       BEGIN
         IF EXISTS (SELECT 1 FROM test_clock_faults f WHERE f.subject_type = NEW.subject_type
                    AND (f.subject_id IS NULL OR f.subject_id = NEW.subject_id)) THEN
           SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected clock write fault';
         END IF;
       END`,
    );
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
  await t.close();
});
beforeEach(() => {
  logged.length = 0;
});

const failClockWrites = (type: SubjectType, id: number | null) =>
  db('test_clock_faults').insert({ subject_type: type, subject_id: id });
const healClockWrites = () => db('test_clock_faults').delete();

const newTicket = () =>
  t.devhost.tickets.create({ subject: 'S', message: 'M', department, contactid: contactId });
const newLead = () =>
  t.devhost.leads.create({ name: 'Ravi', status: lead.fresh, source: 1, country: lead.india });

/** Everything the module stores about one subject. */
async function stored(type: SubjectType, id: number) {
  const where = { subject_type: type, subject_id: id };
  return {
    timeline: await db('tblsla_vigil_timeline').where(where).orderBy('id'),
    subject: (await db('tblsla_vigil_subjects').where(where).first()) ?? null,
    clocks: await db('tblsla_vigil_clocks').where(where).orderBy('id'),
  };
}

const eventsOf = async (type: SubjectType, id: number) =>
  (await services.timeline.forSubject(type, id)).map(
    (e) => `${e.eventType} ${e.fromValue ?? ''}->${e.toValue ?? ''} ${e.source}`,
  );

const clockKey = (c: { metric: string; cycle: number; state: string; dueAt: Date; metAt: Date | null }) =>
  `${c.metric}#${c.cycle}:${c.state}:${c.dueAt.toISOString()}:${c.metAt?.toISOString() ?? '-'}`;

/**
 * The snapshot, the timeline and the stored clocks of a subject agree: the clocks are what its
 * recorded timeline gives, the subject is not left dirty, and each status change starts from
 * the status the one before it ended in.
 */
async function expectConsistent(type: SubjectType, id: number, clocks: ClockService): Promise<void> {
  const subjects = new SubjectRepository(db, 'tbl', type);
  const subject = (await subjects.getMany([id])).get(id);
  expect(subject?.computedVersion).toBeGreaterThanOrEqual(0);
  const events = await services.timeline.forSubject(type, id);
  const computed = await clocks.compute(subject ?? null, events, clock.now());
  const storedClocks = await (type === 'lead' ? services.leads.clockRepo : services.clockRepo).forSubjects([
    id,
  ]);
  expect(storedClocks.map(clockKey).sort()).toEqual(computed.clocks.map(clockKey).sort());
  const statuses = events.filter((e) => e.eventType === 'status_changed');
  const created = JSON.parse(events[0].toValue ?? '{}') as { status?: number };
  let last = String(created.status);
  for (const e of statuses) {
    expect(`${e.fromValue}->${e.toValue}`).toBe(`${last}->${e.toValue}`);
    last = String(e.toValue);
  }
  expect(String(subject?.status)).toBe(last);
}

describe('a hook whose recompute fails leaves nothing behind, and the next scan repairs it', () => {
  afterEach(() => healClockWrites());

  it('a status change: no event, no snapshot change, old clocks; the scan records it', async () => {
    at('2026-03-03T08:00:00Z');
    const id = await newTicket();
    await failClockWrites('ticket', id);
    const before = await stored('ticket', id);
    at('2026-03-03T08:10:00Z');
    await t.devhost.tickets.changeStatus(id, { status: 5 });
    expect(await stored('ticket', id)).toEqual(before);
    // The guard kept the host's action alive and said which hook failed for which ticket.
    expect(logged).toEqual([
      expect.objectContaining({
        event: 'after_ticket_status_changed',
        ticketId: id,
        err: expect.objectContaining({ message: expect.stringContaining('injected clock write fault') }),
      }),
    ]);
    await healClockWrites();
    at('2026-03-03T08:20:00Z');
    await services.scanner.run(clock.now());
    expect(await eventsOf('ticket', id)).toEqual([
      expect.stringMatching(/^created ->.* hook$/),
      'status_changed 1->5 reconcile',
    ]);
    const clocks = await services.clockRepo.forSubjects([id]);
    expect(clocks.map((c) => `${c.metric}:${c.state}`)).toEqual(['resolution:met']);
    await expectConsistent('ticket', id, services.clocks);
  });

  it('a staff reply that takes the ticket: neither the reply, the assignee nor the status stay', async () => {
    at('2026-03-03T09:00:00Z');
    const id = await newTicket();
    await failClockWrites('ticket', id);
    const before = await stored('ticket', id);
    at('2026-03-03T09:15:00Z');
    await t.devhost.tickets.reply(id, { message: 'On it', admin: agent, assignToMe: true });
    expect(await stored('ticket', id)).toEqual(before);
    expect(logged.map((l) => [l.event, l.ticketId])).toEqual([
      ['after_ticket_reply_added', id],
      ['after_ticket_status_changed', id],
    ]);
    await healClockWrites();
    at('2026-03-03T09:20:00Z');
    await services.scanner.run(clock.now());
    const events = await eventsOf('ticket', id);
    expect(events).toEqual(
      expect.arrayContaining([
        'staff_reply -> reconcile',
        `assignee_changed 0->${agent} reconcile`,
        'status_changed 1->3 reconcile',
      ]),
    );
    const clocks = await services.clockRepo.forSubjects([id]);
    expect(clocks.find((c) => c.metric === 'first_response')?.metAt?.toISOString()).toBe(
      '2026-03-03T09:15:00.000Z',
    );
    await expectConsistent('ticket', id, services.clocks);
  });

  it('a new ticket: no event, no snapshot; the scan adopts it with its clocks', async () => {
    at('2026-03-03T10:00:00Z');
    await failClockWrites('ticket', null);
    const id = await newTicket();
    expect(await stored('ticket', id)).toEqual({ timeline: [], subject: null, clocks: [] });
    expect(logged.map((l) => [l.event, l.ticketId])).toEqual([['ticket_created', id]]);
    await healClockWrites();
    at('2026-03-03T10:05:00Z');
    await services.scanner.run(clock.now());
    expect(await eventsOf('ticket', id)).toEqual([expect.stringMatching(/^created ->.* reconcile$/)]);
    const clocks = await services.clockRepo.forSubjects([id]);
    expect(clocks.map((c) => `${c.metric}:${c.state}`)).toEqual([
      'first_response:on_track',
      'resolution:on_track',
    ]);
    await expectConsistent('ticket', id, services.clocks);
  });

  it('a lead status change: no event, no snapshot change; the lead scan records it', async () => {
    at('2026-03-03T11:00:00Z');
    const id = await newLead();
    await failClockWrites('lead', id);
    const before = await stored('lead', id);
    expect(before.clocks).toHaveLength(1);
    at('2026-03-03T11:20:00Z');
    await t.devhost.leads.changeStatus(id, { status: lead.contacted });
    expect(await stored('lead', id)).toEqual(before);
    expect(logged.map((l) => [l.event, l.leadId])).toEqual([['lead_status_changed', id]]);
    await healClockWrites();
    at('2026-03-03T11:30:00Z');
    await services.scanner.run(clock.now());
    expect(await eventsOf('lead', id)).toEqual([
      expect.stringMatching(/^created ->.* hook$/),
      `status_changed ${lead.fresh}->${lead.contacted} reconcile`,
    ]);
    const clocks = await services.leads.clockRepo.forSubjects([id]);
    expect(clocks.map((c) => `${c.metric}:${c.state}`)).toEqual(['status_time:met']);
    await expectConsistent('lead', id, services.leads.clocks);
  });
});

describe('hooks and recomputes of one subject at the same moment', () => {
  /** Another worker process: its own pool and services over the same database. */
  function worker(): ModuleServices {
    const pool = createDb(t.database.url, { min: 0, max: 4 });
    pools.push(pool);
    return createModuleServices({ ...t.devhost.host, db: pool, logger: pino({ level: 'silent' }) });
  }

  it('status hooks, a reply, a settings edit and recomputes end in agreeing clocks, no deadlock', async () => {
    at('2026-03-03T12:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await newTicket());
    at('2026-03-03T12:30:00Z');
    const other = worker();
    const recomputes: string[] = [];
    const recompute = (w: ModuleServices, which: number[]) =>
      w.clocks.recompute(which, clock.now()).then(
        () => recomputes.push('ok'),
        (err: { code?: string; message: string }) => recomputes.push(err.code ?? err.message),
      );
    await Promise.all([
      recompute(other, ids),
      ...ids.flatMap((id) => [
        t.devhost.tickets.changeStatus(id, { status: 2 }),
        t.devhost.tickets.changeStatus(id, { status: 5 }),
        t.devhost.tickets.reply(id, { message: 'r', admin: agent, status: 4 }),
        t.devhost.tickets.updateSettings(id, { priority: 3 }),
        recompute(other, [id]),
        recompute(services, [id]),
      ]),
    ]);
    expect(logged).toEqual([]);
    expect(recomputes).toEqual(Array(1 + ids.length * 2).fill('ok'));
    for (const id of ids) {
      const events = (await services.timeline.forSubject('ticket', id)).map((e) => e.eventType);
      expect(events.filter((e) => e === 'status_changed')).toHaveLength(3);
      expect(events).toEqual(expect.arrayContaining(['staff_reply', 'priority_changed']));
      await expectConsistent('ticket', id, services.clocks);
      const subject = (await services.subjects.getMany([id])).get(id);
      expect(subject?.priority).toBe(3);
    }
  });

  it('a lead moved on the board while its edit form saves and a recompute runs', async () => {
    at('2026-03-03T13:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await newLead());
    at('2026-03-03T13:10:00Z');
    const other = worker();
    const failures: unknown[] = [];
    await Promise.all([
      other.leads.clocks.recompute(ids, clock.now()).catch((err) => failures.push(err)),
      ...ids.flatMap((id) => [
        t.devhost.leads.changeStatus(id, { status: lead.contacted }),
        t.devhost.leads.update(id, { assigned: agent }),
        other.leads.clocks.recompute([id], clock.now()).catch((err) => failures.push(err)),
      ]),
    ]);
    expect(failures).toEqual([]);
    expect(logged).toEqual([]);
    for (const id of ids) {
      await expectConsistent('lead', id, services.leads.clocks);
      expect(await eventsOf('lead', id)).toEqual(
        expect.arrayContaining([
          `status_changed ${lead.fresh}->${lead.contacted} hook`,
          `assignee_changed 0->${agent} hook`,
        ]),
      );
    }
  });
});

describe('the hook hands the recompute the row it wrote instead of reading it back', () => {
  it('afterPatch and afterUpsert give what a read after the write returns', async () => {
    const tickets = new SubjectRepository(db, 'tbl', 'ticket');
    const leads = new SubjectRepository(db, 'tbl', 'lead');
    const now = new Date('2026-03-03T14:00:00Z');
    await tickets.upsert(
      [
        {
          subjectId: 900001,
          status: 1,
          priority: 2,
          department,
          assigned: 0,
          userid: 1,
          service: null,
          mergedInto: null,
          deleted: false,
        },
      ],
      now,
    );
    const read = async (repo: SubjectRepository, id: number) => (await repo.getMany([id])).get(id);
    const ticket = await read(tickets, 900001);
    expect(ticket).toBeDefined();
    if (!ticket) return;
    // A service of 0 reads back as none; deleted is a flag; every other column is kept.
    const patch = { status: 4, assigned: agent, service: 0, deleted: true };
    await tickets.patch(900001, patch, now);
    expect(afterPatch(ticket, patch)).toEqual(await read(tickets, 900001));
    const snapshot = {
      subjectId: 900002,
      status: lead.fresh,
      priority: 0,
      department: 0,
      assigned: 0,
      userid: 0,
      service: null,
      mergedInto: null,
      country: null,
      source: 1,
      ended: null,
      deleted: false,
    };
    await leads.upsert([snapshot], now);
    const fresh = await read(leads, 900002);
    expect(afterUpsert(undefined, snapshot)).toEqual(fresh);
    const moved = { ...snapshot, status: lead.contacted, country: lead.india, ended: 'lost' as const };
    await leads.upsert([moved], now);
    expect(afterUpsert(fresh, moved)).toEqual(await read(leads, 900002));
  });
});
