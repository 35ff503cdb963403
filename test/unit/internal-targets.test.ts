import { createHash } from 'node:crypto';
import { computeClocks, type ClockPolicy } from '../../src/sla/clocks/compute-clocks';
import { computeInternalCycles, internalTeamOf } from '../../src/sla/clocks/internal-clocks';
import { summarizeState } from '../../src/sla/clocks/clock-state';
import type { SlaEvent, TimelineEventType } from '../../src/sla/clocks/sla-event';
import { ladderOf, levelsDue } from '../../src/sla/escalation/ladder';
import { ConfigError, parseSlaConfig, type InternalTargetConfig } from '../../src/sla/config';
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

const tier1: InternalTargetConfig = {
  name: 'Tier 1',
  team: { departmentId: 2 },
  targets: { first_response: { minutes: 30 }, resolution: { minutes: 240 } },
};
const escalationTeam: InternalTargetConfig = {
  team: { staffIds: [7, 8] },
  targets: { resolution: { minutes: 120 } },
};

// Mon-Fri 09:00-17:00 in Berlin; 2026-03-02 is a Monday (CET, UTC+1).
const policy = (overrides: Partial<ClockPolicy> = {}): ClockPolicy => ({
  targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
  pauseStatusIds: [3, 4],
  calendar: { timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 },
  defaultWarnAtPercent: 80,
  statuses: PERFEX_STATUS_LIFECYCLE,
  internal: [escalationTeam, tier1],
  ...overrides,
});

describe('internalTeamOf: the first team that matches wins', () => {
  it.each([
    ['department team by the ticket department', { department: 2, assigned: 0 }, 1],
    ['staff group by the assignee, listed first', { department: 2, assigned: 7 }, 0],
    ['an unassigned ticket is in no staff group', { department: 9, assigned: 0 }, null],
    ['neither department nor assignee', { department: 9, assigned: 5 }, null],
  ] as const)('%s', (_name, subject, index) => {
    expect(internalTeamOf([escalationTeam, tier1], subject)?.index ?? null).toBe(index);
  });
});

