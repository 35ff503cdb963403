import type { ClockState } from './sla-event';

/**
 * THE definition of "what SLA state is this ticket in right now", shared by every page: the host
 * list's badge, filter and sort, the ticket panel, the "My SLA risks" widget, the monitor and the
 * dashboard. The SQL twin is EFFECTIVE_STATE / stateRankSql in src/store/read/sla-sql.ts; the test
 * test/integration/live-state-sql.test.ts runs both over one table of cases, so change them together.
 */

/** A clock that still runs: not met and not ended (a paused one runs too, it just waits). */
export interface RunningClock {
  metric: string;
  /** The state the last scan or event stored. */
  state: string;
  dueAt: Date;
  warnAt: Date;
}

export type LiveState = Extract<ClockState, 'on_track' | 'at_risk' | 'breached' | 'paused'>;

/**
 * A running clock's state at `now`. The scan stores states once a minute, but pages show the
 * time left to the second they render, so due and warning times count as well as the stored state.
 * Paused comes first: a paused clock's stored due time is provisional (computed when the pause
 * began and never moved, as nothing is due while it waits), so its passing means nothing. A clock
 * that breached before it paused was stored as breached and stays so.
 */
export function liveState(clock: RunningClock, now: Date): LiveState {
  if (clock.state === 'paused') return 'paused';
  const t = now.getTime();
  if (clock.state === 'breached' || clock.dueAt.getTime() <= t) return 'breached';
  if (clock.state === 'at_risk' || clock.warnAt.getTime() <= t) return 'at_risk';
  return 'on_track';
}

/**
 * Urgency of a ticket's state, most urgent first. Running states rank above the settled ones a
 * ticket without a running clock shows (met, no policy); a closed ticket whose last cycle breached
 * shows breached and ranks with the running breaches.
 */
export const STATE_RANK: Readonly<Record<ClockState, number>> = {
  breached: 0,
  at_risk: 1,
  on_track: 2,
  paused: 3,
  met: 4,
  no_policy: 5,
};

/** The rank of a state read from the database; anything unknown ranks last. */
export function stateRank(state: string): number {
  return (STATE_RANK as Record<string, number | undefined>)[state] ?? STATE_RANK.no_policy;
}

/**
 * The clock a ticket is judged by: the worst live state first, then the earliest due time (then
 * the metric name, so equal clocks always pick the same one, as the SQL does).
 */
export function mostUrgent<C extends RunningClock>(clocks: readonly C[], now: Date): C | undefined {
  let best: C | undefined;
  let bestRank = Infinity;
  for (const c of clocks) {
    const rank = STATE_RANK[liveState(c, now)];
    if (!best || compareUrgency(rank, c, bestRank, best) < 0) {
      best = c;
      bestRank = rank;
    }
  }
  return best;
}

function compareUrgency(rankA: number, a: RunningClock, rankB: number, b: RunningClock): number {
  return (
    rankA - rankB ||
    a.dueAt.getTime() - b.dueAt.getTime() ||
    (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0)
  );
}

/**
 * What a subject row stored, for a ticket with no running clock: its summary (met, or breached when
 * the last cycle of a metric breached), and no policy when none applies.
 */
export interface StoredSubjectState {
  policyId: number | null;
  slaState: string;
}

/**
 * A ticket's state now: its most urgent running clock's live state; with none running, what the
 * subject row stored; a ticket the module has not seen yet has no policy.
 */
export function ticketState(
  running: readonly RunningClock[],
  subject: StoredSubjectState | undefined,
  now: Date,
): ClockState {
  const clock = mostUrgent(running, now);
  if (clock) return liveState(clock, now);
  if (!subject || subject.policyId === null) return 'no_policy';
  return subject.slaState as ClockState;
}
