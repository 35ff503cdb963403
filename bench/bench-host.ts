import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import pino from 'pino';
import { createHostTables } from '../devhost/schema';
import { createDb } from '../src/store/db';
import { migrateLatest } from '../src/store/migrator';
import { createPerfexHostParts } from '../src/host/perfex/perfex-host-parts';
import { PerfexLeadGateway } from '../src/host/perfex/perfex-lead-gateway';
import { createModuleServices } from '../src/wiring/module-services';
import { WEEKDAYS_9_TO_5 } from '../test/helpers/sla-fixtures';
import type { TicketGateway } from '../src/host/host-context';

/** The office-hours calendar the benchmarks' policies run on. */
export const BENCH_OFFICE = {
  key: 'office',
  name: 'Office',
  timezone: 'Europe/Berlin',
  week: WEEKDAYS_9_TO_5,
};

/**
 * The module's services over a benchmark database, with a fixed clock and a mail setting that
 * never sends (the benchmarks measure the database work, not SMTP). Leads are wired as the
 * command line's host wires them (a scan reconciles and ticks them), whether any exist or not.
 */
export async function benchServices(db: Knex, now: Date) {
  const parts = await createPerfexHostParts(db, 'tbl');
  const leads = new PerfexLeadGateway(db, 'tbl', parts.timezone);
  return {
    parts: { ...parts, leads },
    services: createModuleServices({
      db,
      tablePrefix: 'tbl',
      timezone: parts.timezone,
      tickets: parts.tickets,
      leads,
      clock: { now: () => now },
      logger: pino({ level: 'warn' }),
      mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'bench@localhost', adminBaseUrl: 'http://localhost' },
    }),
  };
}

/** The MariaDB server the benchmarks create their throwaway databases on. */
export const BENCH_SERVER = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';

/** Databases created and not dropped yet: dropped on SIGINT/SIGTERM too. */
const live = new Set<string>();

/**
 * A fresh database `name` on BENCH_SERVER with the devhost's host tables and the module's
 * migrations; `close` drops it (call it in a `finally`; Ctrl-C drops it too once
 * dropBenchDatabasesOnSignal ran).
 */
export async function openBenchDatabase(name: string): Promise<{ db: Knex; close: () => Promise<void> }> {
  const server = createDb(BENCH_SERVER, { min: 0, max: 1 });
  await server.raw(`CREATE DATABASE \`${name}\``);
  live.add(name);
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${name}`;
  const db = createDb(url.toString());
  const close = async (): Promise<void> => {
    await db.destroy();
    await server.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    live.delete(name);
    await server.destroy();
  };
  try {
    await createHostTables(db, 'tbl');
    await migrateLatest(db, 'tbl');
  } catch (err) {
    await close();
    throw err;
  }
  return { db, close };
}

/** On SIGINT/SIGTERM, drops the databases openBenchDatabase created and not closed yet, then exits. */
export function dropBenchDatabasesOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: dropping ${[...live].join(', ') || 'nothing'}`);
      void dropLive().finally(() => process.exit(130));
    });
  }
}

