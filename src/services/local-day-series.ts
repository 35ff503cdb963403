import { DateTime } from 'luxon';

/** Counts of one UTC hour, as SQL groups them (`YYYY-MM-DD HH:00:00`, UTC). */
export interface HourBucket {
  hour: string;
  finished: number;
  onTime: number;
  breaches: number;
}

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
 * Folds UTC hour buckets into local days. SQL groups by UTC hour (cheap, index-friendly); the
 * zone's rules are applied here, per hour, so the days are exact across DST changes for every
 * zone whose offset is a whole number of hours.
 */
export function foldIntoLocalDays(
  buckets: readonly HourBucket[],
  zone: string,
  days: readonly string[],
): DayPoint[] {
  const byDay = new Map(days.map((day) => [day, { finished: 0, onTime: 0, breaches: 0 }]));
  for (const b of buckets) {
    const day = DateTime.fromSQL(b.hour, { zone: 'utc' }).setZone(zone).toISODate();
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
