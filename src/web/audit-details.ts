import type { TFunction } from 'i18next';
import { diffDocuments, type ConfigChange } from './audit-diff';

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
  return Object.entries(value as Record<string, unknown>)
    .filter(([k]) => !DIFF_KEYS.has(k))
    .map(([k, v]) => (t ? [label(k, t), named(k, v, t)] : [k, show(v)]));
}

/** A configuration change stores the documents themselves; they are shown as a diff, not as pairs. */
const DIFF_KEYS = new Set(['before', 'after']);

/** One line of a configuration change, worded for the viewer (the caller escapes). */
export interface ChangeLine {
  kind: ConfigChange['kind'];
  text: string;
}

/**
 * The `before` and `after` documents of a configuration change as readable lines ("Targets ›
 * Resolution › Minutes: 60 → 30", "Holidays: added 2026-12-25"); none for other rows, or for rows
 * written before changes were recorded.
 */
export function detailChanges(details: string | null, t: TFunction): ChangeLine[] {
  if (details === null || details === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(details);
  } catch {
    return [];
  }
  if (value === null || typeof value !== 'object' || !('before' in value) || !('after' in value)) return [];
  const { before, after } = value as { before: unknown; after: unknown };
  return diffDocuments(before, after).map((c) => {
    const field = c.path.map((_part, i) => segment(c.path, i, t)).join(' › ') || t('audit.diff.document');
    const last = c.path.filter((p): p is string => typeof p === 'string').at(-1) ?? '';
    const parent = c.path.filter((p): p is string => typeof p === 'string').at(-2) ?? '';
    const val = (v: unknown) => diffValue(last, parent, v, t);
    const text =
      c.kind === 'changed'
        ? t('audit.diff.changed', { field, before: val(c.before), after: val(c.after) })
        : t(`audit.diff.${c.kind}`, { field, value: val(c.kind === 'added' ? c.after : c.before) });
    return { kind: c.kind, text };
  });
}

/** Keys of calendars and policies (after `calendars` / `policies` in an import) are shown as typed. */
function segment(path: readonly (string | number)[], i: number, t: TFunction): string {
  const part = path[i];
  if (typeof part === 'number') return `#${part}`;
  const previous = path[i - 1];
  if (i === 1 && (previous === 'calendars' || previous === 'policies')) return part;
  if ((METRIC_NAMES as readonly string[]).includes(part)) return t(`metrics.${part}`);
  return PLAIN.test(part) ? t(`audit.fields.${part}`, { defaultValue: part }) : part;
}

const METRIC_NAMES = ['first_response', 'next_response', 'resolution'] as const;

function diffValue(field: string, parent: string, value: unknown, t: TFunction): string {
  if (typeof value === 'boolean') return t(value ? 'audit.diff.yes' : 'audit.diff.no');
  if (typeof value === 'string' && PLAIN.test(value)) {
    if (field === 'metric') return t(`metrics.${value}`, { defaultValue: value });
    if (field === 'type' && parent === 'action')
      return t(`settings.actions_list.${value}`, { defaultValue: value });
    if (field === 'type' && parent === 'trigger')
      return t(`settings.triggers.${value}`, { defaultValue: value });
  }
  return show(value);
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
  passedLevels: 'audit.passed_levels',
  reason: 'audit.reasons',
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

/** The same pairs (and, with `t`, the change lines) on one line, for the CSV export. */
export function detailText(details: string | null, t?: TFunction): string {
  const pairs = detailPairs(details, t).map(([k, v]) => (k ? `${k}: ${v}` : v));
  const changes = t ? detailChanges(details, t).map((c) => c.text) : [];
  return [...pairs, ...changes].join('; ');
}
