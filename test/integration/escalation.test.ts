import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

// Tue 2026-03-03 08:00 UTC = 09:00 Europe/Berlin.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let support: number;
let escalationsDept: number;
const staff: Record<string, number> = {};
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  [escalationsDept] = await db('tbldepartments').insert({ name: 'Escalations' });
  staff.agent = await insertStaff(db, 'ana.agent@example.com', 'pw123456');
  staff.lead = await insertStaff(db, 'leo.lead@example.com', 'pw123456', { default_language: 'german' });
  staff.head1 = await insertStaff(db, 'hana.head@example.com', 'pw123456', { default_language: 'spanish' });
  staff.head2 = await insertStaff(db, 'hugo.head@example.com', 'pw123456');
  await db('tblstaff_departments').insert([
    { staffid: staff.head1, departmentid: escalationsDept },
    { staffid: staff.head2, departmentid: escalationsDept },
  ]);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [{ key: 'berlin', name: 'Berlin office', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        calendar: 'berlin',
        targets: { resolution: { minutes: 240 } },
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'before_due', minutes: 30 },
            action: { type: 'notify_assignee' },
          },
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_staff', staffId: staff.lead },
          },
          {
            metric: 'resolution',
            trigger: { type: 'after_due', minutes: 120 },
            action: { type: 'notify_department', departmentId: escalationsDept },
          },
        ],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
});
afterAll(() => t.close());

async function mailbox() {
  return (await t.devhost.mailbox.list()).reverse();
}

it('a 3-level ladder sends exactly three emails to the right people, in order, once', async () => {
  at('2026-03-03T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Printer down',
    message: 'm',
    department: support,
    admin: 1,
    assigned: staff.agent,
  });
  // Due: 4 business hours from Tue 09:00 Berlin = 13:00 Berlin (12:00Z).
  for (const iso of ['2026-03-03T11:00:00Z', '2026-03-03T11:30:00Z', '2026-03-03T11:45:00Z']) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  let mails = await mailbox();
  expect(mails.map((m) => m.rcpt_to)).toEqual(['ana.agent@example.com']);
  expect(mails[0].subject).toMatch(/#\d+ Printer down/);
  expect(mails[0].text).toContain('13:00');
  for (const iso of [
    '2026-03-03T12:00:00Z',
    '2026-03-03T12:01:00Z',
    '2026-03-03T14:00:00Z',
    '2026-03-03T14:00:00Z',
  ]) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  mails = await mailbox();
  expect(mails.map((m) => m.rcpt_to)).toEqual([
    'ana.agent@example.com',
    'leo.lead@example.com',
    'hana.head@example.com',
    'hugo.head@example.com',
  ]);
  const levels = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).orderBy('level');
  expect(levels.map((l) => [l.level, l.outcome])).toEqual([
    [1, 'notified'],
    [2, 'notified'],
    [3, 'notified'],
  ]);
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ subject_id: id })
    .where('action', 'like', 'escalation.%');
  expect(audit).toHaveLength(3);
  // Many more ticks change nothing.
  for (let i = 0; i < 5; i++) await services.scanner.run(clock.now());
  expect(await mailbox()).toHaveLength(4);
});

it('levels whose moment passed while the module was off fire once, in order', async () => {
  await t.devhost.db('tbldevhost_mailbox').delete();
  at('2026-03-04T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Missed',
    message: 'm',
    department: support,
    admin: 1,
    assigned: staff.agent,
  });
  at('2026-03-04T16:00:00Z'); // 17:00 Berlin: all three moments have passed
  await services.scanner.run(clock.now());
  const fired = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).orderBy('id');
  expect(fired.map((f) => f.level)).toEqual([1, 2, 3]);
  expect((await mailbox()).map((m) => m.rcpt_to)).toEqual([
    'ana.agent@example.com',
    'leo.lead@example.com',
    'hana.head@example.com',
    'hugo.head@example.com',
  ]);
});

it('a met or paused clock fires nothing', async () => {
  await t.devhost.db('tbldevhost_mailbox').delete();
  at('2026-03-05T08:00:00Z');
  const paused = await t.devhost.tickets.create({
    subject: 'Waiting',
    message: 'm',
    department: support,
    admin: 1,
    assigned: staff.agent,
  });
  const closed = await t.devhost.tickets.create({
    subject: 'Done',
    message: 'm',
    department: support,
    admin: 1,
    assigned: staff.agent,
  });
  at('2026-03-05T09:00:00Z');
  await t.devhost.tickets.changeStatus(paused, { status: 4 });
  await t.devhost.tickets.changeStatus(closed, { status: 5 });
  at('2026-03-05T16:00:00Z');
  await services.scanner.run(clock.now());
  expect(await t.devhost.db('tblsla_vigil_escalations').whereIn('subject_id', [paused, closed])).toEqual([]);
  expect(await mailbox()).toEqual([]);
});

