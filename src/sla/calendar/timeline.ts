import type { CompiledCalendar } from './compiled-calendar';
import { DAY_MS } from './wall-time';

/**
 * A stretch of the time line: either a run of regular dates sharing one offset, or a
 * single special date (holiday or offset change) with its own instants.
 */
interface Segment {
  /** Local dates [dayFrom, dayTo). */
  dayFrom: number;
  dayTo: number;
  /** Instants [startUtc, endUtc) covered. Consecutive segments tile the time line. */
  startUtc: number;
  endUtc: number;
  /** UTC ms minus wall-clock ms on a regular run; NaN on a special date. */
  shift: number;
  /** A special date's opening intervals as instants (flat [start, end, ...]); unused on a run. */
  intervals: Float64Array;
  /** Open ms in the segment. */
  open: number;
  /** Open ms from the timeline's (arbitrary) origin up to startUtc. */
  cumStart: number;
  /** On a run: cumulative value minus the calendar's regular clock, constant along the run. */
  clockBase: number;
}

// Dates added per extension; a year of a typical calendar is ~30 segments.
const CHUNK_DAYS = 256;
// A query this far outside the covered dates starts a fresh timeline instead of filling the gap.
const MAX_GAP_DAYS = 3 * 366;
// Past the ECMAScript time range (8.64e15 ms) there is nothing to compute.
const LAST_DAY = 100_000_002;

/**
 * Walks one date's intervals (`shift` turns them into instants) from instant `from`,
 * spending `rem` ms of open time. Returns the instant where it runs out, or NaN when the
 * date has too little. `rem = 0` yields the next opening.
 */
function walk(intervals: Float64Array, shift: number, from: number, rem: number): number {
  for (let i = 0; i < intervals.length; i += 2) {
    const end = intervals[i + 1] + shift;
    if (end <= from) continue;
    const start = intervals[i] + shift;
    const begin = start > from ? start : from;
    const available = end - begin;
    // `<=`: running out exactly at a closing time yields that closing instant.
    if (rem <= available) return begin + rem;
    rem -= available;
  }
  return NaN;
}

/** Open ms of a special date's intervals (instants) before instant `to`. */
function openBefore(intervals: Float64Array, to: number): number {
  let sum = 0;
  for (let i = 0; i < intervals.length; i += 2) {
    const start = intervals[i];
    if (start >= to) break;
    const end = intervals[i + 1];
    sum += (end < to ? end : to) - start;
  }
  return sum;
}

/**
 * The cumulative open time of a calendar, as a lazily extended table of segments with
 * running sums. It turns both business-time questions into look-ups:
 * `between(a, b) = F(b) - F(a)` and `add(t, m) = min { x >= t : F(x) >= F(t) + m }`,
 * where F(x) is the open time from an origin to x. Inside a run of regular dates F is
 * the calendar's "regular clock" (whole weeks by division, then a minute table), so each
 * question costs two binary searches over the segments plus constant-time arithmetic.
 */
export class Timeline {
  private segments: Segment[] = [];

  constructor(private readonly cal: CompiledCalendar) {}

