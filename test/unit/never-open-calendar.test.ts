import { neverOpens } from '../../src/sla/calendar';
import { parseSlaConfig, type SlaConfig } from '../../src/sla/config';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

/** Every date from `from` for `days` days, as YYYY-MM-DD. */
function dates(from: string, days: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

describe('neverOpens', () => {
  it.each([
    ['open around the clock (no week)', { timezone: 'UTC' }, null],
    ['office hours', { timezone: 'UTC', week: WEEKDAYS_9_TO_5 }, null],
    ['an overnight shift only', { timezone: 'UTC', week: { sun: [['22:00', '06:00']] } }, null],
    [
      'a year of holidays (366 days) is the most allowed',
      { timezone: 'UTC', holidays: dates('2027-01-01', 366) },
      null,
    ],
    ['an empty week', { timezone: 'UTC', week: {} }, 'week'],
    ['weekdays with no intervals', { timezone: 'UTC', week: { mon: [], tue: [] } }, 'week'],
    ['367 holidays in a row', { timezone: 'UTC', holidays: dates('2027-01-01', 367) }, 'holidays'],
  ] as const)('%s', (_name, calendar, field) => {
    expect(neverOpens(calendar)?.field ?? null).toBe(field);
  });

  it('counts the closed weekend days around holidays into the run', () => {
    // Weekdays only, every Monday to Friday a holiday for 53 weeks from Mon 2027-01-04: the
    // weekends join them into one closed run from Sat 2027-01-02.
    const weekdays = dates('2027-01-04', 53 * 7).filter((d) => ![0, 6].includes(new Date(d).getUTCDay()));
    const why = neverOpens({ timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: weekdays });
    expect(why).toEqual({
      field: 'holidays',
      message:
        'closed for 373 days in a row from 2027-01-02: a calendar must open at least once in every 366 days',
    });
    // One Friday left open breaks the run in two.
    const open = weekdays.filter((d) => d !== '2027-07-02');
    expect(neverOpens({ timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: open })).toBeNull();
  });
});

describe('a configuration document', () => {
  const doc = (week: SlaConfig['calendars'][number]['week'], calendar: string | null = 'shut'): unknown => ({
    calendars: [{ key: 'shut', name: 'Shut', timezone: 'UTC', week }],
    policies: [{ key: 'p', name: 'P', calendar, targets: { resolution: { minutes: 60 } } }],
  });

  it('refuses a calendar that never opens when a policy uses it, naming both fields', () => {
    expect(() => parseSlaConfig(doc({}))).toThrow(
      expect.objectContaining({
        issues: [
          {
            path: 'policies[0].calendar',
            message:
              'calendar "shut" never opens (no opening hours on any weekday: the calendar never opens), so no clock could fall due',
          },
          {
            path: 'calendars[0].week',
            message:
              'no opening hours on any weekday: the calendar never opens; policy "p" uses this calendar',
          },
        ],
      }),
    );
  });

  it('keeps an unused closed calendar (a draft) and an open one', () => {
    expect(() => parseSlaConfig(doc({}, null))).not.toThrow();
    expect(() => parseSlaConfig(doc(WEEKDAYS_9_TO_5))).not.toThrow();
  });
});
