/**
 * A slow, obviously-correct business-time implementation used only to cross-check the
 * real one. It shares no code with src/sla/calendar: it walks local dates one by one with
 * luxon, turns each wall-clock boundary into an instant by asking the zone directly, merges
 * the resulting intervals and scans them.
 */
import { DateTime, IANAZone } from 'luxon';
import type { CalendarInput } from '../../src/sla/calendar';

const HOUR = 3_600_000;
const KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function minutesOf(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h * 60 + m;
}

/**
 * The first instant whose wall-clock reading is >= the wall time `naive` (wall-clock
 * fields written as if UTC): the earlier occurrence of an ambiguous time, the end of the
 * gap for a skipped one.
 */
export function wallToInstant(zone: IANAZone, naive: number): number {
  const offsetAt = (t: number) => Math.round(zone.offset(t) * 60_000);
  const candidates = new Set<number>();
  for (let k = -6; k <= 6; k++) candidates.add(offsetAt(naive + k * 3 * HOUR));
  const valid = [...candidates].map((o) => naive - o).filter((t) => offsetAt(t) === naive - t);
  if (valid.length > 0) return Math.min(...valid);
  // Skipped wall time: bisect for the first second whose reading is past `naive`.
  let lo = Math.floor((naive - 16 * HOUR) / 1000);
  let hi = Math.ceil((naive + 16 * HOUR) / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid * 1000 + offsetAt(mid * 1000) >= naive) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** Open intervals (instants, merged, ascending) of local dates firstDate..lastDate (ISO). */
export function referenceIntervals(
  calendar: CalendarInput,
  firstDate: string,
  days: number,
): [number, number][] {
  const zone = IANAZone.create(calendar.timezone);
  const holidays = new Set(calendar.holidays ?? []);
  const raw: [number, number][] = [];
  let date = DateTime.fromISO(firstDate, { zone: 'utc' });
  for (let i = 0; i < days; i++, date = date.plus({ days: 1 })) {
    const iso = date.toISODate() as string;
    if (holidays.has(iso)) continue;
    const local: [number, number][] = [];
    if (!calendar.week) {
      local.push([0, 1440]);
    } else {
      const today = calendar.week[KEYS[date.weekday - 1]] ?? [];
      const yesterday = calendar.week[KEYS[(date.weekday + 5) % 7]] ?? [];
      for (const [s, e] of today) {
        const start = minutesOf(s);
        const end = minutesOf(e);
        local.push([start, end > start ? end : 1440]);
      }
      for (const [s, e] of yesterday) {
        if (minutesOf(e) <= minutesOf(s)) local.push([0, minutesOf(e)]);
      }
    }
    const midnight = date.toMillis();
    for (const [s, e] of local) {
      const start = wallToInstant(zone, midnight + s * 60_000);
      const end = wallToInstant(zone, midnight + e * 60_000);
      if (end > start) raw.push([start, end]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of raw) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

function localDate(calendar: CalendarInput, t: number, shiftDays: number): string {
  return DateTime.fromMillis(t, { zone: calendar.timezone }).plus({ days: shiftDays }).toISODate() as string;
}

/** Reference addBusinessMinutes; generates dates in chunks and gives up after `maxDays`. */
export function referenceAdd(calendar: CalendarInput, start: Date, minutes: number, maxDays = 800): Date {
  const t0 = start.getTime();
  let rem = Math.round(minutes * 60_000);
  const chunk = 28;
  for (let done = 0; done < maxDays; done += chunk) {
    // Dates of consecutive chunks tile the time line, so scanning them in turn is exact.
    for (const [s, e] of referenceIntervals(calendar, localDate(calendar, t0, done - 2), chunk)) {
      if (e <= t0) continue;
      const begin = Math.max(s, t0);
      if (rem <= e - begin) return new Date(begin + rem);
      rem -= e - begin;
    }
  }
  throw new Error('reference: target not reached within maxDays');
}

/** Reference businessMinutesBetween. */
export function referenceBetween(calendar: CalendarInput, a: Date, b: Date): number {
  const [from, to, sign] = a <= b ? [a.getTime(), b.getTime(), 1] : [b.getTime(), a.getTime(), -1];
  const first = localDate(calendar, from, -2);
  const days = Math.ceil((to - from) / 86_400_000) + 5;
  let sum = 0;
  for (const [s, e] of referenceIntervals(calendar, first, days)) {
    const lo = Math.max(s, from);
    const hi = Math.min(e, to);
    if (hi > lo) sum += hi - lo;
  }
  return (sign * sum) / 60_000;
}
