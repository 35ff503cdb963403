import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * The one reading of ids, instants, years and names that every boundary uses (command line, API,
 * page queries, settings forms, configuration documents). Lenient readers (`Number`, `new Date`,
 * `z.coerce`) take `0x12d`, `1e2`, `+301`, `" 12"` and `"March 3"` for something else than what
 * was typed; these take only the one spelling and say no to the rest.
 */

/** The largest id a host or module row can have (MySQL's signed INT, the type of Perfex's ids). */
export const MAX_ID = 2_147_483_647;

/** Years a holiday import accepts: far-off years are typing mistakes, not calendars. */
export const MIN_HOLIDAY_YEAR = 1970;
export const MAX_HOLIDAY_YEAR = 2100;

const DECIMAL_ID = /^[1-9][0-9]{0,9}$/;

/** A positive decimal integer id within 32 bits, from text exactly as typed; undefined otherwise. */
export function parseId(text: string): number | undefined {
  if (!DECIMAL_ID.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_ID ? n : undefined;
}

/** `id` in a query string or form: one decimal id (a repeated parameter is an array, refused). */
export const idText = (message = 'must be a positive decimal id') =>
  z
    .string({ error: message })
    .refine((v) => parseId(v) !== undefined, { error: message })
    .transform((v) => parseId(v) as number);

/** An id in a JSON document: a whole number from 1 to MAX_ID. */
export const idNumber = z.number().int().positive().max(MAX_ID, `at most ${MAX_ID}`);

/**
 * An ISO-8601 instant as `--now` and `?now=` take it: a date, a time (minutes, seconds or
 * milliseconds) and a zone (`Z` or an offset), e.g. `2026-03-09T08:00:00Z`. Impossible dates
 * (`2026-02-30`), other formats and epoch numbers are undefined.
 */
export function parseInstant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text))
    return undefined;
  const parsed = DateTime.fromISO(text, { setZone: true });
  // Real zones are within ±14:00 (±18:00 is ISO's own bound); a year before 1970 is no "now".
  if (!parsed.isValid || Math.abs(parsed.offset) > 18 * 60 || parsed.toUTC().year < 1970) return undefined;
  return parsed.toJSDate();
}

/** A holiday import year: decimal, within [MIN_HOLIDAY_YEAR, MAX_HOLIDAY_YEAR]. */
export function parseYear(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{4}$/.test(text)) return undefined;
  const year = Number(text);
  return year >= MIN_HOLIDAY_YEAR && year <= MAX_HOLIDAY_YEAR ? year : undefined;
}

/**
 * True when text holds a NUL or a lone UTF-16 surrogate: neither is a character a person can
 * type, MariaDB's utf8mb4 cannot store a lone surrogate, and NUL cuts names short in other tools.
 */
export function hasUnstorableCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** A human-entered name or label: no NUL, no lone surrogate. */
export const storableText = z.string().refine((v) => !hasUnstorableCharacters(v), {
  error: 'must not contain NUL or unpaired surrogate characters',
});

/** A JSON document's text without the UTF-8 byte order mark some editors write at its start. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
