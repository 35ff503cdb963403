/**
 * The host list's SLA column alone (row (a) of bench/pages.ts, with more runs and each language):
 * `render()` of the column `createTicketListColumn` builds, for 100 ticket ids spread over N
 * tickets of pages.ts's mix, against the keyed read of those 100 subject rows, measured right
 * before it. Rows: once on the statistics the first scan left (stale), then after ANALYZE TABLE in
 * the viewer's own language (looked up from the staff row, as the devhost's list does when it
 * passes none), and in en, de and es as the Perfex bridge passes them, each beside the first
 * renderer (test/helpers/reference-list-badges.ts: the code before issue 14) on the same page.
 *
 * Run: `npm run bench:column` (needs MariaDB). BENCH_TICKETS sets N (default 100000), BENCH_RUNS
 * the timed runs per row (default 31, medians). BENCH_LOOP=k renders k more pages untimed after
 * the runs (for `node --cpu-prof dist/bench/column.js`).
 */
import os from 'node:os';
import type { Knex } from 'knex';
import { createTicketListColumn } from '../src/web/ticket-list-column';
import { listBadges } from '../src/host/bridge/bridge-widgets';
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
import { referenceTicketCells } from '../test/helpers/reference-list-badges';

const EXPLAIN = process.env.BENCH_EXPLAIN === '1';

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
    const viewer = mix.staff[0];
    const rows: BenchRow[] = [];
    const measure = async (label: string, render: () => Promise<unknown>): Promise<void> => {
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
        label,
        ms: median(ms),
        baselineLabel: `SELECT * subjects WHERE subject_type = 'ticket' AND subject_id IN (${PAGE} ids)`,
        baselineMs: median(base),
        ratio: median(ms) / median(base),
        cpuMs: median(cpu),
        tickets: n,
      };
      rows.push(row);
      log(
        `${n}: ${label}: ${row.ms.toFixed(2)} ms (cpu ${row.cpuMs.toFixed(2)}), baseline ${row.baselineMs.toFixed(2)} ms`,
      );
    };
    // Right after the first scan MariaDB's statistics of the clocks are stale (the state a helpdesk
    // is in after its first scan, or after any bulk change, until InnoDB recounts them).
    if (EXPLAIN) await explainRender(db, () => column.render(ids, viewer, 'de'));
    await measure(`(a) SLA column, ${PAGE} rows, de, statistics as the first scan left them`, () =>
      column.render(ids, viewer, 'de'),
    );
    // The first renderer (test/helpers/reference-list-badges.ts) joins through the due index with
    // stale statistics (seconds per page), so both are compared on fresh ones.
    await db.raw('ANALYZE TABLE tblsla_vigil_clocks, tblsla_vigil_subjects');
    await measure(`(a) SLA column, ${PAGE} rows, viewer's language (looked up: en)`, () =>
      column.render(ids, viewer),
    );
    for (const lang of ['en', 'de', 'es']) {
      const view = { db, translator: services.translator, zone: parts.timezone, now: MIX_NOW, lang };
      await measure(`(a) before issue 14: the first renderer, ${lang}`, () =>
        referenceTicketCells(view, ids),
      );
      await measure(`(a) SLA column, ${PAGE} rows, ${lang}`, () => column.render(ids, viewer, lang));
    }
    // What the Perfex bridge answers to /bridge/ticket-list: the same render, re-rooted links, JSON.
    await measure(`(a) Perfex bridge's ticket-list answer, ${PAGE} rows, german, Perfex in /crm/`, async () =>
      JSON.stringify(
        await listBadges(column, ids, { staff_id: viewer, language: 'german', admin_base: '/crm/admin/' }),
      ),
    );
    for (let i = 0; i < (options.loop ?? 0); i++)
      await column.render(ids, viewer, [undefined, 'de', 'es'][i % 3]);
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
