import type { TFunction } from 'i18next';

/**
 * An audit row's details (JSON as stored) as label/value pairs a person can read: nested
 * values are shown compactly, text that is not JSON is shown as it is. With `t`, the keys the
 * module writes get their labels (`audit.details.*`) and metric, action and direction values are
 * named as elsewhere in the module; unknown keys stay as stored. The caller escapes.
 */
export function detailPairs(details: string | null, t?: TFunction): [string, string][] {
  if (details === null || details === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(details);
  } catch {
    return [['', details]];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [['', show(value)]];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    t ? [label(k, t), named(k, v, t)] : [k, show(v)],
  );
}

/** Only plain names are looked up: a stored key with `.` or `:` would be read as a path or namespace. */
const PLAIN = /^[A-Za-z_]+$/;

function label(key: string, t: TFunction): string {
  return PLAIN.test(key) ? t(`audit.details.${key}`, { defaultValue: key }) : key;
}

/** Where a stored value of these keys has a name already (the settings and metric labels). */
const VALUE_NAMES: Record<string, string> = {
  metric: 'metrics',
  action: 'settings.actions_list',
  direction: 'audit.directions',
};

function named(key: string, value: unknown, t: TFunction): string {
  const section = VALUE_NAMES[key];
  if (section && typeof value === 'string' && PLAIN.test(value))
    return t(`${section}.${value}`, { defaultValue: value });
  return show(value);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map(show).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The same pairs on one line, for the CSV export. */
export function detailText(details: string | null, t?: TFunction): string {
  return detailPairs(details, t)
    .map(([k, v]) => (k ? `${k}: ${v}` : v))
    .join('; ');
}
