/**
 * Scan benchmark (issue 4, "Speed"): with N open tickets in the devhost tables and their clocks,
 * (a) one tick with 1,000 due clocks (`clocks.advanceDue`, which also fires a ladder level per
 * clock: escalation + outbox + audit rows) next to the raw SELECT of those 1,000 due clock rows,
 * at N/10 and N tickets (the tick must not depend on the number of open tickets); and (b) a full
 * scan (reconcile + recompute) next to the raw keyset read of the same host tickets, the first
 * one (which writes every subject, timeline event and clock) and later ones over unchanged data
 * (the steady state the 1.5x goal is about), each right after its own raw read.
 *
 * Run: `npm run bench:scan` (needs MariaDB at TEST_DATABASE_SERVER_URL, default
 * mysql://root@127.0.0.1:3306/). BENCH_TICKETS sets N (default 1000000); BENCH_TICKS how many
 * times each tick is repeated (default 3, the median is reported). Each size gets its own
 * throwaway database, dropped at the end even on failure or Ctrl-C.
 */
import os from 'node:os';
import type { Knex } from 'knex';
import {
  benchServerVersion,
  benchServices,
  BENCH_OFFICE,
  count,
  dropBenchDatabasesOnSignal,
  log,
  median,
  openBenchDatabase,
  statementKind,
  time,
  withNumbers,
} from './bench-host';
import { utcToSql } from '../src/store/datetime';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const TICKS = Math.max(1, Number(process.env.BENCH_TICKS ?? 3));
const DUE = 1000;
/** Wednesday 2026-04-01 10:00 in Berlin (CEST): inside office hours. */
const NOW = new Date('2026-04-01T08:00:00Z');
/** Tickets are opened over the 20 hours before NOW (host zone UTC), so none is due or at risk at NOW. */
const OPENED_FROM = '2026-03-31 12:00:00';
const OPENED_SPAN_S = 20 * 3600;
const CLOCKS = 'tblsla_vigil_clocks';

interface TickRun {
  label: string;
  ms: number[];
  /** Node's own CPU time (user + system) during each run; the rest is waiting on MariaDB. */
  cpuMs: number[];
  queries: number;
  /** The last run's statements by kind and table, most frequent first. */
  kinds: string[];
  advanced: number;
  escalated: number;
  outbox: number;
}

interface SizeResult {
  tickets: number;
  loadMs: number;
  rawFirstMs: number;
  firstScanMs: number;
  firstScan: string;
  rawSecondMs: number;
  secondScanMs: number;
  secondScan: string;
  rawDueMs: number;
  ticks: TickRun[];
  rows: Record<string, number>;
}

