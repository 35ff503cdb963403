import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { Reconciler } from '../../src/scan/reconciler';
import type { TicketGateway } from '../../src/host/host-context';

// Hooks keep firing while a scan runs. These scenarios interleave the two on purpose.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let department: number;
let contactId: number;
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: 'acme', datecreated: '2026-01-01 00:00:00' });
  [contactId] = await db('tblcontacts').insert({
    userid,
    firstname: 'C',
    lastname: 'x',
    email: 'c@x.test',
    datecreated: '2026-01-01 00:00:00',
  });
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'p',
        name: 'P',
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
      },
    ],
  });
});
afterAll(() => t.close());

const newTicket = () =>
  t.devhost.tickets.create({ subject: 'S', message: 'M', department, contactid: contactId });
const clocksOf = async (id: number) =>
  (await services.clockRepo.forSubjects([id])).map(
    (c) => `${c.metric}#${c.cycle}:${c.state}:${c.metAt?.toISOString().slice(11, 16) ?? '-'}`,
  );
const statusesOf = async (id: number) =>
  (await services.timeline.forSubject('ticket', id))
    .filter((e) => e.eventType === 'status_changed')
    .map((e) => `${e.occurredAt.toISOString().slice(11, 16)} ${e.fromValue}->${e.toValue} ${e.source}`);

/** A gateway whose ticket reads let a hook run right after them. */
function racingGateway(afterRead: (rows: { id: number }[], limit: number) => Promise<void>): TicketGateway {
  const gateway = t.devhost.host.tickets;
  const racing: TicketGateway = Object.create(gateway);
  racing.listTicketsAfter = async (afterId, limit) => {
    const read = await gateway.listTicketsAfter(afterId, limit);
    await afterRead(read.rows, limit);
    return read;
  };
  return racing;
}

it('a silent bulk close after hook events is dated after them, not back to the last reply', async () => {
  at('2026-03-03T09:00:00Z');
  await services.scanner.run(clock.now());
  at('2026-03-03T10:00:00Z');
  const id = await newTicket();
  at('2026-03-03T10:01:00Z');
  await t.devhost.tickets.reply(id, { message: 'hi', admin: 1, status: 2 });
  at('2026-03-03T10:05:00Z');
  await t.devhost.tickets.changeStatus(id, { status: 4 });
  at('2026-03-03T10:08:00Z');
  await t.devhost.tickets.bulkStatus({ ids: [id], status: 5 });
  at('2026-03-03T10:09:00Z');
  await services.scanner.run(clock.now());
  expect(await statusesOf(id)).toEqual(['10:01 1->2 hook', '10:05 2->4 hook', '10:09 4->5 reconcile']);
  expect(await clocksOf(id)).toEqual(['first_response#1:met:10:01', 'resolution#1:met:10:09']);
});

it('a merge found by the scan is not counted as an answer or a resolution', async () => {
  at('2026-03-03T11:00:00Z');
  const a = await newTicket();
  const b = await newTicket();
  at('2026-03-03T11:30:00Z');
  await t.devhost.tickets.merge({ primary: a, ids: [b] });
  await services.scanner.run(clock.now());
  expect(await clocksOf(b)).toEqual([]);
  expect((await services.subjects.getMany([b])).get(b)).toMatchObject({ slaState: 'met', mergedInto: a });
});

it('the delete hook removes the clocks at once', async () => {
  at('2026-03-03T12:00:00Z');
  const id = await newTicket();
  await t.devhost.tickets.delete(id);
  expect(await clocksOf(id)).toEqual([]);
  expect((await services.subjects.getMany([id])).get(id)?.deleted).toBe(true);
});

it('a ticket created by a hook while the scan reads its last batch is not taken for deleted', async () => {
  at('2026-03-03T13:00:00Z');
  let created = 0;
  const reconciler = new Reconciler(
    racingGateway(async (rows, limit) => {
      if (rows.length < limit && !created) created = await newTicket();
    }),
    services.timeline,
    services.subjects,
    services.cursors,
  );
  await reconciler.run(clock.now(), async (ids) => {
    await services.clocks.recompute(ids, clock.now());
  });
  const types = (await services.timeline.forSubject('ticket', created)).map((e) => e.eventType);
  expect(types).toEqual(['created']);
  expect(await clocksOf(created)).toEqual(['first_response#1:on_track:-', 'resolution#1:on_track:-']);
});

