/**
 * Hook latency: what SLA Vigil adds to a reply in the host, against the host's own write.
 *
 * N open tickets of bench/pages.ts's mix (bench/ticket-mix.ts) and the module's first scan, then
 * CALLS replies through the devhost's TicketService.reply (Perfex's Tickets_model: read the ticket,
 * check the references, read `default_ticket_reply_status`, insert the reply and update the ticket
 * in one transaction), each firing `after_ticket_reply_added` and, when the reply changes the
 * status, `after_ticket_status_changed` on the devhost's HookBus, where the module's own handlers
 * (hooks/ticket-reply-added.ts, hooks/ticket-status-changed.ts, as module.json maps them) are
 * timed one by one. The host's write is the reply's time minus its handlers'. Replies go to
 * tickets spread over the table, 7 in 10 from staff (Answered, which pauses; a first reply meets
 * first response), 3 in 10 from the client (Open again, a next-response cycle starts); the clock
 * moves 1.5 s per reply.
 *
 * Run: `npm run bench:hooks` (needs MariaDB). BENCH_TICKETS sets N (default 100000), BENCH_CALLS
 * the replies (default 10000). Above ~30 s: run it under `flock /tmp/bench.lock`.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { HookBus } from '../devhost/hook-bus';
import { TicketService } from '../devhost/ticket-service';
import ticketReplyAdded from '../hooks/ticket-reply-added';
import ticketStatusChanged from '../hooks/ticket-status-changed';
import type { HookDeps } from '../hooks/hook-deps';
import type { Clock } from '../src/host/host-context';
import { createPerfexHostParts } from '../src/host/perfex/perfex-host-parts';
import { PerfexLeadGateway } from '../src/host/perfex/perfex-lead-gateway';
import { createModuleServices } from '../src/wiring/module-services';
import {
  dropBenchDatabasesOnSignal,
  log,
  openBenchDatabase,
  statementCounter,
  statementKind,
  time,
} from './bench-host';
import { importMixPolicies, loadTicketMix, MIX_NOW } from './ticket-mix';
import { hookBreakdown, summarizeParts, type CallParts } from './hook-breakdown';

export interface HooksOptions {
  tickets: number;
  calls: number;
}

/** One line of the report: the work, its time, the baseline's in the same run, their ratio. */
export interface BenchRow {
  label: string;
  ms: number;
  baselineLabel: string;
  baselineMs: number;
  ratio: number;
  tickets: number;
}

