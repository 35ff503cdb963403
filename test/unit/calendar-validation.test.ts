import { CalendarError, validateCalendar } from '../../src/sla/calendar';
import { DESIGN_EXAMPLE_WEEK } from '../helpers/sla-fixtures';

/** The field named by the CalendarError that `input` raises. */
function fieldOf(input: unknown): string {
  try {
    validateCalendar(input);
  } catch (err) {
    if (err instanceof CalendarError) return err.field;
    throw err;
  }
  throw new Error('expected a CalendarError');
}

const base = { timezone: 'Europe/Berlin' };

describe('validateCalendar', () => {
  it('accepts the DESIGN.md example, where the Thursday night shift runs into a 24 h Friday', () => {
    const calendar = validateCalendar({
      timezone: 'Europe/Berlin',
      week: DESIGN_EXAMPLE_WEEK,
      holidays: ['2026-12-26', '2026-12-25', '2026-12-25'],
    });
    expect(calendar.holidays).toEqual(['2026-12-25', '2026-12-26']);
    expect(calendar.week?.thu).toEqual([['22:00', '06:00']]);
  });

  it('accepts a calendar without week (24x7) or holidays, and touching intervals', () => {
    expect(validateCalendar({ timezone: 'UTC' })).toEqual({ timezone: 'UTC', holidays: [] });
    expect(() =>
      validateCalendar({
        ...base,
        week: {
          mon: [
            ['09:00', '12:00'],
            ['12:00', '13:00'],
          ],
        },
      }),
    ).not.toThrow();
  });

  it.each([
    ['missing timezone', {}, 'timezone'],
    ['unknown zone', { timezone: 'Europe/Atlantis' }, 'timezone'],
    ['zone of the wrong type', { timezone: 1 }, 'timezone'],
    ['unknown top-level key', { ...base, weeks: {} }, 'weeks'],
    ['unknown weekday', { ...base, week: { monday: [] } }, 'week.monday'],
    ['hour 25', { ...base, week: { mon: [['25:00', '26:00']] } }, 'week.mon[0][0]'],
    [
      'single-digit hour',
      {
        ...base,
        week: {
          mon: [
            ['08:00', '08:30'],
            ['9:00', '17:00'],
          ],
        },
      },
      'week.mon[1][0]',
    ],
    ['minute 60', { ...base, week: { tue: [['09:00', '12:60']] } }, 'week.tue[0][1]'],
    ['24:00 as a start', { ...base, week: { wed: [['24:00', '06:00']] } }, 'week.wed[0][0]'],
    ['24:30 as an end', { ...base, week: { wed: [['20:00', '24:30']] } }, 'week.wed[0][1]'],
    ['seconds', { ...base, week: { fri: [['09:00:00', '17:00']] } }, 'week.fri[0][0]'],
    ['an interval of three times', { ...base, week: { sat: [['09:00', '12:00', '13:00']] } }, 'week.sat[0]'],
    ['an interval of one time', { ...base, week: { sat: [['09:00']] } }, 'week.sat[0]'],
    [
      'intervals that overlap',
      {
        ...base,
        week: {
          mon: [
            ['09:00', '12:00'],
            ['11:00', '13:00'],
          ],
        },
      },
      'week.mon[1]',
    ],
    [
      'overlap listed out of order',
      {
        ...base,
        week: {
          mon: [
            ['13:00', '17:00'],
            ['09:00', '13:30'],
          ],
        },
      },
      'week.mon[1]',
    ],
    [
      'a same-day interval inside an overnight one',
      {
        ...base,
        week: {
          sun: [
            ['22:00', '02:00'],
            ['23:00', '23:30'],
          ],
        },
      },
      'week.sun[1]',
    ],
    [
      'a date that does not exist',
      { ...base, holidays: ['2026-12-25', '2026-12-26', '2026-02-30'] },
      'holidays[2]',
    ],
    ['29 February of a common year', { ...base, holidays: ['2027-02-29'] }, 'holidays[0]'],
    ['a date without leading zeros', { ...base, holidays: ['2026-1-6'] }, 'holidays[0]'],
    ['a holiday of the wrong type', { ...base, holidays: [20261225] }, 'holidays[0]'],
    ['not an object', 'Europe/Berlin', '(calendar)'],
  ])('rejects %s, naming the field', (_name, input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('allows the after-midnight part of a night shift to overlap the next day (merged)', () => {
    expect(() =>
      validateCalendar({ ...base, week: { sun: [['20:00', '10:00']], mon: [['08:00', '17:00']] } }),
    ).not.toThrow();
  });

  it('accepts 29 February of a leap year', () => {
    expect(validateCalendar({ ...base, holidays: ['2028-02-29'] }).holidays).toEqual(['2028-02-29']);
  });

  it('raises a CalendarError with a code, a status and a message naming the field', () => {
    let error: unknown;
    try {
      validateCalendar({ ...base, week: { mon: [['09:00', '25:00']] } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CalendarError);
    const calendarError = error as CalendarError;
    expect(calendarError.field).toBe('week.mon[0][1]');
    expect(calendarError.code).toBe('invalid_calendar');
    expect(calendarError.status).toBe(400);
    expect(calendarError.message).toMatch(/^week\.mon\[0\]\[1\]: .*"25:00"/);
  });
});
