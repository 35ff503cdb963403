import {
  addBusinessMinutes,
  businessMinutesBetween,
  compileCalendar,
  type CalendarInput,
  type TimeInterval,
} from '../../src/sla/calendar';
import { referenceAdd, referenceBetween } from './reference-business-time';
import { DESIGN_EXAMPLE_WEEK } from '../helpers/sla-fixtures';

/** The calendar from DESIGN.md: lunch break, closed Wednesday, Thursday night shift, Friday 24 h. */
const DESIGN: CalendarInput = {
  timezone: 'Europe/Berlin',
  week: DESIGN_EXAMPLE_WEEK,
  holidays: ['2026-12-25', '2026-12-26'],
};

const nineToFive = (timezone: string, holidays: string[] = []): CalendarInput => {
  const day: TimeInterval[] = [['09:00', '17:00']];
  return { timezone, week: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays };
};

const everyDay = (timezone: string, intervals: TimeInterval[]): CalendarInput => ({
  timezone,
  week: {
    mon: intervals,
    tue: intervals,
    wed: intervals,
    thu: intervals,
    fri: intervals,
    sat: intervals,
    sun: intervals,
  },
});

const sundays = (timezone: string, intervals: TimeInterval[]): CalendarInput => ({
  timezone,
  week: { sun: intervals },
});

const BERLIN_9_17_XMAS = nineToFive('Europe/Berlin', [
  '2026-12-24',
  '2026-12-25',
  '2026-12-31',
  '2027-01-01',
]);

interface AddCase {
  name: string;
  calendar: CalendarInput;
  start: string;
  minutes: number;
  expected: string;
}