it('a hook status change racing the reconcile read is not recorded backwards', async () => {
  at('2026-03-03T14:00:00Z');
  const id = await newTicket();
  await services.scanner.run(clock.now());
  at('2026-03-03T14:10:00Z');
  let done = false;
  const reconciler = new Reconciler(
    racingGateway(async (rows) => {
      if (!done && rows.some((r) => r.id === id)) {
        done = true;
        await t.devhost.tickets.changeStatus(id, { status: 5 });
      }
    }),
    services.timeline,
    services.subjects,
    services.cursors,
  );
  await reconciler.run(clock.now(), async (ids) => {
    await services.clocks.recompute(ids, clock.now());
  });
  at('2026-03-03T14:11:00Z');
  await services.scanner.run(clock.now());
  expect(await statusesOf(id)).toEqual(['14:10 1->5 hook']);
  expect(await clocksOf(id)).toEqual(['resolution#1:met:14:10']);
});

it('a hook whose recompute failed is repaired by the next scan', async () => {
  at('2026-03-03T15:00:00Z');
  const id = await newTicket();
  // What the status hook does before its recompute, which then fails.
  await services.timeline.record(
    {
      subjectType: 'ticket',
      subjectId: id,
      eventType: 'status_changed',
      fromValue: '1',
      toValue: '5',
      occurredAt: new Date('2026-03-03T15:05:00Z'),
      source: 'hook',
    },
    clock.now(),
  );
  await t.devhost.db('tbltickets').where('ticketid', id).update({ status: 5 });
  await services.subjects.patch(id, { status: 5 }, clock.now());
  at('2026-03-03T23:30:00Z');
  await services.scanner.run(clock.now());
  expect(await clocksOf(id)).toEqual(['resolution#1:met:15:05']);
});

it('a recompute that read an older timeline never overwrites a newer one', async () => {
  at('2026-03-03T16:00:00Z');
  const id = await newTicket();
  await services.scanner.run(clock.now());
  await services.config.savePolicy(
    {
      key: 'p',
      name: 'P2',
      calendar: null,
      targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
    },
    null,
  );
  const read = services.clocks.inputs.read.bind(services.clocks.inputs);
  let hook: Promise<void> | null = null;
  // While the scan's recompute holds the ticket, an agent closes it. The scan then waits for
  // the hook to finish (at most 1 s): without the subject lock the hook would finish first and
  // the scan would write its older clocks last.
  services.clocks.inputs.read = async (ids, trx) => {
    const result = await read(ids, trx);
    if (!hook && ids.includes(id)) {
      hook = t.devhost.tickets.changeStatus(id, { status: 5 });
      await Promise.race([hook, new Promise((r) => setTimeout(r, 1000))]);
    }
    return result;
  };
  at('2026-03-03T16:10:00Z');
  try {
    await services.scanner.run(clock.now());
  } finally {
    services.clocks.inputs.read = read;
  }
  await hook;
  at('2026-03-03T23:00:00Z');
  await services.scanner.run(clock.now());
  const live = await services.ticketSla.get(id, clock.now(), 'UTC');
  expect(live?.clocks.map((c) => `${c.metric}:${c.state}`)).toEqual(['resolution:met']);
  expect(await clocksOf(id)).toEqual(['resolution#1:met:16:10']);
});

