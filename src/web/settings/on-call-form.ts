import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import type { OnCallRotaConfig } from '../../sla/config';
import { parseId } from '../../sla/strict-input';
import { addError, type FieldErrors, type PathRule } from './form-errors';
import { rowIndexes, text, type FormValues } from './form-values';

/**
 * The on-call rota form: key, name, department, fallback person, and either a weekly rotation
 * (first day, handover time, zone, the people in order) or date ranges (from, to, person). Range
 * times are typed as wall-clock times in the rota's zone and stored as instants with their offset.
 */
export const ROTA_FIELDS = [
  /^(key|name|departmentId|fallbackStaffId|type|timezone|startsAt|handover)$/,
  /^order\.\d{1,2}$/,
  /^ranges\.\d{1,2}\.(from|to|staffId)$/,
];

/** Blank rows below the used ones, so people and ranges can be added without JS. */
const BLANK_ROWS = 2;
const ORDER = /^order\.(\d+)$/;
const RANGE = /^ranges\.(\d+)\.\w+$/;
const LOCAL = "yyyy-MM-dd'T'HH:mm";

export function rotaToForm(rota: OnCallRotaConfig | undefined, zone: string): FormValues {
  const values: FormValues = {
    key: rota?.key ?? '',
    name: rota?.name ?? '',
    departmentId: rota ? String(rota.departmentId) : '',
    fallbackStaffId: rota ? String(rota.fallbackStaffId) : '',
    type: rota?.rotation.type ?? 'weekly',
    timezone: zone,
    startsAt: '',
    handover: '09:00',
  };
  if (rota?.rotation.type === 'weekly') {
    Object.assign(values, {
      timezone: rota.rotation.timezone,
      startsAt: rota.rotation.startsAt,
      handover: rota.rotation.handover,
    });
    rota.rotation.staffIds.forEach((id, i) => (values[`order.${i}`] = String(id)));
  }
  if (rota?.rotation.type === 'ranges') {
    rota.rotation.ranges.forEach((r, i) => {
      values[`ranges.${i}.from`] = DateTime.fromISO(r.from).setZone(zone).toFormat(LOCAL);
      values[`ranges.${i}.to`] = DateTime.fromISO(r.to).setZone(zone).toFormat(LOCAL);
      values[`ranges.${i}.staffId`] = String(r.staffId);
    });
  }
  return values;
}

/** Rows to render for the rotation order and the ranges: the used ones and BLANK_ROWS more. */
export function rotaRowCounts(values: FormValues): { order: number; ranges: number } {
  const used = (re: RegExp, blank: (i: number) => boolean) =>
    (rowIndexes(values, re)
      .filter((i) => !blank(i))
      .at(-1) ?? -1) +
    1 +
    BLANK_ROWS;
  return {
    order: Math.max(
      3,
      used(ORDER, (i) => !text(values, `order.${i}`)),
    ),
    ranges: Math.max(
      3,
      used(RANGE, (i) => rangeBlank(values, i)),
    ),
  };
}

function rangeBlank(values: FormValues, i: number): boolean {
  return ['from', 'to', 'staffId'].every((f) => !text(values, `ranges.${i}.${f}`));
}

export interface ParsedRota {
  input: Record<string, unknown>;
  errors: FieldErrors;
  /** The form row each saved range came from (blank rows are skipped). */
  rangeRowOf: number[];
  orderRowOf: number[];
}

export function formToRota(values: FormValues, t: TFunction): ParsedRota {
  const errors: FieldErrors = {};
  const need = (field: string): string => {
    const v = text(values, field);
    if (!v) addError(errors, field, t('settings.errors.required'));
    return v;
  };
  const oneId = (field: string, required = true): number | undefined => {
    const v = required ? need(field) : text(values, field);
    const id = parseId(v);
    if (v !== '' && id === undefined) addError(errors, field, t('settings.errors.id'));
    return id;
  };
  const type = text(values, 'type') === 'ranges' ? 'ranges' : 'weekly';
  const zone = need('timezone');
  const orderRowOf: number[] = [];
  const rangeRowOf: number[] = [];
  let rotation: Record<string, unknown>;
  if (type === 'weekly') {
    const staffIds: number[] = [];
    for (const i of rowIndexes(values, ORDER)) {
      const id = oneId(`order.${i}`, false);
      if (id !== undefined) {
        staffIds.push(id);
        orderRowOf.push(i);
      }
    }
    rotation = { type, startsAt: need('startsAt'), handover: need('handover'), timezone: zone, staffIds };
  } else {
    const ranges: Record<string, unknown>[] = [];
    for (const i of rowIndexes(values, RANGE)) {
      if (rangeBlank(values, i)) continue;
      const at = (f: 'from' | 'to'): string => {
        const typed = need(`ranges.${i}.${f}`);
        const local = typed ? DateTime.fromFormat(typed, LOCAL, { zone }) : null;
        if (typed && !local?.isValid)
          addError(errors, `ranges.${i}.${f}`, t('settings.on_call.errors.local_time'));
        return local?.isValid ? (local.toISO({ suppressMilliseconds: true }) ?? typed) : typed;
      };
      ranges.push({ from: at('from'), to: at('to'), staffId: oneId(`ranges.${i}.staffId`) });
      rangeRowOf.push(i);
    }
    rotation = { type, ranges };
  }
  const input = {
    key: need('key'),
    name: need('name'),
    departmentId: oneId('departmentId'),
    fallbackStaffId: oneId('fallbackStaffId'),
    rotation,
  };
  return { input, errors, rangeRowOf, orderRowOf };
}

/** Where rota issue paths belong on the form. */
export function rotaIssueRules(parsed: Pick<ParsedRota, 'rangeRowOf' | 'orderRowOf'>): PathRule[] {
  const range = (i: string) => parsed.rangeRowOf[Number(i)] ?? Number(i);
  const order = (i: string) => parsed.orderRowOf[Number(i)] ?? Number(i);
  return [
    [/^(key|name|departmentId|fallbackStaffId)$/, (m) => m[1]],
    [/^rotation\.(startsAt|handover|timezone)$/, (m) => m[1]],
    [/^rotation\.staffIds\[(\d+)\]$/, (m) => `order.${order(m[1])}`],
    [/^rotation\.staffIds$/, () => 'order.0'],
    [/^rotation\.ranges\[(\d+)\]\.(from|to|staffId)$/, (m) => `ranges.${range(m[1])}.${m[2]}`],
    [/^rotation\.ranges\[(\d+)\]$/, (m) => `ranges.${range(m[1])}.from`],
    [/^rotation\b/, () => 'type'],
  ];
}
