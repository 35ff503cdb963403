import { compileCalendar } from './compiled-calendar';
import type { CalendarLike } from './business-time';
import { civilFromDays, parseLocalDate } from './wall-time';

/** A closed stretch longer than this many days is refused: a policy's clocks could never fall due. */
export const MAX_CLOSED_DAYS = 366;

/** Why a calendar cannot serve a policy, with the field to fix. */
export interface NeverOpen {
  field: 'week' | 'holidays';
  message: string;
}

/**
 * Whether a calendar practically never opens: no opening hours in its week, or holidays (with
 * the weekdays that have no hours) closing it for more than {@link MAX_CLOSED_DAYS} days in a
 * row. Either way a clock on it would wait for a due time that never comes. Null when it opens.
 *
 * Cost: one step per holiday plus a week around each closed run.
 */
export function neverOpens(calendar: CalendarLike): NeverOpen | null {
  const cal = compileCalendar(calendar);
  if (cal.weekOpenMs === 0) {
    return { field: 'week', message: 'no opening hours on any weekday: the calendar never opens' };
  }
  const holidays = new Set(cal.calendar.holidays.map((h) => parseLocalDate(h) as number));
  // An overnight shift's morning part counts for the date it falls on (patternOf includes it).
  const closed = (day: number): boolean => holidays.has(day) || cal.patternOf(day).length === 0;
  let longest = { from: 0, days: 0 };
  for (const holiday of holidays) {
    // Back over closed weekdays (at most six, the week opens somewhere) to where the run starts;
    // a run with an earlier holiday in it is measured from that one.
    let start = holiday;
    while (closed(start - 1) && !holidays.has(start - 1)) start--;
    if (holidays.has(start - 1)) continue;
    let end = holiday;
    while (closed(end)) end++;
    if (end - start > longest.days) longest = { from: start, days: end - start };
  }
  if (longest.days <= MAX_CLOSED_DAYS) return null;
  return {
    field: 'holidays',
    message:
      `closed for ${longest.days} days in a row from ${civilFromDays(longest.from)}: ` +
      `a calendar must open at least once in every ${MAX_CLOSED_DAYS} days`,
  };
}
