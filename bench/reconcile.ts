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
import { createDb } from '../src/store/db';
import { createHostTables } from '../devhost/schema';
import { migrateLatest } from '../src/store/migrator';
import { benchServices, BENCH_OFFICE } from './bench-host';

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
    const now = new Date('2026-03-31T12:00:00Z');
    const { parts, services } = await benchServices(db, now);
    await services.config.import({
      calendars: [BENCH_OFFICE],
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
        const batch = (await parts.tickets.listTicketsAfter(after, 1000)).rows;
        if (batch.length === 0) break;
        after = batch[batch.length - 1].id;
      }
    });
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
