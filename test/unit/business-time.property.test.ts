import fc from 'fast-check';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  compileCalendar,
  type CalendarInput,
  type TimeInterval,
  type WeekSchedule,
} from '../../src/sla/calendar';
import { referenceAdd, referenceBetween } from './reference-business-time';

const SEED = 42;

// Zones with the awkward cases: 30-minute DST, half-hour offsets, DST at midnight, none.
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/St_Johns',
  'America/Santiago',
  'America/Havana',
  'Pacific/Chatham',
  'UTC',
];

// UTC instants near DST changes in 2026/2027 (EU, US, AU, Chile, Cuba), plus new year
// and the 2028 leap day, so that random starts often land next to them.
const HOT_SPOTS = [
  '2026-03-08T07:00:00Z',
  '2026-03-29T01:00:00Z',
  '2026-04-05T03:00:00Z',
  '2026-09-06T04:00:00Z',
  '2026-10-04T16:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-12-31T23:00:00Z',
  '2027-03-14T07:00:00Z',
  '2027-10-31T01:00:00Z',
  '2028-02-29T12:00:00Z',
].map((s) => Date.parse(s));

const DAY = 86_400_000;
const RANGE_START = Date.parse('2026-01-01T00:00:00Z');
const RANGE_END = Date.parse('2028-12-31T00:00:00Z');

const hhmm = (m: number) =>
  m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A weekday: up to 3 non-overlapping same-day intervals, sometimes a last overnight one. */
const dayArb: fc.Arbitrary<TimeInterval[]> = fc
  .record({
    points: fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 6 }),
    overnight: fc.option(fc.integer({ min: 1, max: 96 }), { nil: undefined }),
    odd: fc.integer({ min: 0, max: 14 }),
  })
  .map(({ points, overnight, odd }) => {
    // Quarter-hour grid, nudged by a few minutes so boundaries are not all "round".
    const sorted = points.map((p) => Math.min(1440, p * 15 + (p % 3 === 0 ? odd : 0))).sort((a, b) => a - b);
    const out: TimeInterval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      if (sorted[i + 1] > sorted[i] && sorted[i] < 1440) out.push([hhmm(sorted[i]), hhmm(sorted[i + 1])]);
    }
    const lastEnd = out.length
      ? Number(out[out.length - 1][1].slice(0, 2)) * 60 + Number(out[out.length - 1][1].slice(3))
      : 0;
    if (overnight !== undefined && lastEnd < 1380) {
      const start = Math.max(lastEnd, 1440 - overnight * 5);
      if (start < 1440) out.push([hhmm(start), hhmm((overnight * 10) % 1440)]);
    }
    return out;
  });

const weekArb: fc.Arbitrary<WeekSchedule> = fc.record(
  { mon: dayArb, tue: dayArb, wed: dayArb, thu: dayArb, fri: dayArb, sat: dayArb, sun: dayArb },
  { requiredKeys: [] },
);

const instantArb = fc.oneof(
  fc.integer({ min: RANGE_START, max: RANGE_END }),
  fc
    .record({ spot: fc.constantFrom(...HOT_SPOTS), delta: fc.integer({ min: -3 * DAY, max: 3 * DAY }) })
    .map(({ spot, delta }) => spot + delta),
);

/** Holidays scattered around the hot spots and across the range. */
const holidaysArb = fc
  .array(fc.oneof(instantArb, fc.constantFrom(...HOT_SPOTS)), { maxLength: 12 })
  .map((ts) => [...new Set(ts.map((t) => new Date(t).toISOString().slice(0, 10)))]);

const calendarArb: fc.Arbitrary<CalendarInput> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    week: fc.option(weekArb, { nil: undefined, freq: 8 }),
    holidays: holidaysArb,
  })
  .map(({ timezone, week, holidays }) => (week ? { timezone, week, holidays } : { timezone, holidays }))
  .filter((c) => compileCalendar(c).weeklyOpenMinutes >= 30);