// Times are written in the calendar's local offset so each row can be checked by hand.
const addCases: AddCase[] = [
  // Lunch breaks and the edges of open time (2026-01-05 is a Monday, Berlin is +01:00).
  {
    name: 'lunch break is skipped',
    calendar: DESIGN,
    start: '2026-01-05T11:30+01:00',
    minutes: 60,
    expected: '2026-01-05T13:30+01:00',
  },
  {
    name: 'result exactly at closing is the closing instant',
    calendar: DESIGN,
    start: '2026-01-05T11:00+01:00',
    minutes: 60,
    expected: '2026-01-05T12:00+01:00',
  },
  {
    name: 'result exactly at end of day is the closing instant',
    calendar: DESIGN,
    start: '2026-01-05T16:00+01:00',
    minutes: 60,
    expected: '2026-01-05T17:00+01:00',
  },
  {
    name: 'one minute past closing continues at the next opening',
    calendar: DESIGN,
    start: '2026-01-05T16:00+01:00',
    minutes: 61,
    expected: '2026-01-06T09:01+01:00',
  },
  {
    name: 'minutes = 0 while open returns the start',
    calendar: DESIGN,
    start: '2026-01-05T10:17+01:00',
    minutes: 0,
    expected: '2026-01-05T10:17+01:00',
  },
  {
    name: 'minutes = 0 during lunch returns the next opening',
    calendar: DESIGN,
    start: '2026-01-05T12:15+01:00',
    minutes: 0,
    expected: '2026-01-05T13:00+01:00',
  },
  {
    name: 'minutes = 0 at a closing instant returns the next opening',
    calendar: DESIGN,
    start: '2026-01-05T17:00+01:00',
    minutes: 0,
    expected: '2026-01-06T09:00+01:00',
  },
  {
    name: 'start before opening counts from the opening',
    calendar: DESIGN,
    start: '2026-01-05T07:00+01:00',
    minutes: 30,
    expected: '2026-01-05T09:30+01:00',
  },
  {
    name: 'start after closing counts from the next opening',
    calendar: DESIGN,
    start: '2026-01-05T18:00+01:00',
    minutes: 30,
    expected: '2026-01-06T09:30+01:00',
  },
  {
    name: 'fractional minutes (30 s)',
    calendar: DESIGN,
    start: '2026-01-05T09:00+01:00',
    minutes: 0.5,
    expected: '2026-01-05T09:00:30+01:00',
  },
  {
    name: 'closed Wednesday, then the Thursday night shift',
    calendar: DESIGN,
    start: '2026-01-06T16:00+01:00',
    minutes: 120,
    expected: '2026-01-08T23:00+01:00',
  },
  {
    name: 'overnight shift runs past midnight',
    calendar: DESIGN,
    start: '2026-01-08T23:00+01:00',
    minutes: 120,
    expected: '2026-01-09T01:00+01:00',
  },
  {
    name: 'ends at "24:00" Friday = midnight, a closing instant',
    calendar: DESIGN,
    start: '2026-01-09T22:00+01:00',
    minutes: 120,
    expected: '2026-01-10T00:00+01:00',
  },
  {
    name: 'Friday 24 h, weekend closed, Monday',
    calendar: DESIGN,
    start: '2026-01-09T23:00+01:00',
    minutes: 120,
    expected: '2026-01-12T10:00+01:00',
  },
  {
    name: 'start on a Saturday',
    calendar: DESIGN,
    start: '2026-01-10T10:00+01:00',
    minutes: 30,
    expected: '2026-01-12T09:30+01:00',
  },
  // Holidays: 2026-12-25 (Fri) and 12-26 close the whole date, including the night shift's morning.
  {
    name: 'holiday on the second day of an overnight shift',
    calendar: DESIGN,
    start: '2026-12-24T22:00+01:00',
    minutes: 180,
    expected: '2026-12-28T10:00+01:00',
  },
  {
    name: 'start on a holiday',
    calendar: DESIGN,
    start: '2026-12-25T10:00+01:00',
    minutes: 30,
    expected: '2026-12-28T09:30+01:00',
  },
  // Across new year and the 2028 leap day.
  {
    name: 'across new year with a holiday on Jan 1',
    calendar: BERLIN_9_17_XMAS,
    start: '2026-12-30T16:00+01:00',
    minutes: 120,
    expected: '2027-01-04T10:00+01:00',
  },
  {
    name: 'into the leap day',
    calendar: nineToFive('Europe/Berlin'),
    start: '2028-02-28T16:00+01:00',
    minutes: 120,
    expected: '2028-02-29T10:00+01:00',
  },
  {
    name: 'out of the leap day',
    calendar: nineToFive('Europe/Berlin'),
    start: '2028-02-29T16:30+01:00',
    minutes: 60,
    expected: '2028-03-01T09:30+01:00',
  },
  {
    name: 'leap day as a holiday',
    calendar: nineToFive('Europe/Berlin', ['2028-02-29']),
    start: '2028-02-28T16:00+01:00',
    minutes: 120,
    expected: '2028-03-01T10:00+01:00',
  },
  // Several weeks of business time with holidays (Mon-Fri 9-17 = 2400 min a week).
  {
    name: 'three weeks with two holidays ends at a closing time',
    calendar: BERLIN_9_17_XMAS,
    start: '2026-12-07T09:00+01:00',
    minutes: 3 * 2400,
    expected: '2026-12-29T17:00+01:00',
  },
  {
    name: 'six weeks with four holidays',
    calendar: BERLIN_9_17_XMAS,
    start: '2026-12-07T09:00+01:00',
    minutes: 6 * 2400,
    expected: '2027-01-21T17:00+01:00',
  },
  {
    name: 'twelve weeks and 30 minutes in winter',
    calendar: nineToFive('Europe/Berlin'),
    start: '2026-11-02T09:00+01:00',
    minutes: 12 * 2400 + 30,
    expected: '2027-01-25T09:30+01:00',
  },
  {
    name: 'twenty weeks across the spring change',
    calendar: nineToFive('Europe/Berlin'),
    start: '2027-01-04T09:00+01:00',
    minutes: 20 * 2400,
    expected: '2027-05-21T17:00+02:00',
  },
  // DST in Europe/Berlin: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00.
  {
    name: 'Berlin 24x7: 24 h across spring forward is 24 real hours',
    calendar: { timezone: 'Europe/Berlin' },
    start: '2026-03-28T12:00+01:00',
    minutes: 1440,
    expected: '2026-03-29T13:00+02:00',
  },
  {
    name: 'Berlin: opening inside the spring gap maps to the end of the gap',
    calendar: sundays('Europe/Berlin', [['02:30', '04:00']]),
    start: '2026-03-29T00:00+01:00',
    minutes: 0,
    expected: '2026-03-29T03:00+02:00',
  },
  {
    name: 'Berlin: 02:30-04:00 on spring day is 60 real minutes',
    calendar: sundays('Europe/Berlin', [['02:30', '04:00']]),
    start: '2026-03-29T00:00+01:00',
    minutes: 60,
    expected: '2026-03-29T04:00+02:00',
  },
  {
    name: 'Berlin: ambiguous opening on fall-back day is the first occurrence',
    calendar: sundays('Europe/Berlin', [['02:30', '04:00']]),
    start: '2026-10-25T00:00+02:00',
    minutes: 0,
    expected: '2026-10-25T02:30+02:00',
  },
  {
    name: 'Berlin: 02:30-04:00 on fall-back day is 150 real minutes',
    calendar: sundays('Europe/Berlin', [['02:30', '04:00']]),
    start: '2026-10-25T00:00+02:00',
    minutes: 150,
    expected: '2026-10-25T04:00+01:00',
  },
  // DST in America/New_York: 2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00.
  {
    name: 'New York: Saturday night shift across spring forward',
    calendar: { timezone: 'America/New_York', week: { sat: [['22:00', '06:00']] } },
    start: '2026-03-07T22:00-05:00',
    minutes: 180,
    expected: '2026-03-08T01:00-05:00',
  },
  {
    name: 'New York: ... and one hour later the clock has jumped',
    calendar: { timezone: 'America/New_York', week: { sat: [['22:00', '06:00']] } },
    start: '2026-03-07T22:00-05:00',
    minutes: 300,
    expected: '2026-03-08T04:00-04:00',
  },
  {
    name: 'New York: the spring night shift is 7 real hours',
    calendar: { timezone: 'America/New_York', week: { sat: [['22:00', '06:00']] } },
    start: '2026-03-07T22:00-05:00',
    minutes: 420,
    expected: '2026-03-08T06:00-04:00',
  },
  {
    name: 'New York: the fall night shift is 9 real hours',
    calendar: { timezone: 'America/New_York', week: { sat: [['22:00', '06:00']] } },
    start: '2026-10-31T22:00-04:00',
    minutes: 540,
    expected: '2026-11-01T06:00-05:00',
  },
  {
    name: 'New York: 9-17 over the fall weekend',
    calendar: nineToFive('America/New_York'),
    start: '2026-10-30T16:00-04:00',
    minutes: 120,
    expected: '2026-11-02T10:00-05:00',
  },
  // Half-hour and 30-minute-DST zones.
  {
    name: 'Kolkata (+05:30), no DST',
    calendar: { timezone: 'Asia/Kolkata', week: nineToFive('Asia/Kolkata').week },
    start: '2026-06-01T16:00+05:30',
    minutes: 120,
    expected: '2026-06-02T10:00+05:30',
  },
  {
    name: "St John's: Friday to Monday across spring forward (-03:30 -> -02:30)",
    calendar: nineToFive('America/St_Johns'),
    start: '2026-03-06T16:00-03:30',
    minutes: 120,
    expected: '2026-03-09T10:00-02:30',
  },
  {
    name: 'Lord Howe: 01:00-03:00 when DST ends (30 min back) is 150 real minutes',
    calendar: sundays('Australia/Lord_Howe', [['01:00', '03:00']]),
    start: '2026-04-05T00:00+11:00',
    minutes: 150,
    expected: '2026-04-05T03:00+10:30',
  },
  {
    name: 'Lord Howe: 01:00-03:00 when DST starts (30 min forward) is 90 real minutes',
    calendar: sundays('Australia/Lord_Howe', [['01:00', '03:00']]),
    start: '2026-10-04T00:00+10:30',
    minutes: 90,
    expected: '2026-10-04T03:00+11:00',
  },
  {
    name: 'Lord Howe: an opening at 02:15 inside the 30-minute gap maps to 02:30',
    calendar: sundays('Australia/Lord_Howe', [['02:15', '03:00']]),
    start: '2026-10-04T00:00+10:30',
    minutes: 0,
    expected: '2026-10-04T02:30+11:00',
  },
];

