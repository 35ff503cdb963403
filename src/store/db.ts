import knex, { type Knex } from 'knex';

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/sla_vigil';

/**
 * A knex instance configured the way the module reads datetimes: mysql2 returns DATETIME as
 * strings (so host wall-clock values are not shifted by the Node process zone) and writes JS
 * Dates in UTC. Hosts that hand the module their own knex must configure it the same way.
 */
export function createDb(url: string = DEFAULT_DATABASE_URL, pool = { min: 0, max: 10 }): Knex {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:')
    throw new Error(`DATABASE_URL must start with mysql:// (got ${parsed.protocol})`);
  return knex({
    client: 'mysql2',
    connection: {
      host: parsed.hostname,
      port: Number(parsed.port || 3306),
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
      database: parsed.pathname.replace(/^\//, '') || undefined,
      timezone: 'Z',
      dateStrings: true,
      charset: 'utf8mb4',
      multipleStatements: false,
    },
    pool,
  });
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new Error(`DATABASE_URL database name must be [A-Za-z0-9_]+ (got "${name}")`);
  parsed.pathname = '/';
  const server = createDb(parsed.toString(), { min: 0, max: 1 });
  try {
    await server.raw(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await server.destroy();
  }
}