/** Minutes with millisecond granularity (the precision of the results). */
const minutesArb = (maxMinutes: number) =>
  fc.integer({ min: 0, max: maxMinutes * 60_000 }).map((ms) => ms / 60_000);

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6;

describe('business time properties (fast-check, seed 42)', () => {
  it('between(s, add(s, m)) = m for any start', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, minutesArb(40_000), (cal, s, m) => {
        const start = new Date(s);
        const end = addBusinessMinutes(cal, start, m);
        expect(close(businessMinutesBetween(cal, start, end), m)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('add is monotonic in minutes, and the result of 0 minutes is never before the start', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, minutesArb(20_000), minutesArb(20_000), (cal, s, m1, m2) => {
        const start = new Date(s);
        const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
        const a = addBusinessMinutes(cal, start, lo).getTime();
        const b = addBusinessMinutes(cal, start, hi).getTime();
        expect(a).toBeLessThanOrEqual(b);
        expect(addBusinessMinutes(cal, start, 0).getTime()).toBeGreaterThanOrEqual(s);
        if (hi > lo) expect(a).toBeLessThan(b);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('between is antisymmetric and additive', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, instantArb, (cal, x, y, z) => {
        const [a, b, c] = [new Date(x), new Date(y), new Date(z)];
        const ab = businessMinutesBetween(cal, a, b);
        expect(close(ab, -businessMinutesBetween(cal, b, a))).toBe(true);
        expect(close(ab + businessMinutesBetween(cal, b, c), businessMinutesBetween(cal, a, c))).toBe(true);
        expect(businessMinutesBetween(cal, a, a)).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('add(add(s, m1), m2) = add(s, m1 + m2) when m1 > 0', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, minutesArb(10_000), minutesArb(10_000), (cal, s, m1, m2) => {
        fc.pre(m1 > 0);
        const start = new Date(s);
        const stepwise = addBusinessMinutes(cal, addBusinessMinutes(cal, start, m1), m2);
        expect(stepwise.getTime()).toBe(addBusinessMinutes(cal, start, m1 + m2).getTime());
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a target of exactly the open time up to x lands on or before x (closing times stay closing times)', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 120 * DAY }), (cal, s, delta) => {
        const start = new Date(s);
        const x = new Date(s + delta);
        const m = businessMinutesBetween(cal, start, x);
        // (0 minutes means "the next opening", which may well be after x.)
        fc.pre(m > 0);
        const r = addBusinessMinutes(cal, start, m);
        expect(r.getTime()).toBeLessThanOrEqual(x.getTime());
        expect(businessMinutesBetween(cal, r, x)).toBe(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('targets of whole weeks of open time land on a closing time, like the reference', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 1, max: 3 }), (cal, s, weeks) => {
        const start = new Date(s);
        const m = weeks * compileCalendar(cal).weeklyOpenMinutes;
        expect(addBusinessMinutes(cal, start, m).toISOString()).toBe(
          referenceAdd(cal, start, m).toISOString(),
        );
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('matches the slow reference implementation (add)', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 1_000_000 }), (cal, s, frac) => {
        // Up to ~3 weeks of this calendar's open time keeps the reference quick.
        const weekly = compileCalendar(cal).weeklyOpenMinutes;
        const m = Math.round((frac / 1_000_000) * Math.min(3 * weekly, 20_000) * 60_000) / 60_000;
        const start = new Date(s);
        expect(addBusinessMinutes(cal, start, m).toISOString()).toBe(
          referenceAdd(cal, start, m).toISOString(),
        );
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('matches the slow reference implementation (between)', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: -30 * DAY, max: 30 * DAY }), (cal, s, delta) => {
        const a = new Date(s);
        const b = new Date(s + delta);
        expect(close(businessMinutesBetween(cal, a, b), referenceBetween(cal, a, b))).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
