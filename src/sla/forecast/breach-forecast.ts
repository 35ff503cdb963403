/**
 * The breach forecast: how many subjects will breach within the next hour, 4 hours and day if
 * nothing changes. A subject counts in a window when one of its clocks that runs now (not paused,
 * not yet breached) is due inside it; the due times are already business time on the clock's
 * calendar (the engine computed them), so the windows themselves are plain wall-clock spans.
 * Windows are cumulative: what breaches within 1 h also breaches within 4 h and 24 h.
 * Paused clocks are left out: they do not run, so they do not breach while nothing changes.
 */

/** The forecast's windows, as the monitor's `breach_within` parameter spells them. */
export const FORECAST_WINDOWS = ['1h', '4h', '24h'] as const;
export type ForecastWindow = (typeof FORECAST_WINDOWS)[number];

const WINDOW_MINUTES: Record<ForecastWindow, number> = { '1h': 60, '4h': 240, '24h': 1440 };

/** The instant a window ends (inclusive) for `now`: a clock due after now and at or before it breaches in it. */
export function windowEnd(window: ForecastWindow, now: Date): Date {
  return new Date(now.getTime() + WINDOW_MINUTES[window] * 60_000);
}

/** How many subjects breach within each window. */
export interface WindowCounts {
  '1h': number;
  '4h': number;
  '24h': number;
}

export const NO_COUNTS: WindowCounts = { '1h': 0, '4h': 0, '24h': 0 };

/** One group's counts (a department, an agent, an owner; 0 = none). */
export interface ForecastGroup {
  id: number;
  counts: WindowCounts;
}

export function addCounts(a: WindowCounts, b: WindowCounts): WindowCounts {
  return { '1h': a['1h'] + b['1h'], '4h': a['4h'] + b['4h'], '24h': a['24h'] + b['24h'] };
}

/**
 * Counts of finer cells (e.g. department x agent) summed per key, most urgent first: most within
 * 1 h, then 4 h, then 24 h, then by id so the order is stable.
 */
export function sumBy<T>(
  cells: readonly T[],
  key: (cell: T) => number,
  counts: (cell: T) => WindowCounts,
): ForecastGroup[] {
  const groups = new Map<number, WindowCounts>();
  for (const cell of cells) {
    const id = key(cell);
    groups.set(id, addCounts(groups.get(id) ?? NO_COUNTS, counts(cell)));
  }
  return [...groups].map(([id, c]) => ({ id, counts: c })).sort(mostUrgentFirst);
}

export function mostUrgentFirst(a: ForecastGroup, b: ForecastGroup): number {
  return (
    b.counts['1h'] - a.counts['1h'] ||
    b.counts['4h'] - a.counts['4h'] ||
    b.counts['24h'] - a.counts['24h'] ||
    a.id - b.id
  );
}

/** The first `limit` groups, and the others summed into one line (null when none are left). */
export function topWithRest(
  groups: readonly ForecastGroup[],
  limit: number,
): { top: ForecastGroup[]; rest: { groups: number; counts: WindowCounts } | null } {
  const others = groups.slice(limit);
  return {
    top: groups.slice(0, limit),
    rest: others.length
      ? { groups: others.length, counts: others.reduce((sum, g) => addCounts(sum, g.counts), NO_COUNTS) }
      : null,
  };
}
