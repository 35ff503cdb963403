import type { TFunction } from 'i18next';
import { diffDocuments, type ConfigChange } from './audit-diff';
import { nameFor, type AuditNames } from './audit-names';
import { CLOCK_METRICS } from '../sla/config';
import { isOwnerDepartmentAction, OWNER_DEPARTMENT_ACTION } from '../sla/escalation/owner-department';

/**
 * An audit row's details (JSON as stored) as label/value pairs a person can read: nested
 * values are shown compactly, text that is not JSON is shown as it is. With `t`, the keys the
 * module writes get their labels (`audit.details.*`) and metric, action and direction values are
 * named as elsewhere in the module; unknown keys stay as stored. With `names`, staff, policies,
 * calendars and the host's ids are shown by name (`action` tells whose key `key` is). The caller
 * escapes.
 */
export function detailPairs(
  details: string | null,
  t?: TFunction,
  names?: AuditNames,
  action?: string,
): [string, string][] {
  if (details === null || details === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(details);
  } catch {
    return [['', details]];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [['', show(value)]];
  const doc = value as Record<string, unknown>;
  return Object.entries(doc)
    .filter(([k]) => !DIFF_KEYS.has(k))
    .map(([k, v]): [string, string] => {
      if (!t) return [k, show(v)];
      // The calendar or policy a configuration row is about, by name: "Policy: VIP support (vip)".
      const item = k === 'key' ? keyName(doc, v, names, action) : undefined;
      if (item) return [t(`audit.details.${item.kind}`), item.text];
      if (k === 'fallback') return [label(k, t), fallbackWords(v, t, names) ?? show(v)];
      if (k === 'onCall') return [label(k, t), onCallWords(v, t, names) ?? show(v)];
      if (k === 'heldUntil') return [label(k, t), heldWords(v, t, names) ?? show(v)];
      // The level's action object names no department: it went to the lead owner's departments.
      if (k === 'action' && isOwnerDepartmentAction(v))
        return [label(k, t), t(`settings.actions_list.${OWNER_DEPARTMENT_ACTION}`)];
      return [label(k, t), named(k, v, t, names)];
    });
}

/**
 * The name of the calendar or policy a configuration row is about: as configured now, else as the
 * row's own documents had it (a deleted one), with its key, so two with one name stay apart.
 */
function keyName(
  doc: Record<string, unknown>,
  key: unknown,
  names: AuditNames | undefined,
  action: string | undefined,
): { kind: 'policy' | 'calendar'; text: string } | undefined {
  if (typeof key !== 'string' || !names || !action?.startsWith('config.')) return undefined;
  const docName = (d: unknown) =>
    d !== null && typeof d === 'object' && typeof (d as { name?: unknown }).name === 'string'
      ? (d as { name: string }).name
      : undefined;
  const kind = action.endsWith('_calendar') ? 'calendar' : 'policy';
  const book = kind === 'calendar' ? names.calendars : names.policies;
  const name = book.get(key) ?? docName(doc.after) ?? docName(doc.before);
  return name === undefined ? undefined : { kind, text: `${name} (${key})` };
}

/**
 * Whom a "notify the assignee" level reached instead, and why, in words: "sent to the department
 * Support instead: no assignee". Undefined for a shape this code does not know (shown as stored).
 */
function fallbackWords(value: unknown, t: TFunction, names: AuditNames | undefined): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { type, departmentId, staffId, reason } = value as Record<string, unknown>;
  const id = type === 'department' ? departmentId : type === 'staff' ? staffId : undefined;
  if (typeof id !== 'number') return undefined;
  const name = nameFor(type === 'department' ? 'departmentId' : 'staffId', id, names) ?? `#${id}`;
  const why = typeof reason === 'string' && PLAIN.test(reason) ? label(reason, t, 'audit.reasons') : '—';
  return t(`audit.fallback.${type}`, { name, reason: why });
}

/** Whom an on-call level reached and why: "nobody on call: sent to the fallback Lea Lead". */
function onCallWords(value: unknown, t: TFunction, names: AuditNames | undefined): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { onDuty, notified, reason } = value as Record<string, unknown>;
  if (typeof reason !== 'string' || !PLAIN.test(reason)) return undefined;
  const name = (id: unknown) => (typeof id === 'number' ? (nameFor('staffId', id, names) ?? `#${id}`) : '—');
  return t(`panel.on_call.${reason}`, {
    onDuty: name(onDuty),
    notified: name(notified),
    defaultValue: reason,
  });
}

