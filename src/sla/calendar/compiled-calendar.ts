import { validateCalendar, readDayIntervals, type Calendar, type CalendarInput } from './calendar-schema';
import { DAY_MINUTES, DAY_MS, MINUTE_MS, parseLocalDate, WEEKDAYS, weekdayOfDay } from './wall-time';
import { Timeline } from './timeline';
import { zoneOffsets, type ZoneOffsets } from './zone-offsets';

const EMPTY = new Float64Array(0);
const CYCLE_MS = 7 * DAY_MS;
const CYCLE_MINUTES = 7 * DAY_MINUTES;

/**
 * A calendar prepared for fast business-time arithmetic. Build it with
 * {@link compileCalendar}; treat it (and the JSON it came from) as immutable.
 *
 * The model: each local date has opening intervals in wall-clock ms after its midnight
 * (its weekday's own intervals plus the after-midnight part of the previous weekday's
 * overnight ones), nothing at all on a holiday. A date is *regular* when it is not a
 * holiday and the zone's offset is constant over its whole wall-clock range; a regular
 * date's intervals are its weekday pattern shifted by that offset, so runs of regular
 * dates are summed with multiplication. Only holidays and the few dates touched by an
 * offset change ("special" dates) are mapped through the zone one by one, and cached.
 * Queries go through {@link Timeline}, a lazily built table of runs and special dates
 * with running sums of open time.
 */
export class CompiledCalendar {
  /** The validated calendar this was compiled from. */
  readonly calendar: Calendar;
  /** Open ms in a week without holidays or offset changes. */
  readonly weekOpenMs: number;
  /** Open minutes in a week without holidays or offset changes. */
  readonly weeklyOpenMinutes: number;
  /** The zone's offset table (shared by every calendar in that zone). */
  readonly zone: ZoneOffsets;

  /** Per ISO weekday (0 = Monday): merged intervals, flat [start, end, ...] in ms after midnight. */
  private readonly patterns: readonly Float64Array[];
  /** Per ISO weekday: open ms of a regular date. */
  private readonly dayOpen: Float64Array;
  /** Open ms of regular dates in days [0, p) of the 7-day cycle that starts on day 0 (a Thursday). */
  private readonly cyclePrefix: Float64Array;
  /**
   * Minute tables of the 7-day cycle (opening times fall on whole minutes, so the state
   * is constant within each minute): open minutes before each minute of the cycle, and
   * the minute of the cycle of the k-th open minute. They make both directions O(1).
   */
  private readonly openMinutesBefore: Int32Array;
  private readonly nthOpenMinute: Int32Array;
  private readonly holidayDays: Float64Array;
  private readonly holidaySet: ReadonlySet<number>;
  private readonly specialCache = new Map<number, Float64Array>();
  private timelineCache: Timeline | undefined;

  /** Use {@link compileCalendar}, which validates and caches. */
  constructor(calendar: Calendar) {
    this.calendar = calendar;
    this.zone = zoneOffsets(calendar.timezone);
    this.patterns = buildPatterns(calendar);
    this.dayOpen = new Float64Array(this.patterns.map(openMs));
    this.weekOpenMs = this.dayOpen.reduce((a, b) => a + b, 0);
    this.weeklyOpenMinutes = this.weekOpenMs / MINUTE_MS;
    this.cyclePrefix = new Float64Array(8);
    for (let p = 0; p < 7; p++) this.cyclePrefix[p + 1] = this.cyclePrefix[p] + this.dayOpen[weekdayOfDay(p)];
    this.openMinutesBefore = new Int32Array(CYCLE_MINUTES + 1);
    this.nthOpenMinute = new Int32Array(this.weekOpenMs / MINUTE_MS);
    const open = new Uint8Array(CYCLE_MINUTES);
    for (let p = 0; p < 7; p++) {
      const pattern = this.patterns[weekdayOfDay(p)];
      for (let i = 0; i < pattern.length; i += 2) {
        open.fill(1, p * DAY_MINUTES + pattern[i] / MINUTE_MS, p * DAY_MINUTES + pattern[i + 1] / MINUTE_MS);
      }
    }
    for (let m = 0, n = 0; m < CYCLE_MINUTES; m++) {
      if (open[m]) this.nthOpenMinute[n++] = m;
      this.openMinutesBefore[m + 1] = n;
    }
    const days = calendar.holidays.map((h) => parseLocalDate(h) as number);
    this.holidayDays = new Float64Array(days);
    this.holidaySet = new Set(days);
  }

  /** The cumulative open-time table (built lazily, extended as queries need). */
  get timeline(): Timeline {
    this.timelineCache ??= new Timeline(this);
    return this.timelineCache;
  }

  /** Wall-clock pattern of a regular date: flat [start, end, ...] ms after local midnight. */
  patternOf(day: number): Float64Array {
    return this.patterns[weekdayOfDay(day)];
  }

  /** Open ms of regular dates in [from, to) as if none were special; arithmetic only. */
  nominalBetween(from: number, to: number): number {
    return this.cumulative(to) - this.cumulative(from);
  }

  /**
   * Open ms of dates [0, day) as if all were regular (negative before day 0): the
   * "regular clock" that runs of regular dates are measured on.
   */
  cumulative(day: number): number {
    const cycles = Math.floor(day / 7);
    return cycles * this.weekOpenMs + this.cyclePrefix[day - cycles * 7];
  }

