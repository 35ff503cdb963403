import IORedis, { Cluster, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisTarget } from './redis-target';

/** An ioredis connection of any REDIS_URL form: BullMQ takes either as its `connection`. */
export type RedisClient = IORedis | Cluster;

/**
 * `producer`: commands fail after one retry, so a host's cron never hangs on a Redis that is
 * away (ScanQueue). `worker`: BullMQ's blocking commands need `maxRetriesPerRequest: null`.
 */
export type RedisRole = 'producer' | 'worker';

/**
 * The one place the module opens Redis: every queue and worker connection goes through here,
 * so a Sentinel or Cluster REDIS_URL reaches all of them the same way.
 */
export function openRedis(redisUrl: string, role: RedisRole): RedisClient {
  return openRedisTarget(parseRedisUrl(redisUrl), role);
}

function openRedisTarget(target: RedisTarget, role: RedisRole): RedisClient {
  const maxRetriesPerRequest = role === 'worker' ? null : 1;
  switch (target.kind) {
    case 'single':
      return new IORedis(target.url, { maxRetriesPerRequest });
    case 'sentinel':
      return new IORedis({
        sentinels: target.sentinels,
        name: target.masterName,
        db: target.db,
        ...auth(target),
        ...(target.sentinelPassword && { sentinelPassword: target.sentinelPassword }),
        ...(target.tls && { enableTLSForSentinelMode: true, sentinelTLS: {} }),
        maxRetriesPerRequest,
      });
    case 'cluster':
      return new Cluster(target.nodes, { redisOptions: { ...auth(target), maxRetriesPerRequest } });
  }
}

function auth(target: { username?: string; password?: string; tls: boolean }): RedisOptions {
  return {
    ...(target.username && { username: target.username }),
    ...(target.password && { password: target.password }),
    ...(target.tls && { tls: {} }),
  };
}

/**
 * The BullMQ key prefix on this Redis. BullMQ's Lua scripts touch several keys of a queue at
 * once, which a Cluster allows only within one hash slot: there the prefix is wrapped in braces
 * (a hash tag), so `{prefix}:sla-vigil-scan:wait` and its siblings share a slot. On one server
 * or behind Sentinel the prefix stays as it was, so existing installs keep their queues.
 */
export function bullPrefix(redisUrl: string, prefix: string): string {
  if (parseRedisUrl(redisUrl).kind !== 'cluster' || /\{[^}]+\}/.test(prefix)) return prefix;
  return `{${prefix}}`;
}
