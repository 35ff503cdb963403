/**
 * Percentiles for report figures, the way spreadsheets compute them (PERCENTILE.INC: linear
 * interpolation between the closest ranks), so a manager can check a figure by hand.
 */

/** The `p`-th percentile (0..100) of `values`; null for no values. The input is not modified. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100 (got ${p})`);
  if (values.length === 0) return null;
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** percentile() of values already sorted ascending: a report sorts each list once for several. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100 (got ${p})`);
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

/** The middle value (the mean of the two middle ones for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/** The value 90 % of `values` do not exceed (interpolated); null for no values. */
export function p90(values: readonly number[]): number | null {
  return percentile(values, 90);
}
