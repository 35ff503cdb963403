import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { SCAN_QUEUE, ScanQueue } from '../../src/scan/scan-queue';
import { TEST_REDIS_URL } from '../helpers/test-database';

const clock = new MutableClock(new Date('2026-03-03T08:00:30Z'));
let t: TestDevhost;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
});
afterAll(() => t.close());

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('a cron tick enqueues one scan per minute, and the worker finds a ticket inserted without a hook', async () => {
  const db = t.devhost.db;
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [id] = await db('tbltickets').insert({
    subject: 'Inserted by a script',
    message: 'm',
    department,
    priority: 2,
    status: 1,
    date: '2026-03-03 07:00:00',
    ticketkey: 'k',
  });

  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(SCAN_QUEUE, { connection, prefix: t.devhost.host.queuePrefix });
  try {
    // Three ticks within one minute (several hosts, or a slow cron) make one job.
    await t.devhost.hooks.fire('after_cron_run', false);
    await t.devhost.hooks.fire('after_cron_run', false);
    clock.set(new Date('2026-03-03T08:00:59Z'));
    await t.devhost.hooks.fire('after_cron_run', true);
    const subject = await waitFor(
      async () => (await db('tblsla_vigil_subjects').where('subject_id', id).first()) ?? undefined,
      'the scan to record the ticket',
    );
    expect(subject).toMatchObject({ sla_state: 'no_policy', deleted: 0 });
    const jobs = await waitFor(async () => {
      const counts = await queue.getJobCounts('completed', 'active', 'waiting', 'failed');
      return counts.completed === 1 ? counts : undefined;
    }, 'the scan job to complete');
    expect(jobs).toMatchObject({ completed: 1, failed: 0, waiting: 0, active: 0 });
    const [created] = await db('tblsla_vigil_timeline').where({ subject_id: id, event_type: 'created' });
    expect(created).toMatchObject({ source: 'reconcile', occurred_at: '2026-03-03 07:00:00.000' });

    const beats = await db('tblsla_vigil_heartbeats').pluck('name');
    expect(beats.sort()).toEqual(['cron_tick', 'scan_finished', 'scan_started']);

    // A worker started again and again upserts one job scheduler, never a second one.
    const scheduler = new ScanQueue(TEST_REDIS_URL, t.devhost.host.queuePrefix as string);
    await scheduler.schedule(60_000);
    await scheduler.schedule(60_000);
    expect(await queue.getJobSchedulersCount()).toBe(1);
    await queue.removeJobScheduler('sla-vigil-scan-every');
    await scheduler.close();

    // The next minute's tick is a new job (its id is the minute).
    clock.set(new Date('2026-03-03T08:01:05Z'));
    await t.devhost.hooks.fire('after_cron_run', false);
    await waitFor(
      async () => (await queue.getJob('scan-2026-03-03T0801'))?.finishedOn ?? undefined,
      "the next minute's job",
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
});
