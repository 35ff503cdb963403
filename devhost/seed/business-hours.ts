import { DateTime } from 'luxon';
import type { Random } from './random';

/** Demo staff work Mon-Fri 09:00-17:00 in the host zone; clients write whenever they like. */
export function isBusinessHours(date: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(date, { zone });
  return local.weekday <= 5 && local.hour >= 9 && local.hour < 17;
}

/**
 * The instant itself when it falls in business hours, else shortly after the next opening:
 * staff answer what came in overnight or over the weekend in the morning's first hour or so
 * (`withinMinutes` after opening at the latest).
 */
export function nextBusinessInstant(date: Date, zone: string, rng: Random, withinMinutes = 90): Date {
  if (isBusinessHours(date, zone)) return date;
  const local = DateTime.fromJSDate(date, { zone });
  let day =
    local.weekday <= 5 && local.hour < 9 ? local.startOf('day') : local.startOf('day').plus({ days: 1 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day
    .set({ hour: 9 })
    .plus({ seconds: rng.int(3 * 60, withinMinutes * 60) })
    .toJSDate();
}

/** A week's rhythm for new tickets: mostly office hours, some evenings, few at weekends. */
export function creationWeight(date: Date, zone: string): number {
  const local = DateTime.fromJSDate(date, { zone });
  if (local.weekday > 5) return 0.08;
  if (local.hour >= 8 && local.hour < 18) return 1;
  return local.hour >= 6 && local.hour < 22 ? 0.25 : 0.05;
}