describe('computeInternalCycles', () => {
  // Created Mon 09:00 Berlin (08:00Z); first staff reply at 09:45 Berlin; status Answered (paused)
  // 10:00-12:00 Berlin; now 15:00 Berlin.
  const events = [
    created('2026-03-02T08:00:00Z'),
    ev('staff_reply', '2026-03-02T08:45:00Z'),
    ev('status_changed', '2026-03-02T09:00:00Z', '3'),
    ev('status_changed', '2026-03-02T11:00:00Z', '1'),
  ];
  const now = at('2026-03-02T14:00:00Z');

  it.each([
    // metric, team (by subject), due, state
    ['first_response', { department: 2, assigned: 0 }, '2026-03-02T08:30:00.000Z', 'breached'],
    // 240 business minutes from 09:00 Berlin, moved by the 2 h pause: 15:00 Berlin.
    ['resolution', { department: 2, assigned: 0 }, '2026-03-02T14:00:00.000Z', 'breached'],
    // The staff group's 120 minutes, moved by the same pause: 13:00 Berlin.
    ['resolution', { department: 2, assigned: 8 }, '2026-03-02T12:00:00.000Z', 'breached'],
  ] as const)('%s for %j: due %s, %s', (metric, subject, due, state) => {
    const { clocks } = computeInternalCycles(events, policy(), subject, now);
    const clock = clocks.find((c) => c.metric === metric);
    expect(clock).toMatchObject({ scope: 'internal', state });
    expect(clock?.dueAt.toISOString()).toBe(due);
  });

  it('runs on the same calendar and pauses as the customer clock, only shorter', () => {
    const customer = computeClocks(events, policy(), now).find((c) => c.metric === 'resolution');
    const { clocks } = computeInternalCycles(events, policy(), { department: 2, assigned: 0 }, now);
    const internal = clocks.find((c) => c.metric === 'resolution');
    expect(customer?.scope).toBeUndefined();
    expect(customer?.pausedMinutes).toBe(120);
    expect(internal?.pausedMinutes).toBe(120);
    expect(customer?.state).toBe('on_track');
    expect(internal?.dueAt.getTime()).toBeLessThan(customer?.dueAt.getTime() ?? 0);
  });

  it("gives no internal clocks to a ticket of no team, and only the team's metrics to one", () => {
    expect(computeInternalCycles(events, policy(), { department: 9, assigned: 0 }, now).clocks).toEqual([]);
    const staff = computeInternalCycles(events, policy(), { department: 9, assigned: 7 }, now);
    expect(staff.clocks.map((c) => c.metric)).toEqual(['resolution']);
  });

  it('escalates internal clocks only with internal levels, and leaves the badge to the customer', () => {
    const ladder = ladderOf([
      { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
      {
        metric: 'resolution',
        trigger: { type: 'at_due' },
        action: { type: 'notify_assignee' },
        scope: 'internal',
      },
    ]);
    const p = policy({ ladder });
    const { clocks } = computeInternalCycles(events, p, { department: 2, assigned: 0 }, now);
    const internal = clocks.find((c) => c.metric === 'resolution');
    expect(internal && levelsDue(internal, ladder, p.calendar, now).map((d) => d.level.level)).toEqual([2]);
    const customer = computeClocks(events, p, now).find((c) => c.metric === 'resolution');
    expect(customer && levelsDue(customer, ladder, p.calendar, now)).toEqual([]);
    // Breached internal clocks do not make the ticket's state breached.
    expect(summarizeState([...computeClocks(events, p, now), ...clocks])).toBe('on_track');
  });
});

describe('ladder keys', () => {
  it('keeps the key of a customer level as hashed before scopes, and gives an internal one its own', () => {
    const level = {
      metric: 'resolution' as const,
      trigger: { type: 'after_due' as const, minutes: 60 },
      action: { type: 'notify_staff' as const, staffId: 3 },
    };
    const before = createHash('sha1')
      .update(JSON.stringify([level.metric, level.trigger.type, 60, level.action]))
      .digest('hex')
      .slice(0, 24);
    const [customer, internal] = ladderOf([level, { ...level, scope: 'internal' }]);
    expect(customer.key).toBe(before);
    expect(internal.key).not.toBe(before);
    expect(internal.key).not.toContain('-');
  });
});

describe('config validation of internalTargets', () => {
  const doc = (policy: Record<string, unknown>) => ({
    policies: [
      {
        key: 'std',
        name: 'Standard',
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
        ...policy,
      },
    ],
  });
  const issues = (input: unknown): string[] => {
    try {
      parseSlaConfig(input);
      return [];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.issues.map((i) => `${i.path}: ${i.message}`);
    }
  };

  it('accepts department and staff teams, and leaves documents without them as they were', () => {
    const parsed = parseSlaConfig(
      doc({
        internalTargets: [tier1, escalationTeam],
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_assignee' },
            scope: 'internal',
          },
        ],
      }),
    );
    expect(parsed.policies[0].internalTargets).toHaveLength(2);
    expect(parseSlaConfig(doc({})).policies[0]).not.toHaveProperty('internalTargets');
  });

  it.each([
    [
      'an internal target as long as the customer one',
      { internalTargets: [tier1, { team: { departmentId: 3 }, targets: { resolution: { minutes: 480 } } }] },
      'policies[0].internalTargets[1].targets.resolution.minutes: must be shorter than the customer target (480 minutes)',
    ],
    [
      'a metric the customer SLA has no target for',
      { internalTargets: [{ team: { departmentId: 3 }, targets: { next_response: { minutes: 10 } } }] },
      'policies[0].internalTargets[0].targets.next_response: the policy has no customer next_response target for this one to be shorter than',
    ],
    [
      'both a department and staff',
      {
        internalTargets: [
          { team: { departmentId: 3, staffIds: [1] }, targets: { resolution: { minutes: 10 } } },
        ],
      },
      'policies[0].internalTargets[0].team: give departmentId or staffIds (one of the two)',
    ],
    [
      'no target at all',
      { internalTargets: [{ team: { departmentId: 3 }, targets: {} }] },
      'policies[0].internalTargets[0].targets: set at least one internal target',
    ],
    [
      'an internal level without an internal target of its metric',
      {
        internalTargets: [{ team: { departmentId: 3 }, targets: { resolution: { minutes: 10 } } }],
        escalations: [
          {
            metric: 'first_response',
            trigger: { type: 'at_due' },
            action: { type: 'notify_assignee' },
            scope: 'internal',
          },
        ],
      },
      'policies[0].escalations[0].scope: no internal target of first_response for this level to fire on',
    ],
    [
      'a lead policy',
      {
        subject: 'lead',
        targets: { status_time: { byStatus: { '2': { minutes: 60 } } } },
        internalTargets: [{ team: { departmentId: 3 }, targets: { resolution: { minutes: 10 } } }],
      },
      'policies[0].internalTargets: internal targets are for ticket policies',
    ],
    [
      'an internal level on a lead policy',
      {
        subject: 'lead',
        targets: { status_time: { byStatus: { '2': { minutes: 60 } } } },
        escalations: [
          {
            metric: 'status_time',
            trigger: { type: 'at_due' },
            action: { type: 'notify_assignee' },
            scope: 'internal',
          },
        ],
      },
      'policies[0].escalations[0].scope: no internal target of a lead for this level to fire on (internal targets are for ticket policies)',
    ],
  ])('refuses %s, naming the field', (_name, policy, message) => {
    expect(issues(doc(policy))).toContain(message);
  });
});