it('a paused clock fires nothing; once resumed it fires the levels still ahead of it', async () => {
  await t.devhost.db('tbldevhost_mailbox').delete();
  at('2026-03-09T08:00:00Z'); // Mon 09:00 Berlin; due 13:00, warning level at 12:30
  const id = await t.devhost.tickets.create({
    subject: 'Resumes',
    message: 'm',
    department: support,
    admin: 1,
    assigned: staff.agent,
  });
  at('2026-03-09T09:00:00Z');
  await t.devhost.tickets.changeStatus(id, { status: 4 }); // On Hold from 10:00
  at('2026-03-09T12:00:00Z'); // 13:00 Berlin: past the original due time, but paused
  await services.scanner.run(clock.now());
  expect(await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id)).toEqual([]);
  await t.devhost.tickets.changeStatus(id, { status: 2 }); // resumed after 3 business hours: due 16:00
  at('2026-03-09T14:29:00Z');
  await services.scanner.run(clock.now());
  expect(await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id)).toEqual([]);
  at('2026-03-09T14:30:00Z'); // 15:30 Berlin: 30 business minutes before the new due time
  await services.scanner.run(clock.now());
  const fired = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).pluck('level');
  expect(fired).toEqual([1]);
  expect((await mailbox()).map((m) => m.rcpt_to)).toEqual(['ana.agent@example.com']);
});

