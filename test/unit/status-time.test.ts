import fc from 'fast-check';
import { computeClocks, type Clock, type ClockPolicy } from '../../src/sla/clocks/compute-clocks';
import { statusTimeCycles } from '../../src/sla/clocks/status-time-cycles';
import type { SlaEvent, TimelineEventType } from '../../src/sla/clocks/sla-event';
import { businessMinutesBetween, type CalendarInput } from '../../src/sla/calendar';
import type { TargetConfig } from '../../src/sla/config';
import { ladderOf, levelsDue } from '../../src/sla/escalation/ladder';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { PERFEX_STATUS_LIFECYCLE } from '../../src/host/perfex/perfex-statuses';

const at = (iso: string): Date => new Date(iso);
const ev = (type: TimelineEventType, iso: string, to: string | null = null): SlaEvent => ({
  type,
  at: at(iso),
  from: null,
  to,
});
const created = (iso: string, status = 1): SlaEvent => ev('created', iso, JSON.stringify({ status }));
const move = (iso: string, to: number): SlaEvent => ev('status_changed', iso, String(to));

// Mon-Fri 09:00-17:00 in Berlin; 2026-03-02 is a Monday (CET, UTC+1).
const officeHours: CalendarInput = {
  timezone: 'Europe/Berlin',
  week: WEEKDAYS_9_TO_5,
};
const policy = (
  byStatus: Record<string, { minutes: number; warnAtPercent?: number; warnBeforeMinutes?: number }>,
  overrides: Partial<ClockPolicy> = {},
): ClockPolicy => ({
  targets: { status_time: { byStatus } },
  pauseStatusIds: [3, 4],
  calendar: officeHours,
  defaultWarnAtPercent: 80,
  statuses: PERFEX_STATUS_LIFECYCLE,
  ...overrides,
});
const statusClocks = (clocks: Clock[]) => clocks.filter((c) => c.metric === 'status_time');
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

describe('status_time cycles: enter, leave, re-enter', () => {
  // Created Mon 09:00 (08:00Z) in Open; In progress 10:00; Answered 11:00; In progress again 14:00.
  const events = [
    created('2026-03-02T08:00:00Z'),
    move('2026-03-02T09:00:00Z', 2),
    move('2026-03-02T10:00:00Z', 3),
    move('2026-03-02T13:00:00Z', 2),
  ];

  it.each<{ name: string; windows: Record<string, TargetConfig>; now: string; expected: object[] }>([
    {
      name: 'leaving before due is met; re-entering starts a new cycle',
      windows: { '2': { minutes: 120 } },
      now: '2026-03-02T14:00:00Z',
      expected: [
        {
          status: 2,
          cycle: 2,
          state: 'met',
          startedAt: '2026-03-02T09:00:00.000Z',
          metAt: '2026-03-02T10:00:00.000Z',
        },
        { status: 2, cycle: 4, state: 'on_track', startedAt: '2026-03-02T13:00:00.000Z', metAt: null },
      ],
    },
    {
      name: 'leaving after due is breached at the due time',
      windows: { '2': { minutes: 30 } },
      now: '2026-03-02T13:10:00Z',
      expected: [
        {
          status: 2,
          cycle: 2,
          state: 'breached',
          startedAt: '2026-03-02T09:00:00.000Z',
          metAt: '2026-03-02T10:00:00.000Z',
        },
        { status: 2, cycle: 4, state: 'on_track', startedAt: '2026-03-02T13:00:00.000Z', metAt: null },
      ],
    },
    {
      name: 'a window on the initial status starts at creation',
      windows: { '1': { minutes: 30 } },
      now: '2026-03-02T14:00:00Z',
      expected: [
        {
          status: 1,
          cycle: 1,
          state: 'breached',
          startedAt: '2026-03-02T08:00:00.000Z',
          metAt: '2026-03-02T09:00:00.000Z',
        },
      ],
    },
    {
      name: 'windows on two statuses give each stay its own cycle, numbered by status visit',
      windows: { '2': { minutes: 120 }, '3': { minutes: 600 } },
      now: '2026-03-02T14:00:00Z',
      expected: [
        {
          status: 2,
          cycle: 2,
          state: 'met',
          startedAt: '2026-03-02T09:00:00.000Z',
          metAt: '2026-03-02T10:00:00.000Z',
        },
        {
          status: 3,
          cycle: 3,
          state: 'met',
          startedAt: '2026-03-02T10:00:00.000Z',
          metAt: '2026-03-02T13:00:00.000Z',
        },
        { status: 2, cycle: 4, state: 'on_track', startedAt: '2026-03-02T13:00:00.000Z', metAt: null },
      ],
    },
    {
      name: 'a status without a window has no clock',
      windows: { '4': { minutes: 60 } },
      now: '2026-03-02T14:00:00Z',
      expected: [],
    },
  ])('$name', ({ windows, now, expected }) => {
    const clocks = statusClocks(computeClocks(events, policy(windows), at(now)));
    expect(
      clocks.map((c) => ({
        status: c.status,
        cycle: c.cycle,
        state: c.state,
        startedAt: iso(c.startedAt),
        metAt: iso(c.metAt),
      })),
    ).toEqual(expected);
  });

  it('breached while still in the status: breachedAt is the due time, warning before it', () => {
    const p = policy({ '2': { minutes: 120, warnBeforeMinutes: 30 } });
    const stay = [created('2026-03-02T08:00:00Z'), move('2026-03-02T09:00:00Z', 2)];
    const [risk] = statusClocks(computeClocks(stay, p, at('2026-03-02T10:40:00Z')));
    expect(risk).toMatchObject({ state: 'at_risk', status: 2, targetMinutes: 120 });
    expect(iso(risk.warnAt)).toBe('2026-03-02T10:30:00.000Z');
    expect(iso(risk.nextCheckAt)).toBe('2026-03-02T11:00:00.000Z');
    const [late] = statusClocks(computeClocks(stay, p, at('2026-03-02T12:00:00Z')));
    expect(late).toMatchObject({ state: 'breached', metAt: null });
    expect(iso(late.breachedAt)).toBe('2026-03-02T11:00:00.000Z');
  });

  it('the other metrics are untouched and carry no status', () => {
    const p = policy(
      { '2': { minutes: 120 } },
      {
        targets: { first_response: { minutes: 60 }, status_time: { byStatus: { '2': { minutes: 120 } } } },
      },
    );
    const clocks = computeClocks(events, p, at('2026-03-02T14:00:00Z'));
    const first = clocks.find((c) => c.metric === 'first_response');
    expect(first).toBeDefined();
    expect(first).not.toHaveProperty('status');
    expect(statusClocks(clocks)).toHaveLength(2);
  });
});

