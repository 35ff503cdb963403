import { addBusinessMinutes, type CalendarInput } from '../calendar';

/**
 * The first moment at or after `now` a staff member works: `now` itself within their hours, else
 * the next opening of their calendar read in their zone (`zone`, default the calendar's own). No
 * calendar means always reachable. A calendar that never opens in that zone also gives `now`: a
 * message held forever would be a message lost.
 */
export function nextWorkingMoment(calendar: CalendarInput | null, zone: string | undefined, now: Date): Date {
  if (calendar === null) return now;
  try {
    return addBusinessMinutes(inZone(calendar, zone), now, 0);
  } catch (err) {
    if (err instanceof RangeError) return now;
    throw err;
  }
}

/** True when `now` is within the staff member's working hours. */
export function isWorking(calendar: CalendarInput | null, zone: string | undefined, now: Date): boolean {
  return nextWorkingMoment(calendar, zone, now).getTime() === now.getTime();
}

// Remembered per calendar object and zone: the business-time functions cache compiled calendars
// by object, so the same (calendar, zone) must give the same object.
const shifted = new WeakMap<CalendarInput, Map<string, CalendarInput>>();

function inZone(calendar: CalendarInput, zone: string | undefined): CalendarInput {
  if (zone === undefined || zone === calendar.timezone) return calendar;
  let byZone = shifted.get(calendar);
  if (!byZone) shifted.set(calendar, (byZone = new Map()));
  let moved = byZone.get(zone);
  if (!moved) byZone.set(zone, (moved = { ...calendar, timezone: zone }));
  return moved;
}
