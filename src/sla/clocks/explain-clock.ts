import { DateTime } from 'luxon';
import { addBusinessMinutes, type CalendarLike } from '../calendar';
import type { Clock, NotDueCycle } from './compute-clocks';

const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

/**
 * The words of an explanation. The domain speaks English (the JSON API and the CLI); the
 * ticket panel passes phrases from the locale files, so each viewer reads their language.
 * Every phrase gets its values already formatted (dates, durations, status names).
 */
export interface ExplainPhrases {
  /** An instant as the viewer reads it, in `zone`. */
  date(at: Date, zone: string): string;
  /** A duration; `business` = counted in business time. */
  duration(minutes: number, business: boolean): string;
  started(v: { at: string; zone: string; duration: string; due: string }): string;
  startedClosed(v: { at: string; zone: string; opens: string; duration: string; due: string }): string;
  statusFallback(v: { id: number }): string;
  paused(v: { status: string; from: string; to: string; duration: string; due: string }): string;
  pausedSince(v: { status: string; from: string; duration: string; due: string }): string;
  pauseAfterDue(v: { status: string; from: string; to: string }): string;
  pauseAfterDueSince(v: { status: string; from: string }): string;
  met(v: { at: string }): string;
  breachedMetLate(v: { due: string; at: string }): string;
  breachedWaiting(v: { due: string }): string;
  atRisk(v: { warn: string }): string;
  pausedNow(): string;
  onTrack(v: { warn: string }): string;
  notDueNeverOpen(v: { at: string; zone: string }): string;
  notDueBeyond(v: { at: string; zone: string; duration: string; horizon: string }): string;
  metWithoutDue(v: { at: string }): string;
  settled(v: { due: string }): string;
  endedUnanswered(v: { due: string; at: string }): string;
  /** A status_time clock whose ticket left the status before the due time. */
  leftInTime(v: { status: string; at: string }): string;
  leftLate(v: { status: string; due: string; at: string }): string;
  breachedStillIn(v: { status: string; due: string }): string;
}

export interface ExplainContext {
  /** The policy's calendar; null = around the clock. */
  calendar: CalendarLike | null;
  /** Zone to speak in: the calendar's, or the host's for 24x7 policies. */
  timezone: string;
  statusNames: ReadonlyMap<number, string>;
  now: Date;
}

/** "4 business hours", "1 h 30 min of business time", "45 business min": durations in words. */
export function formatMinutes(minutes: number, business = true): string {
  const rounded = Math.round(minutes);
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  const unit = business ? 'business ' : '';
  if (m === 0 && h > 0) return `${h} ${unit}hour${h === 1 ? '' : 's'}`;
  if (h === 0) return `${m} ${unit}min`;
  // "161 h 8 min of business time": "161 h 8 business min" read as 161 h plus 8 business minutes.
  return business ? `${h} h ${m} min of business time` : `${h} h ${m} min`;
}

/** The English phrases: what the API's `explain` and `sla-vigil ticket` print. */
export const ENGLISH_PHRASES: ExplainPhrases = {
  date: (at, zone) => DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL HH:mm'),
  duration: formatMinutes,
  started: (v) => `started ${v.at} (${v.zone}); ${v.duration} → due ${v.due}`,
  startedClosed: (v) =>
    `started ${v.at} (${v.zone}), office closed until ${v.opens}; ${v.duration} → due ${v.due}`,
  statusFallback: (v) => `status ${v.id}`,
  paused: (v) => `paused (${v.status}) ${v.from} - ${v.to}: ${v.duration} added → due ${v.due}`,
  pausedSince: (v) => `paused (${v.status}) since ${v.from}: ${v.duration} added → due ${v.due}`,
  pauseAfterDue: (v) => `${v.status} ${v.from} - ${v.to}: after the due time, so no time added`,
  pauseAfterDueSince: (v) => `${v.status} since ${v.from}: after the due time, so no time added`,
  met: (v) => `met ${v.at}, before the due time`,
  breachedMetLate: (v) => `breached at ${v.due}; met late at ${v.at}`,
  breachedWaiting: (v) => `breached at ${v.due}, still waiting`,
  atRisk: (v) => `at risk since the warning at ${v.warn}`,
  pausedNow: () => 'paused now: the due time moves on while the ticket waits',
  onTrack: (v) => `on track; warning at ${v.warn}`,
  notDueNeverOpen: (v) =>
    `started ${v.at} (${v.zone}); not due: the calendar never opens, so there is no due time`,
  notDueBeyond: (v) =>
    `started ${v.at} (${v.zone}); not due: the calendar does not open for ${v.duration} before ${v.horizon}, so there is no due time`,
  metWithoutDue: (v) => `met ${v.at}; there was no due time`,
  settled: (v) => `ended under the policy in force then: due ${v.due}`,
  endedUnanswered: (v) => `breached at ${v.due}; ended unanswered at ${v.at}`,
  leftInTime: (v) => `left ${v.status} ${v.at}, before the due time`,
  leftLate: (v) => `breached at ${v.due}; left ${v.status} late at ${v.at}`,
  breachedStillIn: (v) => `breached at ${v.due}, still in ${v.status}`,
};

/** The status a status_time clock is about, by the host's name for it (or "status 7"). */
function stayStatus(
  clock: { metric?: string; status?: number },
  ctx: ExplainContext,
  phrases: ExplainPhrases,
): string | null {
  if (clock.metric !== 'status_time' || clock.status === undefined) return null;
  return ctx.statusNames.get(clock.status) ?? phrases.statusFallback({ id: clock.status });
}

