import { parseInstant } from '../strict-input';
import { parseLocalDate, parseWallTime, DAY_MS, MINUTE_MS } from '../calendar/wall-time';
import { zoneOffsets } from '../calendar/zone-offsets';
import type { OnCallRotaConfig, RotationConfig } from '../config/on-call-schema';

const WEEK_MS = 7 * DAY_MS;

/** A change of who is on call: from `at` on, `staffId` (null: nobody, so the fallback). */
export interface Handover {
  at: Date;
  staffId: number | null;
}

/**
 * Who is on duty at `now` by the rotation alone, or null when nobody is (before a weekly
 * rotation's first shift, or outside every range). Pure: the caller decides the fallback.
 *
 * Weekly: shift n starts at `handover` wall-clock time in the rota's zone on the local date
 * `startsAt + 7n days`, so a handover stays at 09:00 local across DST changes (that week is an
 * hour shorter or longer); shift n belongs to `staffIds[n mod length]`. A handover time skipped
 * by a spring-forward gap is the end of the gap, as for calendars.
 * Ranges: the first listed range with from <= now < to.
 */
export function onDutyAt(rotation: RotationConfig, now: Date): number | null {
  const t = now.getTime();
  if (rotation.type === 'ranges') {
    const range = rotation.ranges.find((r) => instant(r.from) <= t && t < instant(r.to));
    return range ? range.staffId : null;
  }
  const shift = weeklyShiftAt(rotation, t);
  return shift === null ? null : rotation.staffIds[shift % rotation.staffIds.length];
}

/** Who a `notify_on_call` level reaches at `now`: the person on duty, else the rota's fallback. */
export function onCallAt(rota: OnCallRotaConfig, now: Date): number {
  return onDutyAt(rota.rotation, now) ?? rota.fallbackStaffId;
}

/** The next `count` changes of who is on duty after `now`, in time order (for the settings page). */
export function nextHandovers(rotation: RotationConfig, now: Date, count: number): Handover[] {
  const t = now.getTime();
  if (rotation.type === 'weekly') {
    const shift = weeklyShiftAt(rotation, t);
    const first = shift === null ? 0 : shift + 1;
    return Array.from({ length: count }, (_, i) => ({
      at: new Date(weeklyStart(rotation, first + i)),
      staffId: rotation.staffIds[(first + i) % rotation.staffIds.length],
    }));
  }
  const moments = [...new Set(rotation.ranges.flatMap((r) => [instant(r.from), instant(r.to)]))]
    .filter((m) => m > t)
    .sort((a, b) => a - b);
  const out: Handover[] = [];
  let current = onDutyAt(rotation, now);
  for (const m of moments) {
    const next = onDutyAt(rotation, new Date(m));
    if (next === current) continue;
    out.push({ at: new Date(m), staffId: next });
    current = next;
    if (out.length === count) break;
  }
  return out;
}

type Weekly = Extract<RotationConfig, { type: 'weekly' }>;

/** The instant shift `n` of a weekly rotation starts. */
function weeklyStart(rotation: Weekly, n: number): number {
  const day = parseLocalDate(rotation.startsAt) as number;
  const minutes = parseWallTime(rotation.handover) as number;
  return zoneOffsets(rotation.timezone).toUtc((day + 7 * n) * DAY_MS + minutes * MINUTE_MS);
}

/** The number of the shift running at `t`, or null before the first one. */
function weeklyShiftAt(rotation: Weekly, t: number): number | null {
  const start = weeklyStart(rotation, 0);
  if (t < start) return null;
  // Real weeks are 7 x 24 h give or take the DST hour: the estimate is off by at most one.
  let n = Math.floor((t - start) / WEEK_MS);
  while (weeklyStart(rotation, n + 1) <= t) n++;
  while (n > 0 && weeklyStart(rotation, n) > t) n--;
  return n;
}

function instant(text: string): number {
  return (parseInstant(text) as Date).getTime();
}
