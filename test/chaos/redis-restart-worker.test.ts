import pino from 'pino';
import { PrivateRedis } from '../helpers/private-redis';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../helpers/test-database';
import { setupDevhost } from '../../devhost/setup';
import { loadSourceModule } from '../helpers/devhost-fixture';
import { loadConfig } from '../../src/config';
import { openStandaloneHost } from '../../src/host/standalone-host';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { ScanWorker } from '../../src/scan/scan-worker';
import { judgeScanHealth } from '../../src/scan/scan-health';
import { main } from '../../src/cli';

/**
 * `sla-vigil worker --every N` on a Redis that dies and comes back empty (every key lost):
 * the scan schedule is upserted again and scans go on; the log says so once each way, and
 * the health that `status` and the banner report follows.
 */

const savedUrl = process.env.DATABASE_URL;
let redis: PrivateRedis;
let database: TestDatabase;
let host: Awaited<ReturnType<typeof openStandaloneHost>>;
let services: ModuleServices;
const lines: { level: number; msg: string }[] = [];
const logger = pino(
  { level: 'info' },
  { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) },
);

beforeAll(async () => {
  redis = new PrivateRedis(await PrivateRedis.freePort());
  await redis.start();
  database = await createTestDatabase();
  await setupDevhost({
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    loadModuleEntry: loadSourceModule,
  });
  host = await openStandaloneHost(loadConfig({ DATABASE_URL: database.url }));
  services = createModuleServices(host);
});
afterAll(async () => {
  await services.mailer.close();
  await host.close();
  await database.drop();
  await redis.stop();
});

async function waitFor(probe: () => boolean, what: string, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('keeps scanning after Redis restarts empty, logging one line when it goes and one when it is back', async () => {
  const run = jest.spyOn(services.scanner, 'run');
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  // Wired as `sla-vigil worker --every` wires it.
  const worker = new ScanWorker(redis.url, 'slav_restart', services.scanner, host.clock, logger, {
    everyMs: 500,
    onRedisDown: (error) => services.heartbeats.beat('redis_unreachable', host.clock.now(), { error }),
  });
  const health = async () => judgeScanHealth(await services.heartbeats.all(), host.clock.now());
  try {
    await waitFor(() => run.mock.calls.length >= 2, 'the scheduled scans');

    await redis.stop();
    // Several reconnect attempts (ioredis retries every few hundred ms).
    await new Promise((r) => setTimeout(r, 3000));
    expect(await health()).toMatchObject({ cause: 'redis_unreachable' });
    await redis.start(); // empty: the scheduler and its next job are gone
    const before = run.mock.calls.length;
    await waitFor(() => run.mock.calls.length >= before + 2, 'scans after Redis came back');

    const messages = lines.map((l) => l.msg);
    expect(messages.filter((m) => /Redis unreachable at 127\.0\.0\.1:\d+, retrying/.test(m))).toHaveLength(1);
    expect(
      messages.filter((m) => /Redis back at 127\.0\.0\.1:\d+, scan schedule restored/.test(m)),
    ).toHaveLength(1);
    // No stack traces twice a second: nothing else at warn or above, nothing on the console.
    expect(lines.filter((l) => l.level >= 40 && !/Redis (unreachable|back)/.test(l.msg))).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();

    // No host cron at all, scans from the schedule: healthy, and `status` exits 0.
    expect(await health()).toMatchObject({ cause: null, lastTickAt: null });
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    process.env.DATABASE_URL = database.url;
    process.exitCode = undefined;
    try {
      await main(['node', 'sla-vigil', 'status']);
    } finally {
      log.mockRestore();
      process.env.DATABASE_URL = savedUrl;
    }
    expect(out.join('\n')).toMatch(/last cron tick: never; last scan: \d{4}-.*\nscans: healthy/);
    expect(process.exitCode).toBeUndefined();
  } finally {
    await worker.close();
    consoleError.mockRestore();
    run.mockRestore();
  }
}, 60_000);

it('started while Redis is down, it says so once and starts scanning when Redis comes up', async () => {
  lines.length = 0;
  await redis.stop();
  const run = jest.spyOn(services.scanner, 'run');
  const worker = new ScanWorker(redis.url, 'slav_late_start', services.scanner, host.clock, logger, {
    everyMs: 500,
  });
  try {
    await new Promise((r) => setTimeout(r, 2000));
    expect(run).not.toHaveBeenCalled();
    await redis.start();
    await waitFor(() => run.mock.calls.length >= 1, 'a scan once Redis is up');
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
      expect.stringMatching(/Redis unreachable at 127\.0\.0\.1:\d+, retrying/),
      expect.stringMatching(/Redis back at 127\.0\.0\.1:\d+, scan schedule restored/),
    ]);
  } finally {
    await worker.close();
    run.mockRestore();
  }
}, 60_000);
