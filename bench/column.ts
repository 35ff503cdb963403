/**
 * The host list's SLA column alone (row (a) of bench/pages.ts, with more runs and each language):
 * `render()` of the column `createTicketListColumn` builds, for 100 ticket ids spread over N
 * tickets of pages.ts's mix, against the keyed read of those 100 subject rows, measured right
 * before it. Languages: the viewer's own (looked up from the staff row, as the devhost's list
 * does when it passes none), then `de` and `es` as the Perfex bridge passes them.
 *
 * Run: `npm run bench:column` (needs MariaDB). BENCH_TICKETS sets N (default 100000), BENCH_RUNS
 * the timed runs per row (default 31, medians). BENCH_LOOP=k renders k more pages untimed after
 * the runs (for `node --cpu-prof dist/bench/column.js`).
 */
import os from 'node:os';
import type { Knex } from 'knex';
import { createTicketListColumn } from '../src/web/ticket-list-column';
import {
  benchServices,
  dropBenchDatabasesOnSignal,
  log,
  median,
  openBenchDatabase,
  time,
} from './bench-host';
import { benchHostContext } from './bench-context';
import { importMixPolicies, loadTicketMix, MIX_NOW } from './ticket-mix';

/** Rows of the host list page the column renders. */
const PAGE = 100;

export interface ColumnOptions {
  tickets: number;
  runs: number;
  /** Untimed renders after the runs, for a CPU profile. */
  loop?: number;
}

/** One line of the report: the work, its median, the baseline's median in the same run. */
export interface BenchRow {
  label: string;
  ms: number;
  baselineLabel: string;
  baselineMs: number;
  ratio: number;
  /** Node's CPU time (user + system) during the work, median. */
  cpuMs: number;
  tickets: number;
}

/** Builds N tickets of the mix, scans once, measures the column in each language. */
export async function run(options: ColumnOptions): Promise<BenchRow[]> {
  const n = options.tickets;
  const { db, close } = await openBenchDatabase(`slav_bench_column_${process.pid}_${n}`);
  try {
    const mix = await loadTicketMix(db, n);
    const { parts, services } = await benchServices(db, MIX_NOW);
    await importMixPolicies(services, mix);
    const first = await time(() => services.scanner.run(MIX_NOW));
    log(`${n}: first scan ${(first.ms / 1000).toFixed(1)} s`);

    const column = createTicketListColumn(benchHostContext(db, parts, MIX_NOW), services.translator);
    const ids = Array.from({ length: Math.min(PAGE, n) }, (_, i) => 1 + ((i * 104_729) % n));
    const marks = ids.map(() => '?').join(', ');
    const keyedRead = async (): Promise<unknown> =>
      db.raw(
        `SELECT * FROM tblsla_vigil_subjects WHERE subject_type = 'ticket' AND subject_id IN (${marks})`,
        ids as Knex.Value[],
      );
    if (process.env.BENCH_ANALYZE === '1')
      await db.raw('ANALYZE TABLE tblsla_vigil_clocks, tblsla_vigil_subjects');
    if (process.env.BENCH_EXPLAIN === '1')
      await explainRender(db, () => column.render(ids, mix.staff[0], 'de'));
    const rows: BenchRow[] = [];
    for (const language of [undefined, 'de', 'es'] as const) {
      const render = () => column.render(ids, mix.staff[0], language);
      await keyedRead();
      await render();
      const ms: number[] = [];
      const base: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        base.push((await time(keyedRead)).ms);
        const cpu0 = process.cpuUsage();
        ms.push((await time(render)).ms);
        const used = process.cpuUsage(cpu0);
        cpu.push((used.user + used.system) / 1000);
      }
      const row: BenchRow = {
        label: `(a) ticket-list SLA column, ${PAGE} rows, ${language ?? "viewer's language (en)"}`,
        ms: median(ms),
        baselineLabel: `SELECT * subjects WHERE subject_type = 'ticket' AND subject_id IN (${PAGE} ids)`,
        baselineMs: median(base),
        ratio: median(ms) / median(base),
        cpuMs: median(cpu),
        tickets: n,
      };
      rows.push(row);
      log(
        `${n}: ${row.label}: ${row.ms.toFixed(2)} ms (cpu ${row.cpuMs.toFixed(2)}), baseline ${row.baselineMs.toFixed(2)} ms`,
      );
    }
    for (let i = 0; i < (options.loop ?? 0); i++)
      await column.render(ids, mix.staff[0], [undefined, 'de', 'es'][i % 3]);
    return rows;
  } finally {
    await close();
  }
}

/** MariaDB's plan of each SELECT one render issues (stderr). */
async function explainRender(db: Knex, render: () => Promise<unknown>): Promise<void> {
  const seen: { sql: string; bindings: readonly unknown[] }[] = [];
  const listener = (q: { sql: string; bindings?: readonly unknown[] }) =>
    seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listener);
  await render();
  db.off('query', listener);
  for (const s of seen) {
    if (!/^\s*select/i.test(s.sql)) continue;
    const [plan] = (await db.raw(`EXPLAIN ${s.sql}`, s.bindings as Knex.Value[])) as unknown as [
      Record<string, unknown>[],
    ];
    log(`EXPLAIN ${s.sql.slice(0, 300)}`);
    for (const row of plan) console.error(`  ${JSON.stringify(row)}`);
  }
}

async function main(): Promise<void> {
  dropBenchDatabasesOnSignal();
  const rows = await run({
    tickets: Number(process.env.BENCH_TICKETS ?? 100_000),
    runs: Math.max(1, Number(process.env.BENCH_RUNS ?? 31)),
    loop: Number(process.env.BENCH_LOOP ?? 0),
  });
  console.log(
    `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  console.log('| open tickets | work | ms | node CPU ms | baseline (same run) | baseline ms | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.tickets.toLocaleString('en-US')} | ${r.label} | ${r.ms.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${r.baselineLabel} | ${r.baselineMs.toFixed(2)} | ${r.ratio.toFixed(1)}x |`,
    );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
