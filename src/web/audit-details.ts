/**
 * An audit row's details (JSON as stored) as label/value pairs a person can read: nested
 * values are shown compactly, text that is not JSON is shown as it is. The caller escapes.
 */
export function detailPairs(details: string | null): [string, string][] {
  if (details === null || details === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(details);
  } catch {
    return [['', details]];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [['', show(value)]];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, show(v)]);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The same pairs on one line, for the CSV export. */
export function detailText(details: string | null): string {
  return detailPairs(details)
    .map(([k, v]) => (k ? `${k}: ${v}` : v))
    .join('; ');
}
