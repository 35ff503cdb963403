import type { Knex } from 'knex';
import pino from 'pino';
import { createPerfexHostParts } from '../src/host/perfex/perfex-host-parts';
import { createModuleServices } from '../src/services/module-services';
import { WEEKDAYS_9_TO_5 } from '../test/helpers/sla-fixtures';

/** The office-hours calendar the benchmarks' policies run on. */
export const BENCH_OFFICE = {
  key: 'office',
  name: 'Office',
  timezone: 'Europe/Berlin',
  week: WEEKDAYS_9_TO_5,
};

/**
 * The module's services over a benchmark database, with a fixed clock and a mail setting that
 * never sends (the benchmarks measure the database work, not SMTP).
 */
export async function benchServices(db: Knex, now: Date) {
  const parts = await createPerfexHostParts(db, 'tbl');
  return {
    parts,
    services: createModuleServices({
      db,
      tablePrefix: 'tbl',
      timezone: parts.timezone,
      tickets: parts.tickets,
      clock: { now: () => now },
      logger: pino({ level: 'warn' }),
      mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'bench@localhost', adminBaseUrl: 'http://localhost' },
    }),
  };
}
