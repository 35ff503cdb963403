import { zoneOffsets } from '../../src/store/rollups/zone-offsets';

const iso = (d: Date) => d.toISOString();

describe('zoneOffsets', () => {
  it('gives a fixed-offset zone one span from the earliest storable instant', () => {
    expect(zoneOffsets('UTC')).toEqual([{ startsAt: new Date('1000-01-01T00:00:00Z'), offsetMinutes: 0 }]);
    expect(zoneOffsets('Asia/Kolkata').map((s) => s.offsetMinutes)).toEqual([330]);
  });

  it('finds each DST change to the millisecond (Berlin 2026: 29 March and 25 October, 01:00 UTC)', () => {
    const spans = zoneOffsets(
      'Europe/Berlin',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(spans.map((s) => [iso(s.startsAt), s.offsetMinutes])).toEqual([
      ['1000-01-01T00:00:00.000Z', 60],
      ['2026-03-29T01:00:00.000Z', 120],
      ['2026-10-25T01:00:00.000Z', 60],
    ]);
  });

  it('covers the southern hemisphere and quarter-hour zones (Chatham +12:45/+13:45)', () => {
    const spans = zoneOffsets(
      'Pacific/Chatham',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(spans.map((s) => s.offsetMinutes)).toEqual([825, 765, 825]);
  });

  it('names an unknown zone', () => {
    expect(() => zoneOffsets('Mars/Olympus')).toThrow('unknown time zone: Mars/Olympus');
  });
});
