/**
 * Pure arithmetic on local (wall-clock) dates and times. Local dates are numbered like
 * UTC days since 1970-01-01 so that "day N, minute M" maps to a local epoch value
 * without any time-zone library on the hot path.
 */

/** Milliseconds in a (wall-clock) day. */
export const DAY_MS = 86_400_000;
/** Milliseconds in a minute. */
export const MINUTE_MS = 60_000;
/** Minutes in a (wall-clock) day. */
export const DAY_MINUTES = 1440;

/** Weekday keys in ISO order (Monday first); the index is the ISO weekday minus one. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TIME_RE = /^(\d\d):(\d\d)$/;
const DATE_RE = /^(\d{4})-(\d\d)-(\d\d)$/;

/**
 * Parses a strict `HH:MM` wall time into minutes after midnight (0..1440), or returns
 * undefined. `24:00` is accepted here; whether it is allowed is the caller's decision.
 */
export function parseWallTime(text: string): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (minutes > 59) return undefined;
  if (hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return hours * 60 + minutes;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of {@link daysFromCivil}, formatted as `YYYY-MM-DD`. */
export function civilFromDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Parses a strict, existing `YYYY-MM-DD` date into its day number, or returns undefined. */
export function parseLocalDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return undefined;
  const days = daysFromCivil(year, month, day);
  // A day past the end of its month rolls into the next month; round-tripping catches it.
  return civilFromDays(days) === text ? days : undefined;
}

/** ISO weekday index (0 = Monday .. 6 = Sunday) of a day number; 1970-01-01 was a Thursday. */
export function weekdayOfDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}
