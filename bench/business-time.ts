/**
 * Business-time benchmark: deadlines per second of our addBusinessMinutes against
 * dayjs-business-time and moment-business-time on the same random inputs, plus an
 * exactness check of the peers against our results.
 *
 * Run: `npm run bench:business-time` (builds, then runs dist/bench/business-time.js).
 *
 * The peers compute in the process's local time zone and cannot express overnight
 * intervals or "24:00", so they run only on calendars without those, each in a
 * worker_thread started with `TZ` set to the calendar's zone. A peer call that does not
 * return within CALL_TIMEOUT_MS is abandoned (the worker is terminated and restarted
 * after that input) and counted as a timeout; peer throughput counts completed calls only.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  compileCalendar,
  importHolidays,
  type CalendarInput,
  type WeekSchedule,
} from '../src/sla/calendar';
import { DESIGN_EXAMPLE_WEEK } from '../test/helpers/sla-fixtures';
import type { BenchRow } from './bench-table';

const SEED = 20260101;
const INPUTS_PER_CASE = 2000;
const PEER_INPUTS_PER_CASE = 150;
const CALL_TIMEOUT_MS = 1500;
const MAX_TIMEOUTS_PER_RUN = 5;
const OURS_MIN_MS = 400;
const WARM_UP_CALLS = 20;

type Peer = 'dayjs-business-time' | 'moment-business-time';
const PEERS: readonly Peer[] = ['dayjs-business-time', 'moment-business-time'];

interface Input {
  start: number;
  minutes: number;
}

interface BenchCase {
  name: string;
  calendar: CalendarInput;
  /** Whether the peers can express it (no overnight intervals, no 24:00, no 24x7). */
  peers: boolean;
}

interface PeerJob {
  peer: Peer;
  /** Untimed calls on the first inputs first, so the peer is measured JIT-warm like ours. */
  warmUp: boolean;
  week: WeekSchedule;
  holidays: readonly string[];
  inputs: readonly Input[];
  from: number;
  progress: SharedArrayBuffer;
  results: SharedArrayBuffer;
  durations: SharedArrayBuffer;
}

/** Deterministic PRNG (mulberry32) so every run benchmarks the same inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const weekdays = (intervals: [string, string][]): WeekSchedule => ({
  mon: intervals,
  tue: intervals,
  wed: intervals,
  thu: intervals,
  fri: intervals,
});

function benchCases(): BenchCase[] {
  const years: [number, number] = [2026, 2028];
  return [
    {
      name: 'Berlin, lunch break, DE holidays',
      peers: true,
      calendar: {
        timezone: 'Europe/Berlin',
        week: weekdays([
          ['09:00', '12:00'],
          ['13:00', '17:00'],
        ]),
        holidays: importHolidays({ country: 'DE', region: 'BY', years }),
      },
    },
    {
      name: 'New York, lunch break, US holidays',
      peers: true,
      calendar: {
        timezone: 'America/New_York',
        week: weekdays([
          ['08:30', '12:00'],
          ['12:30', '17:30'],
        ]),
        holidays: importHolidays({ country: 'US', years }),
      },
    },
    {
      name: 'Kolkata, Mon-Sat, IN holidays',
      peers: true,
      calendar: {
        timezone: 'Asia/Kolkata',
        week: {
          ...weekdays([
            ['09:30', '13:00'],
            ['14:00', '18:30'],
          ]),
          sat: [['10:00', '14:00']],
        },
        holidays: importHolidays({ country: 'IN', years }),
      },
    },
    {
      name: 'Lord Howe (30-min DST), NSW holidays',
      peers: true,
      calendar: {
        timezone: 'Australia/Lord_Howe',
        week: weekdays([['08:00', '16:00']]),
        holidays: importHolidays({ country: 'AU', region: 'NSW', years }),
      },
    },
    {
      name: "St John's (-03:30), NL holidays",
      peers: true,
      calendar: {
        timezone: 'America/St_Johns',
        week: weekdays([
          ['09:00', '12:30'],
          ['13:30', '17:00'],
        ]),
        holidays: importHolidays({ country: 'CA', region: 'NL', years }),
      },
    },
    {
      name: 'Berlin, design example (overnight, 24:00)',
      peers: false,
      calendar: {
        timezone: 'Europe/Berlin',
        week: DESIGN_EXAMPLE_WEEK,
        holidays: importHolidays({ country: 'DE', years }),
      },
    },
    {
      name: 'New York, 24x7 except US holidays',
      peers: false,
      calendar: { timezone: 'America/New_York', holidays: importHolidays({ country: 'US', years }) },
    },
  ];
}

/** Starts anywhere in 2026-2027 (whole minutes); targets log-uniform from 1 minute to two weeks of open time. */
function makeInputs(random: () => number, calendar: CalendarInput, count: number): Input[] {
  const from = Date.UTC(2026, 0, 1) / 60_000;
  const span = Date.UTC(2027, 11, 1) / 60_000 - from;
  const maxMinutes = 2 * compileCalendar(calendar).weeklyOpenMinutes;
  const inputs: Input[] = [];
  for (let i = 0; i < count; i++) {
    const start = (from + Math.floor(random() * span)) * 60_000;
    const minutes = Math.max(1, Math.round(Math.exp(random() * Math.log(maxMinutes))));
    inputs.push({ start, minutes });
  }
  return inputs;
}

