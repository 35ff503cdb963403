/** Localised unit labels, each with `{{count}}`, e.g. `{{count}}h`. */
export interface DurationUnits {
  days: (count: number) => string;
  hours: (count: number) => string;
  minutes: (count: number) => string;
}

/**
 * Wall-clock minutes in the compact style subjects use: "45m", "2h 10m", "3d 4h". Two units at
 * most, so a subject stays short; days drop the minutes (nobody needs them three days late).
 */
export function formatDuration(totalMinutes: number, units: DurationUnits): string {
  const minutes = Math.max(0, Math.round(totalMinutes));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${units.days(days)} ${units.hours(hours)}` : units.days(days);
  if (hours > 0) return rest > 0 ? `${units.hours(hours)} ${units.minutes(rest)}` : units.hours(hours);
  return units.minutes(rest);
}
