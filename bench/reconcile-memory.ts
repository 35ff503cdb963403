/**
 * Reconcile memory benchmark (issue 14: "a full reconcile of 1M tickets stays under 256 MB RSS"):
 * the peak resident memory of the process during the first scan over N tickets nobody has seen
 * (reconcile + recompute, writing every subject, event and clock) and during a later scan over
 * unchanged data, against the peak of the raw keyset read of the same tickets in the same process.
 *
 * Each size runs in a child process of its own, so its peak is not the runner's or another
 * bench's. The peak is the kernel's high-water mark (VmHWM in /proc/self/status), reset before
 * each measured work (`5` into /proc/self/clear_refs), and RSS sampled every 20 ms besides (where
 * the reset is refused, the samples alone). The data set: N open tickets opened over the 30 days
 * before now, straight into `tbltickets` (no hooks), a staff reply 30 minutes after every tenth.
 *
 * The child is started with the node flags `sla-vigil worker` / `scan` / `serve` get from their
 * launcher (SCAN_PROCESS_NODE_FLAGS, src/scan/scan-process-heap.ts) and loads the command line's
 * code and the scan worker's before it measures, so its resting memory is the worker process's.
 *
 * Run: `npm run bench:reconcile-memory` (heavy at 1M: under `flock /tmp/bench.lock`), or as part
 * of `npm run bench`. BENCH_TICKETS sets N (default 1000000); BENCH_NODE_DEFAULTS=1 runs it again
 * with Node's default heap settings (what the launcher's setting saves), BENCH_HEAP_CAPS=128 again
 * with V8's old space capped at 128 MB (a list runs each cap).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Knex } from 'knex';
import {
  benchServices,
  BENCH_OFFICE,
  dropBenchDatabasesOnSignal,
  log,
  openBenchDatabase,
  rawTicketRead,
  time,
  withNumbers,
} from './bench-host';
import type { BenchOptions, BenchRow } from './bench-table';
import { SCAN_PROCESS_NODE_FLAGS } from '../src/scan/scan-process-heap';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const NOW = new Date('2026-04-01T08:00:00Z');
const SPAN_S = 30 * 24 * 3600;
const MB = 1024 * 1024;
/** Issue 14's bound for a full reconcile of 1M tickets. */
const LIMIT_MB = 256;

interface Peak {
  ms: number;
  /**
   * CPU time of this process during the work (user + system): what a heap setting costs, apart
   * from the database's share of the wall time (which another load on a shared server inflates).
   */
  cpuMs: number;
  /** The process's peak RSS during the work. */
  peakMb: number;
  /** The largest V8 heap in use among the samples. */
  heapMb: number;
}

interface MemoryResult {
  tickets: number;
  /** RSS at rest with the services built, after a full GC, right before the first scan. */
  restMb: number;
  /** Whether the kernel's high-water mark could be reset (otherwise the peaks are sampled only). */
  hwmReset: boolean;
  raw: Peak;
  first: Peak & { summary: string };
  later: Peak & { summary: string };
}

/**
 * V8 old-space limits (MB) to run again under, from BENCH_HEAP_CAPS (`128` or `96,128`): the
 * reconcile's live heap is flat, so its peak RSS is mostly the headroom V8 gives its garbage; a cap
 * shows what bounding that headroom costs in time.
 */
const HEAP_CAPS = (process.env.BENCH_HEAP_CAPS ?? '')
  .split(',')
  .filter((x) => x.trim() !== '')
  .map(Number);

/** The node flags of each run: the launcher's first, then Node's defaults and caps when asked. */
function flagSets(): (readonly string[])[] {
  return [
    SCAN_PROCESS_NODE_FLAGS,
    ...(process.env.BENCH_NODE_DEFAULTS === '1' ? [[]] : []),
    ...HEAP_CAPS.map((cap) => [`--max-old-space-size=${cap}`]),
  ];
}

/** `npm run bench`: the peaks at BENCH_TICKETS (default 1M), each run in a child process. */
export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const tickets = options.tickets ?? TICKETS;
  const rows: BenchRow[] = [];
  for (const flags of flagSets()) rows.push(...memoryRows(await inChild(tickets, flags), flags));
  return rows;
}

function memoryRows(r: MemoryResult, nodeFlags: readonly string[]): BenchRow[] {
  const baseline = `peak RSS of the raw keyset read of the same tickets (at rest: ${r.restMb.toFixed(0)} MB)`;
  const launcher = nodeFlags === SCAN_PROCESS_NODE_FLAGS ? ' (the launcher of worker/scan/serve)' : '';
  const flags = nodeFlags.length === 0 ? ", Node's default heap" : `, node ${nodeFlags.join(' ')}${launcher}`;
  const row = (work: string, p: Peak): BenchRow => ({
    bench: 'reconcile-memory',
    work:
      `${work}${flags}, peak RSS (V8 heap at most ${p.heapMb.toFixed(0)} MB; ${(p.ms / 1000).toFixed(1)} s, ${(p.cpuMs / 1000).toFixed(1)} s CPU)` +
      (r.hwmReset ? '' : ' (sampled)'),
    size: r.tickets,
    value: p.peakMb,
    baseline,
    baselineValue: r.raw.peakMb,
    unit: 'MB',
    target: { kind: 'value', max: LIMIT_MB },
  });
  return [
    row('full reconcile: first scan, reconcile + recompute, writes every row', r.first),
    row('later scan, nothing changed', r.later),
  ];
}

