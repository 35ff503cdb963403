import { median, p90, percentile } from '../../src/sla/stats/percentile';

describe('median and p90', () => {
  it('are null without values', () => {
    expect(median([])).toBeNull();
    expect(p90([])).toBeNull();
  });

  it('a single value is its own median and p90', () => {
    expect(median([42])).toBe(42);
    expect(p90([42])).toBe(42);
  });

  it('median of an odd count is the middle value, of an even count the mean of the two middle ones', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
  });

  it('p90 interpolates between the closest ranks like PERCENTILE.INC', () => {
    // ranks 0..9: 0.9 * 9 = 8.1 -> 9 + 0.1 * (10 - 9)
    expect(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBeCloseTo(9.1, 10);
    // 0.9 * 2 = 1.8 -> 20 + 0.8 * (100 - 20)
    expect(p90([100, 10, 20])).toBeCloseTo(84, 10);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('p0 and p100 are the minimum and maximum; p outside 0..100 is refused', () => {
    expect(percentile([5, 1, 9], 0)).toBe(1);
    expect(percentile([5, 1, 9], 100)).toBe(9);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});
