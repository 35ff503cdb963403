import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { loginAs } from '../helpers/admin-session';
import { insertRawReply, insertRawTicket } from '../helpers/raw-host-rows';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

// Real Perfex databases run with MySQL's permissive sql_mode and hold zero dates, NULLs and
// typos. One such row must never stop the scan for the others, and must recover once fixed.
const clock = new MutableClock(new Date('2026-03-03T12:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let department: number;
const logLines: { msg: string; ticketId?: number; reason?: string }[] = [];

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  // Perfex's columns, but as a permissive server lets them be filled.
  await db.raw('ALTER TABLE tbltickets MODIFY `date` DATETIME NULL, MODIFY `lastreply` DATETIME NULL');
  await db.raw('ALTER TABLE tblticket_replies MODIFY `date` DATETIME NULL');
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  services = createModuleServices({ ...t.devhost.host, logger: pino({ level: 'error' }, sink) });
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

const insertTicket = (fields: Record<string, unknown> = {}) =>
  insertRawTicket(t.devhost.db, department, fields);
const insertReply = (ticketid: number, date: string | null) => insertRawReply(t.devhost.db, ticketid, date);

const clocksOf = async (id: number) =>
  (await services.clockRepo.forSubjects([id])).map((c) => `${c.metric}#${c.cycle}:${c.state}`);
const problems = async () =>
  (await services.hostProblems.list()).problems.map((p) => `${p.kind} ${p.rowId} of ${p.ticketId}`);

it('skips and counts rows with zero, empty, unparsable and absurd dates, scans the rest, and retries them', async () => {
  const good = await insertTicket({});
  const zero = await insertTicket({ date: '0000-00-00 00:00:00' });
  const empty = await insertTicket({ date: null });
  const year9999 = await insertTicket({ date: '9999-12-31 23:00:00' });
  const year1000 = await insertTicket({ date: '1000-01-01 00:00:00' });
  const notMerged = await insertTicket({ merged_ticket_id: 'abc' });
  const oddLastReply = await insertTicket({ lastreply: '0000-00-00 00:00:00' });
  const withBadReply = await insertTicket({});
  const badReply = await insertReply(withBadReply, '0000-00-00 00:00:00');

  const first = await services.scanner.run(clock.now());
  expect(first.failed).toBe(5);
  for (const id of [good, notMerged, oddLastReply, withBadReply]) {
    expect(await clocksOf(id)).toEqual(['first_response#1:breached', 'resolution#1:on_track']);
  }
  expect((await services.subjects.getMany([notMerged])).get(notMerged)?.mergedInto).toBeNull();
  for (const id of [zero, empty, year9999, year1000]) expect(await clocksOf(id)).toEqual([]);
  expect(await problems()).toEqual([
    `ticket ${zero} of ${zero}`,
    `ticket ${empty} of ${empty}`,
    `ticket ${year9999} of ${year9999}`,
    `ticket ${year1000} of ${year1000}`,
    `reply ${badReply} of ${withBadReply}`,
  ]);
  const reasons = logLines.filter((l) => l.msg.startsWith('sla_vigil: skipped'));
  expect(reasons.map((l) => l.ticketId)).toEqual([withBadReply, zero, empty, year9999, year1000]);
  expect(reasons.map((l) => l.reason)).toEqual([
    'reply zero date "0000-00-00 00:00:00"',
    'ticket zero date "0000-00-00 00:00:00"',
    'ticket date is empty',
    'ticket date "9999-12-31 23:00:00" is outside 1970-2099',
    'ticket date "1000-01-01 00:00:00" is outside 1970-2099',
  ]);

  // The next scan meets them again: still counted and listed, but not logged a second time.
  const second = await services.scanner.run(clock.now());
  expect(second.failed).toBe(5);
  expect(logLines.filter((l) => l.msg.startsWith('sla_vigil: skipped'))).toHaveLength(5);
  expect((await services.hostProblems.list()).problems.every((p) => p.timesSeen === 2)).toBe(true);

  // The monitor's health section names each skipped row with its reason.
  const admin = await loginAs(t.devhost.app, 'admin@example.com');
  const page = await admin.agent.get('/admin/sla_vigil/monitor');
  expect(page.status).toBe(200);
  const health = page.text.slice(page.text.indexOf('data-testid="sv-monitor-health"'));
  expect(health).toContain('5 host rows skipped');
  expect(health).toContain(`data-problem="ticket:${year9999}"`);
  expect(health).toContain(`data-problem="reply:${badReply}"`);
  expect(health).toContain('date &#34;9999-12-31 23:00:00&#34; is outside 1970-2099');

  // Corrected host rows recover by themselves on the next scan; deleted ones leave the list.
  await t.devhost.db('tbltickets').where('ticketid', year9999).update({ date: '2026-03-03 11:30:00' });
  await t.devhost.db('tblticket_replies').where('id', badReply).update({ date: '2026-03-03 10:20:00' });
  await t.devhost.db('tbltickets').where('ticketid', zero).delete();
  const third = await services.scanner.run(clock.now());
  expect(third.failed).toBe(2);
  expect(await clocksOf(year9999)).toEqual(['first_response#1:on_track', 'resolution#1:on_track']);
  expect(await clocksOf(withBadReply)).toEqual(['first_response#1:met', 'resolution#1:on_track']);
  expect(await problems()).toEqual([`ticket ${empty} of ${empty}`, `ticket ${year1000} of ${year1000}`]);
  const after = await admin.agent.get('/admin/sla_vigil/monitor');
  expect(after.text).toContain('2 host rows skipped');
  expect(after.text).not.toContain(`data-problem="ticket:${year9999}"`);
});

it('a ticket created with an unreadable date by a hook is left for the scan, not crashed on', async () => {
  const id = await insertTicket({ date: '0000-00-00 00:00:00' });
  await t.devhost.hooks.fire('ticket_created', id);
  expect(await clocksOf(id)).toEqual([]);
  const scan = await services.scanner.run(clock.now());
  expect(scan.failed).toBe(3);
  expect(await problems()).toContain(`ticket ${id} of ${id}`);
});

it('a reply its hook recorded is no skipped row, even when its own date is unreadable', async () => {
  const id = await insertTicket({});
  const replyId = await insertReply(id, '0000-00-00 00:00:00');
  await t.devhost.hooks.fire('after_ticket_reply_added', { id, replyid: replyId, admin: 1 });
  const events = (await services.timeline.forSubject('ticket', id)).map((e) => `${e.eventType} ${e.source}`);
  expect(events).toContain('staff_reply hook');
  await services.scanner.run(clock.now());
  expect(await problems()).not.toContain(`reply ${replyId} of ${id}`);
});

it('a ticket whose clocks cannot be stored is marked and skipped, and recovers once its host row is corrected', async () => {
  // Recorded by an earlier version from a typo'd row: its due time (year 10000) cannot be stored.
  const id = await insertTicket({ date: '2026-03-03 11:00:00' });
  await services.timeline.record(
    {
      subjectType: 'ticket',
      subjectId: id,
      eventType: 'created',
      toValue: JSON.stringify({ status: 1, priority: 2, department, assigned: 0, userid: 0, service: null }),
      dedupeKey: 'created',
      occurredAt: new Date('9999-12-31T23:30:00Z'),
      source: 'hook',
    },
    clock.now(),
  );
  await t.devhost.db('tbltickets').where('ticketid', id).update({ date: '9999-12-31 23:30:00' });
  const other = await insertTicket({});

  const stuck = await services.scanner.run(clock.now());
  expect(stuck.failed).toBe(4); // the two rows left from above, this one, and the hook's zero date
  expect(await problems()).toContain(`ticket ${id} of ${id}`);
  expect(await clocksOf(other)).toEqual(['first_response#1:breached', 'resolution#1:on_track']);

  // The host row corrected; the scan sees a readable ticket whose stored creation is impossible.
  await t.devhost.db('tbltickets').where('ticketid', id).update({ date: '2026-03-03 11:30:00' });
  const recovered = await services.scanner.run(clock.now());
  expect(recovered.failed).toBe(3);
  expect(await clocksOf(id)).toEqual(['first_response#1:on_track', 'resolution#1:on_track']);
  const created = (await services.timeline.forSubject('ticket', id)).find((e) => e.eventType === 'created');
  expect(created?.occurredAt.toISOString()).toBe('2026-03-03T11:30:00.000Z');
  expect(await problems()).not.toContain(`recompute ${id} of ${id}`);
});
