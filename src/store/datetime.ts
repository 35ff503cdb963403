import { DateTime } from 'luxon';

const SQL_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** A DATETIME value the module stored (always UTC) back to an instant. */
export function utcFromSql(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(value.replace(' ', 'T') + 'Z');
}

/** An instant as a UTC DATETIME(3) literal. */
export function utcToSql(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
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
