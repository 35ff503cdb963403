import { DateTime } from 'luxon';

/**
 * The one way people read a date and time, per language: English "Tue 3 Mar 10:00" (the API's
 * explanations), other languages their own order and punctuation ("Di., 3. März, 10:00",
 * "mar, 3 mar, 10:00"). The staff member's language decides, the host's zone gives the wall clock.
 */
export const LOCAL_DATE_TIME = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
} as const;

/**
 * `at` in `zone`, worded for `lang`. Given `now`, an instant in another year than now's says
 * its year (an audit row of last December must not read as this one's).
 */
export function formatDateTime(at: Date, zone: string, lang: string, now?: Date): string {
  const local = DateTime.fromJSDate(at, { zone });
  const otherYear = now !== undefined && DateTime.fromJSDate(now, { zone }).year !== local.year;
  if (lang === 'en') return local.toFormat(otherYear ? 'ccc d LLL yyyy HH:mm' : 'ccc d LLL HH:mm');
  return local
    .setLocale(lang)
    .toLocaleString(otherYear ? { ...LOCAL_DATE_TIME, year: 'numeric' } : LOCAL_DATE_TIME);
}

/** A formatter for views: dates from the store may arrive as ISO strings. */
export function dateTimeFormatter(lang: string, zone: string, now?: Date): (date: Date | string) => string {
  return (date) => formatDateTime(typeof date === 'string' ? new Date(date) : date, zone, lang, now);
}
