import { STATE_RANK, stateRank } from './live-state';

/**
 * What a subject's stored clocks say about its urgency, computed from clocks in memory: the JS twin
 * of the urgency columns' aggregation (src/store/urgency-repository.ts) and of the dashboard's live
 * rollup row (liveRows in src/store/rollups/rollup-tables.ts). The tick holds a batch's clocks
 * before and after it moves them, so it derives both here instead of reading the clocks back; the
 * rebuild tests (subject-urgency, rollups) hold the twins equal.
 */

/** The stored fields of a clock these summaries read. */
export interface SummarizedClock {
  metric: string;
  cycle: number;
  state: string;
  dueAt: Date;
  warnAt: Date;
  metAt: Date | null;
  endedAt: Date | null;
  scope?: 'customer' | 'internal';
}

/** A subject's stored urgency: the columns `urgency_*` of its row (null when no clock runs). */
export interface StoredUrgency {
  /** Rank of the most urgent clock's stored state (0 breached, 1 at risk, 2 on track, 3 paused). */
  rank: number;
  due: Date;
  metric: string;
  cycle: number;
  /** Earliest due time of a running clock stored neither breached nor paused. */
  breachAt: Date | null;
  /** Earliest warning time of a running clock stored on track. */
  riskAt: Date | null;
}

/** A customer clock still counting (runningClockOf in SQL): internal clocks (OLA) never count. */
export function isRunningCustomerClock(c: SummarizedClock): boolean {
  return c.metAt === null && c.endedAt === null && (c.scope ?? 'customer') === 'customer';
}

/**
 * The rank the urgency columns give a stored state: liveState at the beginning of time, when no
 * due or warning time has passed yet (the read side adds those from breach_at and risk_at).
 */
function storedRank(state: string): number {
  if (state === 'paused') return STATE_RANK.paused;
  if (state === 'breached') return STATE_RANK.breached;
  if (state === 'at_risk') return STATE_RANK.at_risk;
  return STATE_RANK.on_track;
}

const earlier = (a: Date | null, b: Date): Date => (a === null || b.getTime() < a.getTime() ? b : a);

/**
 * The most urgent running customer clock by stored state, then earliest due time, then metric (byte
 * order, as the SQL key compares it), then the latest cycle; with the earliest breach and risk
 * moments. Null when no customer clock runs.
 */
export function storedUrgency(clocks: readonly SummarizedClock[]): StoredUrgency | null {
  let best: StoredUrgency | null = null;
  let breachAt: Date | null = null;
  let riskAt: Date | null = null;
  for (const c of clocks) {
    if (!isRunningCustomerClock(c)) continue;
    const rank = storedRank(c.state);
    if (best === null || compareKey(rank, c, best) < 0)
      best = { rank, due: c.dueAt, metric: c.metric, cycle: c.cycle, breachAt: null, riskAt: null };
    if (c.state !== 'paused' && c.state !== 'breached') {
      breachAt = earlier(breachAt, c.dueAt);
      if (c.state !== 'at_risk') riskAt = earlier(riskAt, c.warnAt);
    }
  }
  return best && { ...best, breachAt, riskAt };
}

function compareKey(rank: number, c: SummarizedClock, best: StoredUrgency): number {
  return (
    rank - best.rank ||
    c.dueAt.getTime() - best.due.getTime() ||
    (c.metric < best.metric ? -1 : c.metric > best.metric ? 1 : 0) ||
    best.cycle - c.cycle
  );
}

/** Whether two stored urgencies are the same (both null included). */
export function sameUrgency(a: StoredUrgency | null, b: StoredUrgency | null): boolean {
  if (a === null || b === null) return a === b;
  const time = (d: Date | null) => (d === null ? null : d.getTime());
  return (
    a.rank === b.rank &&
    a.due.getTime() === b.due.getTime() &&
    a.metric === b.metric &&
    a.cycle === b.cycle &&
    time(a.breachAt) === time(b.breachAt) &&
    time(a.riskAt) === time(b.riskAt)
  );
}

/**
 * The rank of the most urgent stored state among the running customer clocks (the dashboard's live
 * row counts it only for a subject with a policy); null when none runs.
 */
export function runningRank(clocks: readonly SummarizedClock[]): number | null {
  let rank: number | null = null;
  for (const c of clocks) {
    if (!isRunningCustomerClock(c)) continue;
    const r = stateRank(c.state);
    if (rank === null || r < rank) rank = r;
  }
  return rank;
}
