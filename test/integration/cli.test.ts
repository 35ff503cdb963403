import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { main } from '../../devhost/cli';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

let t: TestDevhost;
let dir: string;
const savedUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin' });
  process.env.DATABASE_URL = t.database.url;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-vigil-cli-'));
  const [department] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  await t.devhost.db('tbltickets').insert({
    subject: 'From a script',
    message: 'm',
    department,
    priority: 2,
    status: 1,
    date: '2026-03-06 17:40:00',
    ticketkey: 'k',
  });
});
afterAll(async () => {
  process.env.DATABASE_URL = savedUrl;
  fs.rmSync(dir, { recursive: true, force: true });
  await t.close();
});

const sqlNow = () => new Date().toISOString().slice(0, 23).replace('T', ' ');

async function waitUntil(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 50));
}

/** Runs `sla-vigil ...args` in-process and returns what it printed. */
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

function writeJson(name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

const week = WEEKDAYS_9_TO_5;
const validDoc = {
  calendars: [{ key: 'office', name: 'Office', timezone: 'Europe/Berlin', week, holidays: ['2026-12-25'] }],
  policies: [
    { key: 'default', name: 'Default', calendar: 'office', targets: { first_response: { minutes: 240 } } },
  ],
};

describe('sla-vigil command', () => {
  it('migrate has nothing to do on an active module', async () => {
    expect(await cli('migrate')).toBe('nothing to migrate');
  });

  it('config import of an invalid document changes nothing and lists every error with its path', async () => {
    const file = writeJson('bad.json', {
      calendars: [{ key: 'office', name: 'Office', timezone: 'Nowhere/City' }],
      policies: [{ key: 'Bad Key', name: '', calendar: 'missing', targets: {} }],
    });
    const error = await cli('config', 'import', file).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(error).toMatch(/^invalid configuration:/);
    for (const p of [
      'calendars[0].timezone',
      'policies[0].key',
      'policies[0].name',
      'policies[0].targets',
      'policies[0].calendar',
    ]) {
      expect(error).toContain(`  ${p}: `);
    }
    expect(JSON.parse(await cli('config', 'export'))).toMatchObject({ calendars: [], policies: [] });
  });

  it('config import of a valid document applies it; export round-trips', async () => {
    expect(await cli('config', 'import', writeJson('good.json', validDoc))).toBe(
      'imported 1 calendars and 1 policies',
    );
    const exported = JSON.parse(await cli('config', 'export'));
    expect(exported.policies[0]).toMatchObject({
      key: 'default',
      active: true,
      pauseStatusIds: [3, 4],
      calendar: 'office',
    });
    expect(await cli('config', 'import', writeJson('again.json', exported))).toBe(
      'imported 1 calendars and 1 policies',
    );
    expect(JSON.parse(await cli('config', 'export'))).toEqual(exported);
  });

  it('config import names an unreadable file', async () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ nope');
    await expect(cli('config', 'import', path.join(dir, 'broken.json'))).rejects.toThrow(
      /broken\.json: not readable JSON/,
    );
  });

  it('scan --once --now reconciles a ticket inserted without a hook and prints a summary', async () => {
    const line = await cli('scan', '--once', '--now', '2026-03-06T17:00:00Z');
    expect(line).toMatch(
      /^scan: 1 tickets read, 0 new replies, 1 events recorded, 1 tickets changed, 1 recomputed, 0 clocks advanced, 0 escalations, 0 actions, 0 emails sent, 0 failed in \d+ ms$/,
    );
    expect(await cli('scan', '--once', '--now', '2026-03-06T17:00:00Z')).toMatch(
      /0 events recorded, 0 tickets changed, 0 recomputed/,
    );
  });

  it('rollups rebuild rebuilds the dashboard rollups from the clocks and says what it counted', async () => {
    await t.devhost.db('tblsla_vigil_rollup_live').delete();
    expect(await cli('rollups', 'rebuild')).toMatch(
      /^rollups rebuilt for [\w/]+: \d+ settled clocks in \d+ day rows, 1 open subjects$/,
    );
    expect(await t.devhost.db('tblsla_vigil_rollup_live').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('ticket ID --now prints the JSON of DESIGN.md with explanations', async () => {
    const [id] = await t.devhost.db('tbltickets').pluck('ticketid');
    const json = JSON.parse(await cli('ticket', String(id), '--now', '2026-03-09T11:30:00Z'));
    expect(json).toMatchObject({ ticketId: id, policy: { name: 'Default' } });
    expect(json.clocks).toEqual([
      expect.objectContaining({
        metric: 'first_response',
        cycle: 1,
        state: 'at_risk',
        startedAt: '2026-03-06T16:40:00.000Z',
        dueAt: '2026-03-09T12:00:00.000Z',
        metAt: null,
        breachedAt: null,
        pausedMinutes: 0,
      }),
    ]);
    expect(json.clocks[0].explain[0]).toBe(
      'started Fri 6 Mar 17:40 (Europe/Berlin), office closed until Mon 9 Mar 09:00; 4 business hours → due Mon 9 Mar 13:00',
    );
    await expect(cli('ticket', 'abc')).rejects.toThrow(/positive integer/);
    await expect(cli('ticket', '424242')).rejects.toThrow(/not known to SLA Vigil/);
  });

  it('devhost setup is idempotent', async () => {
    expect(await cli('devhost', 'setup')).toBe('devhost already set up; module active; no seed added');
  });

  it('status judges the last finished scan: no scan, a cron without scans and failing scans exit 1; a finished scan is healthy', async () => {
    const db = t.devhost.db;
    const status = async () => {
      process.exitCode = undefined;
      const out = await cli('status');
      const code = process.exitCode;
      process.exitCode = undefined;
      return { out, code };
    };
    await db('tblsla_vigil_heartbeats').delete();
    const never = await status();
    expect(never.out).toContain('last cron tick: never; last scan: never');
    expect(never.out).toContain('scans: none has run yet');
    expect(never.code).toBe(1);

    // The host's cron ticks, but no worker takes the jobs: a tick alone is not health.
    await db('tblsla_vigil_heartbeats').insert({ name: 'cron_tick', last_at: sqlNow() });
    const noScan = await status();
    expect(noScan.out).toMatch(/scans: the cron ticks \(last \d{4}-.*\) but no scan has finished/);
    expect(noScan.code).toBe(1);

    // A real tick: the in-process worker scans, and status is healthy.
    await t.devhost.hooks.fire('after_cron_run', false);
    await waitUntil(
      async () => (await db('tblsla_vigil_heartbeats').where('name', 'scan_finished').first()) !== undefined,
    );
    const healthy = await status();
    expect(healthy.out).toMatch(/last cron tick: \d{4}-.*; last scan: \d{4}-/);
    expect(healthy.out).toContain('scans: healthy');
    expect(healthy.out).toContain(`queue prefix: tblsla_vigil_${t.database.name}_`);
    expect(healthy.code).toBeUndefined();
    expect(healthy.out).toMatch(/outbox: \{"pending":0/);

    // Scans that fail (here: the host's ticket table is gone) are named with their last error.
    await db.schema.renameTable('tbltickets', 'tbltickets_away');
    try {
      await expect(cli('scan', '--once')).rejects.toThrow(/tbltickets/);
      const failing = await status();
      expect(failing.out).toMatch(/scans failing: .*tbltickets.* doesn't exist \(last failure \d{4}-/);
      expect(failing.code).toBe(1);
    } finally {
      await db.schema.renameTable('tbltickets_away', 'tbltickets');
    }
    await cli('scan', '--once');
    expect((await status()).code).toBeUndefined();
  });

  it('status counts tickets and leads by SLA state apart', async () => {
    const [fresh] = await t.devhost
      .db('tblleads_status')
      .insert({ name: 'New', statusorder: 1, color: '#2563eb' });
    await t.devhost.leads.create({ name: 'Status Lead', status: fresh, source: 1 });
    process.exitCode = undefined;
    const out = (await cli('status')).split('\n');
    process.exitCode = undefined;
    const line = (prefix: string) => out.find((l) => l.startsWith(prefix));
    expect(line('leads by SLA state: ')).toBe('leads by SLA state: {"no_policy":1}');
    // The ticket line counts tickets only, as it always did.
    const tickets = JSON.parse(
      (line('tickets by SLA state: ') ?? '').slice('tickets by SLA state: '.length),
    ) as Record<string, number>;
    expect(Object.values(tickets).reduce((a, b) => a + b, 0)).toBe(
      Number(
        (
          await t.devhost
            .db('tblsla_vigil_subjects')
            .where({ subject_type: 'ticket', deleted: 0 })
            .count({ n: '*' })
        )[0].n,
      ),
    );
  });

  it('config import --passed-levels skip records levels already passed as skipped; fire (the default) says what the next scan fires', async () => {
    const atDue = {
      metric: 'first_response',
      trigger: { type: 'at_due' },
      action: { type: 'notify_assignee' },
    };
    const ladder = { ...validDoc.policies[0], escalations: [atDue] };
    expect(
      await cli(
        'config',
        'import',
        writeJson('ladder.json', { policies: [ladder] }),
        '--passed-levels',
        'skip',
      ),
    ).toBe(
      'imported 0 calendars and 1 policies\nskipped 1 escalation levels that had already passed on open tickets and leads',
    );
    expect(await t.devhost.db('tblsla_vigil_escalations').pluck('outcome')).toEqual(['skipped']);
    const later = {
      metric: 'first_response',
      trigger: { type: 'after_due', minutes: 60 },
      action: { type: 'notify_assignee' },
    };
    const two = { ...ladder, escalations: [atDue, later] };
    expect(await cli('config', 'import', writeJson('two.json', { policies: [two] }))).toBe(
      'imported 0 calendars and 1 policies\nthe next scan fires 1 escalation levels that have already passed on 1 open tickets ' +
        '(1 emails, 0 reassignments, 0 priority raises); --passed-levels skip would have skipped them',
    );
    expect(await t.devhost.db('tblsla_vigil_escalations').pluck('outcome')).toEqual(['skipped']);
  });
});