/** Our deadlines per second over `inputs`, repeated for at least OURS_MIN_MS. */
function measureOurs(
  calendar: CalendarInput,
  inputs: readonly Input[],
): { perSecond: number; results: number[] } {
  const results = inputs.map((i) => addBusinessMinutes(calendar, new Date(i.start), i.minutes).getTime());
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < OURS_MIN_MS) {
    for (const i of inputs) sink += addBusinessMinutes(calendar, new Date(i.start), i.minutes).getTime();
    calls += inputs.length;
    elapsed = performance.now() - t0;
  }
  if (sink === 42) console.log('');
  return { perSecond: (calls / elapsed) * 1000, results };
}

/**
 * What any API taking and returning a Date pays per call on these inputs (two Date
 * objects and the loop), with no business-time work at all: the ceiling for our rate.
 */
function measureFloor(inputs: readonly Input[]): number {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < OURS_MIN_MS) {
    for (const i of inputs) sink += new Date(new Date(i.start).getTime() + i.minutes * 60_000).getTime();
    calls += inputs.length;
    elapsed = performance.now() - t0;
  }
  if (sink === 42) console.log('');
  return (calls / elapsed) * 1000;
}

function measureOursBetween(
  calendar: CalendarInput,
  inputs: readonly Input[],
  ends: readonly number[],
): number {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < OURS_MIN_MS) {
    for (let k = 0; k < inputs.length; k++) {
      sink += businessMinutesBetween(calendar, new Date(inputs[k].start), new Date(ends[k]));
    }
    calls += inputs.length;
    elapsed = performance.now() - t0;
  }
  if (sink === 42) console.log('');
  return (calls / elapsed) * 1000;
}

// ---------------------------------------------------------------- peers (worker side)

const PEER_DAY_NAMES = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
const OUR_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const seconds = (hhmm: string) => `${hhmm}:00`;

type PeerCall = (start: number, minutes: number) => number;

function setUpDayjs(job: PeerJob): PeerCall {
  // Required here, not imported, so the main thread never loads the peers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dayjs = require('dayjs') as typeof import('dayjs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const businessTime = require('dayjs-business-time') as typeof import('dayjs-business-time');
  dayjs.extend(businessTime);
  const hours = Object.fromEntries(
    PEER_DAY_NAMES.map((name, i) => {
      const intervals = job.week[OUR_DAYS[i]] ?? [];
      return [
        name,
        intervals.length ? intervals.map(([s, e]) => ({ start: seconds(s), end: seconds(e) })) : null,
      ];
    }),
  ) as unknown as import('dayjs').BusinessHoursMap;
  dayjs.setBusinessTime(hours);
  dayjs.setHolidays([...job.holidays]);
  return (start, minutes) => dayjs(start).addBusinessMinutes(minutes).valueOf();
}

