/**
 * The one table `npm run bench` prints and writes to BENCHMARKS.md: one row per measured work,
 * each next to a baseline measured in the same run, with the target when it has one.
 * Pure: formatting and the BENCHMARKS.md block replacement, no timing and no I/O.
 */

/** What a row's value and baseline are measured in. */
export type BenchUnit = 'ms' | 'MB';

/**
 * A target from the issue: `ratio` bounds value / baseline (the page at most 1.5x the host's
 * plain list), `value` bounds the value itself (a tick at most 200 ms, a reconcile under 256 MB).
 */
export type BenchTarget = { kind: 'ratio'; max: number } | { kind: 'value'; max: number };

export interface BenchRow {
  /** The bench it comes from: `reconcile`, `pages`, ... (its file in bench/). */
  bench: string;
  /** What was measured, in a few words. */
  work: string;
  /** Open tickets in the data set; absent when the work does not depend on them. */
  size?: number;
  /** The measured value (a median when the bench repeats), in `unit`. */
  value: number;
  /** The baseline it is compared with, measured in the same run. */
  baseline: string;
  baselineValue: number;
  /** Defaults to ms. */
  unit?: BenchUnit;
  target?: BenchTarget;
}

/** Everything a bench needs to know from the runner. */
export interface BenchOptions {
  /** Open tickets; absent: the bench's own default size(s), as its npm script runs it. */
  tickets?: number;
}

/** A bench as the runner sees it: `bench/x.ts` exports `run`. */
export type BenchRun = (options: BenchOptions) => Promise<BenchRow[]>;

/** The machine and moment of a run, for the table's heading. */
export interface BenchMachine {
  date: Date;
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  mariadb: string;
  loadBefore: readonly number[];
  loadAfter: readonly number[];
  /** The BENCH_TICKETS the run was given (or "defaults"). */
  sizes: string;
}

export const BLOCK_BEGIN = '<!-- bench:begin -->';
export const BLOCK_END = '<!-- bench:end -->';

export function ratioOf(row: BenchRow): number {
  return row.value / row.baselineValue;
}

/** Whether the row meets its target; undefined without one (or without a usable baseline). */
export function targetMet(row: BenchRow): boolean | undefined {
  const t = row.target;
  if (!t) return undefined;
  if (t.kind === 'value') return row.value <= t.max;
  const ratio = ratioOf(row);
  return Number.isFinite(ratio) ? ratio <= t.max : undefined;
}

/** `1,234 ms`, `12.5 ms`, `0.42 ms`, `212 MB`: few digits, enough to compare. */
export function formatValue(value: number, unit: BenchUnit = 'ms'): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** `63x`, `1.50x`, and two significant digits below 0.1 (`0.00029x`: ours against a slow peer). */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  if (ratio > 0 && ratio < 0.1) return `${Number(ratio.toPrecision(2))}x`;
  return `${ratio.toFixed(ratio >= 10 ? 0 : 2)}x`;
}

export function formatTarget(row: BenchRow): string {
  const t = row.target;
  if (!t) return '';
  return t.kind === 'ratio' ? `<= ${t.max}x` : `<= ${formatValue(t.max, row.unit)}`;
}

/** A table cell: pipes escaped, line breaks flattened, so one row stays one line. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** The Markdown table, rows in the order given. */
export function formatTable(rows: readonly BenchRow[]): string {
  const head = '| bench | work | size | measured | baseline (same run) | baseline | ratio | target | met? |';
  const rule = '| --- | --- | ---: | ---: | --- | ---: | ---: | --- | --- |';
  const lines = rows.map((r) => {
    const met = targetMet(r);
    return `| ${[
      r.bench,
      r.work,
      r.size === undefined ? '' : r.size.toLocaleString('en-US'),
      formatValue(r.value, r.unit),
      r.baseline,
      formatValue(r.baselineValue, r.unit),
      formatRatio(ratioOf(r)),
      formatTarget(r),
      met === undefined ? '' : met ? 'yes' : '**no**',
    ]
      .map(cell)
      .join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

export function formatMachine(m: BenchMachine): string {
  const load = (xs: readonly number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  return (
    `Run ${m.date.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ` +
    `${m.ramGb.toFixed(0)} GB RAM; Node ${m.node}, MariaDB ${m.mariadb}; BENCH_TICKETS=${m.sizes}; ` +
    `load average (1, 5, 15 min) ${load(m.loadBefore)} before, ${load(m.loadAfter)} after.`
  );
}

/** The whole block the runner writes: markers, machine line, table, failures if any. */
export function formatBlock(
  machine: BenchMachine,
  rows: readonly BenchRow[],
  failures: string[] = [],
): string {
  return [
    BLOCK_BEGIN,
    // The table is written as printed: `npm run lint` must not ask for it to be realigned.
    '<!-- prettier-ignore-start -->',
    '',
    formatMachine(machine),
    '',
    formatTable(rows),
    ...(failures.length ? ['', ...failures.map((f) => `- failed: ${cell(f)}`)] : []),
    '',
    '<!-- prettier-ignore-end -->',
    BLOCK_END,
  ].join('\n');
}

/**
 * `markdown` with its marked block replaced by `block` (which carries its own markers), or with
 * `block` inserted under the first heading when there is no block yet. The rest stays as it was.
 */
export function replaceBlock(markdown: string, block: string): string {
  const begin = markdown.indexOf(BLOCK_BEGIN);
  const end = markdown.indexOf(BLOCK_END, begin);
  if (begin >= 0 && end < 0) throw new Error(`BENCHMARKS.md has ${BLOCK_BEGIN} but no ${BLOCK_END} after it`);
  if (begin >= 0) return markdown.slice(0, begin) + block + markdown.slice(end + BLOCK_END.length);
  const heading = /^# .*$/m.exec(markdown);
  if (!heading) return `${block}\n\n${markdown}`;
  const at = heading.index + heading[0].length;
  return `${markdown.slice(0, at)}\n\n${block}${markdown.slice(at).replace(/^\n*/, '\n\n')}`;
}

/**
 * BENCH_TICKETS as sizes: unset or empty gives `[undefined]` (each bench's own default), `100000`
 * one size, `100000,1000000` (or `100k,1M`) each in turn.
 */
export function parseSizes(text: string | undefined): (number | undefined)[] {
  if (text === undefined || text.trim() === '') return [undefined];
  return text.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(part.replace(/_/g, ''));
    const n = m ? Number(m[1]) * (m[2] === '' ? 1 : /k/i.test(m[2]) ? 1e3 : 1e6) : NaN;
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`BENCH_TICKETS: "${part}" is not a number of tickets`);
    return n;
  });
}
