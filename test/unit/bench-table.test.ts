import { execFileSync } from 'node:child_process';
import {
  BLOCK_BEGIN,
  BLOCK_END,
  formatBlock,
  formatRatio,
  formatTable,
  formatValue,
  parseSizes,
  replaceBlock,
  targetMet,
  type BenchMachine,
  type BenchRow,
} from '../../bench/bench-table';

const machine: BenchMachine = {
  date: new Date('2026-12-06T08:30:00Z'),
  cpu: 'AMD EPYC (KVM)',
  cores: 2,
  ramGb: 23.5,
  node: 'v20.20.2',
  mariadb: '10.11.19-MariaDB',
  loadBefore: [0.5, 0.4, 0.3],
  loadAfter: [1.25, 0.8, 0.4],
  sizes: '10000',
};

const row = (over: Partial<BenchRow> = {}): BenchRow => ({
  bench: 'pages',
  work: '(a) column',
  size: 100_000,
  value: 30,
  baseline: 'keyed read',
  baselineValue: 20,
  ...over,
});

describe('bench table', () => {
  it('prints one line per row with the ratio to its baseline and whether the target is met', () => {
    const table = formatTable([
      row({ target: { kind: 'ratio', max: 2 } }),
      row({ bench: 'scan', work: 'tick', value: 250, baselineValue: 4, target: { kind: 'value', max: 200 } }),
      row({ bench: 'business-time', work: 'add', size: undefined, value: 0.5, baselineValue: 2 }),
      row({
        bench: 'reconcile-memory',
        work: 'peak',
        unit: 'MB',
        value: 180.4,
        baselineValue: 95,
        target: { kind: 'value', max: 256 },
      }),
    ]).split('\n');
    expect(table[0]).toBe(
      '| bench | work | size | measured | baseline (same run) | baseline | ratio | target | met? |',
    );
    expect(table).toHaveLength(6);
    expect(table[2]).toBe(
      '| pages | (a) column | 100,000 | 30.0 ms | keyed read | 20.0 ms | 1.50x | <= 2x | yes |',
    );
    expect(table[3]).toBe(
      '| scan | tick | 100,000 | 250 ms | keyed read | 4.00 ms | 63x | <= 200 ms | **no** |',
    );
    expect(table[4]).toBe('| business-time | add |  | 0.50 ms | keyed read | 2.00 ms | 0.25x |  |  |');
    expect(table[5]).toBe(
      '| reconcile-memory | peak | 100,000 | 180 MB | keyed read | 95.0 MB | 1.90x | <= 256 MB | yes |',
    );
  });

  it('keeps a row on one line: pipes in a label are escaped, line breaks flattened', () => {
    const [, , line] = formatTable([row({ work: 'a | b\nc' })]).split('\n');
    expect(line).toContain('| a \\| b c |');
  });

  it('judges a ratio target only against a usable baseline', () => {
    expect(targetMet(row({ target: { kind: 'ratio', max: 1.5 } }))).toBe(true);
    expect(targetMet(row({ target: { kind: 'ratio', max: 1.4 } }))).toBe(false);
    expect(targetMet(row({ baselineValue: 0, target: { kind: 'ratio', max: 2 } }))).toBeUndefined();
    expect(targetMet(row())).toBeUndefined();
    expect(formatValue(1234.5)).toBe('1,235 ms');
    expect(formatRatio(0.2 / 699)).toBe('0.00029x');
    expect(formatRatio(0.25)).toBe('0.25x');
  });

  it('heads the block with the machine, the date and the load before and after', () => {
    const block = formatBlock(machine, [row()], ['scan at 10000 tickets: boom']);
    const lines = block.split('\n');
    expect(lines[0]).toBe(BLOCK_BEGIN);
    expect(lines[lines.length - 1]).toBe(BLOCK_END);
    expect(block).toContain(
      'Run 2026-12-06 08:30 UTC on AMD EPYC (KVM), 2 cores, 24 GB RAM; Node v20.20.2, MariaDB 10.11.19-MariaDB; ' +
        'BENCH_TICKETS=10000; load average (1, 5, 15 min) 0.50 0.40 0.30 before, 1.25 0.80 0.40 after.',
    );
    expect(block).toContain('- failed: scan at 10000 tickets: boom');
  });

  it('is left as written by prettier, so `npm run lint` passes after a run', () => {
    const md = `# Benchmarks\n\n${formatBlock(machine, [row(), row({ work: 'a much longer label' })])}\n`;
    // Prettier's CLI: its API loads plugins by dynamic import, which jest's CommonJS runtime refuses.
    const formatted = execFileSync(
      process.execPath,
      [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', 'BENCHMARKS.md'],
      { input: md, encoding: 'utf8' },
    );
    expect(formatted).toBe(md);
  });
});

describe('BENCHMARKS.md block', () => {
  const block = (text: string) => `${BLOCK_BEGIN}\n${text}\n${BLOCK_END}`;

  it('replaces the marked block and leaves everything around it as it was', () => {
    const md = `# Benchmarks\n\nintro\n\n${block('old table')}\n\n## Business time\n\nnotes | with pipes\n`;
    const next = replaceBlock(md, block('new table'));
    expect(next).toBe(
      `# Benchmarks\n\nintro\n\n${block('new table')}\n\n## Business time\n\nnotes | with pipes\n`,
    );
    // Running again with the same block changes nothing.
    expect(replaceBlock(next, block('new table'))).toBe(next);
  });

  it('inserts the block under the first heading when there is none yet', () => {
    expect(replaceBlock('# Benchmarks\n\n## Scan\n', block('t'))).toBe(
      `# Benchmarks\n\n${block('t')}\n\n## Scan\n`,
    );
    expect(replaceBlock('', block('t'))).toBe(`${block('t')}\n\n`);
  });

  it('refuses a begin marker without its end rather than cutting the file', () => {
    expect(() => replaceBlock(`# B\n${BLOCK_BEGIN}\nhalf`, block('t'))).toThrow(/no <!-- bench:end -->/);
  });
});

describe('BENCH_TICKETS', () => {
  it('is one size, a list, or unset for each bench default', () => {
    expect(parseSizes(undefined)).toEqual([undefined]);
    expect(parseSizes(' ')).toEqual([undefined]);
    expect(parseSizes('10000')).toEqual([10_000]);
    expect(parseSizes('100000,1000000')).toEqual([100_000, 1_000_000]);
    expect(parseSizes('100k, 1M, 1_000')).toEqual([100_000, 1_000_000, 1000]);
    expect(() => parseSizes('100000,lots')).toThrow(/"lots"/);
    expect(() => parseSizes('0')).toThrow(/BENCH_TICKETS/);
  });
});