/** A clock the benchmark moves (the services read it at every hook, as a real one). */
class SteppedClock implements Clock {
  private t = MIX_NOW.getTime();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

export interface HooksResult {
  rows: BenchRow[];
  /** Statements per reply hook and per status hook, by kind (last 100 calls). */
  statements: { reply: string[]; status: string[] };
  statusHooks: number;
  /** Per hook and statement kind: how many ran and their median and p99 round trip (ms). */
  statementMs: string[];
  /** Each hook's calls split into BEGIN, statements, COMMIT and the rest, all and the slowest 1 %. */
  breakdown: string[];
}

/** With a path: a CPU profile of the timed calls only (not the load and first scan), written there. */
function cpuProfiler(path: string | undefined) {
  const session = new Session();
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
  return {
    async start() {
      if (!path) return;
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    async stop() {
      if (!path) return;
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      fs.writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Round trips of the statements a hook issues, by hook and statement kind (knex `query` to
 * `query-response`): where a hook's time goes when most of it is waiting on MariaDB.
 */
function statementTimer(db: Awaited<ReturnType<typeof openBenchDatabase>>['db']) {
  let hook: string | null = null;
  const started = new Map<string, { at: number; key: string }>();
  let spans = new Map<string, number[]>();
  db.on('query', (q: { __knexQueryUid: string; sql: string }) => {
    if (hook)
      started.set(q.__knexQueryUid, { at: performance.now(), key: `${hook}: ${statementKind(q.sql)}` });
  });
  db.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    started.delete(q.__knexQueryUid);
    const list = spans.get(s.key) ?? [];
    list.push(performance.now() - s.at);
    spans.set(s.key, list);
  });
  return {
    track(name: string | null) {
      hook = name;
    },
    reset() {
      spans = new Map();
    },
    summary(): string[] {
      return [...spans].map(
        ([key, ms]) =>
          `${key}: ${ms.length}x, p50 ${percentile(ms, 50).toFixed(2)} ms, p99 ${percentile(ms, 99).toFixed(2)} ms`,
      );
    },
  };
}

/** The report's rows (for `npm run bench`): see measureHooks. */
export async function run(options: HooksOptions): Promise<BenchRow[]> {
  return (await measureHooks(options)).rows;
}

/** Builds N tickets of the mix, scans once, then times CALLS replies and their hooks. */
export async function measureHooks(options: HooksOptions): Promise<HooksResult> {
  const n = options.tickets;
  const { db, close } = await openBenchDatabase(`slav_bench_hooks_${process.pid}_${n}`);
  try {
    const load = await time(() => loadTicketMix(db, n));
    const mix = load.value;
    log(`${n}: tickets loaded in ${(load.ms / 1000).toFixed(1)} s`);
    const clock = new SteppedClock();
    const logger = pino({ level: 'warn' });
    const parts = await createPerfexHostParts(db, 'tbl');
    const services = createModuleServices({
      db,
      tablePrefix: 'tbl',
      timezone: parts.timezone,
      tickets: parts.tickets,
      leads: new PerfexLeadGateway(db, 'tbl', parts.timezone),
      clock,
      logger,
      mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'bench@localhost', adminBaseUrl: 'http://localhost' },
    });
    await importMixPolicies(services, mix);
    const first = await time(() => services.scanner.run(clock.now()));
    log(`${n}: first scan ${(first.ms / 1000).toFixed(1)} s`);

    // The devhost's hook bus with the module's two handlers, each timed.
    const bus = new HookBus(logger);
    const deps: HookDeps = { recorder: services.recorder, requestScan: () => Promise.resolve() };
    const replyHandler = ticketReplyAdded(deps);
    const statusHandler = ticketStatusChanged(deps);
    const counter = statementCounter(db);
    const statementMs = statementTimer(db);
    const split = hookBreakdown(db, statementKind);
    const replyParts: CallParts[] = [];
    const statusParts: CallParts[] = [];
    let timing = false;
    let replyMs = 0;
    let statusMs = 0;
    let statusFired = false;
    let replyKinds: string[] = [];
    let statusKinds: string[] = [];
    bus.on('after_ticket_reply_added', async (payload) => {
      counter.reset();
      statementMs.track('reply');
      split.start();
      const t0 = performance.now();
      await replyHandler(payload);
      replyMs = performance.now() - t0;
      const call = split.end();
      if (timing && call) replyParts.push(call);
      replyKinds = counter.kinds();
      statementMs.track(null);
    });
    bus.on('after_ticket_status_changed', async (payload) => {
      counter.reset();
      statementMs.track('status');
      split.start();
      const t0 = performance.now();
      await statusHandler(payload);
      statusMs = performance.now() - t0;
      const call = split.end();
      if (timing && call) statusParts.push(call);
      statusFired = true;
      statusKinds = counter.kinds();
      statementMs.track(null);
    });
    const host = new TicketService(db, 'tbl', bus, clock, parts.timezone);

    const staff = mix.staff;
    const hostMs: number[] = [];
    const replyHookMs: number[] = [];
    const statusHookMs: number[] = [];
    const bothMs: number[] = [];
    const floorMs: number[] = [];
    // The least a hook that writes can cost: one write transaction of one keyed row (one commit).
    await db.raw('CREATE TABLE bench_floor (id INT NOT NULL PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB');
    await db('bench_floor').insert({ id: 1, n: 0 });
    const floor = () => db.transaction((trx) => trx('bench_floor').where({ id: 1 }).increment('n', 1));
    const profiler = cpuProfiler(process.env.BENCH_PROFILE);
    const warmup = Math.min(200, Math.ceil(options.calls / 10));
    for (let i = 0; i < warmup + options.calls; i++) {
      clock.advance(1500);
      // A stride coprime to N spreads the replies over the table (every state, cold and warm rows).
      const ticketId = 1 + ((i * 7919 + 13) % n);
      const fromStaff = i % 10 < 7;
      replyMs = 0;
      statusMs = 0;
      statusFired = false;
      if (i === warmup) {
        timing = true;
        statementMs.reset();
        await profiler.start();
      }
      const t0 = performance.now();
      await host.reply(ticketId, {
        message: 'bench reply',
        admin: fromStaff ? staff[i % staff.length] : null,
      });
      const total = performance.now() - t0;
      const f0 = performance.now();
      await floor();
      const floorTime = performance.now() - f0;
      if (i < warmup) continue;
      floorMs.push(floorTime);
      hostMs.push(total - replyMs - statusMs);
      replyHookMs.push(replyMs);
      bothMs.push(replyMs + statusMs);
      if (statusFired) statusHookMs.push(statusMs);
    }

    await profiler.stop();
    const rows: BenchRow[] = [];
    const host50 = percentile(hostMs, 50);
    const host99 = percentile(hostMs, 99);
    const row = (label: string, ms: number, baselineLabel: string, baselineMs: number) =>
      rows.push({ label, ms, baselineLabel, baselineMs, ratio: ms / baselineMs, tickets: n });
    const hostLabel = (p: number) => `host's own reply write, p${p}`;
    row('after_ticket_reply_added handler, p50', percentile(replyHookMs, 50), hostLabel(50), host50);
    row('after_ticket_reply_added handler, p99', percentile(replyHookMs, 99), hostLabel(99), host99);
    if (statusHookMs.length > 0) {
      row(
        'after_ticket_status_changed handler (same reply), p50',
        percentile(statusHookMs, 50),
        hostLabel(50),
        host50,
      );
      row(
        'after_ticket_status_changed handler (same reply), p99',
        percentile(statusHookMs, 99),
        hostLabel(99),
        host99,
      );
    }
    row('both handlers of a reply, p50', percentile(bothMs, 50), hostLabel(50), host50);
    row('both handlers of a reply, p99', percentile(bothMs, 99), hostLabel(99), host99);
    const floorLabel = 'one keyed UPDATE in a transaction (BEGIN, UPDATE, COMMIT)';
    row(
      `${floorLabel}, p50 (the least a writing hook costs)`,
      percentile(floorMs, 50),
      hostLabel(50),
      host50,
    );
    row(`${floorLabel}, p99`, percentile(floorMs, 99), hostLabel(99), host99);
    return {
      rows,
      statements: { reply: replyKinds, status: statusKinds },
      statusHooks: statusHookMs.length,
      statementMs: statementMs.summary(),
      breakdown: [...summarizeParts('reply', replyParts), ...summarizeParts('status', statusParts)],
    };
  } finally {
    await close();
  }
}

async function main(): Promise<void> {
  dropBenchDatabasesOnSignal();
  const tickets = Number(process.env.BENCH_TICKETS ?? 100_000);
  const calls = Math.max(100, Number(process.env.BENCH_CALLS ?? 10_000));
  const loadBefore = os.loadavg();
  const result = await measureHooks({ tickets, calls });
  const fmt = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  console.log(
    `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}; ${calls} replies, ` +
      `${result.statusHooks} status hooks; load average before ${fmt(loadBefore)}, after ${fmt(os.loadavg())}`,
  );
  console.log(
    '| open tickets | work | ms | baseline (same run) | baseline ms | ratio | on top of the host |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of result.rows)
    console.log(
      `| ${r.tickets.toLocaleString('en-US')} | ${r.label} | ${r.ms.toFixed(2)} | ${r.baselineLabel} | ${r.baselineMs.toFixed(2)} | ${r.ratio.toFixed(2)}x | +${r.ms.toFixed(2)} ms |`,
    );
  console.log(`statements per reply hook (last call): ${result.statements.reply.join(', ')}`);
  console.log(`statements per status hook (last call): ${result.statements.status.join(', ')}`);
  console.log('round trips by statement:');
  for (const line of result.statementMs) console.log(`  ${line}`);
  console.log('where each call went:');
  for (const line of result.breakdown) console.log(`  ${line}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