interface MomentWithWorkingTime {
  (input: number): { addWorkingTime(n: number, unit: string): { valueOf(): number } };
  updateLocale(name: string, spec: object): void;
  locale(): string;
}

function setUpMoment(job: PeerJob): PeerCall {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const moment = require('moment-business-time') as MomentWithWorkingTime;
  const workinghours: Record<number, string[] | null> = {};
  OUR_DAYS.forEach((day, i) => {
    const intervals = job.week[day] ?? [];
    // moment numbers days from Sunday = 0.
    workinghours[(i + 1) % 7] = intervals.length
      ? intervals.flatMap(([s, e]) => [seconds(s), seconds(e)])
      : null;
  });
  moment.updateLocale(moment.locale(), { workinghours, holidays: [...job.holidays] });
  return (start, minutes) => moment(start).addWorkingTime(minutes, 'minutes').valueOf();
}

function runPeerWorker(job: PeerJob): void {
  const call = job.peer === 'dayjs-business-time' ? setUpDayjs(job) : setUpMoment(job);
  const progress = new Int32Array(job.progress);
  const results = new Float64Array(job.results);
  const durations = new Float64Array(job.durations);
  if (job.warmUp) {
    for (let i = 0; i < Math.min(WARM_UP_CALLS, job.inputs.length); i++) {
      Atomics.store(progress, 0, i);
      call(job.inputs[i].start, job.inputs[i].minutes);
    }
  }
  for (let i = job.from; i < job.inputs.length; i++) {
    Atomics.store(progress, 0, i);
    const t0 = performance.now();
    const result = call(job.inputs[i].start, job.inputs[i].minutes);
    durations[i] = performance.now() - t0;
    results[i] = result;
  }
  Atomics.store(progress, 0, job.inputs.length);
  parentPort?.postMessage('done');
}

// ---------------------------------------------------------------- peers (main side)

interface PeerRun {
  results: Float64Array;
  durations: Float64Array;
  timeouts: number;
  skipped: number;
}

/** Runs one peer over `inputs` in worker threads, restarting after each call that hangs. */
async function runPeer(peer: Peer, bench: BenchCase, inputs: readonly Input[]): Promise<PeerRun> {
  process.env.TZ = bench.calendar.timezone;
  const progressBuffer = new SharedArrayBuffer(4);
  const resultsBuffer = new SharedArrayBuffer(8 * inputs.length);
  const durationsBuffer = new SharedArrayBuffer(8 * inputs.length);
  const progress = new Int32Array(progressBuffer);
  const results = new Float64Array(resultsBuffer).fill(NaN);
  const durations = new Float64Array(durationsBuffer).fill(NaN);
  let from = 0;
  let timeouts = 0;
  while (from < inputs.length && timeouts < MAX_TIMEOUTS_PER_RUN) {
    const job: PeerJob = {
      peer,
      warmUp: from === 0,
      week: bench.calendar.week ?? {},
      holidays: bench.calendar.holidays ?? [],
      inputs,
      from,
      progress: progressBuffer,
      results: resultsBuffer,
      durations: durationsBuffer,
    };
    Atomics.store(progress, 0, from);
    const worker = new Worker(__filename, { workerData: job });
    const hungAt = await new Promise<number | undefined>((resolve, reject) => {
      let seen = -1;
      let since = performance.now();
      const timer = setInterval(() => {
        const now = Atomics.load(progress, 0);
        if (now !== seen) {
          seen = now;
          since = performance.now();
        } else if (performance.now() - since > CALL_TIMEOUT_MS) {
          clearInterval(timer);
          void worker.terminate().then(() => resolve(now));
        }
      }, 20);
      worker.once('message', () => {
        clearInterval(timer);
        void worker.terminate().then(() => resolve(undefined));
      });
      worker.once('error', (err) => {
        clearInterval(timer);
        reject(err);
      });
    });
    if (hungAt === undefined) break;
    timeouts++;
    from = hungAt + 1;
  }
  const skipped = timeouts >= MAX_TIMEOUTS_PER_RUN ? inputs.length - from : 0;
  return { results, durations, timeouts, skipped };
}

