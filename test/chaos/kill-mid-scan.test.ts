import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { twoLevelEscalationScene } from '../helpers/sla-fixtures';

// Real processes, really killed: `sla-vigil scan --once` from the build (npm test builds first).
const BIN = path.resolve(__dirname, '../../bin/sla-vigil.js');
const TICKETS = 300;
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const setup = createModuleServices(t.devhost.host);
  await twoLevelEscalationScene(t.devhost.db, TICKETS, (doc) => setup.config.import(doc));
  await setup.scanner.run(clock.now());
  await setup.mailer.close();
}, 120_000);
afterAll(() => t.close());

/**
 * Runs `sla-vigil scan --once --now ISO`. With `killAfterStartMs`, waits until the process has
 * started its scan (its heartbeat shows this run's instant), then SIGKILLs it that much later.
 */
async function scanProcess(now: string, killAfterStartMs?: number): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, 'scan', '--once', '--now', now], {
    env: {
      ...process.env,
      DATABASE_URL: t.database.url,
      SMTP_URL: `smtp://127.0.0.1:${t.devhost.mailbox.port}`,
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  if (killAfterStartMs !== undefined) {
    const started = async () => {
      const beat = await t.devhost.db('tblsla_vigil_heartbeats').where('name', 'scan_started').first();
      return beat?.last_at === now.replace('T', ' ').replace('Z', '');
    };
    while (child.exitCode === null && !(await started())) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, killAfterStartMs));
    child.kill('SIGKILL');
  }
  return exited;
}

it('scans killed (SIGKILL) mid-scan and mid-send, 10 times, lose nothing and send nothing twice', async () => {
  expect(fs.existsSync(path.resolve(__dirname, '../../dist/src/cli.js'))).toBe(true);
  // Both levels are due from 09:05; each run gets its own instant so its start can be seen.
  const at = (second: number) => `2026-03-03T09:06:${String(second).padStart(2, '0')}.000Z`;
  // Kill at growing delays so some die while escalating and some while sending.
  // Delays after the scan starts: the first kills land inside the escalation transaction
  // (rolled back), the later ones while mails are going out (measured here: the escalation
  // of 300 tickets commits after about 2.4 s, then sending takes a few ms per mail).
  const delays = [100, 800, 1600, 2300, 2500, 2600, 2700, 2800, 3000, 3300];
  const codes: (number | null)[] = [];
  for (const [i, delay] of delays.entries()) codes.push(await scanProcess(at(i), delay));
  expect(codes.filter((c) => c === null).length).toBeGreaterThan(0);
  // After the send lease (one minute) mails claimed by killed processes are due again.
  expect(await scanProcess('2026-03-03T09:20:00.000Z')).toBe(0);
  const db = t.devhost.db;
  const [{ n: escalations }] = await db('tblsla_vigil_escalations').count({ n: '*' });
  expect(Number(escalations)).toBe(2 * TICKETS);
  const outbox: { state: string; n: number }[] = await db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .select('state')
    .count({ n: '*' })
    .groupBy('state');
  expect(outbox.map((o) => [o.state, Number(o.n)])).toEqual([['sent', 2 * TICKETS]]);
  // Every recipient got exactly one email per ticket and level (a resend after an unclear
  // failure carries the same Message-ID, and the receiving mailbox keeps it once).
  const perRecipient = (await db('tbldevhost_mailbox')
    .select('rcpt_to')
    .count({ n: '*' })
    .groupBy('rcpt_to')
    .orderBy('rcpt_to')) as unknown as { rcpt_to: string; n: number | string }[];
  expect(perRecipient.map((r) => [r.rcpt_to, Number(r.n)])).toEqual([
    ['fay.first@example.com', TICKETS],
    ['sid.second@example.com', TICKETS],
  ]);
  const clocks: { state: string; n: number }[] = await db('tblsla_vigil_clocks')
    .select('state')
    .count({ n: '*' })
    .groupBy('state');
  expect(clocks.map((c) => [c.state, Number(c.n)])).toEqual([['breached', TICKETS]]);
}, 180_000);
