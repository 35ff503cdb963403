import { METRICS, type ClockMetric, type Metric } from '../config/sla-config-schema';
import { computeClocks, type Clock, type ClockPolicy } from './compute-clocks';
import type { ClockState, SlaEvent } from './sla-event';

/** How a ticket fared on one metric: breached in any cycle, every cycle met, or still running. */
export type MetricOutcome = 'breached' | 'met' | 'running';

/** Per metric: how many tickets breached, met, are still running, or had no clock of it. */
export type OutcomeTally = Record<Metric, Record<MetricOutcome | 'none', number>>;

/**
 * A ticket's clocks under `policy` as if it had always governed the ticket: the recorded
 * policy changes are left out, so the draft's pause statuses apply from the start instead of
 * the pause lists of the policies the ticket actually had.
 */
export function replayUnderPolicy(events: readonly SlaEvent[], policy: ClockPolicy, now: Date): Clock[] {
  return computeClocks(
    events.filter((e) => e.type !== 'policy_changed'),
    policy,
    now,
  );
}

/**
 * One outcome per metric from a ticket's clocks (computed or stored): a breach in any cycle
 * counts ("ever breached"), else a cycle still open makes it running, else it was met.
 * Metrics without a clock are absent.
 */
export function metricOutcomes(
  clocks: readonly { metric: ClockMetric; state: Exclude<ClockState, 'no_policy'> }[],
): Partial<Record<ClockMetric, MetricOutcome>> {
  const out: Partial<Record<ClockMetric, MetricOutcome>> = {};
  for (const clock of clocks) {
    const outcome: MetricOutcome =
      clock.state === 'breached' ? 'breached' : clock.state === 'met' ? 'met' : 'running';
    const seen = out[clock.metric];
    if (seen === 'breached' || (seen === 'running' && outcome === 'met')) continue;
    out[clock.metric] = outcome;
  }
  return out;
}

export function emptyTally(): OutcomeTally {
  const tally = {} as OutcomeTally;
  for (const metric of METRICS) tally[metric] = { breached: 0, met: 0, running: 0, none: 0 };
  return tally;
}

/**
 * Adds one ticket's outcomes to a tally (in place, as it runs over thousands of tickets). The
 * tally counts the targeted metrics only; status windows are not part of it.
 */
export function addOutcomes(
  tally: OutcomeTally,
  outcomes: Partial<Record<ClockMetric, MetricOutcome>>,
): void {
  for (const metric of METRICS) tally[metric][outcomes[metric] ?? 'none'] += 1;
}
