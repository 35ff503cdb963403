/**
 * Reconcile benchmark: tickets per second of a full first scan (reconcile + recompute) and of
 * a second, idempotent scan, against the raw keyset read of the same host tickets in the
 * same process: the read the reconcile cannot beat.
 *
 * Run: `npm run bench:reconcile` (needs MariaDB at TEST_DATABASE_SERVER_URL, default
 * mysql://root@127.0.0.1:3306/). BENCH_TICKETS sets the size (default 50000).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createDb } from '../src/store/db';
import { createHostTables } from '../devhost/schema';
import { migrateLatest } from '../src/store/migrator';
import { createPerfexHostParts } from '../src/host/perfex/perfex-host-parts';
import { createModuleServices } from '../src/services/module-services';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 50_000);
const SERVER = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';
const NAME = `slav_bench_${process.pid}`;

async function main(): Promise<void> {
  const server = createDb(SERVER, { min: 0, max: 1 });
  await server.raw(`CREATE DATABASE \`${NAME}\``);
  const url = new URL(SERVER);
  url.pathname = `/${NAME}`;
  const db = createDb(url.toString());
  try {
    await createHostTables(db, 'tbl');
    await migrateLatest(db, 'tbl');
    const [department] = await db('tbldepartments').insert({ name: 'Support' });
    for (let start = 0; start < TICKETS; start += 5000) {
      const rows = [];
      for (let i = start; i < Math.min(start + 5000, TICKETS); i++) {
        const date = new Date(Date.UTC(2026, 0, 5, 8) + i * 60_000)
          .toISOString()
          .slice(0, 19)
          .replace('T', ' ');
        rows.push({
          subject: `T${i}`,
          message: 'm',
          department,
          priority: 1 + (i % 3),
          status: 1,
          date,
          ticketkey: 'k',
        });
      }
      await db('tbltickets').insert(rows);
    }
    await db.raw(
      `INSERT INTO tblticket_replies (ticketid, date, message, admin, contactid)
       SELECT ticketid, DATE_ADD(date, INTERVAL 30 MINUTE), 'r', 1, 0 FROM tbltickets WHERE ticketid % 10 = 0`,
    );
    const parts = await createPerfexHostParts(db, 'tbl');
    const host = {
      db,
      tablePrefix: 'tbl',
      timezone: parts.timezone,
      tickets: parts.tickets,
      clock: { now: () => new Date('2026-03-31T12:00:00Z') },
      logger: pino({ level: 'warn' }),
      mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'bench@localhost', adminBaseUrl: 'http://localhost' },
    };
    const services = createModuleServices(host);
    await services.config.import({
      calendars: [
        {
          key: 'office',
          name: 'Office',
          timezone: 'Europe/Berlin',
          week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])),
        },
      ],
      policies: [
        {
          key: 'default',
          name: 'Default',
          calendar: 'office',
          targets: { first_response: { minutes: 240 }, resolution: { minutes: 2400 } },
        },
      ],
    });

    const time = async (work: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await work();
      return performance.now() - t0;
    };
    const rawRead = await time(async () => {
      let after = 0;
      for (;;) {
        const batch = await parts.tickets.listTicketsAfter(after, 1000);
        if (batch.length === 0) break;
        after = batch[batch.length - 1].id;
      }
    });
    const now = host.clock.now();
    const first = await time(() => services.scanner.run(now));
    const second = await time(() => services.scanner.run(now));
    const rate = (ms: number) => Math.round(TICKETS / (ms / 1000));
    console.log(
      `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, ${TICKETS} tickets`,
    );
    console.log(`| run | ms | tickets/s | ratio to raw read |`);
    console.log(`| raw keyset read (baseline) | ${rawRead.toFixed(0)} | ${rate(rawRead)} | 1.0 |`);
    console.log(
      `| first scan (reconcile + recompute) | ${first.toFixed(0)} | ${rate(first)} | ${(first / rawRead).toFixed(1)}x the time |`,
    );
    console.log(
      `| second scan (nothing changed) | ${second.toFixed(0)} | ${rate(second)} | ${(second / rawRead).toFixed(1)}x the time |`,
    );
  } finally {
    await db.destroy();
    await server.raw(`DROP DATABASE IF EXISTS \`${NAME}\``);
    await server.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
