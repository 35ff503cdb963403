import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';

// Escalation notices are composed (recipients read, emails rendered) after the scan's transaction
// commits, never under its row locks; a crash between the two steps is resumed once.
const clock = new MutableClock(new Date('2026-05-04T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let dept: number;
let boss: number;
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [dept] = await db('tbldepartments').insert({ name: 'Support' });
  boss = await insertStaff(db, 'bea.boss@example.com', 'pw123456');
  services = createModuleServices(t.devhost.host);
  await services.config.import(supportPolicy());
});
/** One policy: resolution in an hour round the clock; at due, the boss is told (no cooldown). */
function supportPolicy(): Parameters<ModuleServices['config']['import']>[0] {
  return {
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [dept] },
        calendar: null,
        targets: { resolution: { minutes: 60 } },
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_staff', staffId: boss },
          },
        ],
      },
    ],
    settings: { cooldownMinutes: 0, defaultWarnAtPercent: 80 },
  };
}

afterAll(async () => {
  await services.mailer.close();
  await t.close();
});

const escalationsOf = (id: number) =>
  t.devhost.db('tblsla_vigil_escalations').where({ subject_type: 'ticket', subject_id: id });
const outboxOf = (id: number) =>
  t.devhost.db('tblsla_vigil_outbox').where({ subject_type: 'ticket', subject_id: id });

async function ticketDueAt(createdIso: string): Promise<number> {
  at(createdIso);
  return t.devhost.tickets.create({ subject: 'Down', message: 'm', department: dept, admin: 1 });
}

it('composes the notice after the commit: the ticket is not locked while the host is read for it', async () => {
  const id = await ticketDueAt('2026-05-04T08:00:00Z');
  const gateway = t.devhost.host.tickets;
  const listStaff = gateway.listStaff.bind(gateway);
  let seenWhileComposing: { lockFree: boolean; outcome: string; outbox: number } | undefined;
  gateway.listStaff = async () => {
    const fired = await escalationsOf(id).first();
    if (fired && !seenWhileComposing) {
      // Another connection takes the ticket's subject row lock at once (NOWAIT fails if the
      // scan still held it), as a hook for this ticket would.
      const lockFree = await t.devhost.db
        .transaction((trx) =>
          trx.raw(
            'SELECT subject_id FROM tblsla_vigil_subjects WHERE subject_type = ? AND subject_id = ? FOR UPDATE NOWAIT',
            ['ticket', id],
          ),
        )
        .then(
          () => true,
          () => false,
        );
      seenWhileComposing = { lockFree, outcome: fired.outcome, outbox: (await outboxOf(id)).length };
    }
    return listStaff();
  };
  try {
    at('2026-05-04T09:00:00Z');
    await services.scanner.run(clock.now());
  } finally {
    gateway.listStaff = listStaff;
  }
  // The level was committed as firing before the host was read for its recipients.
  expect(seenWhileComposing).toEqual({ lockFree: true, outcome: 'firing', outbox: 0 });
  const [row] = await escalationsOf(id);
  expect(row.outcome).toBe('notified');
  expect((await outboxOf(id).orderBy('channel')).map((r) => [r.channel, r.recipient_staff_id])).toEqual([
    ['email', boss],
    ['in_app', boss],
  ]);
});

it('a notice whose composing failed is sent by a scan a minute later, exactly once, even by two workers', async () => {
  const id = await ticketDueAt('2026-05-05T08:00:00Z');
  const gateway = t.devhost.host.tickets;
  const listStaff = gateway.listStaff.bind(gateway);
  gateway.listStaff = async () => {
    throw new Error('host unreachable');
  };
  try {
    at('2026-05-05T09:00:00Z');
    const result = await services.scanner.run(clock.now());
    expect(result.escalated).toBe(1);
  } finally {
    gateway.listStaff = listStaff;
  }
  expect((await escalationsOf(id)).map((r) => r.outcome)).toEqual(['firing']);
  expect(await outboxOf(id)).toHaveLength(0);
  // The same minute: left for now (another worker may be composing it right this moment).
  await services.scanner.run(clock.now());
  expect((await escalationsOf(id)).map((r) => r.outcome)).toEqual(['firing']);
  // A minute later two workers resume it at once: one notice, one email.
  at('2026-05-05T09:01:00Z');
  const other = createModuleServices(t.devhost.host);
  const book = await services.clocks.policyBook();
  await Promise.all([
    services.clocks.resumeNotices(book, clock.now()),
    other.clocks.resumeNotices(book, clock.now()),
  ]);
  await other.mailer.close();
  const [row] = await escalationsOf(id);
  expect(row.outcome).toBe('notified');
  expect(JSON.parse(row.details)).toMatchObject({ policy: 'support', level: 1, recipients: [boss] });
  // One email and one bell entry (the devhost has Perfex's bell).
  expect((await outboxOf(id).orderBy('channel')).map((r) => [r.channel, r.recipient_staff_id])).toEqual([
    ['email', boss],
    ['in_app', boss],
  ]);
  await services.scanner.run(clock.now());
  expect(await outboxOf(id)).toHaveLength(2);
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ subject_type: 'ticket', subject_id: id })
    .where('action', 'like', 'escalation.%');
  expect(audit.map((a) => a.action)).toEqual(['escalation.notified']);
});

