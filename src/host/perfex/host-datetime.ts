import { DateTime } from 'luxon';
import { parseId } from '../../sla/strict-input';
import { instantOnSteadyDay } from './steady-zone-days';

/**
 * Host datetimes outside these years are treated as unreadable rather than as real times:
 * Perfex databases run with MySQL's permissive `sql_mode`, so zero dates (`0000-00-00`) and
 * typos (year 9999 or 1000) do occur, and a clock started from one would never be due (or
 * always be breached) and could not be stored.
 */
export const EARLIEST_HOST_YEAR = 1970;
export const LATEST_HOST_YEAR = 2099;

export type HostDatetimeRead = { ok: true; at: Date } | { ok: false; reason: string };

/**
 * Reads a wall-clock DATETIME the host stored in its `default_timezone`, never throwing: a value
 * the module cannot trust comes back with the reason, so the caller can skip that one row.
 */
export function readHostDatetime(value: unknown, zone: string): HostDatetimeRead {
  if (value instanceof Date) return inRange(DateTime.fromJSDate(value, { zone }), String(value));
  if (value === null || value === undefined || value === '') return { ok: false, reason: 'date is empty' };
  if (typeof value !== 'string') return { ok: false, reason: `date is not a datetime (${typeof value})` };
  if (/^0{4}-0{2}-0{2}/.test(value)) return { ok: false, reason: `zero date "${value}"` };
  const steady = instantOnSteadyDay(value, zone, { from: EARLIEST_HOST_YEAR, to: LATEST_HOST_YEAR });
  if (steady) return { ok: true, at: steady.at };
  const dt = DateTime.fromSQL(value, { zone });
  if (!dt.isValid) return { ok: false, reason: `unparsable date "${clip(value)}"` };
  return inRange(dt, value);
}

function inRange(dt: DateTime, shown: string): HostDatetimeRead {
  if (!dt.isValid) return { ok: false, reason: `unparsable date "${clip(shown)}"` };
  if (dt.year < EARLIEST_HOST_YEAR || dt.year > LATEST_HOST_YEAR) {
    return {
      ok: false,
      reason: `date "${clip(shown)}" is outside ${EARLIEST_HOST_YEAR}-${LATEST_HOST_YEAR}`,
    };
  }
  return { ok: true, at: dt.toJSDate() };
}

/** Host text can be anything; a reason quotes at most 40 characters of it. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Perfex's `merged_ticket_id` is a varchar: only a positive decimal id means "merged into";
 * NULL, '', '0' and anything else (text, '12abc') read as not merged.
 */
export function readMergedTicketId(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return parseId(text) ?? null;
}
