import { IANAZone } from 'luxon';
import { z } from 'zod';
import { CalendarError } from './calendar-error';
import { DAY_MINUTES, parseLocalDate, parseWallTime, WEEKDAYS, type Weekday } from './wall-time';

/** One opening interval as written in the JSON: `["09:00", "17:00"]`, local wall-clock times. */
export type TimeInterval = readonly [start: string, end: string];

/** Opening intervals per weekday; a missing weekday is closed all day. */
export type WeekSchedule = Partial<Record<Weekday, readonly TimeInterval[]>>;

/**
 * A business calendar as stored and exchanged (plain JSON).
 *
 * - `timezone`: IANA zone the wall-clock times and holiday dates are read in.
 * - `week`: opening intervals per weekday. Omitted = open around the clock (holidays still
 *   close their dates). Present but empty (`{}`) = never open.
 * - `holidays`: local dates (`YYYY-MM-DD`) that are closed all day.
 */
export interface CalendarInput {
  timezone: string;
  week?: WeekSchedule;
  holidays?: readonly string[];
}

/** A validated calendar: same shape as the input, holidays sorted and de-duplicated. */
export interface Calendar {
  readonly timezone: string;
  readonly week?: WeekSchedule;
  readonly holidays: readonly string[];
}

const intervalSchema = z.tuple([z.string(), z.string()]);
const daySchema = z.array(intervalSchema);
const weekSchema = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, daySchema.optional()])) as Record<
    Weekday,
    z.ZodOptional<typeof daySchema>
  >,
);
const calendarSchema = z.strictObject({
  timezone: z.string(),
  week: weekSchema.optional(),
  holidays: z.array(z.string()).optional(),
});

/** Formats a zod-style path as `week.mon[1][0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(calendar)' : out;
}

/** A day's own interval in minutes after its midnight; `end` is clipped to 1440 for overnight ones. */
export interface OwnInterval {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  /** Minutes after the next midnight at which an overnight interval closes (0 when none). */
  readonly spill: number;
}

/**
 * Reads a weekday's intervals into minutes, checking the time format and overlaps.
 * Overnight intervals (end not after start) keep their evening part on this day and
 * report the morning part as `spill` for the next day.
 */
export function readDayIntervals(day: Weekday, intervals: readonly TimeInterval[]): OwnInterval[] {
  const own: OwnInterval[] = intervals.map(([startText, endText], index) => {
    const start = parseWallTime(startText);
    if (start === undefined || start === DAY_MINUTES) {
      throw new CalendarError(
        `week.${day}[${index}][0]`,
        `start time must be HH:MM between 00:00 and 23:59, got ${JSON.stringify(startText)}`,
      );
    }
    const end = parseWallTime(endText);
    if (end === undefined) {
      throw new CalendarError(
        `week.${day}[${index}][1]`,
        `end time must be HH:MM between 00:00 and 24:00, got ${JSON.stringify(endText)}`,
      );
    }
    // "An interval whose end is not after its start runs past midnight into the next day."
    return end > start ? { index, start, end, spill: 0 } : { index, start, end: DAY_MINUTES, spill: end };
  });
  const sorted = [...own].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    // Touching intervals (12:00 end, 12:00 start) are fine; sharing any minute is a typo.
    if (cur.start < prev.end) {
      const later = cur.index > prev.index ? cur : prev;
      const earlier = later === cur ? prev : cur;
      throw new CalendarError(
        `week.${day}[${later.index}]`,
        `interval ${intervals[later.index].join('-')} overlaps week.${day}[${earlier.index}] (${intervals[earlier.index].join('-')})`,
      );
    }
  }
  return own;
}

/**
 * Validates a calendar and returns it normalised (holidays sorted, unique).
 *
 * @throws {CalendarError} naming the first offending field: unknown keys or weekdays,
 *   an unknown IANA zone, a time that is not `HH:MM` in 00:00..24:00 (`24:00` only as
 *   an end), overlapping intervals within one weekday, or a holiday that is not an
 *   existing `YYYY-MM-DD` date. An overnight interval's after-midnight part may overlap
 *   the next weekday's intervals; the two are merged (so "Thu 22:00-06:00, Fri
 *   00:00-24:00" is valid).
 */
export function validateCalendar(input: unknown): Calendar {
  const parsed = calendarSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      throw new CalendarError(
        formatPath([...issue.path, issue.keys[0]]),
        issue.path.length === 1 && issue.path[0] === 'week'
          ? `unknown weekday (use ${WEEKDAYS.join(', ')})`
          : 'unknown key',
      );
    }
    throw new CalendarError(formatPath(issue.path), issue.message);
  }
  const { timezone, week, holidays = [] } = parsed.data;
  if (!IANAZone.isValidZone(timezone)) {
    throw new CalendarError('timezone', `unknown IANA time zone ${JSON.stringify(timezone)}`);
  }
  if (week) {
    for (const day of WEEKDAYS) {
      const intervals = week[day];
      if (intervals) readDayIntervals(day, intervals);
    }
  }
  holidays.forEach((date, i) => {
    if (parseLocalDate(date) === undefined) {
      throw new CalendarError(
        `holidays[${i}]`,
        `expected an existing date YYYY-MM-DD, got ${JSON.stringify(date)}`,
      );
    }
  });
  const result: Calendar = { timezone, holidays: [...new Set(holidays)].sort() };
  return week ? { ...result, week } : result;
}
