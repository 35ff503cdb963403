import {
  cronProblem,
  duePeriod,
  endOfLocalDay,
  lastFiring,
  nextFiring,
  periodOf,
  weeklyRanges,
} from '../../src/sla/digest/digest-schedule';

const BERLIN = 'Europe/Berlin';

describe('digest schedule', () => {
  it('accepts five-field cron expressions and names what is wrong with others', () => {
    expect(cronProblem('0 8 * * 1-5')).toBeNull();
    expect(cronProblem('30 7 * * MON')).toBeNull();
    expect(cronProblem('0 8 * *')).toMatch(/five fields/);
    expect(cronProblem('0 25 * * *')).not.toBeNull();
    expect(cronProblem('every day')).not.toBeNull();
  });

  it('fires at 08:00 on the host wall clock on both sides of the spring DST change', () => {
    // Sunday 29 March 2026: Berlin goes from UTC+1 to UTC+2 at 02:00.
    expect(lastFiring('0 8 * * *', BERLIN, new Date('2026-03-28T07:30:00Z')).toISOString()).toBe(
      '2026-03-28T07:00:00.000Z',
    );
    expect(lastFiring('0 8 * * *', BERLIN, new Date('2026-03-29T06:30:00Z')).toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    expect(nextFiring('0 8 * * *', BERLIN, new Date('2026-03-28T08:00:00Z')).toISOString()).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    // Autumn: 25 October 2026 back to UTC+1.
    expect(lastFiring('0 8 * * *', BERLIN, new Date('2026-10-25T07:30:00Z')).toISOString()).toBe(
      '2026-10-25T07:00:00.000Z',
    );
  });

  it('counts a firing exactly at now as the current one', () => {
    const now = new Date('2026-12-07T07:00:00Z');
    expect(lastFiring('0 8 * * *', BERLIN, now).toISOString()).toBe(now.toISOString());
  });

  it('names the period by local date (daily) and ISO week (weekly)', () => {
    // 23:30 UTC on 6 December is 00:30 on 7 December in Berlin.
    expect(periodOf('daily', new Date('2026-12-06T23:30:00Z'), BERLIN)).toBe('2026-12-07');
    expect(periodOf('daily', new Date('2026-12-06T23:30:00Z'), 'UTC')).toBe('2026-12-06');
    // 1 January 2027 is a Friday in ISO week 53 of 2026.
    expect(periodOf('weekly', new Date('2027-01-01T10:00:00Z'), 'UTC')).toBe('2026-W53');
    expect(periodOf('weekly', new Date('2026-12-07T07:00:00Z'), BERLIN)).toBe('2026-W50');
  });

  it('makes the same period due all day and none once it is too late to catch up', () => {
    const at = (iso: string) => duePeriod('daily', '0 8 * * 1-5', BERLIN, new Date(iso));
    expect(at('2026-12-07T07:00:00Z')?.period).toBe('2026-12-07');
    expect(at('2026-12-07T09:59:00Z')?.period).toBe('2026-12-07');
    expect(at('2026-12-07T13:30:00Z')).toBeNull();
    // Saturday: Friday's firing is too old.
    expect(at('2026-12-12T07:00:00Z')).toBeNull();
    expect(duePeriod('weekly', '0 8 * * 1', BERLIN, new Date('2026-12-08T10:00:00Z'))?.period).toBe(
      '2026-W50',
    );
  });

  it('compares the two ISO weeks before the firing, in the host zone, across a DST week', () => {
    // Monday 2 November 2026 08:00 Berlin; the week of 26 October held the autumn change (on the 25th).
    const ranges = weeklyRanges(new Date('2026-11-02T07:00:00Z'), BERLIN);
    expect(ranges.last.from.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(ranges.last.to.toISOString()).toBe('2026-11-01T23:00:00.000Z');
    expect(ranges.before.from.toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(ranges.before.to.toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('ends the local day at the next local midnight', () => {
    expect(endOfLocalDay(new Date('2026-12-07T22:30:00Z'), BERLIN).toISOString()).toBe(
      '2026-12-07T23:00:00.000Z',
    );
  });
});
