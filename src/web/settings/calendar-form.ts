import type { TFunction } from 'i18next';
import { importHolidays } from '../../sla/calendar';
import { CalendarError } from '../../sla/calendar/calendar-error';
import type { CalendarConfig } from '../../sla/config';
import { addError, type FieldErrors, type PathRule } from './form-errors';
import { list, rowIndexes, text, type FormValues } from './form-values';
import { MAX_HOLIDAY_YEAR, MIN_HOLIDAY_YEAR, parseYear } from '../../sla/strict-input';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayKey = (typeof WEEKDAYS)[number];

/** Interval rows rendered per weekday without JS; blank rows are ignored when saving. */
export const MIN_SLOTS = 3;

const DAY = `(${WEEKDAYS.join('|')})`;
export const CALENDAR_FIELDS: readonly RegExp[] = [
  /^(key|name|timezone|alwaysOpen|holidays|holidayCountry|holidayRegion|holidayFrom|holidayTo)$/,
  new RegExp(`^week\\.${DAY}\\.\\d{1,2}\\.(start|end)$`),
];

const slotPattern = (day: WeekdayKey) => new RegExp(`^week\\.${day}\\.(\\d+)\\.(?:start|end)$`);

/** The form for a stored calendar, or for a new one (Mon-Fri 09:00-17:00 in the host's zone). */
export function calendarToForm(
  calendar: CalendarConfig | undefined,
  hostZone: string,
  year: number,
): FormValues {
  const values: FormValues = {
    key: calendar?.key ?? '',
    name: calendar?.name ?? '',
    timezone: calendar?.timezone ?? hostZone,
    holidays: (calendar?.holidays ?? []).join('\n'),
    holidayCountry: calendar?.holidayCountry ?? '',
    holidayRegion: calendar?.holidayRegion ?? '',
    holidayFrom: String(year),
    holidayTo: String(year + 1),
  };
  if (calendar && !calendar.week) values.alwaysOpen = '1';
  const week = calendar ? (calendar.week ?? {}) : defaultWeek();
  for (const [day, intervals] of Object.entries(week)) {
    intervals.forEach(([start, end], i) => {
      values[`week.${day}.${i}.start`] = start;
      values[`week.${day}.${i}.end`] = end;
    });
  }
  return values;
}

function defaultWeek(): Record<string, [string, string][]> {
  return Object.fromEntries(WEEKDAYS.slice(0, 5).map((d) => [d, [['09:00', '17:00']]]));
}

/** Rows to render per weekday: every row in use plus at least one blank, never fewer than MIN_SLOTS. */
export function slotCounts(values: FormValues): Record<WeekdayKey, number> {
  const counts = {} as Record<WeekdayKey, number>;
  for (const day of WEEKDAYS) {
    const used = rowIndexes(values, slotPattern(day)).filter(
      (i) => text(values, `week.${day}.${i}.start`) || text(values, `week.${day}.${i}.end`),
    );
    counts[day] = Math.max(MIN_SLOTS, (used.at(-1) ?? -1) + 2);
  }
  return counts;
}

export interface ParsedCalendar {
  /** What to hand to `services.config.saveCalendar`. */
  input: Record<string, unknown>;
  errors: FieldErrors;
  /** For each weekday, the form row each saved interval came from (blank rows are skipped). */
  rowOf: Record<WeekdayKey, number[]>;
}

/** Splits the holiday box on new lines, commas or spaces; duplicates dropped, order kept. */
export function holidayLines(values: FormValues): string[] {
  return [
    ...new Set(
      text(values, 'holidays')
        .split(/[\s,;]+/)
        .filter(Boolean),
    ),
  ];
}