interface BetweenCase {
  name: string;
  calendar: CalendarInput;
  a: string;
  b: string;
  expected: number;
}

const betweenCases: BetweenCase[] = [
  {
    name: 'a Monday with lunch',
    calendar: DESIGN,
    a: '2026-01-05T00:00+01:00',
    b: '2026-01-06T00:00+01:00',
    expected: 420,
  },
  {
    name: 'a whole design week',
    calendar: DESIGN,
    a: '2026-01-05T00:00+01:00',
    b: '2026-01-12T00:00+01:00',
    expected: 420 + 480 + 120 + 1440,
  },
  {
    name: 'only the Thursday part of a night shift whose morning is a holiday',
    calendar: DESIGN,
    a: '2026-12-24T21:00+01:00',
    b: '2026-12-25T12:00+01:00',
    expected: 120,
  },
  {
    name: 'fractions of a minute',
    calendar: DESIGN,
    a: '2026-01-05T09:00:00+01:00',
    b: '2026-01-05T09:00:30.5+01:00',
    expected: 30.5 / 60,
  },
  {
    name: 'negative when b is before a',
    calendar: DESIGN,
    a: '2026-01-06T00:00+01:00',
    b: '2026-01-05T00:00+01:00',
    expected: -420,
  },
  {
    name: 'Berlin: a 9-17 Sunday on the spring change is 8 hours',
    calendar: everyDay('Europe/Berlin', [['09:00', '17:00']]),
    a: '2026-03-29T00:00+01:00',
    b: '2026-03-30T00:00+02:00',
    expected: 480,
  },
  {
    name: 'Berlin: a 9-17 Sunday on the fall change is 8 hours',
    calendar: everyDay('Europe/Berlin', [['09:00', '17:00']]),
    a: '2026-10-25T00:00+02:00',
    b: '2026-10-26T00:00+01:00',
    expected: 480,
  },
  {
    name: 'Berlin: 01:00-03:00 on the spring change is 1 hour',
    calendar: sundays('Europe/Berlin', [['01:00', '03:00']]),
    a: '2026-03-28T00:00+01:00',
    b: '2026-03-30T00:00+02:00',
    expected: 60,
  },
  {
    name: 'Berlin: 01:00-03:00 on the fall change is 3 hours',
    calendar: sundays('Europe/Berlin', [['01:00', '03:00']]),
    a: '2026-10-24T00:00+02:00',
    b: '2026-10-26T00:00+01:00',
    expected: 180,
  },
  {
    name: 'Berlin: a 24 h day on the spring change is 23 hours',
    calendar: sundays('Europe/Berlin', [['00:00', '24:00']]),
    a: '2026-03-28T00:00+01:00',
    b: '2026-03-30T00:00+02:00',
    expected: 23 * 60,
  },
  {
    name: 'Berlin: a 24 h day on the fall change is 25 hours',
    calendar: sundays('Europe/Berlin', [['00:00', '24:00']]),
    a: '2026-10-24T00:00+02:00',
    b: '2026-10-26T00:00+01:00',
    expected: 25 * 60,
  },
  {
    name: 'New York: a 9-17 day on each change is 8 hours',
    calendar: everyDay('America/New_York', [['09:00', '17:00']]),
    a: '2026-03-08T00:00-05:00',
    b: '2026-03-09T00:00-04:00',
    expected: 480,
  },
  {
    name: 'New York: 00:00-04:00 on the fall change is 5 hours',
    calendar: sundays('America/New_York', [['00:00', '04:00']]),
    a: '2026-10-31T00:00-04:00',
    b: '2026-11-02T00:00-05:00',
    expected: 300,
  },
  {
    name: 'Lord Howe: a 24 h day when DST starts is 23.5 hours',
    calendar: sundays('Australia/Lord_Howe', [['00:00', '24:00']]),
    a: '2026-10-03T00:00+10:30',
    b: '2026-10-05T00:00+11:00',
    expected: 23.5 * 60,
  },
  {
    name: "St John's: a 24 h day when DST ends is 25 hours",
    calendar: sundays('America/St_Johns', [['00:00', '24:00']]),
    a: '2026-10-31T00:00-02:30',
    b: '2026-11-02T00:00-03:30',
    expected: 25 * 60,
  },
  {
    name: 'six weeks of Mon-Fri 9-17 with four holidays',
    calendar: BERLIN_9_17_XMAS,
    a: '2026-12-07T00:00+01:00',
    b: '2027-01-18T00:00+01:00',
    expected: (30 - 4) * 480,
  },
  {
    name: '24x7 except a holiday',
    calendar: { timezone: 'UTC', holidays: ['2026-05-01'] },
    a: '2026-04-30T12:00Z',
    b: '2026-05-02T12:00Z',
    expected: 24 * 60,
  },
  {
    name: 'a year of 24x7 in Berlin is 365 days of real time',
    calendar: { timezone: 'Europe/Berlin' },
    a: '2026-01-01T00:00+01:00',
    b: '2027-01-01T00:00+01:00',
    expected: 365 * 1440,
  },
];

