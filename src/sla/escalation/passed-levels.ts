import type { CalendarLike } from '../calendar';
import type { ClockMetric } from '../config';
import { levelsDue, type LadderClock, type LadderLevel } from './ladder';
import type { SubjectType } from '../config/subject-types';

/**
 * What a manager chooses when a saved ladder (or target) puts levels in the past for open
 * tickets: `fire` lets the next scan fire them at once, `skip` records them as skipped so only
 * levels reached from now on fire.
 */
export const PASSED_LEVEL_CHOICES = ['fire', 'skip'] as const;
export type PassedLevelChoice = (typeof PASSED_LEVEL_CHOICES)[number];

export function isPassedLevelChoice(value: unknown): value is PassedLevelChoice {
  return (PASSED_LEVEL_CHOICES as readonly unknown[]).includes(value);
}

/** One level whose moment has already passed on a running clock and that has not fired. */
export interface PassedLevel {
  subjectType: SubjectType;
  subjectId: number;
  policyId: number;
  metric: ClockMetric;
  cycle: number;
  level: LadderLevel;
  fireAt: Date;
}

/** How a ladder's passed levels would act at the next scan, counted for the manager. */
export interface LadderImpact {
  /** Open tickets the next scan would act on at once. */
  tickets: number;
  /** Open leads the next scan would act on at once. */
  leads: number;
  levels: number;
  /** Levels that email someone (assignee, a staff member, a department). */
  emails: number;
  /** Levels that reassign the ticket (to a staff member or a department). */
  reassignments: number;
  priorityRaises: number;
}

/**
 * The levels of these running clocks whose moment is at or before `now` and that have not fired
 * (or been skipped): exactly what the next scan would fire.
 */
export function passedLevels(
  subjectId: number,
  policyId: number,
  clocks: readonly (LadderClock & { cycle: number })[],
  ladder: readonly LadderLevel[],
  calendar: CalendarLike | null,
  now: Date,
  isFired: (metric: ClockMetric, cycle: number, levelKey: string) => boolean,
  subjectType: SubjectType = 'ticket',
): PassedLevel[] {
  return clocks.flatMap((clock) =>
    levelsDue(clock, ladder, calendar, now)
      .filter((d) => !isFired(clock.metric, clock.cycle, d.level.key))
      .map((d) => ({
        subjectType,
        subjectId,
        policyId,
        metric: clock.metric,
        cycle: clock.cycle,
        level: d.level,
        fireAt: d.fireAt,
      })),
  );
}

export function impactOf(levels: readonly PassedLevel[]): LadderImpact {
  const count = (types: readonly string[]) =>
    levels.filter((l) => types.includes(l.level.action.type)).length;
  const subjects = (type: SubjectType) =>
    new Set(levels.filter((l) => l.subjectType === type).map((l) => l.subjectId)).size;
  return {
    tickets: subjects('ticket'),
    leads: subjects('lead'),
    levels: levels.length,
    emails: count(['notify_assignee', 'notify_staff', 'notify_department', 'notify_on_call']),
    reassignments: count(['reassign_staff', 'reassign_department']),
    priorityRaises: count(['raise_priority']),
  };
}
