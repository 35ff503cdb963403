import { DateTime } from 'luxon';
import { z } from 'zod';
import { lastLocalDays } from '../store/read/local-day-series';

/**
 * Query-string filters shared by the reports and the audit log. Messages are locale keys
 * (`<page>.errors.*`), so each page shows them next to the field in the viewer's language.
 */

/**
 * The years a date filter accepts. Far-off years are typing mistakes; they would also reach SQL as
 * out-of-range datetimes (year 9999's next day is `+010000-01-01`), which MariaDB compares leniently.
 */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** A calendar day as the date inputs send it (yyyy-mm-dd), checked to exist and to be in range. */
export const daySchema = z
  .string({ error: 'bad_date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'bad_date' })
  .refine((v) => DateTime.fromISO(v, { zone: 'UTC' }).isValid, { error: 'bad_date', abort: true })
  .refine(
    (v) => {
      const year = Number(v.slice(0, 4));
      return year >= MIN_YEAR && year <= MAX_YEAR;
    },
    { error: 'year_range' },
  );

/** Query values as strings; an empty input means "not set", like an absent one. */
export function withoutBlanks(query: unknown): Record<string, unknown> {
  const entries = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== '');
  return Object.fromEntries(entries);
}

/** The first message per field of a failed parse. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Whole local days in `zone`, as the half-open instant range [start of from, start of the day after to). */
export function dayRange(from: string, to: string, zone: string): { from: Date; to: Date } {
  return {
    from: DateTime.fromISO(from, { zone }).startOf('day').toJSDate(),
    to: DateTime.fromISO(to, { zone }).plus({ days: 1 }).startOf('day').toJSDate(),
  };
}

/**
 * Today and the `days - 1` days before it, in `zone`, as form values: the same days as the
 * dashboard's period (`lastLocalDays`), so a report over them matches the dashboard's numbers.
 */
export function lastDays(now: Date, zone: string, days: number): { from: string; to: string } {
  const list = lastLocalDays(now, zone, days).days;
  return { from: list[0], to: list[list.length - 1] };
}
