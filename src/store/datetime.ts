import { DateTime } from 'luxon';

const SQL_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** The decimal digit of `s` at `i`, NaN for anything else (which then fails every check below). */
const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const twoDigits = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

/**
 * A DATETIME value the module stored (always UTC) back to an instant. The text mysql2 returns
 * ('YYYY-MM-DD HH:MM:SS' with '.mmm' for DATETIME(3)) is read field by field (a tick reads ~15 000
 * of them, and the string parse was a tenth of its CPU); anything else, or fields that do not read
 * back the same (a zero or impossible date), goes through the Date parser as before.
 */
export function utcFromSql(value: string | Date): Date {
  if (value instanceof Date) return value;
  const fraction = value.length === 23 && value.charCodeAt(19) === 46;
  if ((fraction || value.length === 19) && value.charCodeAt(10) === 32) {
    const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
    const month = twoDigits(value, 5) - 1;
    const day = twoDigits(value, 8);
    const hour = twoDigits(value, 11);
    const minute = twoDigits(value, 14);
    const second = twoDigits(value, 17);
    const ms = fraction ? twoDigits(value, 20) * 10 + digit(value, 22) : 0;
    const at = new Date(Date.UTC(year, month, day, hour, minute, second, ms));
    if (
      year >= 1000 &&
      at.getUTCFullYear() === year &&
      at.getUTCMonth() === month &&
      at.getUTCDate() === day &&
      at.getUTCHours() === hour &&
      at.getUTCMinutes() === minute &&
      at.getUTCSeconds() === second &&
      at.getUTCMilliseconds() === ms
    )
      return at;
  }
  return new Date(value.replace(' ', 'T') + 'Z');
}

/** An instant as a UTC DATETIME(3) literal. */
export function utcToSql(date: Date): string {
  const iso = date.toISOString();
  // 'YYYY-MM-DDTHH:MM:SS.mmmZ' for years 0-9999 (24 characters); an expanded year keeps the old form.
  return iso.length === 24
    ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
    : iso.replace('T', ' ').replace('Z', '');
}

/** A host wall-clock DATETIME (Perfex stores local time in `default_timezone`) to an instant. */
export function hostToInstant(value: string | Date, zone: string): Date {
  if (value instanceof Date) return value;
  const dt = DateTime.fromSQL(value, { zone });
  if (!dt.isValid) throw new Error(`invalid host datetime "${value}" in zone ${zone}`);
  return dt.toJSDate();
}

/** An instant to the host's wall-clock DATETIME in its zone. */
export function instantToHost(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat(SQL_FORMAT);
}