it('a reply whose insert commits after one with a higher id is still found', async () => {
  at('2026-03-03T17:00:00Z');
  const id = await newTicket();
  const db = t.devhost.db;
  const reply = (extra: object = {}) => ({
    ticketid: id,
    date: '2026-03-03 17:05:00',
    message: 'r',
    admin: 1,
    ...extra,
  });
  // Two concurrent replies: the higher id commits first and the scan moves the cursor past it.
  const [lower] = await db('tblticket_replies').insert(reply());
  await db('tblticket_replies').where('id', lower).delete();
  await db('tblticket_replies').insert(reply({ date: '2026-03-03 17:06:00' }));
  await services.scanner.run(clock.now());
  await db('tblticket_replies').insert(reply({ id: lower }));
  at('2026-03-03T17:10:00Z');
  await services.scanner.run(clock.now());
  const refs = (await services.timeline.forSubject('ticket', id))
    .filter((e) => e.eventType === 'staff_reply')
    .map((e) => e.refId);
  expect(refs).toEqual([lower, lower + 1]);
});

it('advancing due clocks and a hook recompute of the same ticket never deadlock', async () => {
  at('2026-03-03T18:00:00Z');
  const id = await newTicket();
  at('2026-03-03T18:55:00Z'); // past the first-response warning
  // The tick's read of the locked subjects' clocks (the only one inside a transaction here).
  const forSubjects = services.clockRepo.forSubjects.bind(services.clockRepo);
  let recompute: Promise<string> | null = null;
  services.clockRepo.forSubjects = async (ids, trx) => {
    const rows = await forSubjects(ids, trx);
    if (trx && ids.includes(id) && !recompute) {
      recompute = services.clocks.recompute([id], clock.now()).then(
        () => 'ok',
        (err: { code?: string }) => `recompute: ${err.code}`,
      );
      await new Promise((r) => setTimeout(r, 300));
    }
    return rows;
  };
  try {
    const advanced = await services.clocks.advanceDue(clock.now()).then(
      () => 'ok',
      (err: { code?: string }) => `advanceDue: ${err.code}`,
    );
    expect([advanced, await recompute]).toEqual(['ok', 'ok']);
  } finally {
    services.clockRepo.forSubjects = forSubjects;
  }
  expect(await clocksOf(id)).toEqual(['first_response#1:at_risk:-', 'resolution#1:on_track:-']);
});

it('a delete hook whose recompute failed still loses its clocks at the next scan', async () => {
  at('2026-03-03T19:00:00Z');
  const id = await newTicket();
  // What the delete hook does before its recompute, which then fails.
  await t.devhost.db('tbltickets').where('ticketid', id).delete();
  await services.timeline.record(
    {
      subjectType: 'ticket',
      subjectId: id,
      eventType: 'deleted',
      dedupeKey: 'deleted',
      occurredAt: clock.now(),
      source: 'hook',
    },
    clock.now(),
  );
  await services.subjects.patch(id, { deleted: true }, clock.now());
  at('2026-03-04T09:00:00Z');
  await services.scanner.run(clock.now());
  expect(await clocksOf(id)).toEqual([]);
});

it('a reply hook whose recompute failed is repaired by the next scan', async () => {
  at('2026-03-03T20:00:00Z');
  const id = await newTicket();
  const replyId = await t.devhost
    .db('tblticket_replies')
    .insert({ ticketid: id, date: '2026-03-03 20:10:00', message: 'r', admin: 1 });
  at('2026-03-03T20:10:00Z');
  await services.timeline.record(
    {
      subjectType: 'ticket',
      subjectId: id,
      eventType: 'staff_reply',
      refId: replyId[0],
      dedupeKey: `reply:${replyId[0]}`,
      occurredAt: clock.now(),
      source: 'hook',
    },
    clock.now(),
  );
  await services.subjects.patch(id, {}, clock.now());
  at('2026-03-03T23:00:00Z');
  await services.scanner.run(clock.now());
  expect(await clocksOf(id)).toEqual(['first_response#1:met:20:10', 'resolution#1:on_track:-']);
});

it('a stored recompute never leaves out an event recorded after the scan began', async () => {
  at('2026-03-04T11:00:00Z');
  const id = await newTicket();
  at('2026-03-04T11:31:00Z');
  await t.devhost.tickets.changeStatus(id, { status: 5 });
  await services.config.savePolicy(
    {
      key: 'p',
      name: 'P3',
      calendar: null,
      targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
    },
    null,
  );
  // A scan that began at 11:30 recomputes the (now stale) ticket after the 11:31 close.
  await services.scanner.run(new Date('2026-03-04T11:30:00Z'));
  expect(await clocksOf(id)).toEqual(['resolution#1:met:11:31']);
});