describe('addBusinessMinutes: worked examples', () => {
  it.each(addCases)('$name', ({ calendar, start, minutes, expected }) => {
    const result = addBusinessMinutes(calendar, new Date(start), minutes);
    expect(result.toISOString()).toBe(new Date(expected).toISOString());
    // The slow reference agrees, and the round trip through between gives the minutes back.
    expect(referenceAdd(calendar, new Date(start), minutes).toISOString()).toBe(result.toISOString());
    expect(businessMinutesBetween(calendar, new Date(start), result)).toBeCloseTo(minutes, 9);
  });
});

describe('businessMinutesBetween: worked examples', () => {
  it.each(betweenCases)('$name', ({ calendar, a, b, expected }) => {
    expect(businessMinutesBetween(calendar, new Date(a), new Date(b))).toBeCloseTo(expected, 9);
    expect(referenceBetween(calendar, new Date(a), new Date(b))).toBeCloseTo(expected, 9);
  });
});

describe('API edges', () => {
  const start = new Date('2026-01-05T09:00+01:00');

  it('rejects negative, NaN and infinite minutes with a RangeError', () => {
    expect(() => addBusinessMinutes(DESIGN, start, -1)).toThrow(RangeError);
    expect(() => addBusinessMinutes(DESIGN, start, Number.NaN)).toThrow(/minutes/);
    expect(() => addBusinessMinutes(DESIGN, start, Infinity)).toThrow(RangeError);
  });

  it('rejects invalid dates', () => {
    expect(() => addBusinessMinutes(DESIGN, new Date('nope'), 1)).toThrow(/start must be a valid Date/);
    expect(() => businessMinutesBetween(DESIGN, start, new Date('nope'))).toThrow(/b must be a valid Date/);
  });

  it('a never-open calendar: add throws, between is 0', () => {
    const closed: CalendarInput = { timezone: 'UTC', week: {} };
    expect(() => addBusinessMinutes(closed, start, 0)).toThrow(/never open/);
    expect(businessMinutesBetween(closed, start, new Date('2027-01-01T00:00Z'))).toBe(0);
  });

  it('no week means open around the clock', () => {
    expect(addBusinessMinutes({ timezone: 'UTC' }, new Date('2026-01-03T10:00Z'), 90).toISOString()).toBe(
      '2026-01-03T11:30:00.000Z',
    );
  });

  it('accepts a compiled calendar and caches compilation per raw object', () => {
    const compiled = compileCalendar(DESIGN);
    expect(compileCalendar(DESIGN)).toBe(compiled);
    expect(compileCalendar(compiled)).toBe(compiled);
    expect(compiled.weeklyOpenMinutes).toBe(420 + 480 + 120 + 1440);
    expect(addBusinessMinutes(compiled, start, 100).getTime()).toBe(
      addBusinessMinutes(DESIGN, start, 100).getTime(),
    );
    expect(compileCalendar({ ...DESIGN })).not.toBe(compiled);
  });

  it('validates the calendar', () => {
    expect(() => addBusinessMinutes({ timezone: 'Mars/Olympus' }, start, 1)).toThrow(/timezone/);
  });

  it('works far from the first query (the table is rebuilt or extended)', () => {
    const cal = nineToFive('Europe/Berlin');
    expect(addBusinessMinutes(cal, new Date('1999-12-31T16:00+01:00'), 120).toISOString()).toBe(
      new Date('2000-01-03T10:00+01:00').toISOString(),
    );
    expect(addBusinessMinutes(cal, new Date('2099-12-31T16:00+01:00'), 120).toISOString()).toBe(
      new Date('2100-01-01T10:00+01:00').toISOString(),
    );
    expect(businessMinutesBetween(cal, new Date('1990-01-01T00:00Z'), new Date('2090-01-01T00:00Z'))).toBe(
      businessMinutesBetween(cal, new Date('1990-01-01T00:00Z'), new Date('2040-01-01T00:00Z')) +
        businessMinutesBetween(cal, new Date('2040-01-01T00:00Z'), new Date('2090-01-01T00:00Z')),
    );
  });
});
