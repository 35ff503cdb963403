import crypto from 'node:crypto';
import IORedis from 'ioredis';
import { createDb } from '../../src/store/db';

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database for one test file; `drop()` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `slav_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const server = createDb(SERVER_URL, { min: 0, max: 1 });
  try {
    await server.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.destroy();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const s = createDb(SERVER_URL, { min: 0, max: 1 });
      try {
        await s.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await s.destroy();
      }
    },
  };
}

/** A Redis key prefix of its own for one test file. */
export function testRedisPrefix(): string {
  return `slav_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
}

/** Deletes every Redis key under a test's prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new IORedis(TEST_REDIS_URL, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