it('a ticket whose recompute keeps failing does not stall the scan for the others', async () => {
  at('2026-03-04T12:00:00Z');
  const bad = await newTicket();
  const good = await newTicket();
  await services.config.savePolicy(
    {
      key: 'p',
      name: 'P4',
      calendar: null,
      targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
    },
    null,
  );
  const read = services.clocks.inputs.read.bind(services.clocks.inputs);
  services.clocks.inputs.read = async (ids, trx) => {
    if (ids.includes(bad)) throw new Error('corrupt row');
    return read(ids, trx);
  };
  at('2026-03-04T13:30:00Z');
  try {
    const result = await services.scanner.run(clock.now());
    expect(result.failed).toBe(1);
  } finally {
    services.clocks.inputs.read = read;
  }
  expect(await clocksOf(good)).toEqual(['first_response#1:breached:-', 'resolution#1:on_track:-']);
  expect((await services.subjects.getMany([bad])).get(bad)?.computedVersion).toBeLessThan(
    await services.config.version(),
  );
});

it('a scan over unchanged tickets reads them once and asks the host about none again', async () => {
  at('2026-03-05T08:00:00Z');
  await newTicket();
  await newTicket();
  await services.scanner.run(clock.now());
  const gateway = t.devhost.host.tickets;
  const getTickets = jest.spyOn(gateway, 'getTickets');
  const reader = new Reconciler(gateway, services.timeline, services.subjects, services.cursors);
  try {
    const result = await reader.run(clock.now(), async () => undefined);
    expect(result).toMatchObject({ changed: 0, eventsRecorded: 0 });
    expect(getTickets.mock.calls.filter(([ids]) => ids.length > 0)).toEqual([]);
  } finally {
    getTickets.mockRestore();
  }
});

it('a merge copies the merged ticket’s message and replies onto the primary: history, not replies to it', async () => {
  at('2026-03-03T11:00:00Z');
  await services.scanner.run(clock.now());
  const primary = await newTicket();
  at('2026-03-03T11:10:00Z');
  const other = await newTicket();
  at('2026-03-03T11:20:00Z');
  await t.devhost.tickets.reply(other, { message: 'answered on the other one', admin: 1 });
  at('2026-03-03T11:30:00Z');
  await t.devhost.tickets.merge({ primary, ids: [other] });
  // Perfex's copies are there: the other ticket's message and its staff reply, with their dates.
  const copied = await t.devhost.db('tblticket_replies').where('ticketid', primary).orderBy('id');
  expect(copied.map((r) => [r.date, r.admin])).toEqual([
    ['2026-03-03 11:10:00', null],
    ['2026-03-03 11:20:00', 1],
  ]);
  at('2026-03-03T11:31:00Z');
  await services.scanner.run(clock.now());
  const replies = (await services.timeline.forSubject('ticket', primary)).filter((e) =>
    ['staff_reply', 'client_reply'].includes(e.eventType),
  );
  expect(replies).toEqual([]);
  // The primary's first response still waits; the other ticket ended as merged.
  expect(await clocksOf(primary)).toEqual(['first_response#1:on_track:-', 'resolution#1:on_track:-']);
  expect((await services.timeline.forSubject('ticket', other)).map((e) => e.eventType)).toContain('merged');
  // A later scan (the reply window is read again) still does not take them for replies.
  at('2026-03-03T11:40:00Z');
  await services.scanner.run(clock.now());
  expect(
    (await services.timeline.forSubject('ticket', primary)).filter((e) => e.eventType.endsWith('_reply')),
  ).toEqual([]);
  // A real reply to the primary afterwards is a reply.
  at('2026-03-03T11:45:00Z');
  await t.devhost.tickets.reply(primary, { message: 'now for real', admin: 1 });
  expect(await clocksOf(primary)).toEqual(['first_response#1:met:11:45', 'resolution#1:paused:-']);
});
