import type { BenchOptions, BenchRow, BenchTarget } from './bench-table';

/**
 * The benches written beside the runner (column, hooks, workers) report their own row shape:
 * `{ label, ms, baselineMs, ratio }` with a baseline label where they have one. These adapt them
 * to the runner's table, with the target for each.
 */
interface OwnRow {
  label: string;
  ms: number;
  baselineMs: number;
  baselineLabel?: string;
  tickets?: number;
}

function adapt(
  bench: string,
  rows: readonly OwnRow[],
  baseline: string,
  target?: (label: string) => BenchTarget | undefined,
): BenchRow[] {
  return rows.map((r) => ({
    bench,
    work: r.label,
    ...(r.tickets === undefined ? {} : { size: r.tickets }),
    value: r.ms,
    baseline: r.baselineLabel ?? baseline,
    baselineValue: r.baselineMs,
    ...(target?.(r.label) ? { target: target(r.label) } : {}),
  }));
}

export async function columnBench(options: BenchOptions): Promise<BenchRow[]> {
  const { run } = await import('./column');
  const rows = await run({ tickets: options.tickets ?? 100_000, runs: Number(process.env.BENCH_RUNS ?? 31) });
  // The target: the column for 100 rows at most 2x the keyed read of those rows.
  return adapt('column', rows, 'keyed read of the 100 subject rows', (label) =>
    /^\(a\) SLA column/.test(label) ? { kind: 'ratio', max: 2 } : undefined,
  );
}

export async function hooksBench(options: BenchOptions): Promise<BenchRow[]> {
  const { run } = await import('./hooks');
  const rows = await run({
    tickets: options.tickets ?? 100_000,
    calls: Number(process.env.BENCH_CALLS ?? 10_000),
  });
  return adapt('hooks', rows, "the host's own write");
}

export async function workersBench(options: BenchOptions): Promise<BenchRow[]> {
  const { run } = await import('./workers');
  const rows = await run(options.tickets === undefined ? {} : { clocks: options.tickets });
  return adapt('workers', rows, 'one worker process');
}
