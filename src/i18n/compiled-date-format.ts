import { IANAZone } from 'luxon';
import { zoneOffsets, type ZoneOffsets } from '../sla/calendar/zone-offsets';
import { formatDateTime, LOCAL_DATE_TIME } from './format-date';

/**
 * formatDateTime (format-date.ts) for pages that word many instants per request (a list's badge
 * titles): the same text, without building luxon objects per call. formatDateTime stays the
 * definition; this is a faster route to its output, used only where it gives exactly that.
 *
 * - The local wall clock comes from the zone's cached offset table (ZoneOffsets, which asks luxon
 *   once per block of days), not from a luxon DateTime per instant.
 * - English is luxon's `toFormat('ccc d LLL[ yyyy] HH:mm')`, which takes its names from luxon's
 *   own English tables; other languages are luxon's `toLocaleString`, which is Intl's
 *   DateTimeFormat with these options and the zone, here built once and reused.
 *
 * What luxon does can depend on the process (its default locale, the ICU data), so each compiled
 * format first words a set of probe instants both ways and falls back to formatDateTime itself if
 * any differs.
 */
export type InstantFormat = (at: Date, otherYear: boolean) => string;

const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The local calendar year of `at` in the zone (what luxon's `.year` says). */
export function localYear(offsets: ZoneOffsets, at: number): number {
  return new Date(at + offsets.offsetAt(at)).getUTCFullYear();
}

function englishFormat(offsets: ZoneOffsets): InstantFormat {
  return (at, otherYear) => {
    const t = at.getTime();
    const local = new Date(t + offsets.offsetAt(t));
    const year = local.getUTCFullYear();
    const date = `${WEEKDAYS_EN[local.getUTCDay()]} ${local.getUTCDate()} ${MONTHS_EN[local.getUTCMonth()]}`;
    // luxon's yyyy pads to four digits; every year a ticket has is four digits already.
    const shownYear = otherYear
      ? ` ${year < 1000 || year > 9999 ? String(year).padStart(4, '0') : year}`
      : '';
    return `${date}${shownYear} ${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
  };
}

function intlFormat(lang: string, zone: string): InstantFormat {
  const sameYear = new Intl.DateTimeFormat(lang, { ...LOCAL_DATE_TIME, timeZone: zone });
  const withYear = new Intl.DateTimeFormat(lang, { ...LOCAL_DATE_TIME, year: 'numeric', timeZone: zone });
  return (at, otherYear) => (otherYear ? withYear : sameYear).format(at);
}

/** Instants over a year (both sides of midnight, every month), worded both ways before use. */
function probes(): Date[] {
  const out: Date[] = [];
  for (let month = 0; month < 12; month++) {
    for (const day of [1, 15]) {
      for (const hour of [0, 3, 12, 23]) out.push(new Date(Date.UTC(2026, month, day, hour, 7 + 11 * hour)));
    }
  }
  return out;
}

/** A `now` in another year than any probe, so formatDateTime shows the year. */
const FAR = new Date(Date.UTC(9999, 0, 1));

/** Whether `format` words every probe as formatDateTime does, without and with the year. */
function agrees(format: InstantFormat, zone: string, lang: string): boolean {
  return probes().every(
    (at) =>
      format(at, false) === formatDateTime(at, zone, lang, at) &&
      format(at, true) === formatDateTime(at, zone, lang, FAR),
  );
}

const ianaZones = new Map<string, boolean>();

/** luxon's IANAZone.isValidZone, which builds an Intl.DateTimeFormat per call, asked once per zone. */
function isIanaZone(zone: string): boolean {
  let valid = ianaZones.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    ianaZones.set(zone, valid);
  }
  return valid;
}

const compiled = new Map<string, InstantFormat>();
/** The formats that fell back to formatDateTime (what `compiledRoute` reports). */
const fallbacks = new WeakSet<InstantFormat>();

/** The compiled format of `lang` in `zone`, checked once per process (see the top of this file). */
export function compiledFormat(lang: string, zone: string): InstantFormat {
  const key = `${lang}\u0000${zone}`;
  let format = compiled.get(key);
  if (!format) {
    format = compile(lang, zone);
    compiled.set(key, format);
  }
  return format;
}

/** Which route `lang` in `zone` takes in this process: the compiled one, or formatDateTime itself. */
export function compiledRoute(lang: string, zone: string): 'compiled' | 'luxon' {
  return fallbacks.has(compiledFormat(lang, zone)) ? 'luxon' : 'compiled';
}

function compile(lang: string, zone: string): InstantFormat {
  const reference: InstantFormat = (at, otherYear) => formatDateTime(at, zone, lang, otherYear ? FAR : at);
  fallbacks.add(reference);
  // Only zones luxon reads as IANA names take this route (a fixed offset like `UTC+3` does not).
  if (!isIanaZone(zone)) return reference;
  try {
    const fast = lang === 'en' ? englishFormat(zoneOffsets(zone)) : intlFormat(lang, zone);
    return agrees(fast, zone, lang) ? fast : reference;
  } catch {
    return reference;
  }
}

/**
 * dateTimeFormatter (format-date.ts) through the compiled format: `now`'s local year is worked
 * out once, not per instant.
 */
export function listDateTimeFormatter(
  lang: string,
  zone: string,
  now?: Date,
): (date: Date | string) => string {
  const instant = (date: Date | string): Date => (typeof date === 'string' ? new Date(date) : date);
  // A zone luxon does not read as an IANA name words every instant as formatDateTime does.
  if (!isIanaZone(zone)) return (date) => formatDateTime(instant(date), zone, lang, now);
  const format = compiledFormat(lang, zone);
  if (now === undefined) return (date) => format(instant(date), false);
  const offsets = zoneOffsets(zone);
  const nowYear = localYear(offsets, now.getTime());
  return (date) => {
    const at = instant(date);
    return format(at, localYear(offsets, at.getTime()) !== nowYear);
  };
}
