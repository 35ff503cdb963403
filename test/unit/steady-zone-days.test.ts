import fc from 'fast-check';
import { DateTime } from 'luxon';
import { instantOnSteadyDay } from '../../src/host/perfex/steady-zone-days';
import { readHostDatetime } from '../../src/host/perfex/host-datetime';

const YEARS = { from: 1970, to: 2099 };
/** Zones with DST, half-hour and 45-minute offsets, a 30-minute DST shift, southern summers, none. */
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'America/Santiago',
  'America/Sao_Paulo',
  'Asia/Beirut',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Africa/Casablanca',
];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const sqlOf = (y: number, mo: number, d: number, h: number, mi: number, s: number): string =>
  `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
/** What readHostDatetime returned before the fast path: luxon's reading of the SQL datetime. */
const luxon = (value: string, zone: string): string | null => {
  const dt = DateTime.fromSQL(value, { zone });
  return dt.isValid ? dt.toJSDate().toISOString() : null;
};
const read = (value: string, zone: string): string | null => {
  const r = readHostDatetime(value, zone);
  return r.ok ? r.at.toISOString() : null;
};

describe('instantOnSteadyDay (host datetimes without a luxon parse each)', () => {
  it('reads any datetime in any zone exactly as luxon does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1970, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        (zone, y, mo, d, h, mi, s) => {
          const value = sqlOf(y, mo, d, h, mi, s);
          expect(read(value, zone)).toBe(luxon(value, zone));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with luxon every 35 minutes of 2026 (every minute of the hour in turn), DST changes included', () => {
    for (const zone of ZONES) {
      for (const year of [2026]) {
        for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += 35 * 60_000) {
          const value = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
          const got = read(value, zone);
          if (got !== luxon(value, zone))
            throw new Error(`${value} in ${zone}: ${got}, luxon ${luxon(value, zone)}`);
        }
      }
    }
  });

  it('answers on an ordinary day and leaves days near a DST change to luxon', () => {
    expect(instantOnSteadyDay('2026-03-03 10:00:00', 'Europe/Berlin', YEARS)?.at.toISOString()).toBe(
      '2026-03-03T09:00:00.000Z',
    );
    expect(instantOnSteadyDay('2026-07-01 10:00:00', 'Europe/Berlin', YEARS)?.at.toISOString()).toBe(
      '2026-07-01T08:00:00.000Z',
    );
    expect(instantOnSteadyDay('2026-03-03 10:00:00', 'Asia/Kathmandu', YEARS)?.at.toISOString()).toBe(
      '2026-03-03T04:15:00.000Z',
    );
    // Berlin changes at 01:00 UTC on 2026-03-29 and 2026-10-25: those days and their neighbours.
    for (const day of ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-25', '2026-10-26']) {
      expect(instantOnSteadyDay(`${day} 12:00:00`, 'Europe/Berlin', YEARS)).toBeUndefined();
    }
  });

  it('leaves other formats, impossible dates, years outside the range and unknown zones to luxon', () => {
    for (const value of [
      '2026-02-30 10:00:00',
      '2026-04-31 10:00:00',
      '2026-13-01 10:00:00',
      '2026-03-03 24:00:00',
      '2026-03-03 10:60:00',
      '2026-03-03T10:00:00',
      '2026-03-03 10:00',
      '2026-03-03 10:00:00.5',
      '1969-12-31 23:59:59',
      '2100-01-01 00:00:00',
    ]) {
      expect(instantOnSteadyDay(value, 'UTC', YEARS)).toBeUndefined();
    }
    expect(instantOnSteadyDay('2026-03-03 10:00:00', 'Nowhere/Atlantis', YEARS)).toBeUndefined();
    expect(readHostDatetime('2026-03-03 10:00:00', 'Nowhere/Atlantis').ok).toBe(false);
  });
});
