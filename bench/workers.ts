/**
 * Worker scale-out benchmark (issue 14, "Two worker processes scan and escalate at least 1.8x as
 * fast as one on a backlog of 100k due clocks, with no clock handled twice"): N open tickets, each
 * with one resolution clock that is due and fires one escalation level (escalation, outbox and
 * audit rows). One scan job is queued and real child processes (bench/worker-process.ts: the
 * module's ScanWorker, as `sla-vigil worker` runs it) drain the backlog: the scan reconciles the
 * host, finds the backlog and queues it as advance jobs (ScanWorker.BACKLOG_SHARES) that every
 * process takes from. Timed from queueing the scan until no clock is due and every job finished;
 * first with one process (the baseline), then with two, on the same data re-armed, in one run.
 * Each round checks that every clock escalated exactly once (escalations and outbox rows unique).
 *
 * Run: `npm run bench:workers` (needs MariaDB at TEST_DATABASE_SERVER_URL and Redis at REDIS_URL).
 * BENCH_CLOCKS sets N (default 100000); BENCH_ROUNDS repeats the 1-then-2 pair (default 1, the
 * median is reported). Heavy: run it under `flock /tmp/bench.lock` on a shared machine.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import {
  BENCH_SERVER,
  benchServerVersion,
  benchServices,
  count,
  dropBenchDatabasesOnSignal,
  log,
  median,
  openBenchDatabase,
  time,
  withNumbers,
} from './bench-host';
import { ScanQueue, SCAN_QUEUE } from '../src/scan/scan-queue';
import { BACKLOG_SHARES } from '../src/scan/scan-worker';
import { utcToSql } from '../src/store/datetime';

/** One line of the report: `ratio` is `ms / baselineMs` (below 1 is faster than the baseline). */
export interface BenchRow {
  label: string;
  ms: number;
  baselineMs: number;
  ratio: number;
}

export interface WorkersBenchOptions {
  /** Due clocks in the backlog (default BENCH_CLOCKS or 100000). */
  clocks?: number;
  /** 1-then-2 rounds, medians reported (default BENCH_ROUNDS or 1). */
  rounds?: number;
  redisUrl?: string;
}

/** Tickets opened at OPENED (host zone UTC) under a 60-minute 24x7 resolution target are due at 09:00. */
const OPENED = new Date('2026-04-01T08:00:00Z');
const NOW = new Date('2026-04-01T09:01:00Z');
const CLOCKS = 'tblsla_vigil_clocks';

interface Drain {
  ms: number;
  /** From the scan job's end (backlog queued) to the last advance job's end. */
  advanceMs: number;
  scanMs: number;
}