it('a stalled notice whose level left the ladder is recorded as no recipient, with the reason', async () => {
  const id = await ticketDueAt('2026-05-06T08:00:00Z');
  const gateway = t.devhost.host.tickets;
  const listStaff = gateway.listStaff.bind(gateway);
  gateway.listStaff = async () => {
    throw new Error('host unreachable');
  };
  try {
    at('2026-05-06T09:00:00Z');
    await services.scanner.run(clock.now());
  } finally {
    gateway.listStaff = listStaff;
  }
  const config = await services.config.export();
  await services.config.import({
    ...config,
    policies: config.policies.map((p) => ({ ...p, escalations: [] })),
  });
  at('2026-05-06T09:05:00Z');
  await services.scanner.run(clock.now());
  const [row] = await escalationsOf(id);
  expect(row.outcome).toBe('no_recipient');
  // What was recorded when it fired stays beside the reason.
  expect(JSON.parse(row.details)).toMatchObject({
    policy: 'support',
    level: 1,
    reason: 'the level is no longer in the ladder',
  });
  expect(await outboxOf(id)).toHaveLength(0);
});

it('a notice that cannot be composed for a day is recorded as failed, and resuming never holds the clocks back', async () => {
  await services.config.import(supportPolicy());
  const stuck = await ticketDueAt('2026-05-07T08:00:00Z');
  const gateway = t.devhost.host.tickets;
  const listStaff = gateway.listStaff.bind(gateway);
  gateway.listStaff = async () => {
    throw new Error('host unreachable');
  };
  try {
    at('2026-05-07T09:00:00Z');
    await services.scanner.run(clock.now());
    at('2026-05-07T12:00:00Z');
    await services.scanner.run(clock.now());
    expect((await escalationsOf(stuck)).map((r) => r.outcome)).toEqual(['firing']);
    at('2026-05-08T09:00:00Z');
    await services.scanner.run(clock.now());
  } finally {
    gateway.listStaff = listStaff;
  }
  const [given] = await escalationsOf(stuck);
  expect(given.outcome).toBe('action_failed');
  expect(JSON.parse(given.details)).toMatchObject({
    policy: 'support',
    error: 'the notice could not be composed within a day',
  });
  expect(await outboxOf(stuck)).toHaveLength(0);

  // A resume that fails outright (the database refuses its read) leaves the tick alone.
  const fresh = await ticketDueAt('2026-05-09T08:00:00Z');
  const resume = services.clocks.resumeNotices.bind(services.clocks);
  services.clocks.resumeNotices = async () => {
    throw new Error('resume failed');
  };
  try {
    at('2026-05-09T09:00:00Z');
    await services.scanner.run(clock.now());
  } finally {
    services.clocks.resumeNotices = resume;
  }
  expect((await escalationsOf(fresh)).map((r) => r.outcome)).toEqual(['notified']);
});

it('a tick reads from the host only the subjects a level fires for, and a level found due only under the locks still fires', async () => {
  const warned = await ticketDueAt('2026-05-11T08:00:00Z');
  const gateway = t.devhost.host.tickets;
  const getTickets = gateway.getTickets.bind(gateway);
  let read = 0;
  gateway.getTickets = async (ids) => {
    if (ids.includes(warned)) read++;
    return getTickets(ids);
  };
  const dueClocks = services.clockRepo.dueClocks.bind(services.clockRepo);
  try {
    // 50 minutes on the resolution clock only reaches its warning (80 %): no level, no host read.
    at('2026-05-11T08:50:00Z');
    expect(await services.clocks.advanceDue(clock.now())).toEqual({ advanced: 1, escalated: 0 });
    expect(read).toBe(0);

    // Past due, but the due read saw the clock as it was before a change (due a day later): the
    // level is found only under the locks, the batch is undone and run again with the ticket read.
    services.clockRepo.dueClocks = async (...args) =>
      (await dueClocks(...args)).map((c) =>
        c.subjectId === warned ? { ...c, dueAt: new Date(c.dueAt.getTime() + 24 * 3600_000) } : c,
      );
    at('2026-05-11T09:05:00Z');
    expect(await services.clocks.advanceDue(clock.now())).toEqual({ advanced: 1, escalated: 1 });
    expect(read).toBe(1);
  } finally {
    gateway.getTickets = getTickets;
    services.clockRepo.dueClocks = dueClocks;
  }
  const [row] = await escalationsOf(warned);
  expect(row.outcome).toBe('notified');
  expect((await outboxOf(warned)).map((r) => r.channel).sort()).toEqual(['email', 'in_app']);
});
