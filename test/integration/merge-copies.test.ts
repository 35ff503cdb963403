/**
 * Perfex's merge copies each merged ticket's message and replies onto the primary as new reply
 * rows with their original dates, and fires no reply hook (PERFEX.md, "Merges copy replies").
 * The reconcile must not read those copies as replies to the primary: they answered another
 * ticket, and taking them would answer (or reopen) the primary's clocks in the past.
 */
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

const clock = new MutableClock(new Date('2026-05-04T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let department: number;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Asia/Tokyo', clock });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const parts = await createPerfexHostParts(db, 'tbl');
  services = createModuleServices({
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  });
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
        pauseStatusIds: [4],
      },
    ],
  });
});
afterAll(async () => {
  await services.mailer.close();
  await t.close();
});

const at = (iso: string) => clock.set(new Date(iso));
const clocks = async (id: number) =>
  (await services.clockRepo.forSubjects([id])).map((c) => `${c.metric}#${c.cycle}:${c.state}`).sort();
const events = async (id: number) =>
  (await services.timeline.forSubject('ticket', id)).map((e) => `${e.eventType} ${e.source}`);

it('copies are no replies of the primary; a real reply after the merge still is', async () => {
  const tickets = t.devhost.tickets;
  at('2026-05-04T08:00:00Z');
  const primary = await tickets.create({ subject: 'A', message: 'a', department, email: 'x@example.com' });
  const other = await tickets.create({ subject: 'B', message: 'b', department, admin: 1 });
  at('2026-05-04T08:10:00Z');
  await tickets.reply(other, { message: 'staff on B', admin: 1, status: 3 });
  at('2026-05-04T08:20:00Z');
  await tickets.merge({ primary, ids: [other] });
  const copies = await t.devhost.db('tblticket_replies').where('ticketid', primary).orderBy('id');
  expect(copies.map((r: { message: string; admin: number | null }) => [r.message, r.admin])).toEqual([
    ['b', 1],
    ['staff on B', 1],
  ]);
  at('2026-05-04T08:21:00Z');
  await services.scanner.run(clock.now());
  expect(await events(primary)).toEqual(['created hook']);
  expect(await clocks(primary)).toEqual(['first_response#1:on_track', 'resolution#1:on_track']);

  // The same message posted again later is a reply of the primary's own (its date differs).
  at('2026-05-04T08:30:00Z');
  const again = await t.devhost.db('tblticket_replies').insert({
    ticketid: primary,
    userid: 0,
    contactid: 0,
    date: '2026-05-04 17:30:00',
    message: 'staff on B',
    admin: 1,
  });
  expect(again).toHaveLength(1);
  at('2026-05-04T08:31:00Z');
  await services.scanner.run(clock.now());
  expect(await events(primary)).toEqual(['created hook', 'staff_reply reconcile']);
  expect(await clocks(primary)).toEqual(['first_response#1:met', 'resolution#1:on_track']);
});
