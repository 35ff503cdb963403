import pino, { type Logger } from 'pino';
import type { Clock } from '../../src/host/host-context';
import { Devhost } from '../../devhost/devhost';
import type { ModuleApi } from '../../devhost/module-loader';
import { setupDevhost } from '../../devhost/setup';
import {
  createTestDatabase,
  dropRedisPrefix,
  TEST_REDIS_URL,
  testRedisPrefix,
  type TestDatabase,
} from './test-database';

export const TEST_API_TOKEN = 'test-token';

/** Under ts-jest the module is loaded from source, not from the built dist/ entry. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadSourceModule = (): ModuleApi => require('../../src/index') as ModuleApi;

export interface TestDevhost {
  devhost: Devhost;
  database: TestDatabase;
  close(): Promise<void>;
}

/** A set-up devhost on a fresh database with the module active; no HTTP listener (use supertest on `app`). */
export async function startTestDevhost(
  options: {
    timezone?: string;
    seed?: boolean;
    clock?: Clock;
    listen?: boolean;
    now?: Date;
    redisUrl?: string;
    /** null: no prefix from the host, the module derives one from the database (default: one of the test's own). */
    queuePrefix?: string | null;
    /** Default: silent (TEST_LOG_LEVEL to see it). */
    logger?: Logger;
    /** The devhost's cron ticker (real timers); default 0, off. */
    cronIntervalMs?: number;
  } = {},
): Promise<TestDevhost> {
  const database = await createTestDatabase();
  await setupDevhost({
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    timezone: options.timezone,
    seed: options.seed,
    now: options.now,
    loadModuleEntry: loadSourceModule,
  });
  const queuePrefix = options.queuePrefix === null ? undefined : (options.queuePrefix ?? testRedisPrefix());
  const devhost = await Devhost.create({
    databaseUrl: database.url,
    redisUrl: options.redisUrl ?? TEST_REDIS_URL,
    apiToken: TEST_API_TOKEN,
    mailboxPort: 0,
    cronIntervalMs: options.cronIntervalMs ?? 0,
    port: 0,
    clock: options.clock,
    sessionSecret: 'test-secret',
    queuePrefix,
    logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    loadModuleEntry: loadSourceModule,
  });
  await devhost.start({ listen: options.listen ?? false });
  return {
    devhost,
    database,
    async close() {
      await devhost.stop();
      await database.drop();
      if (queuePrefix) await dropRedisPrefix(queuePrefix);
    },
  };
}
