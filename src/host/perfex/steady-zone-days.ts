import { DateTime } from 'luxon';

const SQL_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const HOUR_MS = 3_600_000;
/** Wider than any zone's offset (UTC-12 to UTC+14): every reading of a local day falls inside. */
const MARGIN_MS = 30 * HOUR_MS;
/** Local days remembered (a few years of several zones); the map starts over when full. */
const MAX_DAYS = 50_000;

/** Offset in minutes of `zone` over a local day and the margin around it; null when it changes there. */
const steadyDays = new Map<string, number | null>();

/**
 * The instant of a `YYYY-MM-DD HH:MM:SS` wall-clock time in `zone`, without luxon's per-call
 * parse (~6-20 µs each, and a scan reads every open ticket's and lead's datetimes): on a local
 * day whose offset holds from 30 hours before it to 30 hours after, the wall-clock time has exactly
 * one reading, local time minus that offset, so it is what luxon would return (test/unit/
 * steady-zone-days.test.ts compares the two). Days near a
 * DST change, other formats, impossible dates and years outside `years` return undefined (the
 * caller asks luxon, which also says why a value is refused).
 */
export function instantOnSteadyDay(
  value: string,
  zone: string,
  years: { from: number; to: number },
): { at: Date; year: number } | undefined {
  const m = SQL_DATETIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < years.from || year > years.to || hour > 23 || minute > 59 || second > 59) return undefined;
  const dayStart = Date.UTC(year, month - 1, day);
  // Date.UTC rolls day 30 of February over into March: such a date is not what it says.
  const check = new Date(dayStart);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const key = `${zone}|${value.slice(0, 10)}`;
  let offset = steadyDays.get(key);
  if (offset === undefined) {
    offset = steadyOffset(dayStart, zone);
    if (steadyDays.size >= MAX_DAYS) steadyDays.clear();
    steadyDays.set(key, offset);
  }
  if (offset === null) return undefined;
  const local = dayStart + ((hour * 60 + minute) * 60 + second) * 1000;
  return { at: new Date(local - offset * 60_000), year };
}

/**
 * The zone's offset when it is the same every 3 hours through the local day widened by the margin
 * (no zone's offset changes and changes back within 3 hours), else null.
 */
function steadyOffset(dayStart: number, zone: string): number | null {
  let first: number | undefined;
  for (let ms = dayStart - MARGIN_MS; ms <= dayStart + 24 * HOUR_MS + MARGIN_MS; ms += 3 * HOUR_MS) {
    const offset = DateTime.fromMillis(ms, { zone }).offset;
    if (!Number.isFinite(offset) || (first !== undefined && offset !== first)) return null;
    first = offset;
  }
  return first ?? null;
}
