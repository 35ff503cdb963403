import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { insertStaff } from '../helpers/host-fixtures';
import { SmtpSink } from '../helpers/smtp-sink';
import { main } from '../../src/cli';
import type { ScanPlan } from '../../src/scan/scan-plan';

/**
 * Time travel cannot damage production: `scan --now` ahead of the real clock is refused unless
 * asked for, and `--dry-run` shows what a scan would do while every table stays as it was.
 */
let t: TestDevhost;
let dir: string;
let sink: SmtpSink;
let ticketId: number;
let alice: number;
let bob: number;
const saved = { db: process.env.DATABASE_URL, smtp: process.env.SMTP_URL };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC' });
  sink = new SmtpSink();
  await sink.start();
  process.env.DATABASE_URL = t.database.url;
  process.env.SMTP_URL = sink.url;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-vigil-tt-'));
  const db = t.devhost.db;
  alice = await insertStaff(db, 'alice.agent@x.test', 'pw123456');
  bob = await insertStaff(db, 'bob.lead@x.test', 'pw123456');
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  [ticketId] = await db('tbltickets').insert({
    subject: 'Printer on fire',
    message: 'm',
    department,
    priority: 1,
    status: 1,
    assigned: alice,
    date: '2026-03-02 09:00:00',
    ticketkey: 'k',
  });
  const doc = {
    policies: [
      {
        key: 'all',
        name: 'All tickets',
        calendar: null,
        targets: { first_response: { minutes: 30 }, resolution: { minutes: 60 } },
        escalations: [
          { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_staff', staffId: bob },
          },
          {
            metric: 'resolution',
            trigger: { type: 'after_due', minutes: 30 },
            action: { type: 'reassign_staff', staffId: bob },
          },
          {
            metric: 'resolution',
            trigger: { type: 'after_due', minutes: 30 },
            action: { type: 'raise_priority' },
          },
        ],
      },
    ],
  };
  const file = path.join(dir, 'sla.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  await cli('config', 'import', file);
  // The module learns the ticket while it is young: nothing is due yet.
  await cli('scan', '--once', '--now', '2026-03-02T09:05:00Z');
});