// ---------------------------------------------------------------- report

interface Bucket {
  label: string;
  holds: (minutes: number) => boolean;
}

/** Target sizes relative to the calendar's week: up to a day, up to a week, beyond. */
function targetBuckets(weeklyOpenMinutes: number): Bucket[] {
  const day = weeklyOpenMinutes / 5;
  return [
    { label: '<= 1 day', holds: (m) => m <= day },
    { label: '1 day - 1 week', holds: (m) => m > day && m <= weeklyOpenMinutes },
    { label: '> 1 week', holds: (m) => m > weeklyOpenMinutes },
  ];
}

const fmt = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(n >= 10 ? 0 : 1);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

interface Measured {
  oursRows: string[][];
  peerRows: string[][];
  mismatchExamples: string[];
  floor: number;
  /** The same numbers as `npm run bench` rows: ms per 1,000 deadlines. */
  rows: BenchRow[];
}

/** ms per 1,000 calls at `perSecond` calls per second. */
const perThousand = (perSecond: number): number => 1e6 / perSecond;

/**
 * For `npm run bench`: per calendar, ours against the floor, and against each peer on the inputs
 * both ran. The work does not depend on tickets, so the rows have no size. Restores TZ, which
 * the peer runs set for their workers.
 */
export async function run(): Promise<BenchRow[]> {
  const tz = process.env.TZ;
  try {
    return (await measure()).rows;
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`business-time bench: node ${process.version}, ${cpu} x${os.cpus().length}, seed ${SEED}`);
  console.log(
    `${INPUTS_PER_CASE} inputs per calendar for ours, the first ${PEER_INPUTS_PER_CASE} of them for the peers; ` +
      `peer call timeout ${CALL_TIMEOUT_MS} ms\n`,
  );
  const { oursRows, peerRows, mismatchExamples, floor } = await measure();
  console.log(`Floor (allocate the start Date and the result Date, nothing else): ${fmt(floor)}/s\n`);
  console.log('Ours (addBusinessMinutes / businessMinutesBetween, compiled calendar cached by object):');
  console.log(table(oursRows));
  console.log('\nSide by side on the same inputs (peer/s counts completed calls only):');
  console.log(table(peerRows));
  if (mismatchExamples.length) console.log(`\nSome mismatches:\n  ${mismatchExamples.join('\n  ')}`);
  console.log(`\nTotal bench time: ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);
}

async function measure(): Promise<Measured> {
  const random = prng(SEED);
  const rows: BenchRow[] = [];
  const oursPerCase: { name: string; perSecond: number }[] = [];
  const oursRows: string[][] = [['calendar', 'add/s (all inputs)', 'between/s', 'compile (ms)']];
  const peerRows: string[][] = [
    [
      'calendar',
      'peer',
      'targets',
      'ours/s',
      'peer/s',
      'ratio',
      'timeouts',
      'skipped',
      'mismatches',
      'max |diff| min',
    ],
  ];
  const mismatchExamples: string[] = [];
  for (const bench of benchCases()) {
    const compileStart = performance.now();
    compileCalendar({ ...bench.calendar });
    const compileMs = performance.now() - compileStart;
    const inputs = makeInputs(random, bench.calendar, INPUTS_PER_CASE);
    const all = measureOurs(bench.calendar, inputs);
    const between = measureOursBetween(bench.calendar, inputs, all.results);
    oursRows.push([bench.name, fmt(all.perSecond), fmt(between), compileMs.toFixed(1)]);
    oursPerCase.push({ name: bench.name, perSecond: all.perSecond });
    if (!bench.peers) continue;
    const peerInputs = inputs.slice(0, PEER_INPUTS_PER_CASE);
    const weekly = compileCalendar(bench.calendar).weeklyOpenMinutes;
    const buckets = targetBuckets(weekly);
    const oursAll = measureOurs(bench.calendar, peerInputs);
    const oursByBucket = buckets.map((b) =>
      measureOurs(
        bench.calendar,
        peerInputs.filter((i) => b.holds(i.minutes)),
      ),
    );
    for (const peer of PEERS) {
      const run = await runPeer(peer, bench, peerInputs);
      const report = (label: string, holds: (minutes: number) => boolean, oursPerSecond: number) => {
        let completed = 0;
        let spent = 0;
        let mismatches = 0;
        let maxDiff = 0;
        let inBucket = 0;
        peerInputs.forEach((input, i) => {
          if (!holds(input.minutes)) return;
          inBucket++;
          if (Number.isNaN(run.durations[i])) return;
          completed++;
          spent += run.durations[i];
          if (run.results[i] !== oursAll.results[i]) {
            mismatches++;
            maxDiff = Math.max(maxDiff, Math.abs(run.results[i] - oursAll.results[i]) / 60_000);
            if (label === 'all' && mismatchExamples.length < 12) {
              mismatchExamples.push(
                `${peer} on ${bench.name}: start ${new Date(input.start).toISOString()} + ${input.minutes} min -> ` +
                  `peer ${Number.isNaN(run.results[i]) ? 'NaN' : new Date(run.results[i]).toISOString()}, ` +
                  `ours ${new Date(oursAll.results[i]).toISOString()}`,
              );
            }
          }
        });
        const peerPerSecond = completed > 0 ? (completed / spent) * 1000 : 0;
        peerRows.push([
          label === 'all' ? bench.name : '',
          label === 'all' ? peer : '',
          `${label} (${inBucket})`,
          fmt(oursPerSecond),
          fmt(peerPerSecond),
          peerPerSecond > 0 ? `${fmt(oursPerSecond / peerPerSecond)}x` : 'n/a',
          label === 'all' ? String(run.timeouts) : '',
          label === 'all' ? String(run.skipped) : '',
          `${mismatches}/${completed}`,
          maxDiff.toFixed(2),
        ]);
        if (label === 'all' && peerPerSecond > 0) {
          rows.push({
            bench: 'business-time',
            work: `addBusinessMinutes, ${bench.name}, per 1,000 deadlines`,
            value: perThousand(oursPerSecond),
            baseline: `${peer}, same ${inBucket} inputs`,
            baselineValue: perThousand(peerPerSecond),
          });
        }
      };
      report('all', () => true, oursAll.perSecond);
      buckets.forEach((b, k) => report(b.label, b.holds, oursByBucket[k].perSecond));
    }
  }
  const floor = measureFloor(makeInputs(prng(SEED), { timezone: 'UTC' }, INPUTS_PER_CASE));
  rows.unshift(
    ...oursPerCase.map((c) => ({
      bench: 'business-time',
      work: `addBusinessMinutes, ${c.name}, per 1,000 deadlines`,
      value: perThousand(c.perSecond),
      baseline: 'floor: allocate the start and result Dates only',
      baselineValue: perThousand(floor),
    })),
  );
  return { oursRows, peerRows, mismatchExamples, floor, rows };
}

// A worker thread runs a peer; the main thread runs the bench when started as a script
// (`npm run bench:business-time`), not when `npm run bench` imports it for `run`.
if (!isMainThread) {
  runPeerWorker(workerData as PeerJob);
} else if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
