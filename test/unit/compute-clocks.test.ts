import { computeClocks, type Clock, type ClockPolicy } from '../../src/sla/clocks/compute-clocks';
import { explainClock } from '../../src/sla/clocks/explain-clock';
import type { SlaEvent, TimelineEventType } from '../../src/sla/clocks/sla-event';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { PERFEX_STATUS_LIFECYCLE } from '../../src/host/perfex/perfex-statuses';

const at = (iso: string): Date => new Date(iso);
const ev = (type: TimelineEventType, iso: string, to: string | null = null): SlaEvent => ({
  type,
  at: at(iso),
  from: null,
  to,
});
const created = (iso: string): SlaEvent => ev('created', iso, JSON.stringify({ status: 1 }));
const status = (iso: string, to: number): SlaEvent => ev('status_changed', iso, String(to));

// Mon-Fri 09:00-17:00 in Berlin; 2026-03-02 is a Monday (CET, UTC+1).
const officeHours: ClockPolicy['calendar'] = {
  timezone: 'Europe/Berlin',
  week: WEEKDAYS_9_TO_5,
};
const policy = (overrides: Partial<ClockPolicy> = {}): ClockPolicy => ({
  targets: {
    first_response: { minutes: 60 },
    next_response: { minutes: 120 },
    resolution: { minutes: 480, warnBeforeMinutes: 60 },
  },
  pauseStatusIds: [3, 4],
  calendar: officeHours,
  defaultWarnAtPercent: 80,
  statuses: PERFEX_STATUS_LIFECYCLE,
  ...overrides,
});
const pick = (clocks: ReturnType<typeof computeClocks>, metric: string, cycle = 1) =>
  clocks.find((c) => c.metric === metric && c.cycle === cycle);

describe('first_response', () => {
  it('is met in time by the first staff reply', () => {
    const events = [created('2026-03-02T08:00:00Z'), ev('staff_reply', '2026-03-02T08:30:00Z')];
    const c = pick(computeClocks(events, policy(), at('2026-03-02T12:00:00Z')), 'first_response');
    expect(c).toMatchObject({ state: 'met', breachedAt: null, nextCheckAt: null });
    expect(c?.dueAt.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(c?.metAt?.toISOString()).toBe('2026-03-02T08:30:00.000Z');
  });

  it('counts from the next opening when created out of hours, and warns at 80 %', () => {
    // Friday 17:40 Berlin -> office closed until Monday 09:00; 60 min -> due Mon 10:00 (09:00Z).
    const events = [created('2026-02-27T16:40:00Z')];
    const c = pick(computeClocks(events, policy(), at('2026-02-28T12:00:00Z')), 'first_response');
    expect(c?.dueAt.toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(c?.warnAt.toISOString()).toBe('2026-03-02T08:48:00.000Z');
    expect(c).toMatchObject({ state: 'on_track' });
    expect(c?.nextCheckAt?.toISOString()).toBe('2026-03-02T08:48:00.000Z');
  });

  it('is at risk past the warning and breached past due; a late reply keeps it breached', () => {
    const events = [created('2026-03-02T08:00:00Z')];
    expect(pick(computeClocks(events, policy(), at('2026-03-02T08:50:00Z')), 'first_response')).toMatchObject(
      {
        state: 'at_risk',
        nextCheckAt: at('2026-03-02T09:00:00Z'),
      },
    );
    expect(pick(computeClocks(events, policy(), at('2026-03-02T09:00:00Z')), 'first_response')).toMatchObject(
      {
        state: 'breached',
        breachedAt: at('2026-03-02T09:00:00Z'),
        nextCheckAt: null,
      },
    );
    const late = [...events, ev('staff_reply', '2026-03-02T10:00:00Z')];
    expect(pick(computeClocks(late, policy(), at('2026-03-02T11:00:00Z')), 'first_response')).toMatchObject({
      state: 'breached',
      metAt: at('2026-03-02T10:00:00Z'),
      breachedAt: at('2026-03-02T09:00:00Z'),
    });
  });

  it('ignores events after now (what-if at an earlier instant)', () => {
    const events = [created('2026-03-02T08:00:00Z'), ev('staff_reply', '2026-03-02T08:30:00Z')];
    expect(pick(computeClocks(events, policy(), at('2026-03-02T08:10:00Z')), 'first_response')?.state).toBe(
      'on_track',
    );
  });
});

describe('next_response', () => {
  it('opens one cycle per client message waiting for staff, met by the next staff reply', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      ev('staff_reply', '2026-03-02T08:10:00Z'),
      ev('client_reply', '2026-03-02T09:00:00Z'),
      ev('client_reply', '2026-03-02T09:30:00Z'), // still the same waiting period
      ev('staff_reply', '2026-03-02T10:00:00Z'),
      ev('client_reply', '2026-03-02T15:00:00Z'), // 16:00 Berlin: 60 min left today
    ];
    const clocks = computeClocks(events, policy(), at('2026-03-02T15:30:00Z'));
    expect(clocks.filter((c) => c.metric === 'next_response')).toHaveLength(2);
    expect(pick(clocks, 'next_response', 1)).toMatchObject({
      state: 'met',
      metAt: at('2026-03-02T10:00:00Z'),
    });
    // 120 business minutes from Mon 16:00 -> Tue 10:00 Berlin = 09:00Z.
    expect(pick(clocks, 'next_response', 2)?.dueAt.toISOString()).toBe('2026-03-03T09:00:00.000Z');
  });

  it('a client reply before the first response opens no next_response cycle', () => {
    const events = [created('2026-03-02T08:00:00Z'), ev('client_reply', '2026-03-02T08:05:00Z')];
    expect(
      computeClocks(events, policy(), at('2026-03-02T08:10:00Z'))
        .map((c) => c.metric)
        .sort(),
    ).toEqual(['first_response', 'resolution']);
  });
});

