import { createHash } from 'node:crypto';
import { addBusinessMinutes, businessMinutesBetween, type CalendarLike } from '../calendar';
import type { ClockMetric, ClockScope, EscalationConfig } from '../config';

const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

/**
 * One rung of a policy's escalation ladder. `level` counts from 1 in the policy's order (for
 * people); `key` identifies the level by what it is (metric, trigger, action), so editing the
 * ladder around it never makes it fire again.
 */
export interface LadderLevel extends EscalationConfig {
  level: number;
  key: string;
}

/** The part of a clock the ladder looks at. */
export interface LadderClock {
  metric: ClockMetric;
  startedAt: Date;
  dueAt: Date;
  state: string;
  metAt: Date | null;
  endedAt: Date | null;
  /** True while the clock is paused (a breached clock can be paused too). */
  pausedNow?: boolean;
  /** `internal` for a team's internal clock; absent = the customer clock. */
  scope?: ClockScope;
}

/** A level acts on the clocks of its metric and scope (a level without scope: the customer clocks). */
function levelFor(level: LadderLevel, clock: LadderClock): boolean {
  return level.metric === clock.metric && (level.scope ?? 'customer') === (clock.scope ?? 'customer');
}

export function ladderOf(escalations: readonly EscalationConfig[]): LadderLevel[] {
  const seen = new Map<string, number>();
  return escalations.map((e, i) => {
    const content = createHash('sha1')
      // A condition is part of what the level is; levels without one keep their old keys. How a
      // level is delivered (`deliver`) is not: holding it to working hours never makes it fire again.
      .update(
        JSON.stringify([
          e.metric,
          e.trigger.type,
          e.trigger.minutes ?? null,
          e.action,
          ...(e.when ? [e.when] : []),
          // Likewise the scope: a customer level (no scope) hashes as it did before OLAs.
          ...(e.scope ? [{ scope: e.scope }] : []),
        ]),
      )
      .digest('hex')
      .slice(0, 24);
    // Two identical levels in one ladder stay two levels.
    const repeat = seen.get(content) ?? 0;
    seen.set(content, repeat + 1);
    return { ...e, level: i + 1, key: repeat ? `${content}-${repeat}` : content };
  });
}

/** Only a clock still running escalates: met, ended (closed unanswered, merged) and paused ones do not. */
export function isRunning(clock: LadderClock): boolean {
  return clock.metAt === null && clock.endedAt === null && clock.state !== 'paused' && !clock.pausedNow;
}

/**
 * When a level fires, in business time on the policy's calendar: N business minutes before
 * due, at due, or N business minutes after due.
 */
export function triggerAt(calendar: CalendarLike | null, clock: LadderClock, level: LadderLevel): Date {
  const cal = calendar ?? ALWAYS_OPEN;
  const minutes = level.trigger.minutes ?? 0;
  switch (level.trigger.type) {
    case 'at_due':
      return clock.dueAt;
    case 'after_due':
      return addBusinessMinutes(cal, clock.dueAt, minutes);
    case 'before_due': {
      const total = businessMinutesBetween(cal, clock.startedAt, clock.dueAt);
      return addBusinessMinutes(cal, clock.startedAt, Math.max(0, total - minutes));
    }
  }
}

/** The levels of this clock's metric whose moment has come, in firing order. */
export function levelsDue(
  clock: LadderClock,
  ladder: readonly LadderLevel[],
  calendar: CalendarLike | null,
  now: Date,
): { level: LadderLevel; fireAt: Date }[] {
  if (!isRunning(clock)) return [];
  return ladder
    .filter((l) => levelFor(l, clock))
    .map((level) => ({ level, fireAt: triggerAt(calendar, clock, level) }))
    .filter((x) => x.fireAt.getTime() <= now.getTime())
    .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime() || a.level.level - b.level.level);
}

/** The next moment after `now` a level of this clock fires, or null. */
export function nextTriggerAfter(
  clock: LadderClock,
  ladder: readonly LadderLevel[],
  calendar: CalendarLike | null,
  now: Date,
): Date | null {
  if (!isRunning(clock)) return null;
  let next: Date | null = null;
  for (const level of ladder) {
    if (!levelFor(level, clock)) continue;
    const at = triggerAt(calendar, clock, level);
    if (at.getTime() > now.getTime() && (next === null || at < next)) next = at;
  }
  return next;
}

/** The earlier of two optional instants. */
export function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() <= b.getTime() ? a : b;
}
