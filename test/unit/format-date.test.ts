import { dateTimeFormatter, formatDateTime } from '../../src/i18n/format-date';
import { ENGLISH_PHRASES } from '../../src/sla/clocks/explain-clock';
import { explainPhrases } from '../../src/web/explain-phrases';
import { createTranslator } from '../../src/i18n/translator';

/** One date format per language: the staff member's language decides, the host's zone the wall clock. */
const AT = new Date('2026-03-03T09:05:00Z'); // Tue 10:05 in Berlin
const NOW = new Date('2026-03-10T12:00:00Z');
const translator = createTranslator();

describe('one date format per locale', () => {
  it.each([
    ['en', 'Tue 3 Mar 10:05'],
    ['de', 'Di., 3. März, 10:05'],
    ['es', 'mar, 3 mar, 10:05'],
  ])('%s reads %s', (lang, expected) => {
    expect(formatDateTime(AT, 'Europe/Berlin', lang, NOW)).toBe(expected);
    // Pages, the tab and the explanations use the same one.
    expect(dateTimeFormatter(lang, 'Europe/Berlin', NOW)(AT.toISOString())).toBe(expected);
    expect(explainPhrases(translator.getFixedT(lang), lang).date(AT, 'Europe/Berlin')).toBe(expected);
  });

  it('English is the API explanations’ own format', () => {
    expect(formatDateTime(AT, 'UTC', 'en')).toBe(ENGLISH_PHRASES.date(AT, 'UTC'));
  });

  it.each([
    ['en', 'Wed 31 Dec 2025 23:30'],
    ['de', 'Mi., 31. Dez. 2025, 23:30'],
    ['es', 'mié, 31 dic 2025, 23:30'],
  ])('%s says the year of another year than now: %s', (lang, expected) => {
    expect(formatDateTime(new Date('2025-12-31T23:30:00Z'), 'UTC', lang, NOW)).toBe(expected);
  });

  it('shows wall-clock time in the host zone', () => {
    expect(formatDateTime(AT, 'UTC', 'en', NOW)).toBe('Tue 3 Mar 09:05');
  });
});