afterAll(async () => {
  process.env.DATABASE_URL = saved.db;
  if (saved.smtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = saved.smtp;
  fs.rmSync(dir, { recursive: true, force: true });
  await sink.stop();
  await t.close();
});

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

/** Every row of every table in the database (module and host), in a stable order. */
async function everyRow(db: Knex): Promise<Record<string, string[]>> {
  const [tables] = (await db.raw('SHOW TABLES')) as [Record<string, string>[]];
  const all: Record<string, string[]> = {};
  for (const row of tables) {
    const table = Object.values(row)[0];
    const rows = (await db(table).select()) as Record<string, unknown>[];
    all[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return all;
}

describe('scan --now ahead of the real clock', () => {
  const future = new Date(Date.now() + 3 * 86_400_000).toISOString();

  it('is refused with a clear message, and nothing is written', async () => {
    const before = await everyRow(t.devhost.db);
    await expect(cli('scan', '--once', '--now', future)).rejects.toThrow(
      /ahead of this machine's clock.*--dry-run.*--allow-future/s,
    );
    expect(await everyRow(t.devhost.db)).toEqual(before);
  });

  it('can be looked at with --dry-run, which writes nothing', async () => {
    const before = await everyRow(t.devhost.db);
    const text = await cli('scan', '--once', '--dry-run', '--now', future);
    expect(text).toMatch(/^dry run at .*: nothing was written/);
    expect(text).toContain('breached');
    expect(await everyRow(t.devhost.db)).toEqual(before);
    expect(sink.messages).toHaveLength(0);
  });
});

describe('scan --dry-run', () => {
  const at = '2026-03-02T10:45:00Z';

  it('prints what a scan would change and send, writes nothing, and matches the real scan that follows', async () => {
    const before = await everyRow(t.devhost.db);
    const plan = JSON.parse(await cli('scan', '--once', '--dry-run', '--json', '--now', at)) as ScanPlan;
    expect(await everyRow(t.devhost.db)).toEqual(before);
    expect(sink.messages).toHaveLength(0);

    expect(plan.at).toBe('2026-03-02T10:45:00.000Z');
    expect(plan.clocks).toEqual([
      {
        subjectType: 'ticket',
        subjectId: ticketId,
        ticketId,
        metric: 'first_response',
        cycle: 1,
        from: 'on_track',
        to: 'breached',
      },
      {
        subjectType: 'ticket',
        subjectId: ticketId,
        ticketId,
        metric: 'resolution',
        cycle: 1,
        from: 'on_track',
        to: 'breached',
      },
    ]);
    expect(plan.escalations.map((e) => [e.metric, e.level, e.action, e.outcome])).toEqual([
      ['first_response', 1, 'notify_assignee', 'notified'],
      ['resolution', 2, 'notify_staff', 'notified'],
      ['resolution', 3, 'reassign_staff', 'reassigned'],
      ['resolution', 4, 'raise_priority', 'priority_raised'],
    ]);
    expect(plan.emails.map((m) => [m.recipientEmail, m.metric, m.level, m.state])).toEqual([
      ['alice.agent@x.test', 'first_response', 1, 'pending'],
      ['bob.lead@x.test', 'resolution', 2, 'pending'],
    ]);
    // The same levels' bell entries (the host has Perfex's bell).
    expect(
      plan.notifications.map((n) => [n.channel, n.recipientStaffId, n.metric, n.level, n.state]),
    ).toEqual([
      ['in_app', alice, 'first_response', 1, 'pending'],
      ['in_app', bob, 'resolution', 2, 'pending'],
    ]);
    expect(plan.actions).toEqual([
      expect.objectContaining({ ticketId, action: 'reassign_staff', staffId: bob, outcome: 'reassigned' }),
      expect.objectContaining({
        ticketId,
        action: 'raise_priority',
        priorityId: 2,
        outcome: 'priority_raised',
      }),
    ]);

    // The readable form names the same things.
    const text = await cli('scan', '--once', '--dry-run', '--now', at);
    expect(text).toContain('nothing was written, no email was sent');
    expect(text).toContain(`clock: ticket ${ticketId} resolution cycle 1: on_track → breached`);
    expect(text).toContain(
      `email: ticket ${ticketId} first_response level 1 to alice.agent@x.test (staff ${alice}, en): would be sent`,
    );
    expect(text).toContain(
      `host action: ticket ${ticketId} resolution level 3: reassign_staff to staff ${bob}`,
    );
    expect(text).toContain(
      `bell: ticket ${ticketId} first_response level 1 for staff ${alice}: would be added`,
    );
    expect(text).toContain('write 2 emails and 2 bell entries or webhook posts');
    expect(await everyRow(t.devhost.db)).toEqual(before);

    // Links in the emails lead to Perfex where the module says it lives (a sub-folder here).
    await t.devhost.db('tbloptions').insert({
      name: 'sla_vigil_site_url',
      value: 'https://crm.example.test/sub/',
      autoload: 1,
    });
    // The real scan at the same instant does exactly what the plan said.
    await cli('scan', '--once', '--now', at);
    const db = t.devhost.db;
    expect(sink.messages[0]?.text).toContain(`https://crm.example.test/sub/admin/tickets/ticket/${ticketId}`);
    const escalations = await db('tblsla_vigil_escalations').orderBy('id');
    expect(escalations.map((e) => [e.metric, e.level, e.action_type, e.outcome])).toEqual(
      plan.escalations.map((e) => [e.metric, e.level, e.action, e.outcome]),
    );
    const outbox = await db('tblsla_vigil_outbox').where('channel', 'email').orderBy('id');
    expect(outbox.map((o) => [o.recipient_email, o.recipient_staff_id])).toEqual(
      plan.emails.map((m) => [m.recipientEmail, m.recipientStaffId]),
    );
    expect(sink.messages.map((m) => m.to).flat()).toEqual(plan.emails.map((m) => m.recipientEmail));
    const ticket = await db('tbltickets').where('ticketid', ticketId).first();
    expect([ticket.assigned, ticket.priority]).toEqual([bob, 2]);
    const clocks = await db('tblsla_vigil_clocks').orderBy('metric');
    expect(clocks.map((c) => [c.metric, c.state])).toEqual(plan.clocks.map((c) => [c.metric, c.to]));
  });

  it('on a scan with nothing to do, says so', async () => {
    const text = await cli('scan', '--once', '--dry-run', '--now', '2026-03-02T10:46:00Z');
    expect(text.split('\n').slice(2)).toEqual([]);
  });
});

describe('scan --now within a minute of the real clock', () => {
  it('is clock skew, not time travel: it runs', async () => {
    const soon = new Date(Date.now() + 30_000).toISOString();
    await expect(cli('scan', '--once', '--now', soon)).resolves.toMatch(/^scan: /);
  });

  it('runs further ahead with --allow-future', async () => {
    const later = new Date(Date.now() + 86_400_000).toISOString();
    await expect(cli('scan', '--once', '--allow-future', '--now', later)).resolves.toMatch(/^scan: /);
  });
});

describe('strict input on the command line', () => {
  it.each(['0x12d', '1e2', '+301', '0', '4294967296', ' 12', '12 ', '1.0'])(
    'ticket %j is a usage error',
    async (id) => {
      await expect(cli('ticket', id)).rejects.toThrow(
        /ticket id must be a positive integer in decimal digits/,
      );
    },
  );

  it('ticket takes a plain decimal id', async () => {
    const json = JSON.parse(await cli('ticket', String(ticketId), '--now', '2026-03-02T09:10:00+01:00'));
    expect(json).toMatchObject({ ticketId });
  });

  /** The built command, as a person runs it: usage errors exit non-zero before touching a database. */
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.resolve(__dirname, '../../bin/sla-vigil.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: 'mysql://nobody@127.0.0.1:1/none' },
    });

  it.each([
    '2026-02-30T08:00:00Z',
    '2026-13-01T08:00:00Z',
    'March 3',
    '1772611200',
    '1772611200000',
    '2026-03-09',
    '2026-03-09T08:00:00',
    ' 2026-03-09T08:00:00Z',
  ])('--now %j is a usage error (exit 1, message names the format)', (now) => {
    const result = run('scan', '--once', '--now', now);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not an ISO-8601 instant with a zone');
  });

  it('ticket takes --now as strictly, and -1 is a usage error too', () => {
    const late = run('ticket', '1', '--now', '2026-02-30T08:00:00Z');
    expect([late.status, late.stderr]).toEqual([1, expect.stringContaining('not an ISO-8601 instant')]);
    const negative = run('ticket', '-1');
    expect([negative.status, negative.stderr]).toEqual([1, expect.stringMatching(/-1/)]);
  });

  it('config import accepts a UTF-8 byte order mark, and refuses a key written twice', async () => {
    const file = path.join(dir, 'bom.json');
    fs.writeFileSync(file, '\uFEFF' + JSON.stringify({ settings: { cooldownMinutes: 45 } }));
    expect(await cli('config', 'import', file)).toBe('imported 0 calendars and 0 policies');
    expect(JSON.parse(await cli('config', 'export')).settings.cooldownMinutes).toBe(45);
    fs.writeFileSync(file, '{"settings": {"cooldownMinutes": 30, "cooldownMinutes": 90}}');
    await expect(cli('config', 'import', file)).rejects.toThrow(
      /settings\.cooldownMinutes: appears more than once/,
    );
    expect(JSON.parse(await cli('config', 'export')).settings.cooldownMinutes).toBe(45);
  });
});
