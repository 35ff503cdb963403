import { foldIntoLocalDays, lastLocalDays } from '../../src/services/local-day-series';

describe('lastLocalDays', () => {
  it('ends today in the zone and starts at local midnight, DST included', () => {
    // 2026-03-31 00:30 in Berlin is still the 30th in UTC.
    const { from, days } = lastLocalDays(new Date('2026-03-30T22:30:00Z'), 'Europe/Berlin', 3);
    expect(days).toEqual(['2026-03-29', '2026-03-30', '2026-03-31']);
    // Midnight on the 29th is CET (+1): the change to CEST happens at 02:00 that morning.
    expect(from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(lastLocalDays(new Date('2026-03-31T10:00:00Z'), 'UTC', 90).days).toHaveLength(90);
  });
});

describe('foldIntoLocalDays', () => {
  const days = ['2026-03-28', '2026-03-29', '2026-03-30'];
  const bucket = (hour: string, finished: number, onTime: number, breaches = 0) => ({
    hour,
    finished,
    onTime,
    breaches,
  });

  it('puts each UTC hour into its local day, with the offset of that hour', () => {
    const points = foldIntoLocalDays(
      [
        bucket('2026-03-28 22:00:00', 1, 1), // 23:00 CET on the 28th
        bucket('2026-03-28 23:00:00', 1, 0), // 00:00 CET on the 29th
        bucket('2026-03-29 21:00:00', 1, 1), // 23:00 CEST on the 29th
        bucket('2026-03-29 22:00:00', 0, 0, 2), // 00:00 CEST on the 30th
      ],
      'Europe/Berlin',
      days,
    );
    expect(points.map((p) => [p.day, p.finished, p.onTime, p.breaches])).toEqual([
      ['2026-03-28', 1, 1, 0],
      ['2026-03-29', 2, 1, 0],
      ['2026-03-30', 0, 0, 2],
    ]);
    expect(points.map((p) => p.compliance)).toEqual([100, 50, null]);
  });

  it('ignores hours outside the days asked for', () => {
    const points = foldIntoLocalDays([bucket('2026-03-01 10:00:00', 5, 5)], 'Europe/Berlin', days);
    expect(points.every((p) => p.finished === 0)).toBe(true);
  });
});
