import type { TFunction } from 'i18next';
import type { SlaSettings } from '../../sla/config';
import { addError, type FieldErrors, type PathRule } from './form-errors';
import { rawList, text, type FormValues } from './form-values';
import { parseId } from '../../sla/strict-input';

const NUMBERS = ['cooldownMinutes', 'defaultWarnAtPercent', 'scanIntervalMinutes'] as const;

export const GENERAL_FIELDS: readonly RegExp[] = [
  /^(cooldownMinutes|defaultWarnAtPercent|scanIntervalMinutes|defaultPauseStatusIds|unassignedFallback)$/,
];

/** The fallback as one select: `none`, `department`, or `staff:<id>` for a named person. */
function fallbackToForm(settings: SlaSettings): string {
  return settings.unassignedFallback === 'staff'
    ? `staff:${settings.unassignedFallbackStaffId ?? ''}`
    : settings.unassignedFallback;
}
export const GENERAL_LISTS: readonly RegExp[] = [/^defaultPauseStatusIds$/];

export function settingsToForm(settings: SlaSettings): FormValues {
  return {
    cooldownMinutes: String(settings.cooldownMinutes),
    defaultWarnAtPercent: String(settings.defaultWarnAtPercent),
    scanIntervalMinutes: String(settings.scanIntervalMinutes),
    defaultPauseStatusIds: settings.defaultPauseStatusIds.map(String),
    unassignedFallback: fallbackToForm(settings),
  };
}

export function formToSettings(
  values: FormValues,
  t: TFunction,
): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: Record<string, unknown> = {};
  for (const field of NUMBERS) {
    const v = text(values, field);
    if (v === '' || !Number.isFinite(Number(v))) addError(errors, field, t('settings.errors.number'));
    else input[field] = Number(v);
  }
  const ids = rawList(values, 'defaultPauseStatusIds');
  const bad = ids.filter((s) => parseId(s) === undefined);
  // The checkboxes only send status ids; anything else is named, not silently dropped.
  if (bad.length)
    addError(errors, 'defaultPauseStatusIds', t('settings.errors.bad_statuses', { values: bad.join(', ') }));
  else input.defaultPauseStatusIds = ids.map((s) => parseId(s) as number);
  const fallback = text(values, 'unassignedFallback') || 'department';
  const staffId = /^staff:(.+)$/.exec(fallback)?.[1];
  if (staffId !== undefined) {
    const id = parseId(staffId);
    if (id === undefined) addError(errors, 'unassignedFallback', t('settings.errors.number'));
    else Object.assign(input, { unassignedFallback: 'staff', unassignedFallbackStaffId: id });
  } else {
    // Anything but the select's values is refused by the schema, naming the field.
    Object.assign(input, { unassignedFallback: fallback, unassignedFallbackStaffId: null });
  }
  return { input, errors };
}

export const SETTINGS_ISSUE_RULES: PathRule[] = [
  [/^(cooldownMinutes|defaultWarnAtPercent|scanIntervalMinutes|defaultPauseStatusIds)\b/, (m) => m[1]],
  [/^unassignedFallback/, () => 'unassignedFallback'],
];
