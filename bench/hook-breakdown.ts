import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';

/** Where one hook call's time went (ms). */
export interface CallParts {
  total: number;
  /** Before BEGIN: the reads a hook issues before its transaction (in parallel: their span). */
  before: number;
  /** BEGIN: from sending it to sending the next statement. */
  begin: number;
  /** COMMIT: from sending it to the hook's end (its fsync, or a wait for the group commit). */
  commit: number;
  /** The transaction's statements' round trips (knex `query` to `query-response`), summed. */
  statements: number;
  /** The longest of them, and its kind. */
  slowest: { kind: string; ms: number };
  /** What is left: Node's own work between statements, and waits for the event loop. */
  rest: number;
}

interface Started {
  at: number;
  kind: string;
}

/**
 * Splits each timed hook call into BEGIN, the statements, COMMIT and the rest, to find what its
 * tail is made of. knex emits no `query-response` for a transaction's BEGIN and COMMIT, so BEGIN
 * ends when the next statement is sent and COMMIT when the hook returns (nothing follows it).
 */
export function hookBreakdown(db: Knex, kindOf: (sql: string) => string) {
  let open: {
    t0: number;
    beginAt?: number;
    begin?: number;
    commit?: number;
    statements: number;
    slowest: CallParts['slowest'];
  } | null = null;
  let beginSent: number | null = null;
  const started = new Map<string, Started>();
  db.on('query', (q: { __knexQueryUid: string; sql: string }) => {
    if (!open) return;
    const now = performance.now();
    if (beginSent !== null) {
      open.begin = (open.begin ?? 0) + now - beginSent;
      beginSent = null;
    }
    const kind = kindOf(q.sql);
    if (/^\s*begin/i.test(q.sql) || /^\s*start transaction/i.test(q.sql)) {
      beginSent = now;
      open.beginAt ??= now;
    } else if (/^\s*commit/i.test(q.sql)) open.commit = now;
    else started.set(q.__knexQueryUid, { at: now, kind });
  });
  db.on('query-response', (_r: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (!s || !open) return;
    started.delete(q.__knexQueryUid);
    // The reads before BEGIN run in parallel: counted as the span `before`, not summed.
    if (open.beginAt === undefined || s.at < open.beginAt) return;
    const ms = performance.now() - s.at;
    open.statements += ms;
    if (ms > open.slowest.ms) open.slowest = { kind: s.kind, ms };
  });
  return {
    start(): void {
      open = { t0: performance.now(), statements: 0, slowest: { kind: '', ms: 0 } };
      beginSent = null;
      started.clear();
    },
    /** Ends the call; the parallel reads before BEGIN count once each (their sum, not their span). */
    end(): CallParts | null {
      if (!open) return null;
      const end = performance.now();
      const total = end - open.t0;
      const begin = open.begin ?? 0;
      const before = open.beginAt === undefined ? 0 : open.beginAt - open.t0;
      const commit = open.commit === undefined ? 0 : end - open.commit;
      const parts: CallParts = {
        total,
        before,
        begin,
        commit,
        statements: open.statements,
        slowest: open.slowest,
        rest: Math.max(0, total - before - begin - commit - open.statements),
      };
      open = null;
      return parts;
    },
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
};

/**
 * The median parts of all calls and of the slowest 1 % (at least 5), and which statement was the
 * slowest one in those tail calls: the p99 is made of whichever part grows there.
 */
export function summarizeParts(name: string, calls: readonly CallParts[]): string[] {
  if (calls.length === 0) return [];
  const line = (label: string, of: readonly CallParts[]) =>
    `${name} ${label} (${of.length} calls): total ${median(of.map((c) => c.total)).toFixed(2)} ms = ` +
    `before BEGIN ${median(of.map((c) => c.before)).toFixed(2)} + ` +
    `BEGIN ${median(of.map((c) => c.begin)).toFixed(2)} + statements ${median(of.map((c) => c.statements)).toFixed(2)} ` +
    `+ COMMIT ${median(of.map((c) => c.commit)).toFixed(2)} + rest ${median(of.map((c) => c.rest)).toFixed(2)} (medians)`;
  const sorted = [...calls].sort((a, b) => b.total - a.total);
  const tail = sorted.slice(0, Math.max(5, Math.ceil(calls.length / 100)));
  const biggest = new Map<string, number>();
  for (const c of tail) {
    const parts: [string, number][] = [
      ['before BEGIN', c.before],
      ['BEGIN', c.begin],
      ['COMMIT', c.commit],
      [`statement ${c.slowest.kind}`, c.slowest.ms],
      ['rest', c.rest],
    ];
    const [label] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    biggest.set(label, (biggest.get(label) ?? 0) + 1);
  }
  const histogram = [1, 2, 5, 10, 20, 50, 100, Infinity].map((edge, i, edges) => {
    const from = i === 0 ? 0 : edges[i - 1];
    const n = calls.filter((c) => c.total >= from && c.total < edge).length;
    return `${edge === Infinity ? `>=${from}` : `<${edge}`}: ${n}`;
  });
  return [
    line('all', calls),
    line('slowest 1 %', tail),
    `${name} slowest 1 %, the largest single part: ${[...biggest].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `${name} histogram (ms): ${histogram.join(', ')}`,
  ];
}
