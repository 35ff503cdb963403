import { once } from 'node:events';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';

/** A CSV cell: text, a number, or empty. */
export type CsvCell = string | number | null;

/**
 * A part of a cell a spreadsheet may read as the start of a formula (OWASP "CSV injection"):
 * `= + - @`, also after leading spaces (Excel skips them), or a leading tab or carriage return.
 */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@])/;

/**
 * Where a spreadsheet may cut a cell: this file is comma-separated and quoted, but Excel with a
 * `;` list separator (German, Spanish, ... locales) opens it splitting at `;` and ignoring quotes
 * that do not open a field, so every part after a `;` (or `,`) is a cell start of its own there.
 */
const SEPARATOR = /([;,])/;

/**
 * Text a spreadsheet must show as text: every part that starts like a formula (the cell's start,
 * and each start after a separator) gets an apostrophe in front, so `=HYPERLINK(...)` in a ticket
 * subject cannot run when the file is opened, whichever list separator the spreadsheet uses.
 */
export function neutraliseCell(value: string): string {
  return value
    .split(SEPARATOR)
    .map((part, i) => (i % 2 === 0 && FORMULA_START.test(part) ? `'${part}` : part))
    .join('');
}

/**
 * Streams `rows` (the header first) to the browser as a CSV download: UTF-8 with a byte-order
 * mark (so spreadsheets read umlauts right), every text cell neutralised, written with
 * back-pressure so a long export never holds more than a batch in memory.
 */
export async function sendCsv(
  res: Response,
  filename: string,
  header: readonly string[],
  rows: AsyncIterable<readonly CsvCell[]> | Iterable<readonly CsvCell[]>,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
  const csv = stringify({ bom: true, cast: { string: neutraliseCell } });
  csv.pipe(res);
  const write = async (row: readonly CsvCell[]): Promise<void> => {
    if (!csv.write(row.map((cell) => cell ?? ''))) await once(csv, 'drain');
  };
  try {
    await write(header);
    for await (const row of rows) await write(row);
    csv.end();
    await once(res, 'finish');
  } catch (err) {
    // The header is gone already: cut the download short rather than send a truncated "complete" file.
    csv.destroy();
    res.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
