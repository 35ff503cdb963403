import { DateTime } from 'luxon';

/**
 * Counts of one 15-minute slice of UTC time, as SQL groups them (`YYYY-MM-DD HH:MM:00`, UTC,
 * minutes 00, 15, 30 or 45). Every zone's offset today is a whole number of quarter hours
 * (India +5:30, Nepal +5:45, Adelaide +9:30/+10:30, St John's -3:30/-2:30, Chatham +12:45), so
 * a local midnight always starts a slice and no slice straddles two local days.
 */
export interface QuarterBucket {
  start: string;
  finished: number;
  onTime: number;
  breaches: number;
}

/** SQL for the UTC quarter hour a DATETIME falls in, as QuarterBucket.start (two `??` bindings: the column, twice). */
export const QUARTER_OF = `DATE_FORMAT(?? - INTERVAL (MINUTE(??) % 15) MINUTE, '%Y-%m-%d %H:%i:00')`;

/** One local calendar day of the trend. */
export interface DayPoint {
  /** yyyy-MM-dd in the host zone. */
  day: string;
  finished: number;
  onTime: number;
  breaches: number;
  /** On-time share of the clocks finished that day in percent; null when none finished. */
  compliance: number | null;
}

/**
 * The last `days` local days up to and including today in `zone`, and the instant the first one
 * starts. Local midnights come from luxon, so a day with a DST change is 23 or 25 hours long.
 */
export function lastLocalDays(now: Date, zone: string, days: number): { from: Date; days: string[] } {
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const first = today.minus({ days: days - 1 }).startOf('day');
  const list = Array.from({ length: days }, (_, i) => first.plus({ days: i }).toISODate() ?? '');
  return { from: first.toJSDate(), days: list };
}

/**
 * Folds UTC quarter-hour buckets into local days. SQL groups by UTC quarter hour (cheap,
 * index-friendly, no zone tables needed in the database); the zone's rules are applied here, per
 * slice, so the days are exact across DST changes and in half- and quarter-hour zones.
 */
export function foldIntoLocalDays(
  buckets: readonly QuarterBucket[],
  zone: string,
  days: readonly string[],
): DayPoint[] {
  const byDay = new Map(days.map((day) => [day, { finished: 0, onTime: 0, breaches: 0 }]));
  for (const b of buckets) {
    const day = DateTime.fromSQL(b.start, { zone: 'utc' }).setZone(zone).toISODate();
    const acc = day ? byDay.get(day) : undefined;
    if (!acc) continue;
    acc.finished += b.finished;
    acc.onTime += b.onTime;
    acc.breaches += b.breaches;
  }
  return days.map((day) => {
    const acc = byDay.get(day) ?? { finished: 0, onTime: 0, breaches: 0 };
    return { day, ...acc, compliance: acc.finished > 0 ? (100 * acc.onTime) / acc.finished : null };
  });
}