/**
 * The segments and pauses that make a clock's due time, in words a manager understands:
 * "created Fri 17:40, office closed until Mon 09:00; 4 business hours → due Mon 13:00".
 */
export function explainClock(
  clock: Clock,
  ctx: ExplainContext,
  phrases: ExplainPhrases = ENGLISH_PHRASES,
): string[] {
  const calendar = ctx.calendar ?? ALWAYS_OPEN;
  const fmt = (d: Date): string => phrases.date(d, ctx.timezone);
  const lines: string[] = [];
  const opening = addBusinessMinutes(calendar, clock.startedAt, 0);
  let due = addBusinessMinutes(calendar, clock.startedAt, clock.targetMinutes);
  const start = {
    at: fmt(clock.startedAt),
    zone: ctx.timezone,
    duration: phrases.duration(clock.targetMinutes, ctx.calendar !== null),
    due: fmt(due),
  };
  lines.push(
    opening.getTime() > clock.startedAt.getTime()
      ? phrases.startedClosed({ ...start, opens: fmt(opening) })
      : phrases.started(start),
  );
  for (const pause of clock.pauses) {
    const status = ctx.statusNames.get(pause.status) ?? phrases.statusFallback({ id: pause.status });
    if (pause.businessMinutes > 0) due = addBusinessMinutes(calendar, due, pause.businessMinutes);
    const from = fmt(pause.from);
    if (pause.from.getTime() >= clock.dueAt.getTime() && pause.businessMinutes === 0) {
      lines.push(
        pause.to
          ? phrases.pauseAfterDue({ status, from, to: fmt(pause.to) })
          : phrases.pauseAfterDueSince({ status, from }),
      );
    } else {
      const added = { status, from, duration: phrases.duration(pause.businessMinutes, true), due: fmt(due) };
      lines.push(pause.to ? phrases.paused({ ...added, to: fmt(pause.to) }) : phrases.pausedSince(added));
    }
  }
  // A status_time clock is "met" by leaving the status: it says so, with the status's name.
  const stay = stayStatus(clock, ctx, phrases);
  switch (clock.state) {
    case 'met':
      lines.push(
        stay
          ? phrases.leftInTime({ status: stay, at: fmt(clock.metAt as Date) })
          : phrases.met({ at: fmt(clock.metAt as Date) }),
      );
      break;
    case 'breached': {
      const due = fmt(clock.dueAt);
      if (clock.metAt) {
        const at = fmt(clock.metAt);
        lines.push(stay ? phrases.leftLate({ status: stay, due, at }) : phrases.breachedMetLate({ due, at }));
      } else if (stay && !clock.endedAt) {
        lines.push(phrases.breachedStillIn({ status: stay, due }));
      } else {
        lines.push(phrases.breachedWaiting({ due }));
      }
      break;
    }
    case 'at_risk':
      lines.push(phrases.atRisk({ warn: fmt(clock.warnAt) }));
      break;
    case 'paused':
      lines.push(phrases.pausedNow());
      break;
    case 'on_track':
      lines.push(phrases.onTrack({ warn: fmt(clock.warnAt) }));
      break;
  }
  return lines;
}

/** Why a cycle has no due time (its calendar never opens, or not for years), in words. */
export function explainNotDue(
  cycle: NotDueCycle,
  ctx: ExplainContext,
  phrases: ExplainPhrases = ENGLISH_PHRASES,
): string[] {
  const fmt = (d: Date): string => phrases.date(d, ctx.timezone);
  const start = { at: fmt(cycle.startedAt), zone: ctx.timezone };
  const lines = [
    cycle.reason === 'never_open'
      ? phrases.notDueNeverOpen(start)
      : phrases.notDueBeyond({
          ...start,
          duration: phrases.duration(cycle.targetMinutes, ctx.calendar !== null),
          horizon: fmt(cycle.horizon),
        }),
  ];
  if (cycle.metAt) lines.push(phrases.metWithoutDue({ at: fmt(cycle.metAt) }));
  return lines;
}

/** A stored cycle that ended: what it ended with, kept whatever the policy became since. */
export interface SettledClock {
  metric?: string;
  /** The status of a status_time clock. */
  status?: number;
  dueAt: Date;
  metAt: Date | null;
  endedAt: Date | null;
  breachedAt: Date | null;
}

/**
 * Why an ended cycle reads as it does: its due time and outcome as they were when it ended (the
 * targets and calendar may have been edited since, so nothing is recomputed from them).
 */
export function explainSettled(
  clock: SettledClock,
  ctx: ExplainContext,
  phrases: ExplainPhrases = ENGLISH_PHRASES,
): string[] {
  const fmt = (d: Date): string => phrases.date(d, ctx.timezone);
  const due = fmt(clock.dueAt);
  const lines = [phrases.settled({ due })];
  const stay = stayStatus(clock, ctx, phrases);
  if (clock.metAt) {
    const at = fmt(clock.metAt);
    if (stay) {
      lines.push(
        clock.breachedAt
          ? phrases.leftLate({ status: stay, due, at })
          : phrases.leftInTime({ status: stay, at }),
      );
    } else {
      lines.push(clock.breachedAt ? phrases.breachedMetLate({ due, at }) : phrases.met({ at }));
    }
  } else if (clock.endedAt) {
    lines.push(phrases.endedUnanswered({ due, at: fmt(clock.endedAt) }));
  }
  return lines;
}