describe('status_time: closing, merging, deleting', () => {
  it('closing ends the stay: met before due, breached after; Closed starts no cycle', () => {
    const p = policy({ '2': { minutes: 120 }, '5': { minutes: 60 } });
    const early = [
      created('2026-03-02T08:00:00Z'),
      move('2026-03-02T09:00:00Z', 2),
      move('2026-03-02T10:00:00Z', 5),
    ];
    const met = statusClocks(computeClocks(early, p, at('2026-03-03T12:00:00Z')));
    expect(met.map((c) => [c.status, c.state, iso(c.metAt)])).toEqual([
      [2, 'met', '2026-03-02T10:00:00.000Z'],
    ]);
    const late = [
      created('2026-03-02T08:00:00Z'),
      move('2026-03-02T09:00:00Z', 2),
      move('2026-03-02T12:00:00Z', 5),
    ];
    const breached = statusClocks(computeClocks(late, p, at('2026-03-03T12:00:00Z')));
    expect(breached.map((c) => [c.status, c.state, iso(c.breachedAt)])).toEqual([
      [2, 'breached', '2026-03-02T11:00:00.000Z'],
    ]);
  });

  it('reopening a closed ticket into a windowed status starts a new cycle', () => {
    const p = policy({ '1': { minutes: 60 } });
    const events = [
      created('2026-03-02T08:00:00Z'),
      move('2026-03-02T08:30:00Z', 5),
      move('2026-03-02T10:00:00Z', 1),
    ];
    const clocks = statusClocks(computeClocks(events, p, at('2026-03-02T10:30:00Z')));
    expect(clocks.map((c) => [c.cycle, c.state])).toEqual([
      [1, 'met'],
      [3, 'on_track'],
    ]);
  });

  it('a merge ends the stay: owed only if it was already due, and nothing starts after it', () => {
    const p = policy({ '2': { minutes: 60 } });
    const base = [created('2026-03-02T08:00:00Z'), move('2026-03-02T09:00:00Z', 2)];
    const early = [...base, ev('merged', '2026-03-02T09:30:00Z'), move('2026-03-02T09:31:00Z', 5)];
    expect(statusClocks(computeClocks(early, p, at('2026-03-02T12:00:00Z')))).toEqual([]);
    const late = [...base, ev('merged', '2026-03-02T11:00:00Z'), move('2026-03-02T11:00:01Z', 2)];
    const clocks = statusClocks(computeClocks(late, p, at('2026-03-02T12:00:00Z')));
    expect(clocks.map((c) => [c.cycle, c.state, iso(c.endedAt)])).toEqual([
      [2, 'breached', '2026-03-02T11:00:00.000Z'],
    ]);
  });

  it('a deleted ticket has no clocks', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      move('2026-03-02T09:00:00Z', 2),
      ev('deleted', '2026-03-02T09:30:00Z'),
    ];
    expect(
      statusTimeCycles(events, { '2': { minutes: 60 } }, PERFEX_STATUS_LIFECYCLE, at('2026-03-02T12:00:00Z')),
    ).toEqual([]);
  });

  it('a ticket created in another status (its snapshot) starts there', () => {
    const cycles = statusTimeCycles(
      [created('2026-03-02T08:00:00Z', 2)],
      { '2': { minutes: 60 } },
      PERFEX_STATUS_LIFECYCLE,
      at('2026-03-02T12:00:00Z'),
    );
    expect(cycles).toEqual([
      { status: 2, cycle: 1, startedAt: at('2026-03-02T08:00:00Z'), leftAt: null, endedAt: null },
    ]);
  });
});

