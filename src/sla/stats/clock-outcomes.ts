import type { ClockMetric } from '../config';
import { percentileOfSorted } from './percentile';

/** What the outcome figures need of one finished clock. */
export interface ClockOutcome {
  subjectId: number;
  metric: ClockMetric;
  cycle: number;
  /** Met before its due time: met and never breached. */
  metOnTime: boolean;
  breached: boolean;
  /** Minutes from start to met (null when never met); the caller decides which minutes. */
  minutesToMet: number | null;
}

export interface Spread {
  median: number | null;
  p90: number | null;
}

/** The figures of one report row. */
export interface OutcomeStats {
  finished: number;
  metOnTime: number;
  breached: number;
  /** Met on time / finished, in percent; null when nothing finished. */
  compliancePercent: number | null;
  firstResponse: Spread;
  resolution: Spread;
  /** Tickets with at least one finished clock. */
  tickets: number;
  /** Tickets whose last finished cycle of some metric was breached. */
  lastCycleBreached: number;
  /** Tickets with any breached clock. */
  everBreached: number;
}

/**
 * Adds up finished clocks into one report row. "Last cycle" is per ticket and metric: the
 * highest cycle among the clocks added, so a ticket whose next_response cycle 1 was breached
 * and cycle 2 met is ever breached but not breached in its last cycle.
 */
export class OutcomeTally {
  private finished = 0;
  private metOnTime = 0;
  private breached = 0;
  private readonly minutes: Record<'first_response' | 'resolution', number[]> = {
    first_response: [],
    resolution: [],
  };
  private readonly lastCycles = new Map<number, Map<ClockMetric, { cycle: number; breached: boolean }>>();
  private readonly everBreached = new Set<number>();

  add(clock: ClockOutcome): void {
    this.finished++;
    if (clock.metOnTime) this.metOnTime++;
    if (clock.breached) {
      this.breached++;
      this.everBreached.add(clock.subjectId);
    }
    // Response and resolution times only: a status window's stay is no response time.
    if (clock.minutesToMet !== null && (clock.metric === 'first_response' || clock.metric === 'resolution')) {
      this.minutes[clock.metric].push(clock.minutesToMet);
    }
    let metrics = this.lastCycles.get(clock.subjectId);
    if (!metrics) this.lastCycles.set(clock.subjectId, (metrics = new Map()));
    const last = metrics.get(clock.metric);
    if (!last || clock.cycle > last.cycle)
      metrics.set(clock.metric, { cycle: clock.cycle, breached: clock.breached });
  }

  result(): OutcomeStats {
    let lastCycleBreached = 0;
    for (const metrics of this.lastCycles.values()) {
      if ([...metrics.values()].some((m) => m.breached)) lastCycleBreached++;
    }
    // One numeric sort per list for both figures (a typed array sorts numbers without a comparator).
    const spread = (values: number[]): Spread => {
      const sorted = Float64Array.from(values).sort();
      return { median: percentileOfSorted(sorted, 50), p90: percentileOfSorted(sorted, 90) };
    };
    return {
      finished: this.finished,
      metOnTime: this.metOnTime,
      breached: this.breached,
      compliancePercent: this.finished === 0 ? null : (100 * this.metOnTime) / this.finished,
      firstResponse: spread(this.minutes.first_response),
      resolution: spread(this.minutes.resolution),
      tickets: this.lastCycles.size,
      lastCycleBreached,
      everBreached: this.everBreached.size,
    };
  }
}
