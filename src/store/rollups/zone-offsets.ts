import { DateTime } from 'luxon';

/** From `startsAt` (UTC) on, local time in the zone is UTC plus `offsetMinutes`. */
export interface OffsetSpan {
  startsAt: Date;
  offsetMinutes: number;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
/** The earliest DATETIME MariaDB stores: the first span covers everything before the range. */
const DAWN = new Date('1000-01-01T00:00:00Z');

const offsetAt = (zone: string, ms: number): number => DateTime.fromMillis(ms, { zone }).offset;

/**
 * The zone's UTC offsets from `from` to `to`, one span per change (DST or a change of the zone's
 * rules), so SQL finds an instant's local date without the server's time zone tables: the offset
 * of the last span starting at or before it. Changes are found week by week and then to the
 * millisecond by bisection (no zone changes offset twice within a week). A fixed-offset zone is
 * one span.
 */
export function zoneOffsets(
  zone: string,
  from = new Date('1990-01-01T00:00:00Z'),
  to = new Date('2100-01-01T00:00:00Z'),
): OffsetSpan[] {
  if (!DateTime.local().setZone(zone).isValid) throw new Error(`unknown time zone: ${zone}`);
  const spans: OffsetSpan[] = [{ startsAt: DAWN, offsetMinutes: offsetAt(zone, from.getTime()) }];
  let at = from.getTime();
  let offset = spans[0].offsetMinutes;
  while (at < to.getTime()) {
    const next = Math.min(at + WEEK_MS, to.getTime());
    const nextOffset = offsetAt(zone, next);
    if (nextOffset !== offset) {
      // The first millisecond with the new offset lies in (at, next].
      let lo = at;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(zone, mid) === offset) lo = mid;
        else hi = mid;
      }
      spans.push({ startsAt: new Date(hi), offsetMinutes: nextOffset });
      offset = nextOffset;
    }
    at = next;
  }
  return spans;
}