describe('status_time: pause statuses do not pause it', () => {
  it('a window on On Hold (a pause status) counts the time on hold', () => {
    const p = policy(
      { '4': { minutes: 60 } },
      { targets: { resolution: { minutes: 480 }, status_time: { byStatus: { '4': { minutes: 60 } } } } },
    );
    const events = [created('2026-03-02T08:00:00Z'), move('2026-03-02T09:00:00Z', 4)];
    const clocks = computeClocks(events, p, at('2026-03-02T10:30:00Z'));
    const hold = clocks.find((c) => c.metric === 'status_time');
    expect(hold).toMatchObject({ status: 4, state: 'breached', pausedMinutes: 0, pauses: [] });
    expect(iso(hold?.dueAt)).toBe('2026-03-02T10:00:00.000Z');
    expect(clocks.find((c) => c.metric === 'resolution')).toMatchObject({ state: 'paused' });
  });
});

describe('status_time on the business calendar', () => {
  it('skips a holiday inside the window', () => {
    // Enter Mon 16:00 Berlin; 2 business hours: Mon 16-17, Tue is a holiday, Wed 09-10 -> due Wed 10:00 (09:00Z).
    const p = policy({ '2': { minutes: 120 } }, { calendar: { ...officeHours, holidays: ['2026-03-03'] } });
    const events = [created('2026-03-02T08:00:00Z'), move('2026-03-02T15:00:00Z', 2)];
    const [c] = statusClocks(computeClocks(events, p, at('2026-03-03T12:00:00Z')));
    expect(iso(c.dueAt)).toBe('2026-03-04T09:00:00.000Z');
    expect(c.state).toBe('on_track');
  });

  it('is exact on the DST day: a 09:00-17:00 Sunday is 8 business hours (Berlin, 2026-03-29)', () => {
    const sundays = {
      timezone: 'Europe/Berlin',
      week: { ...WEEKDAYS_9_TO_5, sun: [['09:00', '17:00']] },
    } as CalendarInput;
    const p = policy({ '2': { minutes: 480 } }, { calendar: sundays });
    // Enter Sun 09:00 CEST (07:00Z): 8 business hours -> due Sun 17:00 CEST (15:00Z), 8 real hours later.
    const events = [created('2026-03-29T06:00:00Z'), move('2026-03-29T07:00:00Z', 2)];
    const [c] = statusClocks(computeClocks(events, p, at('2026-03-29T08:00:00Z')));
    expect(iso(c.dueAt)).toBe('2026-03-29T15:00:00.000Z');
    // Entered Sat 16:00 CET (15:00Z): Sat 1 h, then Sun 09:00-10:00 CEST -> due 08:00Z.
    const saturday = [created('2026-03-28T14:00:00Z'), move('2026-03-28T15:00:00Z', 2)];
    const p2 = policy(
      { '2': { minutes: 120 } },
      { calendar: { ...sundays, week: { ...sundays.week, sat: [['09:00', '17:00']] } } },
    );
    const [s] = statusClocks(computeClocks(saturday, p2, at('2026-03-28T16:00:00Z')));
    expect(iso(s.dueAt)).toBe('2026-03-29T08:00:00.000Z');
  });

  it('property: due minus start measures exactly the window in business minutes', () => {
    const calendar: CalendarInput = {
      timezone: 'Europe/Berlin',
      week: { ...WEEKDAYS_9_TO_5, sat: [['10:00', '14:00']] },
      holidays: ['2026-03-03', '2026-10-26', '2026-12-25'],
    };
    const from = at('2026-01-01T00:00:00Z').getTime();
    const to = at('2027-01-01T00:00:00Z').getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 6 }),
        (enterMs, minutes, status) => {
          const enter = new Date(enterMs);
          const events = [
            created(new Date(enterMs - 60_000).toISOString()),
            move(enter.toISOString(), status),
          ];
          const p = policy({ [String(status)]: { minutes } }, { calendar });
          const clocks = statusClocks(computeClocks(events, p, enter));
          if (status === 1 || status === 5) return clocks.every((c) => c.cycle === 1) && clocks.length <= 1;
          expect(clocks).toHaveLength(1);
          expect(clocks[0].startedAt).toEqual(enter);
          expect(businessMinutesBetween(calendar, clocks[0].startedAt, clocks[0].dueAt)).toBeCloseTo(
            minutes,
            6,
          );
          return true;
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });
});

describe('status_time escalations', () => {
  it('a status_time ladder level fires on the status clock, not on the others', () => {
    const ladder = ladderOf([
      { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
      { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
    ]);
    const p = policy({ '2': { minutes: 60 } }, { ladder });
    const events = [created('2026-03-02T08:00:00Z'), move('2026-03-02T09:00:00Z', 2)];
    const [c] = statusClocks(computeClocks(events, p, at('2026-03-02T09:30:00Z')));
    expect(iso(c.nextCheckAt)).toBe('2026-03-02T09:48:00.000Z');
    const due = levelsDue(c, ladder, officeHours, at('2026-03-02T10:00:00Z'));
    expect(due.map((d) => d.level.level)).toEqual([1]);
  });
});