describe('resolution', () => {
  it('is met by closing in time', () => {
    const events = [created('2026-03-02T08:00:00Z'), status('2026-03-02T12:00:00Z', 5)];
    expect(pick(computeClocks(events, policy(), at('2026-03-03T08:00:00Z')), 'resolution')).toMatchObject({
      state: 'met',
      metAt: at('2026-03-02T12:00:00Z'),
    });
  });

  it('pauses on the pause statuses and moves due by exactly the business time paused', () => {
    const events = [
      created('2026-03-02T08:00:00Z'), // Mon 09:00 Berlin, due Mon 17:00 (16:00Z) without pause
      status('2026-03-02T09:00:00Z', 4), // On Hold at 10:00
      status('2026-03-02T12:00:00Z', 2), // resumed at 13:00: 3 business hours paused
    ];
    const paused = pick(computeClocks(events, policy(), at('2026-03-02T10:00:00Z')), 'resolution');
    expect(paused).toMatchObject({ state: 'paused', nextCheckAt: null });
    const resumed = pick(computeClocks(events, policy(), at('2026-03-02T13:00:00Z')), 'resolution');
    expect(resumed?.pausedMinutes).toBe(180);
    // 8h + 3h from Mon 09:00: Mon 17:00 + 3h -> Tue 12:00 Berlin = 11:00Z.
    expect(resumed?.dueAt.toISOString()).toBe('2026-03-03T11:00:00.000Z');
    expect(resumed?.state).toBe('on_track');
  });

  it('a move from Answered to On Hold names On Hold as the reason of the pause now, same minutes', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      status('2026-03-02T09:00:00Z', 3), // Answered at 10:00 Berlin
      status('2026-03-02T10:00:00Z', 4), // On Hold at 11:00: still paused, for another reason
    ];
    const c = pick(computeClocks(events, policy(), at('2026-03-02T12:00:00Z')), 'resolution');
    expect(c?.state).toBe('paused');
    expect(c?.pauses.map((p) => [p.status, p.to?.toISOString() ?? null])).toEqual([
      [3, '2026-03-02T10:00:00.000Z'],
      [4, null],
    ]);
    // Three business hours paused in all, as one unbroken pause would count them.
    expect(c?.pausedMinutes).toBe(180);
    const lines = explainClock(c as Clock, {
      calendar: officeHours,
      timezone: 'Europe/Berlin',
      statusNames: new Map([
        [3, 'Answered'],
        [4, 'On Hold'],
      ]),
      now: at('2026-03-02T12:00:00Z'),
    });
    expect(lines.find((l) => l.includes(' since '))).toMatch(/^paused \(On Hold\) since /);
  });

  it('a pause over a closed night moves due only by its business minutes', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      status('2026-03-02T15:00:00Z', 3), // Answered at 16:00 Berlin
      status('2026-03-03T09:00:00Z', 1), // client back Tue 10:00: 60 + 60 business minutes
    ];
    const c = pick(computeClocks(events, policy(), at('2026-03-03T09:30:00Z')), 'resolution');
    expect(c?.pausedMinutes).toBe(120);
    expect(c?.dueAt.toISOString()).toBe('2026-03-03T10:00:00.000Z');
  });

  it('a pause that begins after the breach does not undo it', () => {
    const events = [created('2026-03-02T08:00:00Z'), status('2026-03-03T09:00:00Z', 4)];
    const c = pick(computeClocks(events, policy(), at('2026-03-03T10:00:00Z')), 'resolution');
    expect(c).toMatchObject({ state: 'breached', breachedAt: at('2026-03-02T16:00:00Z'), pausedMinutes: 0 });
  });

  it('reopening a closed ticket starts a new cycle and keeps the old one', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      status('2026-03-02T17:00:00Z', 5), // closed 18:00 Berlin: after due (17:00) -> breached
      ev('client_reply', '2026-03-03T08:00:00Z'),
      status('2026-03-03T08:00:00Z', 1), // reopened Tue 09:00
    ];
    const clocks = computeClocks(events, policy(), at('2026-03-03T09:00:00Z'));
    expect(pick(clocks, 'resolution', 1)).toMatchObject({
      state: 'breached',
      metAt: at('2026-03-02T17:00:00Z'),
    });
    expect(pick(clocks, 'resolution', 2)).toMatchObject({
      state: 'on_track',
      startedAt: at('2026-03-03T08:00:00Z'),
    });
    expect(pick(clocks, 'resolution', 2)?.dueAt.toISOString()).toBe('2026-03-03T16:00:00.000Z');
  });

  it('uses the warning before due when given', () => {
    const events = [created('2026-03-02T08:00:00Z')];
    expect(
      pick(computeClocks(events, policy(), at('2026-03-02T08:00:00Z')), 'resolution')?.warnAt.toISOString(),
    ).toBe('2026-03-02T15:00:00.000Z');
  });
});

