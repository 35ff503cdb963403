import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { PrivateRedis } from '../helpers/private-redis';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { hourlyResolutionPolicy } from '../helpers/sla-fixtures';
import { judgeScanHealth } from '../../src/scan/scan-health';

const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
const lines: { level: number; msg: string }[] = [];
const logger = pino(
  { level: 'warn' },
  { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) },
);
let redis: PrivateRedis;
let t: TestDevhost;

beforeAll(async () => {
  redis = new PrivateRedis(await PrivateRedis.freePort());
  await redis.start();
  t = await startTestDevhost({ clock, redisUrl: redis.url, logger });
  const db = t.devhost.db;
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const lead = await insertStaff(db, 'leo.lead@example.com', 'pw123456');
  const services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [hourlyResolutionPolicy(lead)],
  });
  await services.mailer.close();
  for (let i = 0; i < 5; i++)
    await t.devhost.tickets.create({ subject: `T${i}`, message: 'm', department, admin: 1 });
});
afterAll(async () => {
  await t.close();
  await redis.stop();
});

async function waitFor(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const health = async () =>
  judgeScanHealth(await createModuleServices(t.devhost.host).heartbeats.all(), clock.now());

const escalations = async () =>
  Number((await t.devhost.db('tblsla_vigil_escalations').count({ n: '*' }))[0].n);

it('with Redis down the cron tick fails fast; the next tick after it returns escalates what became due, once', async () => {
  await redis.stop();
  clock.set(new Date('2026-03-03T09:01:00Z')); // everything is due
  const started = Date.now();
  await t.devhost.hooks.fire('after_cron_run', false);
  // The host's cron is not held up by the outage (the hook logs and returns).
  expect(Date.now() - started).toBeLessThan(10_000);
  clock.set(new Date('2026-03-03T09:01:30Z'));
  await t.devhost.hooks.fire('after_cron_run', false);
  // Two ticks in the outage, one line: no error with a stack per tick.
  expect(lines.filter((l) => /cron ticks cannot queue scans/.test(l.msg))).toHaveLength(1);
  expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  expect(await escalations()).toBe(0);
  // The tick is recorded, and so is the reason no scan follows it: status and the banner say so.
  const down = await health();
  expect(down).toMatchObject({ cause: 'redis_unreachable', lastTickAt: clock.now() });
  expect(down.error).toEqual(expect.any(String));

  await redis.start();
  clock.set(new Date('2026-03-03T09:02:00Z'));
  // The producer reconnects in the background; ticks keep coming every minute.
  await waitFor(async () => {
    await t.devhost.hooks.fire('after_cron_run', false);
    return (await escalations()) === 5;
  }, 'the scan after Redis returned');
  clock.set(new Date('2026-03-03T09:03:00Z'));
  await t.devhost.hooks.fire('after_cron_run', false);
  await new Promise((r) => setTimeout(r, 500));
  expect(await escalations()).toBe(5);
  await waitFor(
    async () => Number((await t.devhost.db('tbldevhost_mailbox').count({ n: '*' }))[0].n) === 5,
    'the five emails',
  );
  // The scan writes its finish heartbeat after it has sent the mails: wait for it, not the mails.
  await waitFor(async () => (await health()).cause === null, 'the finished scan to clear the outage');
  expect(lines.filter((l) => /Redis back at .*; cron ticks queue scans again/.test(l.msg))).toHaveLength(1);
});
