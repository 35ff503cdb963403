import fc from 'fast-check';
import { compiledRoute, listDateTimeFormatter } from '../../src/i18n/compiled-date-format';
import { dateTimeFormatter } from '../../src/i18n/format-date';

/**
 * The list badges' compiled date format words every instant as formatDateTime does (luxon), in
 * every language and zone, DST changes and year ends included; and in this process it really is
 * the compiled route for the languages the module ships (not the fallback to luxon).
 */
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Pacific/Chatham',
  'UTC',
];
const LANGS = ['en', 'de', 'es', 'fr', 'pt-BR'];

describe('compiled date format = formatDateTime', () => {
  it.each(['en', 'de', 'es'])('takes the compiled route for %s', (lang) => {
    for (const zone of ZONES) expect(compiledRoute(lang, zone)).toBe('compiled');
  });

  it('falls back to luxon for a zone that is no IANA name', () => {
    const at = new Date('2026-03-03T10:00:00Z');
    expect(listDateTimeFormatter('de', 'UTC+3', at)(at)).toBe(dateTimeFormatter('de', 'UTC+3', at)(at));
  });

  it.each(LANGS)('words random instants as luxon does (%s)', (lang) => {
    const instant = fc
      .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2029, 0, 1) })
      .map((ms) => new Date(ms));
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, instant, (zone, at, now) => {
        expect(listDateTimeFormatter(lang, zone, now)(at)).toBe(dateTimeFormatter(lang, zone, now)(at));
        expect(listDateTimeFormatter(lang, zone)(at.toISOString())).toBe(
          dateTimeFormatter(lang, zone)(at.toISOString()),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it.each(ZONES)(
    'words every minute around the DST changes and the year end of 2026 as luxon does (%s)',
    (zone) => {
      const now = new Date('2026-07-01T00:00:00Z');
      const fast = ['en', 'de', 'es'].map((lang) => [
        listDateTimeFormatter(lang, zone, now),
        dateTimeFormatter(lang, zone, now),
      ]);
      const around = [
        '2026-03-08',
        '2026-03-29',
        '2026-04-05',
        '2026-09-27',
        '2026-10-25',
        '2026-11-01',
        '2026-12-31',
      ];
      for (const day of around) {
        const start = Date.parse(`${day}T00:00:00Z`) - 14 * 3_600_000;
        for (let t = start; t < start + 52 * 3_600_000; t += 15 * 60_000) {
          for (const [mine, luxon] of fast) expect(mine(new Date(t))).toBe(luxon(new Date(t)));
        }
      }
    },
  );
});