/** Runs this file as a child (`--child N`, with --expose-gc and `flags`) and reads its one JSON line. */
function inChild(tickets: number, flags: readonly string[]): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...flags, __filename, '--child', String(tickets)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as MemoryResult);
      else reject(new Error(`reconcile-memory child exited with ${signal ?? code}: ${last}`));
    });
  });
}

/** VmHWM (peak RSS) of this process in MB, from /proc/self/status. */
function highWaterMb(): number | undefined {
  try {
    const kb = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS (Linux 4.0+); false where the kernel refuses. */
function resetHighWater(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** The peak RSS and heap during `work`, from a fresh high-water mark after a full GC. */
async function peakDuring<T>(work: () => Promise<T>): Promise<{ value: T; peak: Peak; reset: boolean }> {
  gc();
  const reset = resetHighWater();
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const cpu = process.cpuUsage();
  try {
    const timed = await time(work);
    const used = process.cpuUsage(cpu);
    sample();
    const hwm = reset ? highWaterMb() : undefined;
    return {
      value: timed.value,
      peak: {
        ms: timed.ms,
        cpuMs: (used.user + used.system) / 1000,
        peakMb: Math.max(rss / MB, hwm ?? 0),
        heapMb: heap / MB,
      },
      reset,
    };
  } finally {
    clearInterval(timer);
  }
}

async function child(tickets: number): Promise<MemoryResult> {
  // What `sla-vigil worker` has loaded besides the services: the command line and the scan worker.
  await import('../src/cli');
  await import('../src/scan/scan-worker');
  const { db, close } = await openBenchDatabase(`slav_bench_mem_${process.pid}_${tickets}`);
  try {
    const [department] = await db('tbldepartments').insert({ name: 'Support' });
    const load = await time(() => loadTickets(db, tickets, department));
    log(`${tickets}: tickets loaded in ${(load.ms / 1000).toFixed(1)} s`);
    const { parts, services } = await benchServices(db, NOW);
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
    const scan = () => services.scanner.run(NOW);
    const summary = (r: Awaited<ReturnType<typeof scan>>) =>
      `${r.ticketsRead} tickets read, ${r.repliesFound} replies, ${r.eventsRecorded} events, ${r.changed} changed, ${r.recomputed} recomputed`;
    const raw = await peakDuring(() => rawTicketRead(parts.tickets));
    if (raw.value.value !== tickets)
      throw new Error(`raw read saw ${raw.value.value} tickets, not ${tickets}`);
    gc();
    const restMb = process.memoryUsage().rss / MB;
    const first = await peakDuring(scan);
    log(
      `${tickets}: first scan ${(first.peak.ms / 1000).toFixed(1)} s (${(first.peak.cpuMs / 1000).toFixed(1)} s CPU), peak ${first.peak.peakMb.toFixed(0)} MB: ${summary(first.value)}`,
    );
    if (first.value.changed !== tickets)
      throw new Error(`the first scan changed ${first.value.changed} tickets`);
    const later = await peakDuring(scan);
    log(
      `${tickets}: later scan ${(later.peak.ms / 1000).toFixed(1)} s (${(later.peak.cpuMs / 1000).toFixed(1)} s CPU), peak ${later.peak.peakMb.toFixed(0)} MB: ${summary(later.value)}`,
    );
    if (later.value.changed !== 0) throw new Error('a scan over unchanged tickets changed something');
    return {
      tickets,
      restMb,
      hwmReset: raw.reset && first.reset && later.reset,
      raw: raw.peak,
      first: { ...first.peak, summary: summary(first.value) },
      later: { ...later.peak, summary: summary(later.value) },
    };
  } finally {
    await close();
  }
}

/** N open tickets over the 30 days before NOW (host zone UTC), a staff reply on every tenth. */
async function loadTickets(db: Knex, n: number, department: number): Promise<void> {
  const from = new Date(NOW.getTime() - SPAN_S * 1000).toISOString().slice(0, 19).replace('T', ' ');
  await withNumbers(db, n, (start, end) =>
    db.raw(
      `INSERT INTO tbltickets (subject, message, department, priority, status, date, ticketkey)
       SELECT CONCAT('T', n), 'm', ?, 1 + n % 3, 1, DATE_ADD(?, INTERVAL FLOOR(n * ? / ?) SECOND), 'k'
       FROM bench_numbers WHERE n >= ? AND n < ? ORDER BY n`,
      [department, from, SPAN_S, n, start, end],
    ),
  );
  await db.raw(
    `INSERT INTO tblticket_replies (ticketid, date, message, admin, contactid)
     SELECT ticketid, DATE_ADD(date, INTERVAL 30 MINUTE), 'r', 1, 0 FROM tbltickets WHERE ticketid % 10 = 0`,
  );
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    dropBenchDatabasesOnSignal();
    console.log(JSON.stringify(await child(Number(process.argv[at + 1]))));
    return;
  }
  for (const r of await run({})) {
    console.log(`${r.work}: ${r.value.toFixed(0)} MB (${r.baseline}: ${r.baselineValue.toFixed(0)} MB)`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
