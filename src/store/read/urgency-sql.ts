import { STATE_RANK } from '../../sla/clocks/live-state';
import type { ClockState } from '../../sla/clocks/sla-event';

/**
 * SQL over a subject row's urgency columns (migration 20261206070000_subject_urgency, written by
 * urgency-repository.ts): the list's filter and sort and the monitor read these instead of the
 * clocks. Each takes the subjects' alias `a`.
 */

/**
 * The subject's state rank now (two `?` bindings: now, now): its stored rank, made worse by a due
 * or warning time that passed since the clocks were last written, exactly as liveState in
 * live-state.ts would judge its clocks (the breach and risk columns are the earliest such times).
 */
export function liveRankOf(a: string): string {
  return (
    `CASE WHEN ${a}.list_rank = 0 OR ${a}.urgency_breach_at <= ? THEN 0 ` +
    `WHEN ${a}.list_rank = 1 OR ${a}.urgency_risk_at <= ? THEN 1 ELSE ${a}.list_rank END`
  );
}

/**
 * A condition an index can serve that every subject whose live rank is `rank` meets (one `?`
 * binding, now, for ranks 0 and 1; none otherwise): breached and at risk can also come from a
 * passed due or warning time, the other ranks only from the stored one.
 */
export function liveRankRangeOf(a: string, rank: number): { sql: string; nows: number } {
  if (rank === STATE_RANK.breached)
    return { sql: `(${a}.list_rank = 0 OR ${a}.urgency_breach_at <= ?)`, nows: 1 };
  if (rank === STATE_RANK.at_risk)
    return { sql: `(${a}.list_rank = 1 OR ${a}.urgency_risk_at <= ?)`, nows: 1 };
  return { sql: `${a}.list_rank = ${Number(rank)}`, nows: 0 };
}

/**
 * Nothing passed since the clocks were written (one `?`: now): the stored urgency (rank, due,
 * metric, cycle of the most urgent clock) is the live one. A subject past its `urgency_changes_at`
 * until the next tick is read from its clocks instead.
 */
export const urgencyFreshOf = (a: string): string =>
  `(${a}.urgency_changes_at IS NULL OR ${a}.urgency_changes_at > ?)`;

/** The opposite of urgencyFreshOf (one `?`: now). */
export const urgencyStaleOf = (a: string): string => `${a}.urgency_changes_at <= ?`;

/** The rank of a state, for a binding. */
export const rankOf = (state: ClockState): number => STATE_RANK[state];
