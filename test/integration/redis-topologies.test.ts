import { Queue } from 'bullmq';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { SCAN_QUEUE } from '../../src/scan/scan-queue';
import { bullPrefix, openRedis } from '../../src/scan/redis-connection';
import { insertOpenTickets, insertStaff } from '../helpers/host-fixtures';
import { hourlyResolutionPolicy } from '../helpers/sla-fixtures';
import { testRedisPrefix } from '../helpers/test-database';
import { ClusterSetup, SentinelSetup } from '../helpers/redis-topologies';

/**
 * REDIS_URL in its Sentinel and Cluster forms, against real set-ups from Debian's packages on
 * loopback: the host's cron ticks queue scans there, the module's worker runs them, and each
 * due clock escalates once.
 */
const TICKETS = 5;

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Ticks three times in one minute past the tickets' due time; the worker scans and escalates once. */
async function scanThroughTheWorker(
  redisUrl: string,
): Promise<{ t: TestDevhost; prefix: string; clock: MutableClock }> {
  const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
  const prefix = testRedisPrefix();
  const t = await startTestDevhost({ clock, redisUrl, queuePrefix: prefix });
  const db = t.devhost.db;
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const staff = await insertStaff(db, 'fay.first@example.com', 'pw123456');
  await insertOpenTickets(db, TICKETS, department, '2026-03-03 08:00:00');
  await createModuleServices(t.devhost.host).config.import({ policies: [hourlyResolutionPolicy(staff)] });

  clock.set(new Date('2026-03-03T09:00:10Z'));
  // Several ticks in one minute (several hosts, a slow cron) make one scan job.
  for (let i = 0; i < 3; i++) await t.devhost.hooks.fire('after_cron_run', false);
  await waitFor(async () => {
    const [{ n }] = await db('tblsla_vigil_escalations').count({ n: '*' });
    return Number(n) === TICKETS ? true : undefined;
  }, 'the escalations');
  return { t, prefix, clock };
}

async function expectOneScanJobAndOneEscalationPerClock(t: TestDevhost, redisUrl: string, prefix: string) {
  const connection = openRedis(redisUrl, 'worker');
  const queue = new Queue(SCAN_QUEUE, { connection, prefix: bullPrefix(redisUrl, prefix) });
  try {
    const counts = await waitFor(async () => {
      const c = await queue.getJobCounts('completed', 'active', 'waiting', 'failed', 'delayed');
      return c.completed === 1 ? c : undefined;
    }, 'the scan job to complete');
    expect(counts).toEqual({ completed: 1, active: 0, waiting: 0, failed: 0, delayed: 0 });
  } finally {
    await queue.close();
    connection.disconnect();
  }
  const db = t.devhost.db;
  const escalations = await db('tblsla_vigil_escalations').select('subject_id', 'metric', 'cycle', 'level');
  expect(new Set(escalations.map((e) => e.subject_id)).size).toBe(TICKETS);
  const outbox = await db('tblsla_vigil_outbox').select('dedupe_key');
  expect(new Set(outbox.map((o) => o.dedupe_key)).size).toBe(outbox.length);
  // An email and a bell entry per escalation.
  expect(outbox).toHaveLength(TICKETS * 2);
}

describe('REDIS_URL through Sentinel', () => {
  const sentinel = new SentinelSetup();
  let t: TestDevhost | undefined;
  afterAll(async () => {
    await t?.close();
    await sentinel.stop();
  });

  let run: Awaited<ReturnType<typeof scanThroughTheWorker>>;

  it('finds the master through the sentinel; the worker scans and escalates each clock once', async () => {
    await sentinel.start();
    run = await scanThroughTheWorker(sentinel.url);
    t = run.t;
    await expectOneScanJobAndOneEscalationPerClock(t, sentinel.url, run.prefix);
  });

  it('follows a failover: the next minute is queued and scanned on the promoted replica', async () => {
    const host = run.t.devhost;
    await sentinel.failover();
    run.clock.set(new Date('2026-03-03T09:02:10Z'));
    const connection = openRedis(sentinel.url, 'worker');
    const queue = new Queue(SCAN_QUEUE, { connection, prefix: bullPrefix(sentinel.url, run.prefix) });
    try {
      // A tick that meets the old master's connection closing is recorded as Redis unreachable;
      // a later one goes through the sentinel to the new master.
      const finished = await waitFor(async () => {
        await host.hooks.fire('after_cron_run', false);
        return (await queue.getJob('scan-2026-03-03T0902'))?.finishedOn ?? undefined;
      }, "the next minute's scan after the failover");
      expect(finished).toBeGreaterThan(0);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    expect(await sentinel.currentMasterPort()).toBe(sentinel.replicaPort);
    // Nothing fired twice: the failover's scan found nothing new to escalate.
    expect(await host.db('tblsla_vigil_escalations').count({ n: '*' })).toEqual([{ n: TICKETS }]);
  });
});

describe('REDIS_URL on a Cluster', () => {
  const cluster = new ClusterSetup();
  let t: TestDevhost | undefined;
  afterAll(async () => {
    await t?.close();
    await cluster.stop();
  });

  it('keeps each queue in one hash slot ({prefix}); the worker scans and escalates each clock once', async () => {
    await cluster.start();
    const run = await scanThroughTheWorker(cluster.url);
    t = run.t;
    await expectOneScanJobAndOneEscalationPerClock(t, cluster.url, run.prefix);
    const keys = await cluster.keys(`*${run.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`{${run.prefix}}:`))).toBe(true);
  });
});
