import type { BenchOptions, BenchRow, BenchRun } from './bench-table';
import { columnBench, hooksBench, workersBench } from './registry-adapters';

/** A bench `npm run bench` runs: `bench/<name>.ts`, which exports `run(options)`. */
export interface BenchEntry {
  name: string;
  /** Whether its work depends on the number of tickets (run once per BENCH_TICKETS size). */
  sized: boolean;
  run: BenchRun;
}

/** Loaded only when run, so a bench never pays for another's imports (or their side effects). */
const lazy =
  (load: () => Promise<{ run: BenchRun }>): BenchRun =>
  async (options: BenchOptions): Promise<BenchRow[]> =>
    (await load()).run(options);

/**
 * Every bench, in the order the table lists them. Adding one is one line here: the file exports
 * `run(options: BenchOptions): Promise<BenchRow[]>` (see bench/bench-table.ts) and keeps its own
 * `npm run bench:<name>` output.
 */
export const BENCHES: readonly BenchEntry[] = [
  { name: 'business-time', sized: false, run: lazy(() => import('./business-time')) },
  { name: 'reconcile', sized: true, run: lazy(() => import('./reconcile')) },
  { name: 'reconcile-memory', sized: true, run: lazy(() => import('./reconcile-memory')) },
  { name: 'scan', sized: true, run: lazy(() => import('./scan')) },
  { name: 'pages', sized: true, run: lazy(() => import('./pages')) },
  { name: 'column', sized: true, run: columnBench },
  { name: 'hooks', sized: true, run: hooksBench },
  { name: 'workers', sized: true, run: workersBench },
];
