import { foldIntoLocalDays, lastLocalDays } from '../../src/store/read/local-day-series';

describe('lastLocalDays', () => {
  it('ends today in the zone and starts at local midnight, DST included', () => {
    // 2026-03-31 00:30 in Berlin is still the 30th in UTC.
    const { from, days } = lastLocalDays(new Date('2026-03-30T22:30:00Z'), 'Europe/Berlin', 3);
    expect(days).toEqual(['2026-03-29', '2026-03-30', '2026-03-31']);
    // Midnight on the 29th is CET (+1): the change to CEST happens at 02:00 that morning.
    expect(from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(lastLocalDays(new Date('2026-03-31T10:00:00Z'), 'UTC', 90).days).toHaveLength(90);
  });

  it('starts at a half- or quarter-hour UTC instant in India and Nepal', () => {
    const now = new Date('2026-03-03T12:00:00Z');
    expect(lastLocalDays(now, 'Asia/Kolkata', 2)).toEqual({
      from: new Date('2026-03-01T18:30:00Z'),
      days: ['2026-03-02', '2026-03-03'],
    });
    expect(lastLocalDays(now, 'Asia/Kathmandu', 2).from).toEqual(new Date('2026-03-01T18:15:00Z'));
  });
});

describe('foldIntoLocalDays', () => {
  const bucket = (start: string, finished: number, onTime: number, breaches = 0) => ({
    start,
    finished,
    onTime,
    breaches,
  });
  const rows = (points: ReturnType<typeof foldIntoLocalDays>) =>
    points.map((p) => [p.day, p.finished, p.onTime, p.breaches]);

  it('puts each UTC slice into its local day, with the offset of that instant (Berlin DST)', () => {
    const points = foldIntoLocalDays(
      [
        bucket('2026-03-28 22:45:00', 1, 1), // 23:45 CET on the 28th
        bucket('2026-03-28 23:00:00', 1, 0), // 00:00 CET on the 29th
        bucket('2026-03-29 21:45:00', 1, 1), // 23:45 CEST on the 29th
        bucket('2026-03-29 22:00:00', 0, 0, 2), // 00:00 CEST on the 30th
      ],
      'Europe/Berlin',
      ['2026-03-28', '2026-03-29', '2026-03-30'],
    );
    expect(rows(points)).toEqual([
      ['2026-03-28', 1, 1, 0],
      ['2026-03-29', 2, 1, 0],
      ['2026-03-30', 0, 0, 2],
    ]);
    expect(points.map((p) => p.compliance)).toEqual([100, 50, null]);
  });

  it('splits days at local midnight in India (+5:30)', () => {
    const days = ['2026-03-02', '2026-03-03'];
    const points = foldIntoLocalDays(
      [
        bucket('2026-03-01 18:15:00', 9, 9), // 23:45 IST on the 1st: before the range
        bucket('2026-03-01 18:30:00', 1, 0, 1), // 00:00 IST on the 2nd: the first slice of the range
        bucket('2026-03-02 18:15:00', 1, 1), // 23:45 IST on the 2nd
        bucket('2026-03-02 18:30:00', 2, 1, 1), // 00:00 IST on the 3rd
        bucket('2026-03-02 18:45:00', 1, 1), // 00:15 IST on the 3rd
      ],
      'Asia/Kolkata',
      days,
    );
    expect(rows(points)).toEqual([
      ['2026-03-02', 2, 1, 1],
      ['2026-03-03', 3, 2, 1],
    ]);
  });

  it('splits days at local midnight in Nepal (+5:45)', () => {
    const points = foldIntoLocalDays(
      [
        bucket('2026-03-01 18:00:00', 9, 9), // 23:45 NPT on the 1st: before the range
        bucket('2026-03-01 18:15:00', 1, 1), // 00:00 NPT on the 2nd
        bucket('2026-03-02 18:00:00', 1, 0, 1), // 23:45 NPT on the 2nd
        bucket('2026-03-02 18:15:00', 1, 1), // 00:00 NPT on the 3rd
      ],
      'Asia/Kathmandu',
      ['2026-03-02', '2026-03-03'],
    );
    expect(rows(points)).toEqual([
      ['2026-03-02', 2, 1, 1],
      ['2026-03-03', 1, 1, 0],
    ]);
  });

  it('ignores slices outside the days asked for', () => {
    const points = foldIntoLocalDays([bucket('2026-03-01 10:00:00', 5, 5)], 'Europe/Berlin', ['2026-03-28']);
    expect(points.every((p) => p.finished === 0)).toBe(true);
  });
});
