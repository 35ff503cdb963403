import bcrypt from 'bcryptjs';
import { DateTime } from 'luxon';
import { createDb, ensureDatabase } from '../src/store/db';
import { createHostTables } from './schema';
import { Devhost, type DevhostConfig } from './devhost';
import { MutableClock } from './mutable-clock';
import { seedDemo } from './seed';
import { createProcessLogger } from '../src/wiring/create-logger';
import { DEMO_PASSWORD } from './seed/people-data';

export interface SetupOptions {
  databaseUrl: string;
  redisUrl: string;
  tablePrefix?: string;
  /** IANA zone for Perfex's `default_timezone` (only set when the database is new). */
  timezone?: string;
  seed?: boolean;
  loadModuleEntry?: DevhostConfig['loadModuleEntry'];
  /** The seed's "now": its month of ticket history ends here (default: the real time). */
  now?: Date;
}

export interface SetupResult {
  created: boolean;
  seeded: boolean;
}

export { DEMO_PASSWORD };

/**
 * `sla-vigil devhost setup`: creates Perfex's tables and default rows, an administrator,
 * activates the module (its migrations, `tblmodules`), and with `seed` adds the demo data
 * when there are no tickets yet. Safe to run again: it adds only what is missing.
 */
export async function setupDevhost(options: SetupOptions): Promise<SetupResult> {
  const prefix = options.tablePrefix ?? 'tbl';
  if (options.timezone && !DateTime.local().setZone(options.timezone).isValid) {
    throw new Error(`--timezone: unknown IANA zone "${options.timezone}"`);
  }
  await ensureDatabase(options.databaseUrl);
  const db = createDb(options.databaseUrl);
  const created = !(await db.schema.hasTable(`${prefix}tickets`));
  try {
    await createHostTables(db, prefix);
    if (created && options.timezone) {
      await db(`${prefix}options`).where('name', 'default_timezone').update({ value: options.timezone });
    }
    const admin = await db(`${prefix}staff`).where('email', 'admin@example.com').first();
    if (!admin) {
      await db(`${prefix}staff`).insert({
        email: 'admin@example.com',
        firstname: 'Ada',
        lastname: 'Admin',
        password: await bcrypt.hash(DEMO_PASSWORD, 10),
        datecreated: DateTime.utc().toFormat('yyyy-MM-dd HH:mm:ss'),
        admin: 1,
        active: 1,
        default_language: 'english',
      });
    }
  } finally {
    await db.destroy();
  }

  const now = options.now ?? new Date();
  // The seed replays a month of history through the ticket actions, moving this clock along.
  const clock = new MutableClock(now);
  const devhost = await Devhost.create({
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    tablePrefix: prefix,
    mailboxPort: null,
    cronIntervalMs: 0,
    clock,
    loadModuleEntry: options.loadModuleEntry,
    logger: createProcessLogger({ level: 'warn', fd: 1 }),
  });
  let seeded = false;
  try {
    await devhost.loader.activate('sla_vigil');
    if (options.seed) seeded = await seedDemo(devhost, now, clock);
  } finally {
    await devhost.stop();
  }
  return { created, seeded };
}
