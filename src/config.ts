import { DEFAULT_DATABASE_URL } from './store/db';
import { parseRedisUrl } from './scan/redis-target';

/** Runtime settings from the environment (names and defaults fixed by DESIGN.md). */
export interface RuntimeConfig {
  databaseUrl: string;
  /**
   * A replica of DATABASE_URL the read models (dashboard, monitor, reports, list badges) read
   * from; writes always go to DATABASE_URL. Unset: everything uses DATABASE_URL.
   */
  databaseReadUrl?: string;
  /** One server, a Sentinel master or a Cluster (src/scan/redis-target.ts lists the forms). */
  redisUrl: string;
  smtpUrl: string | undefined;
  port: number;
  tablePrefix: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number (got "${env.PORT}")`);
  const databaseUrl = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (!databaseUrl.startsWith('mysql://'))
    throw new Error(`DATABASE_URL must be a mysql:// URL (got "${databaseUrl}")`);
  const databaseReadUrl = env.DATABASE_READ_URL || undefined;
  if (databaseReadUrl !== undefined && !databaseReadUrl.startsWith('mysql://'))
    throw new Error(
      `DATABASE_READ_URL must be a mysql:// URL of a replica of DATABASE_URL (got "${databaseReadUrl}")`,
    );
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  parseRedisUrl(redisUrl); // fails fast with what is wrong and the accepted forms
  const tablePrefix = env.TABLE_PREFIX ?? 'tbl';
  if (!/^[A-Za-z0-9_]*$/.test(tablePrefix))
    throw new Error(`TABLE_PREFIX may hold only letters, digits and _`);
  return { databaseUrl, databaseReadUrl, redisUrl, smtpUrl: env.SMTP_URL || undefined, port, tablePrefix };
}
