import type { ParsedMail } from 'mailparser';
import { DateTime } from 'luxon';

/** One header as a person reads it: its name as sent, its value decoded (no `=?UTF-8?…?=`). */
export interface ReadableHeader {
  name: string;
  value: string;
}

/** The headers the mailbox shows first, in this order; the others follow under "All headers". */
export const MAIN_HEADERS = ['from', 'to', 'cc', 'reply-to', 'subject', 'date', 'message-id'] as const;

/**
 * Every header of a parsed message, in the order sent, once per name (a repeated header such as
 * `Received` is joined), with encoded words, address lists and dates made readable. Dates are
 * shown in the host's zone, as the devhost shows every other time.
 */
export function readableHeaders(
  mail: Pick<ParsedMail, 'headers' | 'headerLines'>,
  zone: string,
): ReadableHeader[] {
  const seen = new Set<string>();
  const out: ReadableHeader[] = [];
  for (const { key, line } of mail.headerLines) {
    if (seen.has(key)) continue;
    seen.add(key);
    const value = mail.headers.get(key);
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : key;
    const raw = colon > 0 ? line.slice(colon + 1).trim() : '';
    out.push({ name, value: value === undefined ? raw : headerText(value, zone) });
  }
  return out;
}

/**
 * mailparser's header values: strings, dates, address objects (`text` is the readable list),
 * structured headers (`value` plus `params`), lists of those, or other objects (List-* headers).
 */
function headerText(value: unknown, zone: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return readableDate(value, zone);
  if (Array.isArray(value)) return value.map((v: unknown) => headerText(v, zone)).join(', ');
  if (typeof value !== 'object' || value === null) return String(value);
  const record = value as Record<string, unknown>;
  if (typeof record.text === 'string') return record.text;
  if (typeof record.value === 'string') {
    const params = record.params && typeof record.params === 'object' ? Object.entries(record.params) : [];
    return record.value + params.map(([k, v]) => `; ${k}=${String(v)}`).join('');
  }
  return JSON.stringify(value);
}

/** `2026-03-04 12:00:05 (Europe/Berlin)`. */
export function readableDate(date: Date, zone: string): string {
  return `${DateTime.fromJSDate(date, { zone }).toFormat('yyyy-MM-dd HH:mm:ss')} (${zone})`;
}
