import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { loginAs } from '../helpers/admin-session';
import { BellSender } from '../../src/notify/bell-sender';
import { PerfexNotifications } from '../../src/host/perfex/perfex-notifications';
import { ScanWorker } from '../../src/scan/scan-worker';
import { ScanQueue } from '../../src/scan/scan-queue';
import { dropRedisPrefix, testRedisPrefix, TEST_REDIS_URL } from '../helpers/test-database';

/**
 * Every notify level also puts an entry in the host's own bell (Perfex's `tblnotifications`) for
 * each recipient: once per level and recipient however senders race, skipped for staff made
 * inactive since, with its own cooldown, shown by the devhost's bell with the unread count. A
 * worker delivers in a job of its own after each scan.
 */
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
let t: TestDevhost;
let services: ModuleServices;
const ids = { support: 0, ana: 0, ben: 0, newLead: 0, web: 0 };
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [ids.support] = await db('tbldepartments').insert({ name: 'Support' });
  [ids.web] = await db('tblleads_sources').insert({ name: 'Web' });
  [ids.newLead] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  ids.ana = await insertStaff(db, 'ana.agent@example.com', 'pw123456');
  ids.ben = await insertStaff(db, 'ben.backup@example.com', 'pw123456', { default_language: 'german' });
  await db('tblstaff_departments').insert([
    { staffid: ids.ana, departmentid: ids.support },
    { staffid: ids.ben, departmentid: ids.support },
  ]);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [ids.support] },
        calendar: null,
        targets: { first_response: { minutes: 60 } },
        escalations: [
          {
            metric: 'first_response',
            trigger: { type: 'at_due' },
            action: { type: 'notify_department', departmentId: ids.support },
          },
        ],
      },
      {
        key: 'leads',
        name: 'Leads',
        subject: 'lead',
        match: {},
        targets: { status_time: { byStatus: { [String(ids.newLead)]: { minutes: 30 } } } },
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
        ],
      },
    ],
  });
});
afterAll(() => t.close());

const bellOf = (staffId: number) =>
  t.devhost.db('tblnotifications').where('touserid', staffId).orderBy('id').select();

it('a notify level adds one bell entry per recipient, in their language, linked to the ticket, once', async () => {
  at('2026-03-03T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Printer down',
    message: 'm',
    department: ids.support,
    admin: 1,
  });
  at('2026-03-03T09:00:00Z');
  await services.scanner.run(clock.now());
  at('2026-03-03T09:05:00Z');
  await services.scanner.run(clock.now());

  const [ana] = await bellOf(ids.ana);
  const [ben] = await bellOf(ids.ben);
  expect(await bellOf(ids.ana)).toHaveLength(1);
  expect(await bellOf(ids.ben)).toHaveLength(1);
  expect(ana).toMatchObject({ link: `tickets/ticket/${id}`, isread: 0, fromuserid: 0 });
  // The bell reads like the email's subject line, in each recipient's language.
  const mails = await t.devhost.mailbox.list();
  expect(ana.description).toBe(mails.find((m) => m.rcpt_to === 'ana.agent@example.com')?.subject);
  expect(ben.description).toBe(mails.find((m) => m.rcpt_to === 'ben.backup@example.com')?.subject);
  expect(ben.description).not.toBe(ana.description);
  // Perfex's wall clock in its own zone: 09:00 UTC is 10:00 in Berlin.
  expect(String(ana.date)).toMatch(/10:00:00/);
  const log = await t.devhost
    .db('tblsla_vigil_deliveries as d')
    .join('tblsla_vigil_outbox as o', 'o.id', 'd.outbox_id')
    .where({ 'o.channel': 'in_app', 'o.subject_id': id })
    .select('d.outcome');
  expect(log.map((l) => l.outcome)).toEqual(['sent', 'sent']);
});