/** Per recipient, until when a level held to working hours waits: "Ana Berlin: held until ... UTC". */
function heldWords(value: unknown, t: TFunction, names: AuditNames | undefined): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const parts = Object.entries(value as Record<string, unknown>).flatMap(([id, until]) => {
    const at = typeof until === 'string' ? new Date(until) : null;
    if (!at || Number.isNaN(at.getTime())) return [];
    const time = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return [t('panel.held_until', { name: nameFor('staffId', Number(id), names) ?? `#${id}`, time })];
  });
  return parts.length ? parts.join('; ') : undefined;
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
export function detailChanges(details: string | null, t: TFunction, names?: AuditNames): ChangeLine[] {
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
    const field =
      c.path.map((_part, i) => segment(c.path, i, t, names)).join(' › ') || t('audit.diff.document');
    const last = c.path.filter((p): p is string => typeof p === 'string').at(-1) ?? '';
    const parent = c.path.filter((p): p is string => typeof p === 'string').at(-2) ?? '';
    const val = (v: unknown) => nameFor(last, v, names) ?? diffValue(last, parent, v, t);
    const text =
      c.kind === 'changed'
        ? t('audit.diff.changed', { field, before: val(c.before), after: val(c.after) })
        : t(`audit.diff.${c.kind}`, { field, value: val(c.kind === 'added' ? c.after : c.before) });
    return { kind: c.kind, text };
  });
}

/** Keys of calendars and policies (after `calendars` / `policies` in an import) are shown by name. */
function segment(path: readonly (string | number)[], i: number, t: TFunction, names?: AuditNames): string {
  const part = path[i];
  if (typeof part === 'number') return `#${part}`;
  const previous = path[i - 1];
  if (i === 1 && (previous === 'calendars' || previous === 'policies')) {
    const name = names?.[previous].get(part);
    return name === undefined ? part : `${name} (${part})`;
  }
  if ((METRIC_NAMES as readonly string[]).includes(part)) return t(`metrics.${part}`);
  // A status limit is stored under its status id: "Time in status › Per status › In progress".
  if (previous === 'byStatus' && /^\d+$/.test(part)) return names?.statuses.get(Number(part)) ?? `#${part}`;
  return PLAIN.test(part) ? t(`audit.fields.${part}`, { defaultValue: part }) : part;
}

const METRIC_NAMES = CLOCK_METRICS;

function diffValue(field: string, parent: string, value: unknown, t: TFunction): string {
  if (typeof value === 'boolean') return t(value ? 'audit.diff.yes' : 'audit.diff.no');
  if (typeof value === 'string' && PLAIN.test(value)) {
    if (field === 'metric') return t(`metrics.${value}`, { defaultValue: value });
    if (field === 'type' && parent === 'action')
      return t(`settings.actions_list.${value}`, { defaultValue: value });
    if (field === 'type' && parent === 'trigger')
      return t(`settings.triggers.${value}`, { defaultValue: value });
    if (field === 'unassignedFallback') return t(`audit.fallback_modes.${value}`, { defaultValue: value });
  }
  return show(value);
}

/** Only plain names are looked up: a stored key with `.` or `:` would be read as a path or namespace. */
const PLAIN = /^[A-Za-z_]+$/;

function label(key: string, t: TFunction, section = 'audit.details'): string {
  return PLAIN.test(key) ? t(`${section}.${key}`, { defaultValue: key }) : key;
}

/** Where a stored value of these keys has a name already (the settings and metric labels). */
const VALUE_NAMES: Record<string, string> = {
  metric: 'metrics',
  action: 'settings.actions_list',
  direction: 'audit.directions',
  passedLevels: 'audit.passed_levels',
  reason: 'audit.reasons',
  unassignedFallback: 'audit.fallback_modes',
};

function named(key: string, value: unknown, t: TFunction, names?: AuditNames): string {
  const name = nameFor(key, value, names);
  if (name !== undefined) return name;
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
export function detailText(
  details: string | null,
  t?: TFunction,
  names?: AuditNames,
  action?: string,
): string {
  const pairs = detailPairs(details, t, names, action).map(([k, v]) => (k ? `${k}: ${v}` : v));
  const changes = t ? detailChanges(details, t, names).map((c) => c.text) : [];
  return [...pairs, ...changes].join('; ');
}
