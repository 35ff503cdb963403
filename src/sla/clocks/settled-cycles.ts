import type { ClockMetric } from '../config/sla-config-schema';

/** What a stored clock row needs to say for this decision: its cycle and when it ended. */
export interface SettledCandidate {
  metric: ClockMetric;
  cycle: number;
  /** `internal` for a team's clock: its cycles are its own (absent = the customer's). */
  scope?: string;
  metAt: Date | null;
  endedAt: Date | null;
}

/** When a cycle ended (met, or ended unmet by a close or merge); null while it runs. */
export function cycleEnd(clock: { metAt: Date | null; endedAt: Date | null }): Date | null {
  return clock.metAt ?? clock.endedAt;
}

/**
 * The instant before which a subject's cycles are settled: the earliest event the last stored
 * computation did not see. Events are replayed in time order, so every cycle that ended before
 * that instant was replayed from exactly the events that computation saw: it ended the same way
 * then, and that computation's judgement of it (the policy, target, due time and outcome, or
 * "not owed" when it stored no row) is final. Null when the subject was never computed (nothing
 * is settled yet); the end of time when that computation saw every event.
 */
export function settledBefore(
  lastSeenEventId: number | null,
  events: readonly { id: number; occurredAt: Date }[],
): Date | null {
  if (lastSeenEventId === null) return null;
  let earliest: Date | null = null;
  for (const e of events) {
    if (e.id > lastSeenEventId && (earliest === null || e.occurredAt < earliest)) earliest = e.occurredAt;
  }
  return earliest ?? FAR_FUTURE;
}

/** Later than any event: every ended cycle is settled. */
const FAR_FUTURE = new Date(8.64e15);

/**
 * Splits a recompute into what stays and what is written. Why: a configuration change (policy
 * targets, pause list, calendar, a deleted policy) must change only running and future clocks,
 * never history, and reports before and after an edit must agree on finished clocks. A cycle
 * that ended before `before` (see {@link settledBefore}) keeps its stored row as it is, and a
 * settled cycle without a stored row (ended unmet before its due time, or under no policy) gets
 * none; every other cycle is written as freshly computed. The timeline still rules: a late
 * event dated inside an ended cycle moves `before` back, so that cycle is computed again.
 */
export function splitSettled<S extends SettledCandidate, C extends SettledCandidate>(
  stored: readonly S[],
  computed: readonly C[],
  before: Date | null,
): { keep: S[]; write: C[] } {
  const settled = (c: SettledCandidate): boolean => {
    const end = cycleEnd(c);
    return before !== null && end !== null && end.getTime() < before.getTime();
  };
  const keep = stored.filter(settled);
  const kept = new Set(keep.map(cycleKey));
  const write = computed.filter((c) => !settled(c) && !kept.has(cycleKey(c)));
  return { keep, write };
}

/** A cycle's identity among a subject's clocks: scope, metric and cycle number. */
export function cycleKey(c: { scope?: string; metric: string; cycle: number }): string {
  return `${c.scope ?? 'customer'}:${c.metric}:${c.cycle}`;
}
