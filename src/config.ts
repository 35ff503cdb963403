import { DEFAULT_DATABASE_URL } from './store/db';

/** Runtime settings from the environment (names and defaults fixed by DESIGN.md). */
export interface RuntimeConfig {
  databaseUrl: string;
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
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new Error(`REDIS_URL must be a redis:// URL (got "${redisUrl}")`);
  const tablePrefix = env.TABLE_PREFIX ?? 'tbl';
  if (!/^[A-Za-z0-9_]*$/.test(tablePrefix))
    throw new Error(`TABLE_PREFIX may hold only letters, digits and _`);
  return { databaseUrl, redisUrl, smtpUrl: env.SMTP_URL || undefined, port, tablePrefix };
}
