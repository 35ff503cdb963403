import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { insertRawReply, insertRawTicket } from '../helpers/raw-host-rows';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

// The odd rows a real helpdesk database holds, inserted as scripts and permissive servers leave
// them (no hooks), then scanned twice: every ticket ends with exactly the clocks listed here.
const clock = new MutableClock(new Date('2026-03-03T12:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let department: number;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  [department] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        calendar: null,
        match: { departmentIds: [department] },
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
        escalations: [
          { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
          { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'raise_priority' } },
        ],
      },
      {
        key: 'default',
        name: 'Default',
        calendar: null,
        targets: { first_response: { minutes: 120 }, resolution: { minutes: 960 } },
      },
    ],
  });
});
afterAll(() => t.close());

const ticket = (fields: Record<string, unknown>) => insertRawTicket(t.devhost.db, department, fields);
const reply = (ticketid: number, date: string, admin: number | null) =>
  insertRawReply(t.devhost.db, ticketid, date, admin);

const clocksOf = async (id: number) =>
  (await services.clockRepo.forSubjects([id])).map(
    (c) =>
      `${c.metric}#${c.cycle} ${c.state} due ${c.dueAt.toISOString().slice(11, 16)}` +
      (c.metAt ? ` met ${c.metAt.toISOString().slice(11, 16)}` : ''),
  );

it('ends every odd ticket with exactly the expected clocks, and a second scan changes nothing', async () => {
  const noDepartment = await ticket({ department: 0 });
  const unknownStatus = await ticket({ status: 99 });
  const unknownPriority = await ticket({ priority: 99 });
  const unknownStaff = await ticket({ assigned: 999 });
  const unknownClient = await ticket({ userid: 999, contactid: 999 });
  const repliedBefore = await ticket({});
  await reply(repliedBefore, '2026-03-03 09:00:00', 1);
  // A reply dated next year would answer the ticket in the future and date every later event
  // after it: skipped and listed like an unreadable row, the ticket scanned without it.
  const repliedNextYear = await ticket({});
  const futureReply = await reply(repliedNextYear, '2027-03-03 10:00:00', 1);
  const bornNextYear = await ticket({ date: '2027-01-01 10:00:00' });
  const mergedIntoItself = await ticket({});
  await t.devhost
    .db('tbltickets')
    .where('ticketid', mergedIntoItself)
    .update({ merged_ticket_id: String(mergedIntoItself) });

  const first = await services.scanner.run(clock.now());
  expect(first.failed).toBe(2);
  expect((await services.hostProblems.list()).problems.map((p) => [p.kind, p.rowId])).toEqual([
    ['reply', futureReply],
    ['ticket', bornNextYear],
  ]);
  // The host closes it meanwhile (a bulk action): the scan dates that now, not after next year.
  await t.devhost.db('tbltickets').where('ticketid', repliedNextYear).update({ status: 5 });

  // Status flapping between scans: open, closed, open again, closed, open.
  const flapping = await ticket({});
  for (const [at, status] of [
    ['2026-03-03T12:01:00Z', 5],
    ['2026-03-03T12:02:00Z', 1],
    ['2026-03-03T12:03:00Z', 5],
    ['2026-03-03T12:04:00Z', 1],
  ] as const) {
    clock.set(new Date(at));
    await t.devhost.db('tbltickets').where('ticketid', flapping).update({ status });
    expect((await services.scanner.run(clock.now())).failed).toBe(2);
  }

  const onTime = ['first_response#1 breached due 11:00', 'resolution#1 on_track due 18:00'];
  expect(await clocksOf(noDepartment)).toEqual([
    'first_response#1 breached due 12:00',
    'resolution#1 on_track due 02:00',
  ]);
  for (const id of [unknownStatus, unknownPriority, unknownStaff, unknownClient]) {
    expect(await clocksOf(id)).toEqual(onTime);
  }
  // A reply older than its ticket (clock skew, an import, a merge's copied rows) answers nothing.
  expect(await clocksOf(repliedBefore)).toEqual(onTime);
  expect(await clocksOf(mergedIntoItself)).toEqual(onTime);
  // The monitor's search among open, unmerged tickets agrees.
  expect(await t.devhost.host.tickets.searchTicketIds('odd', 100, { excludeMerged: true })).toContain(
    mergedIntoItself,
  );
  expect(await clocksOf(repliedNextYear)).toEqual([
    'first_response#1 breached due 11:00',
    'resolution#1 met due 18:00 met 12:01',
  ]);
  expect(await clocksOf(bornNextYear)).toEqual([]);
  // First seen closed (dated at its creation: no reply says otherwise), then each reopening is a
  // new resolution cycle; unanswered first-response cycles closed before their due are dropped.
  expect(await clocksOf(flapping)).toEqual([
    'first_response#3 on_track due 13:04',
    'resolution#1 met due 18:00 met 10:00',
    'resolution#2 met due 20:02 met 12:03',
    'resolution#3 on_track due 20:04',
  ]);
  const again = await services.scanner.run(clock.now());
  expect(again).toMatchObject({ failed: 2, eventsRecorded: 0, changed: 0, escalated: 0 });

  // Both levels fired once for each breached support ticket, unknown staff and priority included;
  // nobody could be emailed about the unassigned or unknown-assignee ones.
  const fired: { subject_id: number; n: number }[] = await t.devhost
    .db('tblsla_vigil_escalations')
    .select('subject_id')
    .count({ n: '*' })
    .groupBy('subject_id');
  const supportBreached = [
    unknownStatus,
    unknownPriority,
    unknownStaff,
    unknownClient,
    repliedBefore,
    repliedNextYear,
    mergedIntoItself,
  ];
  expect(new Map(fired.map((r) => [r.subject_id, Number(r.n)]))).toEqual(
    new Map(supportBreached.map((id) => [id, 2])),
  );
  expect(await t.devhost.db('tblsla_vigil_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
});