async function benchSize(n: number): Promise<SizeResult> {
  const { db, close } = await openBenchDatabase(`slav_bench_scan_${process.pid}_${n}`);
  try {
    const [department] = await db('tbldepartments').insert({ name: 'Support' });
    const [staffId] = await db('tblstaff').insert({
      email: 'lead@bench.test',
      firstname: 'Lea',
      lastname: 'Lead',
      password: 'x',
      datecreated: '2026-01-01 00:00:00',
      active: 1,
      default_language: 'english',
    });
    await db('tblstaff_departments').insert({ staffid: staffId, departmentid: department });

    const load = await time(() => loadTickets(db, n, department));
    log(`${n}: ${n} tickets loaded in ${(load.ms / 1000).toFixed(1)} s`);

    const { parts, services } = await benchServices(db, NOW);
    await services.config.import({
      calendars: [BENCH_OFFICE],
      policies: [
        {
          key: 'default',
          name: 'Default',
          calendar: 'office',
          targets: { first_response: { minutes: 2400 }, resolution: { minutes: 9600 } },
          escalations: [
            {
              metric: 'first_response',
              trigger: { type: 'before_due', minutes: 60 },
              action: { type: 'notify_staff', staffId },
            },
            {
              metric: 'first_response',
              trigger: { type: 'after_due', minutes: 60 },
              action: { type: 'notify_staff', staffId },
            },
          ],
        },
      ],
    });

    const rawRead = () =>
      time(async () => {
        let after = 0;
        let read = 0;
        for (;;) {
          const batch = (await parts.tickets.listTicketsAfter(after, 1000)).rows;
          if (batch.length === 0) return read;
          read += batch.length;
          after = batch[batch.length - 1].id;
        }
      });
    const scan = () => time(() => services.scanner.run(NOW));
    const summary = (r: Awaited<ReturnType<typeof services.scanner.run>>) =>
      `${r.ticketsRead} read, ${r.changed} changed, ${r.eventsRecorded} events, ${r.recomputed} recomputed, ${r.advanced} advanced, ${r.escalated} escalated`;

    // (b) full reconcile: the first scan writes everything, the second finds nothing changed.
    const rawFirst = await rawRead();
    if (rawFirst.value !== n) throw new Error(`raw read saw ${rawFirst.value} tickets, not ${n}`);
    const first = await scan();
    log(`${n}: first scan ${(first.ms / 1000).toFixed(1)} s: ${summary(first.value)}`);
    // The steady state: scans over unchanged data, each right after a raw read (medians reported).
    const steadyRaw: number[] = [];
    const steadyScan: number[] = [];
    let steadySummary = '';
    for (let i = 0; i < TICKS; i++) {
      steadyRaw.push((await rawRead()).ms);
      const again = await scan();
      if (again.value.changed !== 0 || again.value.recomputed !== 0)
        throw new Error('a scan over unchanged data changed something');
      steadyScan.push(again.ms);
      steadySummary = summary(again.value);
    }
    log(
      `${n}: scans over unchanged data ${steadyScan.map((x) => x.toFixed(0)).join(' / ')} ms, ` +
        `raw reads before them ${steadyRaw.map((x) => x.toFixed(0)).join(' / ')} ms: ${steadySummary}`,
    );
    const rows = {
      subjects: await count(db, 'tblsla_vigil_subjects'),
      timeline: await count(db, 'tblsla_vigil_timeline'),
      clocks: await count(db, CLOCKS),
    };
    const dueBefore = await count(db, CLOCKS, (q) => q.where('next_check_at', '<=', utcToSql(NOW)));
    if (dueBefore !== 0) throw new Error(`${dueBefore} clocks are due before the tick is set up`);

    // (a) one tick with 1,000 due clocks: the first 1,000 first-response clocks are made due
    // 30 business minutes ago, so each breaches and fires level 1 (60 minutes before due, long
    // past) but not level 2 (60 minutes after due, still ahead): 1,000 escalations + emails.
    const armBreach = async (): Promise<void> => {
      await db('tblsla_vigil_outbox').delete();
      await db('tblsla_vigil_escalations').delete();
      await db('tblsla_vigil_audit_log').where('action', 'like', 'escalation.%').delete();
      const changed = await armClocks(db, {
        state: 'at_risk',
        warn_at: '2026-03-31 14:00:00',
        due_at: '2026-04-01 07:30:00',
        next_check_at: '2026-04-01 07:30:00',
      });
      if (changed !== DUE) throw new Error(`armed ${changed} clocks, not ${DUE}`);
    };
    // The same 1,000 clocks reaching their warning only: a state change and no escalation.
    const armWarning = async (): Promise<void> => {
      const changed = await armClocks(db, {
        state: 'on_track',
        warn_at: '2026-04-01 07:59:00',
        due_at: '2026-04-10 08:00:00',
        next_check_at: '2026-04-01 07:59:00',
      });
      if (changed !== DUE) throw new Error(`armed ${changed} clocks, not ${DUE}`);
    };

    await armBreach();
    const rawDue: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await time(() =>
        db.raw(`SELECT * FROM ${CLOCKS} WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ${DUE}`, [
          utcToSql(NOW),
        ]),
      );
      const [found] = r.value as unknown as [unknown[]];
      if (found.length !== DUE) throw new Error(`raw due read found ${found.length} clocks`);
      rawDue.push(r.ms);
    }

    let queries = 0;
    let kinds = new Map<string, number>();
    db.on('query', (q: { sql: string }) => {
      queries++;
      const k = statementKind(q.sql);
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    });
    const tickRuns = async (label: string, arm: () => Promise<void>, env?: string): Promise<TickRun> => {
      const run: TickRun = {
        label,
        ms: [],
        cpuMs: [],
        queries: 0,
        kinds: [],
        advanced: 0,
        escalated: 0,
        outbox: 0,
      };
      const saved = process.env.NODE_ENV;
      for (let i = 0; i < TICKS; i++) {
        await arm();
        const outboxBefore = await count(db, 'tblsla_vigil_outbox');
        queries = 0;
        kinds = new Map();
        if (env !== undefined) process.env.NODE_ENV = env;
        const cpu0 = process.cpuUsage();
        const tick = await time(() => services.clocks.advanceDue(NOW));
        const cpu = process.cpuUsage(cpu0);
        run.cpuMs.push((cpu.user + cpu.system) / 1000);
        if (env !== undefined) process.env.NODE_ENV = saved;
        run.ms.push(tick.ms);
        run.queries = queries;
        run.kinds = [...kinds].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${c} ${k}`);
        run.advanced = tick.value.advanced;
        run.escalated = tick.value.escalated;
        run.outbox = (await count(db, 'tblsla_vigil_outbox')) - outboxBefore;
      }
      log(
        `${n}: ${label}: ${run.ms.map((ms) => ms.toFixed(0)).join(' / ')} ms ` +
          `(node CPU ${run.cpuMs.map((ms) => ms.toFixed(0)).join(' / ')} ms), ${run.queries} queries, ` +
          `${run.advanced} advanced, ${run.escalated} escalated, ${run.outbox} outbox rows; queries: ` +
          run.kinds.join(', '),
      );
      return run;
    };
    const ticks = [
      await tickRuns('tick, 1,000 due, each fires a level', armBreach),
      await tickRuns('same, EJS template cache on (NODE_ENV=production)', armBreach, 'production'),
      await tickRuns('tick, 1,000 reach warning, no escalation', armWarning),
    ];
    return {
      tickets: n,
      loadMs: load.ms,
      rawFirstMs: rawFirst.ms,
      firstScanMs: first.ms,
      firstScan: summary(first.value),
      rawSecondMs: median(steadyRaw),
      secondScanMs: median(steadyScan),
      secondScan: steadySummary,
      rawDueMs: median(rawDue),
      ticks,
      rows,
    };
  } finally {
    await close();
  }
}

/** N open tickets in Perfex's `tbltickets` (no hooks), by INSERT ... SELECT from a numbers table. */
async function loadTickets(db: Knex, n: number, department: number): Promise<void> {
  await withNumbers(db, n, (start, end) =>
    db.raw(
      `INSERT INTO tbltickets (subject, message, department, priority, status, date, ticketkey)
       SELECT CONCAT('T', n), 'm', ?, 1 + n % 3, 1, DATE_ADD(?, INTERVAL FLOOR(n * ? / ?) SECOND), 'k'
       FROM bench_numbers WHERE n >= ? AND n < ? ORDER BY n`,
      [department, OPENED_FROM, OPENED_SPAN_S, n, start, end],
    ),
  );
}

/** Sets these columns on the first 1,000 first-response clocks (by id); returns how many changed. */
async function armClocks(db: Knex, set: Record<string, string>): Promise<number> {
  const columns = Object.keys(set);
  const [result] = (await db.raw(
    `UPDATE ${CLOCKS} SET breached_at = NULL, ${columns.map((c) => `${c} = ?`).join(', ')}
     WHERE metric = 'first_response' ORDER BY id LIMIT ${DUE}`,
    columns.map((c) => set[c]),
  )) as unknown as [{ affectedRows: number }];
  return result.affectedRows;
}

function report(results: SizeResult[], serverVersion: string): void {
  const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
  const fine = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (x: number, base: number): string => `${(x / base).toFixed(x / base >= 10 ? 0 : 2)}x`;
  console.log(
    `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, MariaDB ${serverVersion}, ` +
      `NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}, ${TICKS} ticks per row (median), ` +
      `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  console.log('');
  console.log('| open tickets | work | ms | baseline (same run) | baseline ms | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const t = r.tickets.toLocaleString('en-US');
    for (const tick of r.ticks) {
      const m = median(tick.ms);
      console.log(
        `| ${t} | (a) ${tick.label} (${tick.queries} queries, ${tick.escalated} escalations, ${tick.outbox} outbox rows; node CPU ${fine(median(tick.cpuMs))} ms) | ${fine(m)} | raw SELECT of the ${DUE} due clock rows | ${fine(r.rawDueMs)} | ${ratio(m, r.rawDueMs)} |`,
      );
    }
    console.log(
      `| ${t} | (b) first scan, writes everything (${r.firstScan}) | ${ms(r.firstScanMs)} | raw keyset read of the tickets | ${ms(r.rawFirstMs)} | ${ratio(r.firstScanMs, r.rawFirstMs)} |`,
    );
    console.log(
      `| ${t} | (b) later scans, nothing changed (${r.secondScan}) | ${ms(r.secondScanMs)} | raw keyset read of the tickets | ${ms(r.rawSecondMs)} | ${ratio(r.secondScanMs, r.rawSecondMs)} |`,
    );
  }
  console.log('');
  for (const r of results) {
    console.log(
      `${r.tickets} tickets: loaded in ${ms(r.loadMs)}; module rows after the first scan: ` +
        Object.entries(r.rows)
          .map(([k, v]) => `${v} ${k}`)
          .join(', '),
    );
  }
}

async function main(): Promise<void> {
  dropBenchDatabasesOnSignal();
  const v = await benchServerVersion();
  const sizes = [...new Set([Math.max(1000, Math.round(TICKETS / 10)), Math.max(1000, TICKETS)])];
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await benchSize(n));
  report(results, v);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