describe('cooldown and host actions', () => {
  let billing: number;
  let vip: number;

  beforeAll(async () => {
    [billing] = await t.devhost.db('tbldepartments').insert({ name: 'Billing' });
    [vip] = await t.devhost.db('tbldepartments').insert({ name: 'VIP desk' });
    await services.config.import({
      policies: [
        {
          key: 'billing',
          name: 'Billing',
          match: { departmentIds: [billing] },
          calendar: null,
          targets: { first_response: { minutes: 60 }, resolution: { minutes: 120 } },
          escalations: [
            { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
            { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
          ],
        },
        {
          key: 'vip',
          name: 'VIP',
          match: { departmentIds: [vip] },
          calendar: null,
          targets: { resolution: { minutes: 60 } },
          escalations: [
            {
              metric: 'resolution',
              trigger: { type: 'at_due' },
              action: { type: 'reassign_staff', staffId: staff.lead },
            },
            {
              metric: 'resolution',
              trigger: { type: 'after_due', minutes: 10 },
              action: { type: 'raise_priority' },
            },
          ],
        },
      ],
    });
  });

  it('holds back a second email to the same person about the same ticket within the cooldown, and logs it', async () => {
    await t.devhost.db('tbldevhost_mailbox').delete();
    at('2026-03-06T08:00:00Z');
    const id = await t.devhost.tickets.create({
      subject: 'Refund',
      message: 'm',
      department: billing,
      admin: 1,
      assigned: staff.agent,
    });
    at('2026-03-06T09:00:00Z'); // first response due: email 1
    await services.scanner.run(clock.now());
    at('2026-03-06T10:00:00Z'); // resolution due 60 min later: inside the 60-minute window
    await services.scanner.run(clock.now());
    expect((await mailbox()).map((m) => m.rcpt_to)).toEqual(['ana.agent@example.com']);
    // A round-the-clock policy has no zone of its own: the due time reads in the host's (Berlin).
    expect((await mailbox())[0].text).toContain('10:00 (Europe/Berlin)');
    const outbox = await t.devhost.db('tblsla_vigil_outbox').where('subject_id', id).orderBy('id');
    expect(outbox.filter((o) => o.channel === 'email').map((o) => o.state)).toEqual(['sent', 'suppressed']);
    // The bell keeps its own cooldown: one entry, the second held back the same way.
    expect(outbox.filter((o) => o.channel === 'in_app').map((o) => o.state)).toEqual(['sent', 'suppressed']);
    expect(
      await t.devhost.db('tblnotifications').where('link', `tickets/ticket/${id}`).pluck('touserid'),
    ).toEqual([staff.agent]);
    const escalations = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).orderBy('id');
    expect(escalations.map((e) => e.outcome)).toEqual(['notified', 'suppressed']);
    expect(
      await t.devhost.db('tblsla_vigil_audit_log').where({ subject_id: id, action: 'escalation.suppressed' }),
    ).toHaveLength(1);
  });

  it('reassigns and raises priority through the host, which fires ticket_settings_updated like a staff edit', async () => {
    at('2026-03-06T08:00:00Z');
    const id = await t.devhost.tickets.create({
      subject: 'Server',
      message: 'm',
      department: vip,
      priority: 1,
      admin: 1,
      assigned: staff.agent,
    });
    const mark = t.devhost.hooks.fired.length;
    at('2026-03-06T09:00:00Z');
    await services.scanner.run(clock.now());
    expect((await t.devhost.db('tbltickets').where('ticketid', id).first()).assigned).toBe(staff.lead);
    at('2026-03-06T09:10:00Z');
    await services.scanner.run(clock.now());
    expect((await t.devhost.db('tbltickets').where('ticketid', id).first()).priority).toBe(2);
    const hooks = t.devhost.hooks.fired.slice(mark).filter((f) => f.event === 'ticket_settings_updated');
    expect(hooks.map((h) => (h.payload as { data: object }).data)).toEqual([
      { assigned: staff.lead },
      { priority: 2 },
    ]);
    const outcomes = await t.devhost
      .db('tblsla_vigil_escalations')
      .where('subject_id', id)
      .orderBy('level')
      .pluck('outcome');
    expect(outcomes).toEqual(['reassigned', 'priority_raised']);
    // The audit says whom the ticket went to and which priority it got (named on the audit page).
    const audited = await t.devhost
      .db('tblsla_vigil_audit_log')
      .where({ subject_id: id })
      .whereIn('action', ['escalation.reassigned', 'escalation.priority_raised'])
      .orderBy('id')
      .pluck('details');
    expect(audited.map((d: string) => JSON.parse(d))).toEqual([
      expect.objectContaining({ action: 'reassign_staff', staffId: staff.lead }),
      expect.objectContaining({ action: 'raise_priority', priorityId: 2 }),
    ]);
    const timeline = (await services.timeline.forSubject('ticket', id)).map((e) => e.eventType);
    expect(timeline).toEqual(expect.arrayContaining(['assignee_changed', 'priority_changed']));
  });
});

describe('ladder edits, pauses after a breach, and host actions claimed once', () => {
  let ops: number;

  beforeAll(async () => {
    [ops] = await t.devhost.db('tbldepartments').insert({ name: 'Ops' });
    await services.config.import({
      policies: [
        {
          key: 'ops',
          name: 'Ops',
          match: { departmentIds: [ops] },
          calendar: null,
          targets: { resolution: { minutes: 60 } },
          escalations: [
            {
              metric: 'resolution',
              trigger: { type: 'at_due' },
              action: { type: 'notify_staff', staffId: staff.lead },
            },
            {
              metric: 'resolution',
              trigger: { type: 'after_due', minutes: 60 },
              action: { type: 'notify_assignee' },
            },
          ],
        },
      ],
    });
  });

  const levelsOf = async (id: number) =>
    (await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).orderBy('id')).map(
      (e) => `${e.trigger_type}:${e.action_type}`,
    );

  it('inserting a level at the top of a ladder neither fires an old level again nor hides the new one', async () => {
    at('2026-03-10T08:00:00Z');
    const id = await t.devhost.tickets.create({
      subject: 'Edit',
      message: 'm',
      department: ops,
      admin: 1,
      assigned: staff.agent,
    });
    at('2026-03-10T09:00:00Z');
    await services.scanner.run(clock.now());
    expect(await levelsOf(id)).toEqual(['at_due:notify_staff']);
    const [policy] = (await services.config.export()).policies.filter((p) => p.key === 'ops');
    await services.config.savePolicy(
      {
        ...policy,
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'after_due', minutes: 30 },
            action: { type: 'notify_department', departmentId: escalationsDept },
          },
          ...policy.escalations,
        ],
      },
      null,
    );
    at('2026-03-10T09:31:00Z');
    await services.scanner.run(clock.now());
    expect(await levelsOf(id)).toEqual(['at_due:notify_staff', 'after_due:notify_department']);
  });

  it('a breached clock put on hold escalates no further', async () => {
    at('2026-03-11T08:00:00Z');
    const id = await t.devhost.tickets.create({
      subject: 'Hold',
      message: 'm',
      department: ops,
      admin: 1,
      assigned: staff.agent,
    });
    at('2026-03-11T09:00:00Z');
    await services.scanner.run(clock.now());
    expect(await levelsOf(id)).toEqual(['at_due:notify_staff']);
    at('2026-03-11T09:10:00Z');
    await t.devhost.tickets.changeStatus(id, { status: 4 });
    at('2026-03-11T12:00:00Z');
    await services.scanner.run(clock.now());
    expect(await levelsOf(id)).toEqual(['at_due:notify_staff']);
  });

  it('two workers performing pending host actions at once run each one once, with the value decided at firing', async () => {
    await services.config.import({
      policies: [
        {
          key: 'raise',
          name: 'Raise',
          match: { departmentIds: [ops], priorityIds: [1] },
          calendar: null,
          targets: { resolution: { minutes: 60 } },
          escalations: [
            { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'raise_priority' } },
          ],
        },
      ],
    });
    at('2026-03-12T08:00:00Z');
    const id = await t.devhost.tickets.create({
      subject: 'Raise',
      message: 'm',
      department: ops,
      priority: 1,
      admin: 1,
    });
    const mark = t.devhost.hooks.fired.length;
    at('2026-03-12T09:00:00Z');
    const other = createModuleServices(t.devhost.host);
    await Promise.all([services.scanner.run(clock.now()), other.scanner.run(clock.now())]);
    await other.mailer.close();
    expect((await t.devhost.db('tbltickets').where('ticketid', id).first()).priority).toBe(2);
    const updates = t.devhost.hooks.fired.slice(mark).filter((f) => f.event === 'ticket_settings_updated');
    expect(updates).toHaveLength(1);
    // A repeat after a crash (the action back to pending) writes the same absolute value: no 3.
    await t.devhost
      .db('tblsla_vigil_escalations')
      .where('subject_id', id)
      .update({ outcome: 'action_pending' });
    await services.escalator.performPendingActions(clock.now());
    expect((await t.devhost.db('tbltickets').where('ticketid', id).first()).priority).toBe(2);
  });

  it('one ticket whose escalation keeps failing does not hold back the others', async () => {
    at('2026-03-13T08:00:00Z');
    const bad = await t.devhost.tickets.create({ subject: 'Bad', message: 'm', department: ops, admin: 1 });
    const good = await t.devhost.tickets.create({ subject: 'Good', message: 'm', department: ops, admin: 1 });
    const prepare = services.escalator.prepare.bind(services.escalator);
    services.escalator.prepare = async (ids) => {
      if (ids.includes(bad)) throw new Error('broken host row');
      return prepare(ids);
    };
    at('2026-03-13T09:00:00Z');
    try {
      await services.scanner.run(clock.now());
    } finally {
      services.escalator.prepare = prepare;
    }
    expect(await levelsOf(good)).toEqual(['at_due:notify_staff']);
    expect(await levelsOf(bad)).toEqual([]);
    // Repaired: the next tick fires the level it could not fire.
    await services.scanner.run(clock.now());
    expect(await levelsOf(bad)).toEqual(['at_due:notify_staff']);
  });
});