  /** Index of the segment containing instant `t`, extending the table as needed. */
  locate(t: number): number {
    this.cover(t);
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (segs[mid].startUtc <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Open ms from the origin up to instant `t`, which must lie in segment `index`. */
  cumulativeAt(index: number, t: number): number {
    const seg = this.segments[index];
    if (seg.shift !== seg.shift) return seg.cumStart + openBefore(seg.intervals, t);
    return seg.clockBase + this.cal.regularClockAt(t - seg.shift);
  }

  /**
   * The first instant at which the cumulative open time reaches `target`, searching from
   * segment `from` onwards (target must exceed the cumulative value at `from`'s start).
   * A target reached exactly at a closing time yields that closing time.
   */
  instantFor(from: number, target: number): number {
    const seg = this.segments[this.segmentReaching(from, target)];
    if (seg.shift !== seg.shift) return walk(seg.intervals, 0, -Infinity, target - seg.cumStart);
    return this.cal.regularWallTime(target - seg.clockBase) + seg.shift;
  }

  /** The first open instant at or after `t` (in segment `index`); the calendar must open sometime. */
  nextOpening(index: number, t: number): number {
    const cal = this.cal;
    for (let i = index; ; i++) {
      if (i === this.segments.length) this.extendForward();
      const seg = this.segments[i];
      if (seg.open === 0) continue;
      if (seg.shift !== seg.shift) {
        const at = walk(seg.intervals, 0, t, 0);
        if (at === at) return at;
        continue;
      }
      for (let day = t > seg.startUtc ? this.dayInRun(seg, t) : seg.dayFrom; day < seg.dayTo; day++) {
        const at = walk(cal.patternOf(day), day * DAY_MS + seg.shift, t, 0);
        if (at === at) return at;
      }
    }
  }

  /** Makes sure instants `from`..`to` are covered, so that locating them does not move the table. */
  cover(from: number, to = from): void {
    const segs = this.segments;
    if (segs.length > 0 && from >= segs[0].startUtc && to < segs[segs.length - 1].endUtc) return;
    const cal = this.cal;
    const firstDay = cal.dayOf(from);
    if (
      segs.length === 0 ||
      firstDay < segs[0].dayFrom - MAX_GAP_DAYS ||
      firstDay > segs[segs.length - 1].dayTo + MAX_GAP_DAYS
    ) {
      this.segments = this.build(firstDay, firstDay + 1, 0);
    }
    while (from < this.segments[0].startUtc) this.extendBackward();
    while (to >= this.segments[this.segments.length - 1].endUtc) this.extendForward();
  }

  /** First segment index >= from whose end reaches `target` open ms. */
  private segmentReaching(from: number, target: number): number {
    let segs = this.segments;
    // Most targets end in the segment they start in.
    if (segs[from].cumStart + segs[from].open >= target) return from;
    while (segs[segs.length - 1].cumStart + segs[segs.length - 1].open < target) {
      this.extendForward();
      segs = this.segments;
    }
    let lo = from;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (segs[mid].cumStart + segs[mid].open >= target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private dayInRun(seg: Segment, t: number): number {
    const day = Math.floor((t - seg.shift) / DAY_MS);
    return day < seg.dayFrom ? seg.dayFrom : day >= seg.dayTo ? seg.dayTo - 1 : day;
  }

  // Chunks are appended as they are, never joined to a run already in the table: callers
  // may be part-way through the table and must not see a segment they passed change.
  private extendForward(): void {
    const segs = this.segments;
    const last = segs[segs.length - 1];
    if (last.dayTo > LAST_DAY) throw new RangeError('the result is beyond the range of Date');
    for (const seg of this.build(last.dayTo, last.dayTo + CHUNK_DAYS, last.cumStart + last.open))
      segs.push(seg);
  }

  private extendBackward(): void {
    const first = this.segments[0];
    const added = this.build(first.dayFrom - CHUNK_DAYS, first.dayFrom, 0);
    const total = added.reduce((sum, s) => sum + s.open, 0);
    // Keep the origin where it is: the new segments get cumulative values below first's.
    for (const seg of added) {
      seg.cumStart += first.cumStart - total;
      seg.clockBase += first.cumStart - total;
    }
    this.segments = added.concat(this.segments);
  }

  /** Segments for local dates [fromDay, toDay), cumulative values starting at `cumStart`. */
  private build(fromDay: number, toDay: number, cumStart: number): Segment[] {
    const cal = this.cal;
    const out: Segment[] = [];
    let cum = cumStart;
    for (let day = fromDay; day < toDay;) {
      let seg: Segment;
      if (cal.isSpecial(day)) {
        const intervals = cal.specialIntervals(day);
        let open = 0;
        for (let i = 0; i < intervals.length; i += 2) open += intervals[i + 1] - intervals[i];
        seg = {
          dayFrom: day,
          dayTo: day + 1,
          startUtc: cal.zone.toUtc(day * DAY_MS),
          endUtc: cal.zone.toUtc((day + 1) * DAY_MS),
          shift: NaN,
          intervals,
          open,
          cumStart: cum,
          clockBase: NaN,
        };
        day++;
      } else {
        const next = Math.min(cal.nextSpecial(day), toDay);
        const shift = cal.regularShift(day);
        seg = {
          dayFrom: day,
          dayTo: next,
          startUtc: day * DAY_MS + shift,
          endUtc: next * DAY_MS + shift,
          shift,
          intervals: EMPTY,
          open: cal.nominalBetween(day, next),
          cumStart: cum,
          clockBase: cum - cal.cumulative(day),
        };
        day = next;
      }
      // A look-ahead horizon can split a run in two; one segment is enough.
      const prev = out[out.length - 1];
      if (prev && prev.shift === seg.shift && prev.dayTo === seg.dayFrom) {
        prev.dayTo = seg.dayTo;
        prev.endUtc = seg.endUtc;
        prev.open += seg.open;
      } else {
        out.push(seg);
      }
      cum += seg.open;
    }
    return out;
  }
}

const EMPTY = new Float64Array(0);