export async function run(options: WorkersBenchOptions = {}): Promise<BenchRow[]> {
  const n = options.clocks ?? Number(process.env.BENCH_CLOCKS ?? 100_000);
  const rounds = options.rounds ?? Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = `slav_bench_workers_${process.pid}`;
  const { db, close } = await openBenchDatabase(name);
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${name}`;
  try {
    await seed(db, n);
    const one: Drain[] = [];
    const two: Drain[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const [processes, results] of [
        [1, one],
        [2, two],
      ] as const) {
        await arm(db, n);
        const drain = await drainWith(processes, db, url.toString(), redisUrl, n);
        log(
          `${n} due clocks, ${processes} worker process(es): ${(drain.ms / 1000).toFixed(1)} s ` +
            `(scan ${(drain.scanMs / 1000).toFixed(1)} s, advance ${(drain.advanceMs / 1000).toFixed(1)} s), ` +
            `load ${loadavg()}`,
        );
        results.push(drain);
      }
    }
    const size = n.toLocaleString('en-US');
    const m = (xs: Drain[], k: keyof Drain) => median(xs.map((x) => x[k]));
    const row = (label: string, ms: number, baselineMs: number): BenchRow => ({
      label,
      ms,
      baselineMs,
      ratio: ms / baselineMs,
    });
    return [
      row(`scan + escalate ${size} due clocks, 1 worker process (baseline)`, m(one, 'ms'), m(one, 'ms')),
      row(`scan + escalate ${size} due clocks, 2 worker processes`, m(two, 'ms'), m(one, 'ms')),
      row(`advance phase only, 2 worker processes vs 1`, m(two, 'advanceMs'), m(one, 'advanceMs')),
    ];
  } finally {
    await close();
  }
}

/** N tickets, one staff member, the policy, and a first scan that gives each ticket its clock. */
export async function seed(db: Knex, n: number): Promise<void> {
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
  const loaded = await time(() =>
    withNumbers(db, n, (start, end) =>
      db.raw(
        `INSERT INTO tbltickets (subject, message, department, priority, status, date, ticketkey)
         SELECT CONCAT('T', n), 'm', ?, 1 + n % 3, 1, ?, 'k' FROM bench_numbers WHERE n >= ? AND n < ? ORDER BY n`,
        [department, utcToSql(OPENED).slice(0, 19), start, end],
      ),
    ),
  );
  log(`${n} tickets loaded in ${(loaded.ms / 1000).toFixed(1)} s`);
  const { services } = await benchServices(db, OPENED);
  await services.config.import({
    policies: [
      {
        key: 'p',
        name: 'P',
        calendar: null,
        targets: { resolution: { minutes: 60 } },
        escalations: [
          { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_staff', staffId } },
        ],
      },
    ],
  });
  const first = await time(() => services.scanner.run(OPENED, { deliver: false }));
  log(
    `first scan ${(first.ms / 1000).toFixed(1)} s: ${first.value.changed} tickets, ${first.value.recomputed} recomputed`,
  );
  const clocks = await count(db, CLOCKS);
  if (clocks !== n) throw new Error(`${clocks} clocks after the first scan, not ${n}`);
}

/** Every clock back to running and due at 09:00, nothing escalated yet. */
export async function arm(db: Knex, n: number): Promise<void> {
  await db('tblsla_vigil_outbox').delete();
  await db('tblsla_vigil_escalations').delete();
  await db('tblsla_vigil_audit_log').where('action', 'like', 'escalation.%').delete();
  const [result] = (await db.raw(
    `UPDATE ${CLOCKS} SET state = 'at_risk', breached_at = NULL, due_at = ?, next_check_at = ?`,
    ['2026-04-01 09:00:00', '2026-04-01 09:00:00'],
  )) as unknown as [{ affectedRows: number }];
  if (result.affectedRows !== n) throw new Error(`armed ${result.affectedRows} clocks, not ${n}`);
}

async function drainWith(
  processes: number,
  db: Knex,
  databaseUrl: string,
  redisUrl: string,
  n: number,
): Promise<Drain> {
  // A queue of its own per round: the scan job's id is the minute, and NOW is the same each round.
  const prefix = `slav_bench_workers_${crypto.randomBytes(4).toString('hex')}`;
  const children = await Promise.all(
    Array.from({ length: processes }, (_, i) =>
      startWorker({
        BENCH_DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        BENCH_QUEUE_PREFIX: prefix,
        BENCH_NOW: NOW.toISOString(),
        BENCH_WORKER_NAME: `worker ${i}`,
      }),
    ),
  );
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(SCAN_QUEUE, { connection, prefix });
  const requester = new ScanQueue(redisUrl, prefix);
  const locksBefore = await rowLockWaits(db);
  const serverCpuBefore = mariadbCpuMs();
  try {
    const started = Date.now();
    await requester.request(NOW);
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const jobs = await queue.getJobCounts('completed', 'failed');
      if (jobs.failed > 0) throw new Error(`${jobs.failed} jobs failed`);
      if (jobs.completed < 1 + BACKLOG_SHARES) continue;
      break;
    }
    const completed = await queue.getJobs(['completed']);
    const scan = completed.find((j) => j.name === 'scan');
    if (!scan?.finishedOn || !scan.processedOn) throw new Error('the scan job did not finish');
    const lastAdvance = Math.max(
      ...completed.filter((j) => j.name === 'advance').map((j) => j.finishedOn ?? 0),
    );
    const workers = new Set(completed.map((j) => j.processedBy));
    if (workers.size !== processes)
      throw new Error(`jobs ran on ${workers.size} processes, not ${processes}`);
    await checkOnce(db, n);
    const locks = await rowLockWaits(db);
    const workerCpu = children.reduce((sum, c) => sum + processCpuMs(c.pid), 0);
    const serverCpu = mariadbCpuMs() - serverCpuBefore;
    const wall = lastAdvance - started;
    // Where the time went: the workers' own CPU, and mariadbd's (all its clients on a shared server).
    log(
      `CPU during the drain: worker processes ${(workerCpu / 1000).toFixed(1)} s, ` +
        `mariadbd ${(serverCpu / 1000).toFixed(1)} s (server-wide), wall ${(wall / 1000).toFixed(1)} s, ` +
        `${os.cpus().length} cores, load ${loadavg()}`,
    );
    // Server-wide counters (other databases on a shared server count too): a hint, not a proof.
    log(
      `row lock waits during the drain: ${locks.waits - locksBefore.waits} ` +
        `(${locks.ms - locksBefore.ms} ms waited, server-wide)`,
    );
    return {
      ms: lastAdvance - started,
      scanMs: scan.finishedOn - scan.processedOn,
      advanceMs: lastAdvance - scan.finishedOn,
    };
  } finally {
    await Promise.all(children.map(stopWorker));
    await requester.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  }
}

/** No clock left due; each escalated once; one outbox row per escalation, none twice. */
async function checkOnce(db: Knex, n: number): Promise<void> {
  const due = await count(db, CLOCKS, (q) => q.where('next_check_at', '<=', utcToSql(NOW)));
  const [[e]] = (await db.raw(
    'SELECT COUNT(*) AS total, COUNT(DISTINCT subject_id, metric, cycle) AS once FROM tblsla_vigil_escalations',
  )) as unknown as [[{ total: number; once: number }]];
  const [[o]] = (await db.raw(
    'SELECT COUNT(*) AS total, COUNT(DISTINCT dedupe_key) AS once FROM tblsla_vigil_outbox',
  )) as unknown as [[{ total: number; once: number }]];
  const problems = [
    due !== 0 && `${due} clocks still due`,
    (Number(e.total) !== n || Number(e.once) !== n) &&
      `${e.total} escalations for ${e.once} clocks, not ${n}`,
    (Number(o.total) !== n || Number(o.once) !== n) && `${o.total} outbox rows, ${o.once} distinct, not ${n}`,
  ].filter(Boolean);
  if (problems.length) throw new Error(problems.join('; '));
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(__dirname, 'worker-process.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const TICK_MS = 1000 / 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

/** User + system CPU of a process so far (Linux /proc), in ms; 0 where it cannot be read. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** mariadbd's CPU so far, when it runs on this machine (0 otherwise). */
function mariadbCpuMs(): number {
  try {
    const pids = execFileSync('pidof', ['mariadbd'], { encoding: 'utf8' }).trim().split(/\s+/);
    return pids.reduce((sum, pid) => sum + processCpuMs(Number(pid)), 0);
  } catch {
    return 0;
  }
}

/** InnoDB's row lock waits so far (SHOW GLOBAL STATUS): do the workers wait on each other's rows? */
async function rowLockWaits(db: Knex): Promise<{ waits: number; ms: number }> {
  const [rows] = (await db.raw("SHOW GLOBAL STATUS LIKE 'Innodb_row_lock_%'")) as unknown as [
    { Variable_name: string; Value: string }[],
  ];
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? 0);
  return { waits: value('Innodb_row_lock_waits'), ms: value('Innodb_row_lock_time') };
}

const loadavg = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  dropBenchDatabasesOnSignal();
  const rows = await run();
  const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
  console.log(
    `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, ` +
      `MariaDB ${await benchServerVersion()}, load ${loadavg()} at the end`,
  );
  console.log('');
  console.log('| work | ms | baseline ms | ratio | speed-up |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${ms(r.ms)} | ${ms(r.baselineMs)} | ${r.ratio.toFixed(2)}x | ${(1 / r.ratio).toFixed(2)}x |`,
    );
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
