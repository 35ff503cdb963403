import type { ClockState } from './sla-event';

/** The time-driven part of a clock: what a scan may change without any new event. */
export interface TimedClock {
  dueAt: Date;
  warnAt: Date;
  metAt: Date | null;
  breachedAt: Date | null;
  state: Exclude<ClockState, 'no_policy'>;
  nextCheckAt: Date | null;
}

/** Moves a running clock past its warning or due time; met and paused clocks wait for events. */
export function advanceClock<C extends TimedClock>(clock: C, now: Date): C {
  if (clock.metAt || clock.state === 'paused' || clock.state === 'breached' || clock.state === 'met') {
    return { ...clock, nextCheckAt: null };
  }
  const t = now.getTime();
  if (t >= clock.dueAt.getTime())
    return { ...clock, state: 'breached', breachedAt: clock.dueAt, nextCheckAt: null };
  if (t >= clock.warnAt.getTime()) return { ...clock, state: 'at_risk', nextCheckAt: clock.dueAt };
  return { ...clock, state: 'on_track', nextCheckAt: clock.warnAt };
}

const SEVERITY: Record<ClockState, number> = {
  breached: 5,
  at_risk: 4,
  on_track: 3,
  paused: 2,
  met: 1,
  no_policy: 0,
};

/**
 * A ticket's one-word SLA state for badges and counts: the worst state among the latest cycle
 * of each metric (an old breached cycle shows in reports as "ever breached", not in the badge).
 * The customer's clocks only: a team's internal clock (OLA) never sets the badge.
 */
export function summarizeState(
  clocks: readonly { metric: string; cycle: number; state: ClockState; scope?: string }[],
): ClockState {
  const latest = new Map<string, { cycle: number; state: ClockState }>();
  for (const c of clocks) {
    if (c.scope === 'internal') continue;
    const seen = latest.get(c.metric);
    if (!seen || c.cycle > seen.cycle) latest.set(c.metric, c);
  }
  let worst: ClockState = 'met';
  for (const { state } of latest.values()) if (SEVERITY[state] > SEVERITY[worst]) worst = state;
  return worst;
}