it('skips a staff member made inactive before delivery, and two racing senders add each entry once', async () => {
  at('2026-03-04T08:00:00Z');
  await t.devhost.tickets.create({ subject: 'VPN', message: 'm', department: ids.support, admin: 1 });
  await t.devhost.tickets.create({ subject: 'Mail', message: 'm', department: ids.support, admin: 1 });
  at('2026-03-04T09:00:00Z');
  // Decided without delivering, then Ben leaves before the bell is rung.
  await services.scanner.run(clock.now(), { deliver: false });
  await t.devhost.db('tblstaff').where('staffid', ids.ben).update({ active: 0 });
  const before = { ana: (await bellOf(ids.ana)).length, ben: (await bellOf(ids.ben)).length };
  const bell = new PerfexNotifications('tbl', 'Europe/Berlin');
  const senders = [1, 2].map(() => new BellSender(t.devhost.db, services.outbox, bell, clock, logger, 1));
  await Promise.all(senders.map((s) => s.sendDue()));
  expect((await bellOf(ids.ana)).length).toBe(before.ana + 2);
  expect((await bellOf(ids.ben)).length).toBe(before.ben);
  const skipped = await t.devhost.db('tblsla_vigil_deliveries').where('outcome', 'skipped');
  expect(skipped).toHaveLength(2);
  expect(await t.devhost.db('tblsla_vigil_outbox').where({ channel: 'in_app', state: 'pending' })).toEqual(
    [],
  );
  await t.devhost.db('tblstaff').where('staffid', ids.ben).update({ active: 1 });
});

it('escapes what a customer wrote: the bell prints its text as HTML', async () => {
  at('2026-03-07T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: '<img src=x onerror=alert(1)> & co',
    message: 'm',
    department: ids.support,
    admin: 1,
  });
  at('2026-03-07T09:00:00Z');
  await services.scanner.run(clock.now());
  const [entry] = await t.devhost.db('tblnotifications').where('link', `tickets/ticket/${id}`);
  expect(entry.description).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; co');
  expect(entry.description).not.toContain('<img');
  const session = await loginAs(t.devhost.app, 'ana.agent@example.com');
  expect((await session.agent.get('/admin/notifications')).text).not.toContain('<img src=x');
});

it('a sender whose lease ran out adds nothing: the row was taken over', async () => {
  at('2026-03-08T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Slow',
    message: 'm',
    department: ids.support,
    admin: 1,
  });
  at('2026-03-08T09:00:00Z');
  await services.scanner.run(clock.now(), { deliver: false });
  const bell = new PerfexNotifications('tbl', 'Europe/Berlin');
  const slow = await services.outbox.claimDue(clock.now(), 50, undefined, 'in_app');
  expect(slow).toHaveLength(2);
  // A minute later the lease is gone; another sender claims and delivers the same rows.
  at('2026-03-08T09:01:01Z');
  await new BellSender(t.devhost.db, services.outbox, bell, clock, logger).sendDue();
  // The first sender comes back and delivers what it claimed (deliver is private: go through a
  // sender that holds exactly these claims).
  const stale = new BellSender(t.devhost.db, services.outbox, bell, clock, logger);
  const stub = { claimDue: async () => slow } as unknown as typeof services.outbox;
  Object.assign(stale, {
    outbox: Object.assign(Object.create(services.outbox), { claimDue: stub.claimDue }),
  });
  expect((await stale.sendDue()).sent).toBe(0);
  expect(await t.devhost.db('tblnotifications').where('link', `tickets/ticket/${id}`)).toHaveLength(2);
});

it("a lead's entry links to the lead", async () => {
  at('2026-03-05T08:00:00Z');
  const lead = await t.devhost.leads.create({
    name: 'Owned Lead',
    status: ids.newLead,
    source: ids.web,
    assigned: ids.ana,
  });
  at('2026-03-05T08:31:00Z');
  await services.scanner.run(clock.now());
  expect((await bellOf(ids.ana)).map((n) => n.link)).toContain(`leads/index/${lead}`);
});

