import { businessTimeLeft } from '../../src/web/sla-panel-parts';
import { createTranslator } from '../../src/i18n/translator';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

/**
 * The SLA tab says how much business time is left on the policy's calendar, not wall-clock time:
 * a clock due Monday 10:00 on Friday 16:00 has 2 business hours left, not 66 hours.
 */
const translator = createTranslator();
const calendar = { timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 };
const FRIDAY_16 = new Date('2026-03-06T15:00:00Z');
const MONDAY_10 = new Date('2026-03-09T09:00:00Z');

describe('business time left on the SLA tab', () => {
  it.each([
    ['en', '2 business hours left'],
    ['de', 'noch 2 Geschäftsstunden'],
    ['es', 'quedan 2 horas hábiles'],
  ])('over a weekend counts only open hours (%s)', (lang, expected) => {
    expect(businessTimeLeft(translator.getFixedT(lang), lang, calendar, MONDAY_10, FRIDAY_16)).toBe(expected);
  });

  it('rounds up and has nothing to say once the due time has passed', () => {
    const t = translator.getFixedT('en');
    const justBefore = new Date(MONDAY_10.getTime() - 30_000);
    expect(businessTimeLeft(t, 'en', calendar, MONDAY_10, justBefore)).toBe('1 business min left');
    expect(businessTimeLeft(t, 'en', calendar, MONDAY_10, MONDAY_10)).toBeNull();
  });

  it.each([
    ['en', '2 business hours left, clock paused'],
    ['de', 'noch 2 Geschäftsstunden, Uhr pausiert'],
    ['es', 'quedan 2 horas hábiles, reloj en pausa'],
  ])('paused, says the business time left when the clock resumes (%s)', (lang, expected) => {
    const t = translator.getFixedT(lang);
    expect(businessTimeLeft(t, lang, calendar, MONDAY_10, FRIDAY_16, true)).toBe(expected);
  });

  it('reads "1 h 30 min of business time", never "1 h 30 business min"', () => {
    const t = translator.getFixedT('en');
    const friday1530 = new Date('2026-03-06T14:30:00Z');
    expect(businessTimeLeft(t, 'en', calendar, MONDAY_10, friday1530)).toBe(
      '2 h 30 min of business time left',
    );
  });
});
