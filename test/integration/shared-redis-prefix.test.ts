import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { PrivateRedis } from '../helpers/private-redis';
import { MutableClock } from '../../devhost/mutable-clock';
import { deriveQueuePrefix } from '../../src/scan/queue-prefix';

/**
 * Two hosts on two databases share one Redis and leave the queue prefix unset: each derives
 * its own from its database, so a scan one host requests is run by its own worker only (and
 * the other host's tick in the same minute is not swallowed as a duplicate).
 */

const clock = new MutableClock(new Date('2026-03-03T08:00:10Z'));
let redis: PrivateRedis;
let a: TestDevhost;
let b: TestDevhost;

beforeAll(async () => {
  redis = new PrivateRedis(await PrivateRedis.freePort());
  await redis.start();
  a = await startTestDevhost({ clock, redisUrl: redis.url, queuePrefix: null });
  b = await startTestDevhost({ clock, redisUrl: redis.url, queuePrefix: null });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis.stop();
});

async function waitFor(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const scanned = async (host: TestDevhost) =>
  (await host.devhost.db('tblsla_vigil_heartbeats').where('name', 'scan_finished').first()) !== undefined;

async function insertTicket(host: TestDevhost): Promise<number> {
  const [id] = await host.devhost.db('tbltickets').insert({
    subject: 'Inserted by a script',
    message: 'm',
    department: 1,
    priority: 2,
    status: 1,
    date: '2026-03-03 07:00:00',
    ticketkey: 'k',
  });
  return id;
}

const recorded = async (host: TestDevhost, id: number) =>
  (await host.devhost.db('tblsla_vigil_subjects').where('subject_id', id).first()) !== undefined;

it('derives a queue prefix per database, and each host runs only its own scans', async () => {
  const prefixA = await deriveQueuePrefix(a.devhost.db, 'tbl');
  const prefixB = await deriveQueuePrefix(b.devhost.db, 'tbl');
  expect(prefixA).toMatch(new RegExp(`^tblsla_vigil_${a.database.name}_[0-9a-f]{10}$`));
  expect(prefixB).not.toBe(prefixA);
  // Stable: every process on the same database derives the same prefix.
  expect(await deriveQueuePrefix(a.devhost.db, 'tbl')).toBe(prefixA);
  expect(await deriveQueuePrefix(a.devhost.db, 'crm_')).not.toBe(prefixA);

  const ticketA = await insertTicket(a);
  const ticketB = await insertTicket(b);
  await a.devhost.hooks.fire('after_cron_run', false);
  await waitFor(() => recorded(a, ticketA), "host A's scan");
  await new Promise((r) => setTimeout(r, 1000));
  expect(await scanned(b)).toBe(false);

  // Same minute, same job id: on a shared queue this tick would be dropped as a duplicate.
  await b.devhost.hooks.fire('after_cron_run', false);
  await waitFor(() => recorded(b, ticketB), "host B's scan");
  expect(await scanned(a)).toBe(true);
});
