import { OutcomeTally, type ClockOutcome } from '../../src/sla/stats/clock-outcomes';

const clock = (over: Partial<ClockOutcome>): ClockOutcome => ({
  subjectId: 1,
  metric: 'first_response',
  cycle: 1,
  metOnTime: true,
  breached: false,
  minutesToMet: 10,
  ...over,
});

describe('OutcomeTally', () => {
  it('is empty without clocks', () => {
    expect(new OutcomeTally().result()).toEqual({
      finished: 0,
      metOnTime: 0,
      breached: 0,
      compliancePercent: null,
      firstResponse: { median: null, p90: null },
      resolution: { median: null, p90: null },
      tickets: 0,
      lastCycleBreached: 0,
      everBreached: 0,
    });
  });

  it('a ticket breached in an earlier cycle but met in its last is ever breached, not last-cycle breached', () => {
    const tally = new OutcomeTally();
    tally.add(
      clock({ metric: 'next_response', cycle: 1, metOnTime: false, breached: true, minutesToMet: 500 }),
    );
    tally.add(clock({ metric: 'next_response', cycle: 2 }));
    // Added out of order: the highest cycle still decides.
    tally.add(clock({ subjectId: 2, metric: 'resolution', cycle: 2, metOnTime: false, breached: true }));
    tally.add(clock({ subjectId: 2, metric: 'resolution', cycle: 1 }));
    const r = tally.result();
    expect(r).toMatchObject({ finished: 4, metOnTime: 2, breached: 2, tickets: 2, everBreached: 2 });
    expect(r.lastCycleBreached).toBe(1);
    expect(r.compliancePercent).toBe(50);
  });

  it('response times: median and p90 per metric, next_response and unmet clocks left out', () => {
    const tally = new OutcomeTally();
    for (const m of [10, 20, 30, 40]) tally.add(clock({ subjectId: m, minutesToMet: m }));
    tally.add(clock({ subjectId: 9, metric: 'resolution', minutesToMet: 120 }));
    tally.add(clock({ subjectId: 9, metric: 'next_response', minutesToMet: 999 }));
    tally.add(clock({ subjectId: 8, metOnTime: false, breached: true, minutesToMet: null }));
    const r = tally.result();
    expect(r.firstResponse).toEqual({ median: 25, p90: 37 });
    expect(r.resolution).toEqual({ median: 120, p90: 120 });
  });
});
