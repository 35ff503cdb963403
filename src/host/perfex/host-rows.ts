import type { HostBatch, UnreadableRow } from '../host-context';

/** Splits what an adapter read into the rows it could read and the ones it could not. */
export function splitReadable<T extends object>(read: (T | UnreadableRow)[]): HostBatch<T> {
  const batch: HostBatch<T> = { rows: [], unreadable: [] };
  for (const r of read) {
    if (isUnreadable(r)) batch.unreadable.push(r);
    else batch.rows.push(r);
  }
  return batch;
}

function isUnreadable(r: object): r is UnreadableRow {
  return 'reason' in r;
}

/** Perfex's integer columns, as the module's numbers: NULL and odd values read as 0 ("none"). */
export function hostInt(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) ? n : 0;
}
