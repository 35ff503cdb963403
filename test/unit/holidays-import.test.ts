import { CalendarError, importHolidays, validateCalendar } from '../../src/sla/calendar';

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof CalendarError) return err.field;
    throw err;
  }
  throw new Error('expected a CalendarError');
}

describe('importHolidays', () => {
  it('returns the public holidays of a country as sorted, unique local dates', () => {
    const dates = importHolidays({ country: 'DE', years: [2026, 2026] });
    expect(dates).toEqual([...new Set(dates)].sort());
    expect(dates).toEqual(
      expect.arrayContaining([
        '2026-01-01',
        '2026-04-03',
        '2026-04-06',
        '2026-10-03',
        '2026-12-25',
        '2026-12-26',
      ]),
    );
    // Observances are not public holidays.
    expect(dates).not.toContain('2026-02-14');
  });

  it('adds the holidays of a region', () => {
    expect(importHolidays({ country: 'DE', years: [2026, 2026] })).not.toContain('2026-01-06');
    expect(importHolidays({ country: 'DE', region: 'BY', years: [2026, 2026] })).toContain('2026-01-06');
  });

  it('covers every year of the range, inclusive', () => {
    const dates = importHolidays({ country: 'US', years: [2026, 2028] });
    for (const year of ['2026', '2027', '2028']) expect(dates).toContain(`${year}-07-04`);
  });

  it('skips public holidays that start during the day (a calendar closes whole dates)', () => {
    // In China, International Women's Day is a public half-day holiday from 12:00.
    const dates = importHolidays({ country: 'CN', years: [2026, 2026] });
    expect(dates).toContain('2026-10-01');
    expect(dates).not.toContain('2026-03-08');
  });

  it('produces a valid calendar holidays list', () => {
    const holidays = importHolidays({ country: 'AU', region: 'NSW', years: [2026, 2027] });
    expect(validateCalendar({ timezone: 'Australia/Sydney', holidays }).holidays).toEqual(holidays);
  });

  it.each([
    ['an unknown country', { country: 'XX', years: [2026, 2026] as const }, 'country'],
    ['an unknown region', { country: 'DE', region: 'ZZ', years: [2026, 2026] as const }, 'region'],
    ['years out of order', { country: 'DE', years: [2027, 2026] as const }, 'years'],
    ['fractional years', { country: 'DE', years: [2026.5, 2027] as const }, 'years'],
  ])('rejects %s, naming the field', (_name, request, field) => {
    expect(fieldOf(() => importHolidays(request))).toBe(field);
  });
});