async function dropLive(): Promise<void> {
  const server = createDb(BENCH_SERVER, { min: 0, max: 1 });
  try {
    for (const name of live) await server.raw(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await server.destroy();
  }
}

/** `VERSION()` of BENCH_SERVER and the two settings that move its numbers, for the report's machine line. */
export async function benchServerVersion(): Promise<string> {
  const server = createDb(BENCH_SERVER, { min: 0, max: 1 });
  try {
    // The buffer pool decides whether a size is read from memory or from disk (the bench's 1M
    // database is ~1.7 GB of tables and indexes, Debian's default pool 128 MB), and the in-memory
    // temporary table limit whether a list filter's materialized id set spills to disk (Debian's
    // default is 16 MB), so every report names both beside the version.
    const [[{ v, pool, tmp }]] = (await server.raw(
      'SELECT VERSION() AS v, @@innodb_buffer_pool_size AS pool, ' +
        'LEAST(@@tmp_table_size, @@max_heap_table_size) AS tmp',
    )) as unknown as [[{ v: string; pool: number | string; tmp: number | string }]];
    const mb = (bytes: number | string) => Math.round(Number(bytes) / 1024 ** 2);
    return `${v}, InnoDB buffer pool ${mb(pool)} MB, in-memory temporary tables ${mb(tmp)} MB`;
  } finally {
    await server.destroy();
  }
}

/**
 * Bulk loading without a round trip per row: fills `bench_numbers (n)` with 0..count-1, calls
 * `insert(start, end)` for each 100 000-number chunk (an `INSERT ... SELECT ... FROM bench_numbers
 * WHERE n >= start AND n < end`), then drops the table.
 */
export async function withNumbers(
  db: Knex,
  count: number,
  insert: (start: number, end: number) => Promise<unknown>,
): Promise<void> {
  await db.raw('CREATE TABLE bench_digits (d TINYINT NOT NULL PRIMARY KEY)');
  await db.raw('INSERT INTO bench_digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)');
  await db.raw('CREATE TABLE bench_numbers (n INT NOT NULL PRIMARY KEY)');
  const digits = Math.max(1, Math.ceil(Math.log10(count)));
  const letters = Array.from({ length: digits }, (_, i) => `d${i}`);
  const expr = letters.map((l, i) => `${l}.d * ${10 ** i}`).join(' + ');
  await db.raw(
    `INSERT INTO bench_numbers (n) SELECT ${expr} AS n FROM ${letters.map((l) => `bench_digits ${l}`).join(' CROSS JOIN ')} HAVING n < ?`,
    [count],
  );
  for (let start = 0; start < count; start += 100_000) await insert(start, Math.min(start + 100_000, count));
  await db.raw('DROP TABLE bench_numbers, bench_digits');
}

/** The raw keyset read of every ticket through the host gateway, batches of 1 000: the read any reconcile must do. */
export function rawTicketRead(tickets: TicketGateway): Promise<Timed<number>> {
  return time(async () => {
    let after = 0;
    let read = 0;
    for (;;) {
      const batch = (await tickets.listTicketsAfter(after, 1000)).rows;
      if (batch.length === 0) return read;
      read += batch.length;
      after = batch[batch.length - 1].id;
    }
  });
}

/** Counts the statements `db` issues (knex `query` events) by kind and table; `reset` starts over. */
export function statementCounter(db: Knex): {
  total(): number;
  kinds(): string[];
  reset(): void;
} {
  let total = 0;
  let kinds = new Map<string, number>();
  db.on('query', (q: { sql: string }) => {
    total++;
    const k = statementKind(q.sql);
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  });
  return {
    total: () => total,
    kinds: () => [...kinds].sort((a, b) => b[1] - a[1]).map(([k, c]) => `${c} ${k}`),
    reset: () => {
      total = 0;
      kinds = new Map();
    },
  };
}

/**
 * With BENCH_TRACE set: each statement's kind, start (ms since reset) and round trip, so a tick's
 * phases show as runs of statements and the gaps between them as Node's own work.
 */
export function statementTrace(db: Knex): { reset(): void; lines(): string[] } {
  let t0 = performance.now();
  let open = new Map<string, { at: number; kind: string; bytes: number }>();
  let done: { at: number; kind: string; ms: number; bytes: number }[] = [];
  db.on('query', (q: { sql: string; __knexQueryUid: string; bindings?: unknown[] }) => {
    const bytes = q.sql.length + (q.bindings ?? []).reduce<number>((n, b) => n + String(b).length, 0);
    open.set(q.__knexQueryUid, { at: performance.now() - t0, kind: statementKind(q.sql), bytes });
  });
  const end = (_: unknown, q: { __knexQueryUid: string }) => {
    const s = open.get(q.__knexQueryUid);
    if (!s) return;
    open.delete(q.__knexQueryUid);
    done.push({ ...s, ms: performance.now() - t0 - s.at });
  };
  db.on('query-response', end);
  db.on('query-error', end);
  return {
    reset: () => {
      t0 = performance.now();
      open = new Map();
      done = [];
    },
    lines: () => {
      let last = 0;
      return done.map((d) => {
        const gap = d.at - last;
        last = d.at + d.ms;
        return `+${gap.toFixed(1).padStart(6)} gap | ${d.at.toFixed(1).padStart(7)} ${d.ms.toFixed(1).padStart(6)} ms ${String(d.bytes).padStart(8)} B  ${d.kind}`;
      });
    },
  };
}

export interface Timed<T> {
  ms: number;
  value: T;
}

export async function time<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

/** The sizes a sized bench runs by default: a tenth of N and N (at least 1000 each), once each. */
export function tenthAndWhole(n: number): number[] {
  return [...new Set([Math.max(1000, Math.round(n / 10)), Math.max(1000, n)])];
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `select tblsla_vigil_clocks`, `insert tblsla_vigil_outbox`, ...: what a statement does to which table. */
export function statementKind(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? '?';
  const table = /\b(?:from|into|update)\s+`?(\w+)`?/i.exec(sql)?.[1] ?? '';
  return `${verb} ${table.replace(/^tblsla_vigil_/, '')}`.trim();
}

export async function count(
  db: Knex,
  table: string,
  where?: (q: Knex.QueryBuilder) => void,
): Promise<number> {
  const q = db(table).count({ n: '*' });
  if (where) where(q);
  const [{ n }] = (await q) as { n: number | string }[];
  return Number(n);
}

/** Progress on stderr, so stdout holds only the report. */
export function log(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}
