import { compileCalendar, type CompiledCalendar } from './compiled-calendar';
import type { CalendarInput } from './calendar-schema';
import { MINUTE_MS } from './wall-time';

/** What the business-time functions accept: calendar JSON or a {@link compileCalendar} result. */
export type CalendarLike = CalendarInput | CompiledCalendar;

// The ECMAScript time range; nothing is computed beyond it.
const MAX_TIME = 8.64e15;

function checkInstant(name: string, value: Date): number {
  const t = value instanceof Date ? value.getTime() : NaN;
  if (t !== t) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

/**
 * The instant at which `minutes` of open time have passed since `start`.
 *
 * - A start outside open time counts from the next opening; `minutes = 0` returns that
 *   opening (or `start` itself when open).
 * - A result that lands exactly on a closing time is that closing instant, not the next
 *   opening.
 * - Fractional minutes are allowed; the amount is rounded to the millisecond (the
 *   precision of `Date`).
 * - Exact across DST changes: an interval is open for the real time elapsed between its
 *   two wall-clock readings; a wall time skipped by a spring-forward gap means the end of
 *   the gap, an ambiguous one on a fall-back night its first occurrence.
 *
 * Cost: two binary searches in a cached table of runs between holidays and DST changes,
 * plus at most a week of interval walking; whole weeks are skipped by division.
 *
 * @throws {RangeError} when `minutes` is negative or not finite (going backwards is not
 *   supported), when the calendar is never open, or when the result would be outside the
 *   range of `Date`.
 * @throws {CalendarError} when the calendar is invalid.
 */
export function addBusinessMinutes(calendar: CalendarLike, start: Date, minutes: number): Date {
  const cal = compileCalendar(calendar);
  const t0 = checkInstant('start', start);
  if (typeof minutes !== 'number' || !(minutes >= 0) || minutes === Infinity) {
    throw new RangeError(`minutes must be a finite number >= 0, got ${String(minutes)}`);
  }
  if (cal.weekOpenMs === 0) throw new RangeError('the calendar is never open');
  const ms = Math.round(minutes * MINUTE_MS);
  // Open time never passes faster than real time, so this bounds the answer from below.
  if (t0 + ms > MAX_TIME) throw new RangeError('the result is beyond the range of Date');
  const timeline = cal.timeline;
  const index = timeline.locate(t0);
  if (ms === 0) return new Date(timeline.nextOpening(index, t0));
  return new Date(timeline.instantFor(index, timeline.cumulativeAt(index, t0) + ms));
}

/**
 * Open minutes between two instants (fractional, millisecond precision); negative when
 * `b` is before `a`. Exact across DST changes (see {@link addBusinessMinutes}).
 *
 * Cost: two binary searches in a cached table of runs between holidays and DST changes.
 *
 * @throws {CalendarError} when the calendar is invalid.
 * @throws {RangeError} when `a` or `b` is not a valid Date.
 */
export function businessMinutesBetween(calendar: CalendarLike, a: Date, b: Date): number {
  const cal = compileCalendar(calendar);
  const ta = checkInstant('a', a);
  const tb = checkInstant('b', b);
  const timeline = cal.timeline;
  // Cover both ends first so that locating the second cannot reshape the table.
  if (ta <= tb) timeline.cover(ta, tb);
  else timeline.cover(tb, ta);
  const ia = timeline.locate(ta);
  const ib = timeline.locate(tb);
  return (timeline.cumulativeAt(ib, tb) - timeline.cumulativeAt(ia, ta)) / MINUTE_MS;
}