export function formToCalendar(values: FormValues, t: TFunction): ParsedCalendar {
  const errors: FieldErrors = {};
  const rowOf = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as number[]])) as Record<WeekdayKey, number[]>;
  const input: Record<string, unknown> = {
    key: text(values, 'key'),
    name: text(values, 'name'),
    timezone: text(values, 'timezone'),
    holidays: holidayLines(values),
  };
  if (!input.key) addError(errors, 'key', t('settings.errors.required'));
  if (!input.name) addError(errors, 'name', t('settings.errors.required'));
  const country = text(values, 'holidayCountry').toUpperCase();
  const region = text(values, 'holidayRegion').toUpperCase();
  if (country) input.holidayCountry = country;
  if (region) input.holidayRegion = region;

  if (list(values, 'alwaysOpen').length === 0) {
    const week: Record<string, [string, string][]> = {};
    for (const day of WEEKDAYS) {
      for (const i of rowIndexes(values, slotPattern(day))) {
        const start = text(values, `week.${day}.${i}.start`);
        const end = text(values, `week.${day}.${i}.end`);
        if (!start && !end) continue;
        if (!start || !end) {
          addError(errors, `week.${day}.${i}.${start ? 'end' : 'start'}`, t('settings.errors.interval_both'));
          continue;
        }
        (week[day] ??= []).push([start, end]);
        rowOf[day].push(i);
      }
    }
    if (Object.keys(week).length === 0 && !errors.week)
      addError(errors, 'week', t('settings.errors.no_hours'));
    input.week = week;
  }
  return { input, errors, rowOf };
}

/** Where calendar issue paths (relative to the calendar) belong on the form. */
export function calendarIssueRules(rowOf: Record<WeekdayKey, number[]>): PathRule[] {
  const row = (day: string, index: string) => rowOf[day as WeekdayKey]?.[Number(index)];
  return [
    [/^(key|name|timezone|holidayCountry|holidayRegion)$/, (m) => m[1]],
    [
      /^week\.(\w+)\[(\d+)\]\[([01])\]$/,
      (m) => {
        const r = row(m[1], m[2]);
        return r === undefined ? 'week' : `week.${m[1]}.${r}.${m[3] === '0' ? 'start' : 'end'}`;
      },
    ],
    [
      /^week\.(\w+)\[(\d+)\]$/,
      (m) => {
        const r = row(m[1], m[2]);
        return r === undefined ? 'week' : `week.${m[1]}.${r}.start`;
      },
    ],
    [/^week\b/, () => 'week'],
    [/^holidays\b/, () => 'holidays'],
  ];
}

export interface HolidayImportResult {
  values: FormValues;
  added: number;
  errors: FieldErrors;
}

/** Where a holiday-import refusal belongs on the form, and its message (`settings.errors.*`). */
const IMPORT_FIELD: Record<string, { field: string; key: string }> = {
  country: { field: 'holidayCountry', key: 'unknown_country' },
  region: { field: 'holidayRegion', key: 'unknown_region' },
  years: { field: 'holidayFrom', key: 'year_range' },
};

/**
 * The "import holidays" button: adds a country's (and region's) public holidays for a range of
 * years to the form's holiday list, for review. Nothing is saved until the form is.
 */
export function importHolidaysIntoForm(values: FormValues, t: TFunction): HolidayImportResult {
  const errors: FieldErrors = {};
  const country = text(values, 'holidayCountry');
  const region = text(values, 'holidayRegion');
  const from = parseYear(text(values, 'holidayFrom'));
  const to = parseYear(text(values, 'holidayTo') || text(values, 'holidayFrom'));
  const yearRange = t('settings.errors.year_range', { min: MIN_HOLIDAY_YEAR, max: MAX_HOLIDAY_YEAR });
  if (!country) addError(errors, 'holidayCountry', t('settings.errors.required'));
  if (from === undefined) addError(errors, 'holidayFrom', yearRange);
  else if (to === undefined || to < from || to - from > 20) addError(errors, 'holidayTo', yearRange);
  if (from === undefined || to === undefined || Object.keys(errors).length)
    return { values, added: 0, errors };
  try {
    const found = importHolidays({ country, region: region || undefined, years: [from, to] });
    const current = holidayLines(values);
    const merged = [...new Set([...current, ...found])].sort();
    return {
      values: { ...values, holidays: merged.join('\n') },
      added: merged.length - current.length,
      errors,
    };
  } catch (err) {
    if (!(err instanceof CalendarError)) throw err;
    const where = IMPORT_FIELD[err.field];
    addError(
      errors,
      where?.field ?? 'holidayCountry',
      // The library's message is English; it is kept only for a field this form does not know.
      where
        ? t(`settings.errors.${where.key}`, { country, region, min: MIN_HOLIDAY_YEAR, max: MAX_HOLIDAY_YEAR })
        : err.message,
    );
    return { values, added: 0, errors };
  }
}
