import type Holidays from 'date-holidays';
import { CalendarError } from './calendar-error';
import { civilFromDays, DAY_MS, parseLocalDate } from './wall-time';
import { MAX_HOLIDAY_YEAR, MIN_HOLIDAY_YEAR } from '../strict-input';

/** What to import: an ISO 3166-1 country, optionally one of its states, for years [from, to]. */
export interface HolidayImportRequest {
  /** ISO 3166-1 alpha-2 code as date-holidays knows it, e.g. `DE`. */
  country: string;
  /** A state/region code of that country as date-holidays knows it, e.g. `BY`. */
  region?: string;
  /** First and last year, inclusive. */
  years: readonly [from: number, to: number];
}

const MAX_YEARS = 200;

let holidaysClass: typeof Holidays | undefined;

/**
 * date-holidays parses every country's data when it is loaded (about 18 MB of a process's memory):
 * loaded on the first import or region check, which the scans and workers never make.
 */
function holidays(country?: string, region?: string): Holidays {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  holidaysClass ??= require('date-holidays') as typeof Holidays;
  if (country === undefined) return new holidaysClass();
  return region === undefined ? new holidaysClass(country) : new holidaysClass(country, region);
}

/** The state/region codes date-holidays knows for a country (empty for an unknown country). */
export function regionsOf(country: string): Set<string> {
  return new Set(Object.keys(holidays().getStates(country.toUpperCase()) ?? {}));
}

/**
 * Public holidays of a country (and optionally a region) as calendar `holidays` entries:
 * sorted, unique local `YYYY-MM-DD` dates.
 *
 * Only `type === 'public'` holidays count. A calendar holiday closes a whole date, so a
 * public holiday that starts during the day (e.g. a half-day holiday from 12:00) is left
 * out; one that lasts several days contributes every date it covers.
 *
 * Uses the bundled date-holidays data only (no I/O).
 *
 * @throws {CalendarError} naming `country`, `region` or `years` when one is unknown or invalid.
 */
export function importHolidays(request: HolidayImportRequest): string[] {
  const { country, region, years } = request;
  const lookup = holidays();
  const countries = lookup.getCountries();
  if (typeof country !== 'string' || !Object.hasOwn(countries, country.toUpperCase())) {
    throw new CalendarError(
      'country',
      `unknown country ${JSON.stringify(country)} (use an ISO 3166-1 code such as DE)`,
    );
  }
  const code = country.toUpperCase();
  let regionCode: string | undefined;
  if (region !== undefined) {
    const states = lookup.getStates(code) ?? {};
    regionCode = typeof region === 'string' ? region.toUpperCase() : undefined;
    if (regionCode === undefined || !Object.hasOwn(states, regionCode)) {
      throw new CalendarError('region', `unknown region ${JSON.stringify(region)} of ${code}`);
    }
  }
  if (
    !Array.isArray(years) ||
    years.length !== 2 ||
    !years.every((y) => Number.isInteger(y) && y >= MIN_HOLIDAY_YEAR && y <= MAX_HOLIDAY_YEAR) ||
    years[0] > years[1] ||
    years[1] - years[0] >= MAX_YEARS
  ) {
    throw new CalendarError(
      'years',
      `expected [from, to] with whole years from ${MIN_HOLIDAY_YEAR} to ${MAX_HOLIDAY_YEAR}, from <= to, at most ${MAX_YEARS} years`,
    );
  }

  const source = regionCode ? holidays(code, regionCode) : holidays(code);
  const dates = new Set<string>();
  for (let year = years[0]; year <= years[1]; year++) {
    for (const holiday of source.getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      const [date, time] = holiday.date.split(' ');
      if (time !== undefined && time !== '00:00:00') continue;
      const first = parseLocalDate(date);
      if (first === undefined) continue;
      // start/end are instants; rounding absorbs a 23 h or 25 h DST day.
      const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      for (let d = 0; d < length; d++) dates.add(civilFromDays(first + d));
    }
  }
  return [...dates].sort();
}
