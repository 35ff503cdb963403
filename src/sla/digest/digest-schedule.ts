import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';

/** The two scheduled digests: each staff member's day, and the managers' week. */
export const DIGEST_KINDS = ['daily', 'weekly'] as const;
export type DigestKind = (typeof DIGEST_KINDS)[number];

/**
 * How late a missed firing is still sent (the workers were down when it came): a morning digest
 * read in the afternoon still helps, yesterday's does not; a weekly one still helps on Tuesday.
 */
export const CATCH_UP_MS: Record<DigestKind, number> = {
  daily: 6 * 3_600_000,
  weekly: 36 * 3_600_000,
};

/**
 * Whether `expression` is a cron expression the schedule can run: five fields (minute, hour, day
 * of month, month, weekday), as the host's crontab writes them. Null when it is, else why not.
 */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return 'use five fields: minute hour day-of-month month weekday';
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC', strict: false });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The schedule's most recent firing at or before `now`, in `zone` (the host's zone, so "08:00"
 * means 08:00 on the host's wall clock, summer and winter alike).
 */
export function lastFiring(expression: string, zone: string, now: Date): Date {
  // `prev()` is strictly before currentDate: a firing exactly at `now` counts as "now".
  const cron = CronExpressionParser.parse(expression, {
    tz: zone,
    currentDate: new Date(now.getTime() + 1000),
  });
  return cron.prev().toDate();
}

/** The next firing after `now` (shown on the settings page). */
export function nextFiring(expression: string, zone: string, now: Date): Date {
  return CronExpressionParser.parse(expression, { tz: zone, currentDate: now }).next().toDate();
}

/**
 * The period a firing belongs to: its local date (`2026-12-07`) for the daily digest, its ISO
 * week (`2026-W50`) for the weekly one. A digest goes out at most once per period.
 */
export function periodOf(kind: DigestKind, firing: Date, zone: string): string {
  const local = DateTime.fromJSDate(firing, { zone });
  return kind === 'daily' ? local.toFormat('yyyy-MM-dd') : local.toFormat("kkkk-'W'WW");
}

/** The period due at `now`: that of the most recent firing, unless it is too old to catch up. */
export function duePeriod(
  kind: DigestKind,
  expression: string,
  zone: string,
  now: Date,
): { period: string; firing: Date } | null {
  const firing = lastFiring(expression, zone, now);
  if (now.getTime() - firing.getTime() > CATCH_UP_MS[kind]) return null;
  return { period: periodOf(kind, firing, zone), firing };
}

/**
 * The two ISO weeks a weekly digest compares, in `zone`: the week before the firing's own
 * ("last week") and the one before that.
 */
export function weeklyRanges(
  firing: Date,
  zone: string,
): { last: { from: Date; to: Date }; before: { from: Date; to: Date } } {
  const thisWeek = DateTime.fromJSDate(firing, { zone }).startOf('week');
  const lastWeek = thisWeek.minus({ weeks: 1 });
  const weekBefore = thisWeek.minus({ weeks: 2 });
  return {
    last: { from: lastWeek.toJSDate(), to: thisWeek.toJSDate() },
    before: { from: weekBefore.toJSDate(), to: lastWeek.toJSDate() },
  };
}

/** The end of the local day of `now` in `zone`: "due today" means due before this. */
export function endOfLocalDay(now: Date, zone: string): Date {
  return DateTime.fromJSDate(now, { zone }).startOf('day').plus({ days: 1 }).toJSDate();
}
