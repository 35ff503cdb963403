import type { InternalTargetConfig } from '../config/sla-config-schema';
import type { SlaEvent } from './sla-event';
import { computeCycles, type Clock, type ClockPolicy, type NotDueCycle } from './compute-clocks';

/** What team matching looks at on a ticket: its department and its assignee (0 = none). */
export interface TeamSubject {
  department: number;
  assigned: number;
}

/** The team whose internal targets hold for a ticket, with its place in the policy's list. */
export interface MatchedTeam {
  index: number;
  team: InternalTargetConfig;
}

/**
 * The first team of the policy's list that the ticket belongs to: a department team when the
 * ticket is in that department, a staff group when its assignee is one of the group. First
 * match wins, so the order of the list is the precedence (put the narrower team first).
 */
export function internalTeamOf(
  teams: readonly InternalTargetConfig[] | undefined,
  subject: TeamSubject,
): MatchedTeam | null {
  const index = (teams ?? []).findIndex((t) =>
    t.team.departmentId !== undefined
      ? t.team.departmentId === subject.department
      : subject.assigned !== 0 && (t.team.staffIds ?? []).includes(subject.assigned),
  );
  return index < 0 || !teams ? null : { index, team: teams[index] };
}

/**
 * A ticket's internal clocks: the same timeline replayed on the same calendar and pauses, against
 * the matched team's shorter targets, each clock marked `scope: 'internal'`. The internal ladder
 * levels (scope internal) drive their next checks; customer levels never look at them. Pure, as
 * computeCycles is. No team, no internal clocks.
 */
export function computeInternalCycles(
  events: readonly SlaEvent[],
  policy: ClockPolicy,
  subject: TeamSubject,
  now: Date,
): { team: MatchedTeam | null; clocks: Clock[]; notDue: NotDueCycle[] } {
  const team = internalTeamOf(policy.internal, subject);
  if (!team) return { team: null, clocks: [], notDue: [] };
  const internalPolicy: ClockPolicy = {
    ...policy,
    // Status windows stay the customer's: an OLA covers the ticket metrics only.
    targets: team.team.targets,
    scope: 'internal',
    internal: undefined,
  };
  return { team, ...computeCycles(events, internalPolicy, now) };
}

/** True for a customer clock (the SLA: badges, list state and the customer reports read only these). */
export function isCustomerClock(clock: { scope?: string | null }): boolean {
  return (clock.scope ?? 'customer') === 'customer';
}