describe('policies and lifecycle', () => {
  it('only metrics with a target get clocks; no calendar means around the clock', () => {
    const events = [created('2026-02-28T22:00:00Z')]; // Saturday night
    const clocks = computeClocks(
      events,
      policy({ targets: { resolution: { minutes: 60 } }, calendar: null }),
      at('2026-02-28T22:30:00Z'),
    );
    expect(clocks.map((c) => c.metric)).toEqual(['resolution']);
    expect(clocks[0].dueAt.toISOString()).toBe('2026-02-28T23:00:00.000Z');
  });

  it('a changed policy recomputes from the same timeline: same start, same pauses', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      status('2026-03-02T09:00:00Z', 4),
      status('2026-03-02T10:00:00Z', 1),
    ];
    const now = at('2026-03-02T11:00:00Z');
    const before = pick(computeClocks(events, policy(), now), 'resolution');
    const after = pick(
      computeClocks(events, policy({ targets: { resolution: { minutes: 120 } } }), now),
      'resolution',
    );
    expect(after?.startedAt).toEqual(before?.startedAt);
    expect(after?.pausedMinutes).toBe(before?.pausedMinutes);
    expect(after?.dueAt.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(after?.state).toBe('breached');
  });

  it('closing ends an unanswered response clock: dropped before its due time, kept as breached after', () => {
    const base = [created('2026-03-02T08:00:00Z')];
    const early = computeClocks(
      [...base, status('2026-03-02T08:20:00Z', 5)],
      policy(),
      at('2026-03-02T09:00:00Z'),
    );
    expect(early.map((c) => `${c.metric}:${c.state}`)).toEqual(['resolution:met']);
    const late = computeClocks(
      [...base, status('2026-03-02T09:30:00Z', 5)],
      policy(),
      at('2026-03-02T10:00:00Z'),
    );
    expect(late.map((c) => `${c.metric}:${c.state}`)).toEqual(['first_response:breached', 'resolution:met']);
    expect(late[0]).toMatchObject({ metAt: null, breachedAt: at('2026-03-02T09:00:00Z') });
  });

  it('a merge is not a resolution: open cycles end unmet; a deletion drops all', () => {
    const base = [created('2026-03-02T08:00:00Z')];
    expect(
      computeClocks(
        [...base, ev('merged', '2026-03-02T08:20:00Z', '7')],
        policy(),
        at('2026-03-02T09:00:00Z'),
      ),
    ).toEqual([]);
    const lateMerge = computeClocks(
      [...base, ev('merged', '2026-03-02T09:20:00Z', '7')],
      policy(),
      at('2026-03-02T10:00:00Z'),
    );
    expect(lateMerge.map((c) => `${c.metric}:${c.state}`)).toEqual(['first_response:breached']);
    expect(
      computeClocks([...base, ev('deleted', '2026-03-02T08:20:00Z')], policy(), at('2026-03-02T09:00:00Z')),
    ).toEqual([]);
  });

  it('a policy change keeps the pause time taken under the old policy', () => {
    const change = (iso: string, from: number[], to: number[]): SlaEvent => ({
      type: 'policy_changed',
      at: at(iso),
      from: JSON.stringify({ policyId: 1, pauseStatusIds: from }),
      to: JSON.stringify({ policyId: 2, pauseStatusIds: to }),
    });
    const events = [
      created('2026-03-02T08:00:00Z'), // Mon 09:00 Berlin
      status('2026-03-02T09:00:00Z', 3), // Answered: pauses under the old policy [3, 4]
      status('2026-03-02T12:00:00Z', 1), // 3 business hours paused
      change('2026-03-02T13:00:00Z', [3, 4], [4]), // the new policy does not pause on Answered
      status('2026-03-02T13:30:00Z', 3), // Answered again: no pause any more
    ];
    const c = computeClocks(events, policy({ pauseStatusIds: [4] }), at('2026-03-02T14:00:00Z')).find(
      (x) => x.metric === 'resolution',
    );
    expect(c?.pausedMinutes).toBe(180);
    expect(c?.state).toBe('on_track');
    // Switching to a policy that pauses on the current status starts a pause at the change.
    const intoPause = computeClocks(
      [
        created('2026-03-02T08:00:00Z'),
        status('2026-03-02T09:00:00Z', 2),
        change('2026-03-02T10:00:00Z', [4], [2]),
      ],
      policy({ pauseStatusIds: [2] }),
      at('2026-03-02T11:00:00Z'),
    ).find((x) => x.metric === 'resolution');
    expect(intoPause).toMatchObject({ state: 'paused' });
    expect(intoPause?.pauses[0].from).toEqual(at('2026-03-02T10:00:00Z'));
  });

  it('reopening a ticket closed before any answer starts a new first-response cycle', () => {
    const events = [
      created('2026-03-02T08:00:00Z'),
      status('2026-03-02T08:10:00Z', 5),
      ev('client_reply', '2026-03-02T09:00:00Z'),
      status('2026-03-02T09:00:00Z', 1),
    ];
    const clocks = computeClocks(events, policy(), at('2026-03-02T09:10:00Z'));
    expect(clocks.map((c) => `${c.metric}#${c.cycle}:${c.state}`)).toEqual([
      'resolution#1:met',
      'resolution#2:on_track',
      'first_response#2:on_track',
    ]);
    expect(clocks[2].startedAt).toEqual(at('2026-03-02T09:00:00Z'));
  });

  it('after the last policy change the current policy pause list applies (edited since)', () => {
    const events: SlaEvent[] = [
      created('2026-03-02T08:00:00Z'),
      {
        type: 'policy_changed',
        at: at('2026-03-02T08:30:00Z'),
        from: JSON.stringify({ policyId: 1, pauseStatusIds: [3, 4] }),
        to: JSON.stringify({ policyId: 2, pauseStatusIds: [4] }),
      },
      status('2026-03-02T09:00:00Z', 3),
    ];
    // Policy 2 was edited to pause on Answered too after the change was recorded.
    const c = computeClocks(events, policy({ pauseStatusIds: [3, 4] }), at('2026-03-02T10:00:00Z')).find(
      (x) => x.metric === 'resolution',
    );
    expect(c?.state).toBe('paused');
  });
});