it('the devhost shows the bell with the unread count; opening an entry reads it and follows the link', async () => {
  const session = await loginAs(t.devhost.app, 'ana.agent@example.com');
  const unread = (await bellOf(ids.ana)).filter((n) => n.isread === 0);
  const home = await session.agent.get('/admin');
  expect(home.text).toContain(`<span class="bell-count" data-testid="bell-count">${unread.length}</span>`);
  const list = await session.agent.get('/admin/notifications');
  expect(list.status).toBe(200);
  for (const n of unread) expect(list.text).toContain(`/admin/notifications/${n.id}/open`);
  const open = await session.agent.get(`/admin/notifications/${unread[0].id}/open`);
  expect(open.status).toBe(303);
  expect(open.headers.location).toBe(`/admin/${unread[0].link}`);
  expect((await session.agent.get('/admin')).text).toContain(
    `data-testid="bell-count">${unread.length - 1}<`,
  );
  // Nobody opens another staff member's entry.
  const [bens] = await bellOf(ids.ben);
  expect((await session.agent.get(`/admin/notifications/${bens.id}/open`)).status).toBe(404);
  await session.post('/admin/notifications/read');
  expect((await session.agent.get('/admin')).text).not.toContain('data-testid="bell-count"');
});

it('a worker delivers in its own job after each scan: the email and the bell entry arrive', async () => {
  const prefix = testRedisPrefix();
  const worker = new ScanWorker(TEST_REDIS_URL, prefix, services.scanner, clock, logger, {
    deliveries: services.deliveryJob,
  });
  const queue = new ScanQueue(TEST_REDIS_URL, prefix);
  try {
    at('2026-03-06T08:00:00Z');
    const id = await t.devhost.tickets.create({
      subject: 'Worker',
      message: 'm',
      department: ids.support,
      admin: 1,
    });
    at('2026-03-06T09:00:00Z');
    await queue.request(clock.now());
    const delivered = async () =>
      t.devhost.db('tblsla_vigil_outbox').where({ subject_id: id, state: 'sent' }).pluck('channel');
    for (let i = 0; i < 200 && (await delivered()).length < 4; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await delivered()).sort()).toEqual(['email', 'email', 'in_app', 'in_app']);
    expect(await t.devhost.db('tblnotifications').where('link', `tickets/ticket/${id}`)).toHaveLength(2);
  } finally {
    await queue.close();
    await worker.close();
    await dropRedisPrefix(prefix);
  }
});

it('a level whose email the cooldown held back but whose bell entry goes out is recorded as notified', async () => {
  at('2026-03-09T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Fax',
    message: 'm',
    department: ids.support,
    admin: 1,
  });
  // An email about this ticket went to both a moment ago (e.g. before the host had a bell).
  await t.devhost.db.transaction((trx) =>
    services.outbox.insert(
      [ids.ana, ids.ben].map((staffId) => ({
        dedupeKey: `earlier:${id}:${staffId}`,
        escalationId: null,
        subjectType: 'ticket',
        subjectId: id,
        recipientStaffId: staffId,
        recipientEmail: 'x@example.com',
        language: 'english',
        subject: 'earlier',
        html: '',
        text: '',
        state: 'pending' as const,
        createdAt: new Date('2026-03-09T08:30:00Z'),
      })),
      trx,
    ),
  );
  at('2026-03-09T09:00:00Z');
  await services.scanner.run(clock.now());
  const [level] = await t.devhost
    .db('tblsla_vigil_escalations')
    .where({ subject_type: 'ticket', subject_id: id });
  expect(level.outcome).toBe('notified');
  expect(JSON.parse(level.details).suppressed.sort()).toEqual([ids.ana, ids.ben].sort());
  const rows = await t.devhost
    .db('tblsla_vigil_outbox')
    .where({ escalation_id: level.id })
    .orderBy(['channel', 'recipient_staff_id'])
    .select('channel', 'state');
  expect(rows.map((r) => [r.channel, r.state])).toEqual([
    ['email', 'suppressed'],
    ['email', 'suppressed'],
    ['in_app', 'sent'],
    ['in_app', 'sent'],
  ]);
});
