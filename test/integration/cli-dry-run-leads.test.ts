import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { insertStaff } from '../helpers/host-fixtures';
import { main } from '../../src/cli';
import { createModuleServices } from '../../src/wiring/module-services';
import type { ScanPlan } from '../../src/scan/scan-plan';

/**
 * `scan --once --dry-run` covers lead clocks as the real scan does: a lead's breach, its
 * escalation email and its reassign are in the plan by subject type (beside a ticket with the same
 * id), nothing is written, and the real scan that follows does what the plan said. The database
 * is paired with a Perfex module (its bridge secret is set), so host actions wait for Perfex's
 * cron, in the plan as in the real scan.
 */
let t: TestDevhost;
let leadId: number;
let ticketId: number;
let owner: number;
let manager: number;
const saved = { db: process.env.DATABASE_URL, smtp: process.env.SMTP_URL };

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    out.push(parts.join(' '));
  });
  try {
    await main(['node', 'sla-vigil', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('\n');
}

async function everyRow(db: Knex): Promise<Record<string, string[]>> {
  const [tables] = (await db.raw('SHOW TABLES')) as [Record<string, string>[]];
  const all: Record<string, string[]> = {};
  for (const row of tables) {
    const table = Object.values(row)[0];
    all[table] = ((await db(table).select()) as Record<string, unknown>[])
      .map((r) => JSON.stringify(r))
      .sort();
  }
  return all;
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC' });
  process.env.DATABASE_URL = t.database.url;
  // Mail nowhere: the real scan below only writes the outbox rows it would send.
  process.env.SMTP_URL = 'smtp://127.0.0.1:9';
  const db = t.devhost.db;
  owner = await insertStaff(db, 'olga.owner@x.test', 'pw123456');
  manager = await insertStaff(db, 'max.manager@x.test', 'pw123456');
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: 'ab'.repeat(32), autoload: 0 });
  const [fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [leadId] = await db('tblleads').insert({
    name: 'Dry Run Lead',
    status: fresh,
    source: 1,
    assigned: owner,
    dateadded: '2026-03-02 09:00:00',
    addedfrom: 0,
  });
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  [ticketId] = await db('tbltickets').insert({
    subject: 'Quiet ticket',
    message: 'm',
    department,
    priority: 1,
    status: 1,
    date: '2026-03-02 09:00:00',
    ticketkey: 'k',
  });
  await createModuleServices(t.devhost.host).config.import({
    policies: [
      {
        key: 'leads',
        name: 'New leads',
        subject: 'lead',
        match: {},
        calendar: null,
        targets: { status_time: { byStatus: { [String(fresh)]: { minutes: 30 } } } },
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
          {
            metric: 'status_time',
            trigger: { type: 'after_due', minutes: 30 },
            action: { type: 'reassign_staff', staffId: manager },
          },
        ],
      },
    ],
  });
  // The module learns the lead (and the ticket) while it is young: nothing is due yet.
  await cli('scan', '--once', '--now', '2026-03-02T09:05:00Z');
});

afterAll(async () => {
  process.env.DATABASE_URL = saved.db;
  if (saved.smtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = saved.smtp;
  await t.close();
});

it('plans the lead breach, its email and its reassign by subject type, writes nothing, and matches the real scan', async () => {
  const at = '2026-03-02T10:00:00Z';
  const before = await everyRow(t.devhost.db);
  const plan = JSON.parse(await cli('scan', '--once', '--dry-run', '--json', '--now', at)) as ScanPlan;
  expect(await everyRow(t.devhost.db)).toEqual(before);

  expect(plan.result).toMatchObject({ escalated: 2, actions: 0 });
  expect(plan.result.leadsRead).toBeGreaterThan(0);
  expect(plan.clocks).toEqual([
    {
      subjectType: 'lead',
      subjectId: leadId,
      metric: 'status_time',
      cycle: 1,
      from: 'on_track',
      to: 'breached',
    },
  ]);
  expect(
    plan.escalations.map((e) => [e.subjectType, e.subjectId, e.metric, e.level, e.action, e.outcome]),
  ).toEqual([
    ['lead', leadId, 'status_time', 1, 'notify_assignee', 'notified'],
    ['lead', leadId, 'status_time', 2, 'reassign_staff', 'action_pending'],
  ]);
  expect(plan.emails.map((m) => [m.subjectType, m.subjectId, m.recipientEmail, m.state])).toEqual([
    ['lead', leadId, 'olga.owner@x.test', 'pending'],
  ]);
  expect(plan.actions).toEqual([
    {
      subjectType: 'lead',
      subjectId: leadId,
      metric: 'status_time',
      level: 2,
      action: 'reassign_staff',
      staffId: manager,
      outcome: 'action_pending',
    },
  ]);
  // The ticket with the same id is no part of it.
  expect(leadId).toBe(ticketId);
  expect(plan.clocks.some((c) => c.subjectType === 'ticket')).toBe(false);

  const text = await cli('scan', '--once', '--dry-run', '--now', at);
  expect(text).toMatch(/would read \d+ tickets and \d+ leads/);
  expect(text).toContain(`clock: lead ${leadId} status_time cycle 1: on_track → breached`);
  expect(text).toContain(`email: lead ${leadId} status_time level 1 to olga.owner@x.test`);
  expect(text).toContain(
    `host action: lead ${leadId} status_time level 2: reassign_staff to staff ${manager} (action_pending)`,
  );
  expect(await everyRow(t.devhost.db)).toEqual(before);

  // The real scan at the same instant does what the plan said, and leaves the reassign to Perfex.
  await cli('scan', '--once', '--now', at);
  const db = t.devhost.db;
  const escalations = await db('tblsla_vigil_escalations').orderBy('id');
  expect(escalations.map((e) => [e.subject_type, e.subject_id, e.level, e.action_type, e.outcome])).toEqual(
    plan.escalations.map((e) => [e.subjectType, e.subjectId, e.level, e.action, e.outcome]),
  );
  expect(
    (await db('tblsla_vigil_outbox').where('channel', 'email').orderBy('id')).map((o) => [
      o.subject_type,
      o.recipient_email,
    ]),
  ).toEqual(plan.emails.map((m) => [m.subjectType, m.recipientEmail]));
  const clocks = await db('tblsla_vigil_clocks').where('subject_type', 'lead');
  expect(clocks.map((c) => [c.subject_id, c.state])).toEqual(plan.clocks.map((c) => [c.subjectId, c.to]));
  expect((await db('tblleads').where('id', leadId).first()).assigned).toBe(owner);
});
