import crypto from 'node:crypto';
import type { Knex } from 'knex';

/** What an explicit queue prefix may hold (BullMQ joins it to its keys with `:`). */
const EXPLICIT_PREFIX = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The explicit queue prefix from the environment (`SLA_VIGIL_QUEUE_PREFIX`, or the older
 * `QUEUE_PREFIX`), or undefined when the prefix is to be derived from the database.
 */
export function queuePrefixFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.SLA_VIGIL_QUEUE_PREFIX || env.QUEUE_PREFIX || undefined;
  if (value !== undefined && !EXPLICIT_PREFIX.test(value))
    throw new Error(`SLA_VIGIL_QUEUE_PREFIX may hold only letters, digits and _ . : - (got "${value}")`);
  return value;
}

/**
 * The BullMQ key prefix of this installation, derived from the database it works on: the
 * server's hostname and port, the database name and the table prefix. Hosts on different
 * databases that share one Redis get different queues and never take each other's scans,
 * while every process on the same database (the host, `sla-vigil worker`) agrees without
 * configuration, however each spells its DATABASE_URL (127.0.0.1 or localhost).
 */
export async function deriveQueuePrefix(db: Knex, tablePrefix: string): Promise<string> {
  const [rows] = (await db.raw('SELECT DATABASE() AS name, @@hostname AS host, @@port AS port')) as [
    { name: string | null; host: string; port: number | string }[],
  ];
  const { name, host, port } = rows[0];
  const database = name ?? '';
  const hash = crypto
    .createHash('sha256')
    .update(`${host}:${port}/${database}/${tablePrefix}`)
    .digest('hex')
    .slice(0, 10);
  // The readable part is for people looking at Redis; the hash makes it unique.
  const readable = database.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return `${tablePrefix}sla_vigil_${readable}_${hash}`;
}
