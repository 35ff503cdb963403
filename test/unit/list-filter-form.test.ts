import { filterFormFor, PROBE_ABOVE_SHARE } from '../../src/store/read/list-filter-form';

describe('filterFormFor', () => {
  it('joins from the subjects for a rare state and probes for a common or unknown one', () => {
    expect(filterFormFor(0)).toBe('semijoin');
    expect(filterFormFor(PROBE_ABOVE_SHARE)).toBe('semijoin');
    expect(filterFormFor(PROBE_ABOVE_SHARE + 0.01)).toBe('probe');
    expect(filterFormFor(0.48)).toBe('probe');
    expect(filterFormFor(undefined)).toBe('probe');
  });
});
