/**
 * `npm run bench`: every bench in bench/registry.ts, at each size in BENCH_TICKETS (a number or a
 * list, `BENCH_TICKETS=100000,1000000`; unset: each bench's own default), one table on stdout,
 * written into BENCHMARKS.md between its bench markers with the machine and the date.
 *
 * BENCH_ONLY=reconcile,pages runs some benches only; BENCH_OUT names another file to write (`-`:
 * write none). Progress goes to stderr. A bench that fails is listed under the table and the run
 * exits non-zero after writing what the others measured.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropBenchDatabasesOnSignal, log } from './bench-host';
import { machineBefore } from './bench-machine';
import { formatBlock, formatTable, parseSizes, replaceBlock, type BenchRow } from './bench-table';
import { BENCHES } from './registry';

async function main(): Promise<void> {
  dropBenchDatabasesOnSignal();
  const sizes = parseSizes(process.env.BENCH_TICKETS);
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const benches = BENCHES.filter((b) => !only || only.includes(b.name));
  const unknown = only?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
  if (unknown.length) throw new Error(`BENCH_ONLY names no bench: ${unknown.join(', ')}`);
  const machine = await machineBefore(process.env.BENCH_TICKETS?.trim() || 'defaults');
  const rows: BenchRow[] = [];
  const failures: string[] = [];
  for (const bench of benches) {
    // A bench whose work does not depend on tickets runs once, whatever the sizes.
    for (const tickets of bench.sized ? sizes : [undefined]) {
      const what = `${bench.name}${tickets === undefined ? '' : ` at ${tickets} tickets`}`;
      log(`bench ${what}`);
      try {
        rows.push(...(await bench.run({ tickets })));
      } catch (err) {
        log(`bench ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const done = { ...machine, loadAfter: os.loadavg() };
  console.log(formatTable(rows));
  for (const f of failures) console.log(`failed: ${f}`);
  const out = process.env.BENCH_OUT ?? path.resolve(__dirname, '..', '..', 'BENCHMARKS.md');
  if (out !== '-') {
    const before = existsSync(out) ? readFileSync(out, 'utf8') : '';
    writeFileSync(out, replaceBlock(before, formatBlock(done, rows, failures)));
    log(`table written to ${out}`);
  }
  if (failures.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
