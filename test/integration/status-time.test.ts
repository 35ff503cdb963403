import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { main } from '../../devhost/cli';

/**
 * A status limit end to end: the host's status hook records the move, the real engine stores a
 * status_time clock with its status, a scan breaches it and fires its one escalation once, and
 * the JSON and the SLA tab show it. Berlin office hours; Tue 2026-03-03 09:00 Berlin = 08:00Z.
 */
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let session: AdminSession;
let support: number;
let agent: number;
let ticket: number;
const at = (iso: string) => clock.set(new Date(iso));
const IN_PROGRESS = 2;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  agent = await insertStaff(db, 'ana.agent@example.com', 'pw123456');
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [{ key: 'berlin', name: 'Berlin office', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        calendar: 'berlin',
        targets: {
          first_response: { minutes: 480 },
          status_time: { byStatus: { [String(IN_PROGRESS)]: { minutes: 60, warnBeforeMinutes: 15 } } },
        },
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
        ],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  session = await loginAs(t.devhost.app, ADMIN_EMAIL);
});
afterAll(() => t.close());

const statusClocks = async (id: number) =>
  (await services.clockRepo.forSubjects([id]))
    .filter((c) => c.metric === 'status_time')
    .map((c) => ({
      cycle: c.cycle,
      status: c.status,
      state: c.state,
      startedAt: c.startedAt.toISOString(),
      dueAt: c.dueAt.toISOString(),
      metAt: c.metAt?.toISOString() ?? null,
    }));

it('a status window gets its clock from the status hook, breaches on a scan and escalates once', async () => {
  at('2026-03-03T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Stuck in progress',
    message: 'm',
    department: support,
    admin: 1,
    assigned: agent,
  });
  ticket = id;
  expect(await statusClocks(id)).toEqual([]);

  at('2026-03-03T09:00:00Z');
  await t.devhost.tickets.changeStatus(id, { status: IN_PROGRESS });
  // Entered 10:00 Berlin; 60 business minutes -> due 11:00 Berlin (10:00Z).
  expect(await statusClocks(id)).toEqual([
    {
      cycle: 2,
      status: IN_PROGRESS,
      state: 'on_track',
      startedAt: '2026-03-03T09:00:00.000Z',
      dueAt: '2026-03-03T10:00:00.000Z',
      metAt: null,
    },
  ]);

  for (const iso of [
    '2026-03-03T09:50:00Z',
    '2026-03-03T10:00:00Z',
    '2026-03-03T10:05:00Z',
    '2026-03-03T10:30:00Z',
  ]) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  expect((await statusClocks(id)).map((c) => c.state)).toEqual(['breached']);
  const escalations = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id);
  expect(escalations.map((e) => [e.metric, e.cycle, e.level, e.outcome])).toEqual([
    ['status_time', 2, 1, 'notified'],
  ]);
  const mails = await t.devhost.mailbox.list();
  expect(mails.map((m) => m.rcpt_to)).toEqual(['ana.agent@example.com']);
  // The email names the status the ticket is stuck in.
  expect(mails[0].subject).toContain('time in In progress');
  expect(mails[0].text).toContain('Time in In progress');
  // More ticks fire nothing more.
  for (let i = 0; i < 3; i++) await services.scanner.run(clock.now());
  expect(await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id)).toHaveLength(1);
  expect(await t.devhost.mailbox.list()).toHaveLength(1);

  // Leaving the status late keeps it breached and ends it; re-entering starts a new cycle.
  at('2026-03-03T11:00:00Z');
  await t.devhost.tickets.changeStatus(id, { status: 4 });
  at('2026-03-03T12:00:00Z');
  await t.devhost.tickets.changeStatus(id, { status: IN_PROGRESS });
  expect(await statusClocks(id)).toEqual([
    expect.objectContaining({ cycle: 2, state: 'breached', metAt: '2026-03-03T11:00:00.000Z' }),
    expect.objectContaining({
      cycle: 4,
      status: IN_PROGRESS,
      state: 'on_track',
      dueAt: '2026-03-03T13:00:00.000Z',
    }),
  ]);

  // The ticket JSON carries the status on status_time clocks only.
  const json = (await session.agent.get(`/admin/sla_vigil/api/tickets/${id}`).expect(200)).body;
  expect(
    json.clocks.map((c: { metric: string; cycle: number; status?: number }) => [c.metric, c.cycle, c.status]),
  ).toEqual([
    ['first_response', 1, undefined],
    ['status_time', 2, IN_PROGRESS],
    ['status_time', 4, IN_PROGRESS],
  ]);
  expect(json.clocks[0]).not.toHaveProperty('status');
  expect(json.clocks[1]).toMatchObject({ state: 'breached', breachedAt: '2026-03-03T10:00:00.000Z' });
  expect(json.clocks[1].explain.at(-1)).toMatch(/^breached at .*; left In progress late at /);

  // The SLA tab names it by the status, after the response clocks, and the escalation too.
  const page = (await session.agent.get(`/admin/tickets/ticket/${id}`).expect(200)).text;
  const rows = [
    ...page.matchAll(/<tr data-metric="([a-z_]+)" data-cycle="(\d+)">\s*<td[^>]*>([^<]*)<\/td>/g),
  ].map((m) => [m[1], m[2], m[3].trim()]);
  expect(rows).toEqual([
    ['first_response', '1', 'First response'],
    ['status_time', '2', 'Time in In progress'],
    ['status_time', '4', 'Time in In progress #2'],
  ]);
  expect(page).toMatch(
    /<td style="white-space:nowrap" data-label="Metric">Time in In progress<\/td>\s*<td data-action="notify_assignee" data-label="Action">/,
  );
});

it('sla-vigil ticket ID prints the status of status_time clocks', async () => {
  const savedUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = t.database.url;
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  try {
    await main(['node', 'sla-vigil', 'ticket', String(ticket), '--now', '2026-03-03T12:30:00Z']);
  } finally {
    spy.mockRestore();
    process.env.DATABASE_URL = savedUrl;
  }
  const json = JSON.parse(out.join('\n'));
  expect(
    json.clocks.map((c: { metric: string; status?: number; state: string }) => [c.metric, c.status, c.state]),
  ).toEqual([
    ['first_response', undefined, 'on_track'],
    ['status_time', IN_PROGRESS, 'breached'],
    ['status_time', IN_PROGRESS, 'on_track'],
  ]);
});