  /**
   * The regular clock's reading at wall-clock instant `wall` (local epoch ms): open ms
   * from day 0 to `wall` as if every date were regular. Division plus a binary search.
   */
  regularClockAt(wall: number): number {
    const cycles = Math.floor(wall / CYCLE_MS);
    const within = wall - cycles * CYCLE_MS;
    // 0 <= within < one cycle, so truncation is the floor and keeps the index a small integer.
    const minute = (within / MINUTE_MS) | 0;
    const before = this.openMinutesBefore[minute];
    // The minute is open exactly when the count goes up across it.
    const openNow = this.openMinutesBefore[minute + 1] - before;
    return cycles * this.weekOpenMs + before * MINUTE_MS + openNow * (within - minute * MINUTE_MS);
  }

  /**
   * The first wall-clock instant (local epoch ms) at which the regular clock reads
   * `target` (> 0): whole cycles by division, then the minute table. Reading exactly a
   * closing time yields that closing time.
   */
  regularWallTime(target: number): number {
    const cycles = Math.ceil(target / this.weekOpenMs) - 1;
    const rem = target - cycles * this.weekOpenMs;
    // rem is in (0, week]: it ends inside the k-th open minute of the cycle, k = ceil(rem / 1 min).
    const k = Math.ceil(rem / MINUTE_MS);
    return cycles * CYCLE_MS + this.nthOpenMinute[k - 1] * MINUTE_MS + (rem - (k - 1) * MINUTE_MS);
  }

  /**
   * The first special date at or after `day`, or a later date before which there is none
   * (a look-ahead horizon; callers check {@link isSpecial} and ask again from there).
   */
  nextSpecial(day: number): number {
    const irregular = this.zone.nextIrregularDay(day);
    const holiday = this.nextHoliday(day);
    return holiday < irregular ? holiday : irregular;
  }

  /** Whether `day` is a holiday or touched by an offset change. */
  isSpecial(day: number): boolean {
    return this.holidaySet.has(day) || this.zone.isIrregularDay(day);
  }

  /** Opening intervals of a special date as instants: flat [start, end, ...] UTC ms. */
  specialIntervals(day: number): Float64Array {
    let cached = this.specialCache.get(day);
    if (!cached) {
      cached = this.holidaySet.has(day) ? EMPTY : this.mapThroughZone(day);
      this.specialCache.set(day, cached);
    }
    return cached;
  }

  /** UTC ms minus local wall-clock ms for every instant of regular date `day`. */
  regularShift(day: number): number {
    const midnight = day * DAY_MS;
    return this.zone.toUtc(midnight) - midnight;
  }

  /**
   * The local date whose [00:00, 24:00) wall-clock range, mapped to instants, contains `t`.
   * Consecutive dates tile the time line, so every instant has exactly one.
   */
  dayOf(t: number): number {
    let day = Math.floor((t + this.zone.offsetAt(t)) / DAY_MS);
    while (this.zone.toUtc(day * DAY_MS) > t) day--;
    while (this.zone.toUtc((day + 1) * DAY_MS) <= t) day++;
    return day;
  }

  private nextHoliday(day: number): number {
    const list = this.holidayDays;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid] < day) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo] : Infinity;
  }

  private mapThroughZone(day: number): Float64Array {
    const midnight = day * DAY_MS;
    const pattern = this.patternOf(day);
    const out: number[] = [];
    for (let i = 0; i < pattern.length; i += 2) {
      const start = this.zone.toUtc(midnight + pattern[i]);
      const end = this.zone.toUtc(midnight + pattern[i + 1]);
      // An interval wholly inside a spring-forward gap has no real time at all.
      if (end > start) out.push(start, end);
    }
    return new Float64Array(out);
  }
}

function openMs(pattern: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < pattern.length; i += 2) sum += pattern[i + 1] - pattern[i];
  return sum;
}

/** Per ISO weekday, the union of its own intervals and the previous weekday's spill. */
function buildPatterns(calendar: Calendar): Float64Array[] {
  const { week } = calendar;
  if (!week) return WEEKDAYS.map(() => new Float64Array([0, DAY_MS]));
  const perDay: [number, number][][] = WEEKDAYS.map(() => []);
  WEEKDAYS.forEach((name, i) => {
    for (const own of readDayIntervals(name, week[name] ?? [])) {
      perDay[i].push([own.start, own.end]);
      if (own.spill > 0) perDay[(i + 1) % 7].push([0, own.spill]);
    }
  });
  return perDay.map((intervals) => {
    intervals.sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [start, end] of intervals) {
      const last = merged.length - 1;
      // Touching or overlapping (an overnight spill meeting the day's own hours): one interval.
      if (last > 0 && start <= merged[last]) merged[last] = Math.max(merged[last], end);
      else merged.push(start, end);
    }
    return new Float64Array(merged.map((m) => m * MINUTE_MS));
  });
}

const compiledByInput = new WeakMap<object, CompiledCalendar>();

/**
 * Validates and precomputes a calendar. A compiled calendar is returned as is; a raw
 * calendar object is compiled once and remembered (WeakMap keyed by the object), so
 * calling the business-time functions again with the same object costs nothing extra.
 * Do not mutate a calendar object after using it: pass a new object instead.
 *
 * @throws {CalendarError} when the calendar is invalid (see {@link validateCalendar}).
 */
export function compileCalendar(input: CalendarInput | CompiledCalendar): CompiledCalendar {
  if (input instanceof CompiledCalendar) return input;
  if (typeof input !== 'object' || input === null) return new CompiledCalendar(validateCalendar(input));
  let compiled = compiledByInput.get(input);
  if (!compiled) {
    compiled = new CompiledCalendar(validateCalendar(input));
    compiledByInput.set(input, compiled);
  }
  return compiled;
}
