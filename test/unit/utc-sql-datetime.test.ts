import { utcFromSql, utcToSql } from '../../src/store/datetime';

/** What utcFromSql returned before its field-by-field fast path (the Date parser). */
const parsed = (value: string): number => new Date(value.replace(' ', 'T') + 'Z').getTime();

describe('utcFromSql', () => {
  it.each([
    '2026-04-01 08:00:00.000',
    '2026-04-01 07:59:00.123',
    '1970-01-01 00:00:00.000',
    '2099-12-31 23:59:59.999',
    '2024-02-29 12:34:56.789',
    '2026-04-01 08:00:00',
    '1000-01-01 00:00:00.000',
  ])('reads %s as the Date parser does', (value) => {
    expect(utcFromSql(value).getTime()).toBe(parsed(value));
  });

  it.each([
    '0000-00-00 00:00:00',
    '0000-00-00 00:00:00.000',
    '2026-02-30 10:00:00.000',
    '2026-13-01 10:00:00.000',
    '2026-04-01 24:00:00.000',
    '2026-04-01 08:00:60.000',
    '2026-04-01 08:00:00.1a3',
    '2026-04-01T08:00:00.000',
    '2026-04-01 08:00:00.5',
    '2026-04-01 08:00:00.123456',
  ])('leaves %s to the Date parser', (value) => {
    expect(Number.isNaN(utcFromSql(value).getTime()) ? NaN : utcFromSql(value).getTime()).toEqual(
      Number.isNaN(parsed(value)) ? NaN : parsed(value),
    );
  });

  it('agrees with the Date parser over a spread of instants', () => {
    for (let t = Date.UTC(1999, 11, 31, 23); t < Date.UTC(2031, 0, 1); t += 7_777_777_777 / 97) {
      const value = new Date(Math.floor(t)).toISOString().replace('T', ' ').replace('Z', '');
      expect(utcFromSql(value).getTime()).toBe(parsed(value));
    }
  });
});

describe('utcToSql', () => {
  it('writes a DATETIME(3) literal and reads back the same instant', () => {
    const at = new Date('2026-04-01T08:00:00.120Z');
    expect(utcToSql(at)).toBe('2026-04-01 08:00:00.120');
    expect(utcFromSql(utcToSql(at)).getTime()).toBe(at.getTime());
  });
});