describe('a level that acts only when the ticket is unassigned', () => {
  let triage: number;

  beforeAll(async () => {
    [triage] = await t.devhost.db('tbldepartments').insert({ name: 'Triage' });
    await services.config.import({
      policies: [
        {
          key: 'triage',
          name: 'Triage',
          match: { departmentIds: [triage] },
          calendar: null,
          targets: { resolution: { minutes: 60 } },
          escalations: [
            {
              metric: 'resolution',
              trigger: { type: 'at_due' },
              action: { type: 'reassign_staff', staffId: staff.lead },
              when: { unassigned: true },
            },
          ],
        },
      ],
    });
  });

  const ticket = async (id: number) => t.devhost.db('tbltickets').where('ticketid', id).first();
  const escalationsOf = async (id: number) =>
    t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).pluck('outcome');

  it('reassigns an unassigned ticket, leaves an assigned one with its agent (unrecorded) until it loses the agent', async () => {
    at('2026-03-09T08:00:00Z');
    const assigned = await t.devhost.tickets.create({
      subject: 'Mine',
      message: 'm',
      department: triage,
      admin: 1,
      assigned: staff.agent,
    });
    const unassigned = await t.devhost.tickets.create({
      subject: 'Nobody',
      message: 'm',
      department: triage,
      admin: 1,
    });
    at('2026-03-09T09:00:00Z');
    await services.scanner.run(clock.now());
    expect((await ticket(unassigned)).assigned).toBe(staff.lead);
    expect(await escalationsOf(unassigned)).toEqual(['reassigned']);
    // The condition does not hold: not fired, not recorded.
    expect((await ticket(assigned)).assigned).toBe(staff.agent);
    expect(await escalationsOf(assigned)).toEqual([]);
    at('2026-03-09T09:30:00Z');
    await services.scanner.run(clock.now());
    expect(await escalationsOf(assigned)).toEqual([]);
    // The agent drops the ticket while its clock is still past the trigger: the level fires then.
    await t.devhost.tickets.updateSettings(assigned, { assigned: 0 });
    at('2026-03-09T09:35:00Z');
    await services.scanner.run(clock.now());
    expect((await ticket(assigned)).assigned).toBe(staff.lead);
    expect(await escalationsOf(assigned)).toEqual(['reassigned']);
  });
});
