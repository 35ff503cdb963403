import { nextHandovers, nextWorkingMoment, onCallAt, onDutyAt } from '../../src/sla/on-call';
import { parseSlaConfig, type OnCallRotaConfig } from '../../src/sla/config';
import { ladderOf } from '../../src/sla/escalation/ladder';

const berlin: OnCallRotaConfig = {
  key: 'support',
  name: 'Support',
  departmentId: 1,
  fallbackStaffId: 9,
  rotation: {
    type: 'weekly',
    startsAt: '2026-03-16',
    handover: '09:00',
    timezone: 'Europe/Berlin',
    staffIds: [1, 2, 3],
  },
};

const newYork: OnCallRotaConfig = {
  ...berlin,
  rotation: {
    type: 'weekly',
    startsAt: '2026-10-26',
    handover: '08:00',
    timezone: 'America/New_York',
    staffIds: [5, 6],
  },
};

const ranges: OnCallRotaConfig = {
  ...berlin,
  rotation: {
    type: 'ranges',
    ranges: [
      { from: '2026-12-24T17:00:00+01:00', to: '2026-12-27T09:00:00+01:00', staffId: 4 },
      { from: '2026-12-27T09:00:00+01:00', to: '2027-01-02T09:00:00+01:00', staffId: 7 },
    ],
  },
};

describe('onCallAt: weekly rotation', () => {
  test.each([
    ['before the first shift: the fallback', '2026-03-16T07:59:59Z', 9],
    ['first shift, 09:00 CET', '2026-03-16T08:00:00Z', 1],
    ['second shift', '2026-03-23T08:00:00Z', 2],
    // Berlin springs forward on 29 March: the third shift starts at 09:00 CEST = 07:00Z.
    ['08:59 CEST on the Monday after the spring change: still the second', '2026-03-30T06:59:00Z', 2],
    ['09:30 CEST (07:30Z, before 7 x 24 h have passed): the third', '2026-03-30T07:30:00Z', 3],
    ['fourth shift wraps round to the first person', '2026-04-06T07:00:00Z', 1],
    ['a year later: 52 shifts on, 52 mod 3 = 1, the second', '2027-03-15T08:00:00Z', 2],
  ])('%s', (_, at, staff) => {
    expect(onCallAt(berlin, new Date(at))).toBe(staff);
  });

  test.each([
    // New York falls back on 1 November: 08:00 EST is 13:00Z, an hour later than the week before.
    ['07:30 EST on the Monday after the fall change: still the first', '2026-11-02T12:30:00Z', 5],
    ['08:00 EST', '2026-11-02T13:00:00Z', 6],
    ['the week before, 08:00 EDT', '2026-10-26T12:00:00Z', 5],
  ])('New York: %s', (_, at, staff) => {
    expect(onCallAt(newYork, new Date(at))).toBe(staff);
  });

  test('a handover in the spring-forward gap is the end of the gap', () => {
    const rota: OnCallRotaConfig = {
      ...berlin,
      rotation: {
        ...berlin.rotation,
        startsAt: '2026-03-29',
        handover: '02:30',
      } as OnCallRotaConfig['rotation'],
    };
    expect(onDutyAt(rota.rotation, new Date('2026-03-29T00:59:59Z'))).toBeNull();
    expect(onDutyAt(rota.rotation, new Date('2026-03-29T01:00:00Z'))).toBe(1);
  });

  test('the next handovers, across the change', () => {
    expect(nextHandovers(berlin.rotation, new Date('2026-03-24T00:00:00Z'), 3)).toEqual([
      { at: new Date('2026-03-30T07:00:00Z'), staffId: 3 },
      { at: new Date('2026-04-06T07:00:00Z'), staffId: 1 },
      { at: new Date('2026-04-13T07:00:00Z'), staffId: 2 },
    ]);
    expect(nextHandovers(berlin.rotation, new Date('2026-01-01T00:00:00Z'), 1)).toEqual([
      { at: new Date('2026-03-16T08:00:00Z'), staffId: 1 },
    ]);
  });
});

describe('onCallAt: date ranges', () => {
  test.each([
    ['before every range: the fallback', '2026-12-24T15:59:59Z', 9],
    ['from is inclusive', '2026-12-24T16:00:00Z', 4],
    ['to is exclusive: the next range', '2026-12-27T08:00:00Z', 7],
    ['after every range: the fallback', '2027-01-02T08:00:00Z', 9],
  ])('%s', (_, at, staff) => {
    expect(onCallAt(ranges, new Date(at))).toBe(staff);
  });

  test('handovers name nobody (null) when the last range ends', () => {
    expect(nextHandovers(ranges.rotation, new Date('2026-12-20T00:00:00Z'), 5)).toEqual([
      { at: new Date('2026-12-24T16:00:00Z'), staffId: 4 },
      { at: new Date('2026-12-27T08:00:00Z'), staffId: 7 },
      { at: new Date('2027-01-02T08:00:00Z'), staffId: null },
    ]);
  });
});

describe('nextWorkingMoment', () => {
  const office = {
    timezone: 'Europe/Berlin',
    week: {
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '17:00']],
    },
  } as const;
  const cal = {
    timezone: office.timezone,
    week: office.week as unknown as Record<string, [string, string][]>,
  };

  test.each([
    ['no calendar: always now', null, undefined, '2026-03-28T23:00:00Z', '2026-03-28T23:00:00Z'],
    ['within hours: now', cal, undefined, '2026-03-27T10:00:00Z', '2026-03-27T10:00:00Z'],
    // Friday evening before the spring change: Monday 09:00 CEST is 07:00Z.
    [
      'Friday night in Berlin: Monday 09:00 CEST',
      cal,
      undefined,
      '2026-03-27T18:00:00Z',
      '2026-03-30T07:00:00Z',
    ],
    [
      'the same calendar read in New York: Friday 14:00 EDT is open',
      cal,
      'America/New_York',
      '2026-03-27T18:00:00Z',
      '2026-03-27T18:00:00Z',
    ],
    [
      'New York, Saturday 02:00Z: Monday 09:00 EDT',
      cal,
      'America/New_York',
      '2026-03-28T02:00:00Z',
      '2026-03-30T13:00:00Z',
    ],
    // Berlin falls back on 25 October: Monday 09:00 CET is 08:00Z.
    ['Saturday 24 October: Monday 09:00 CET', cal, undefined, '2026-10-24T12:00:00Z', '2026-10-26T08:00:00Z'],
  ])('%s', (_, calendar, zone, now, expected) => {
    expect(nextWorkingMoment(calendar, zone, new Date(now)).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  test('a calendar that never opens holds nothing', () => {
    const now = new Date('2026-03-27T18:00:00Z');
    expect(nextWorkingMoment({ timezone: 'UTC', week: {} }, undefined, now)).toEqual(now);
  });
});

describe('configuration', () => {
  const base = {
    calendars: [
      { key: 'office', name: 'Office', timezone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']] } },
    ],
    policies: [
      {
        key: 'p',
        name: 'P',
        targets: { resolution: { minutes: 60 } },
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_on_call', rota: 'support' },
            deliver: 'working_hours',
          },
        ],
      },
    ],
    staffSchedules: [{ staffId: 2, calendar: 'office', timezone: 'America/New_York' }],
    onCall: [berlin],
  };

  test('a document with schedules, rotas and on-call levels is valid', () => {
    const doc = parseSlaConfig(base);
    expect(doc.onCall).toEqual([berlin]);
    expect(doc.policies[0].escalations[0]).toMatchObject({
      deliver: 'working_hours',
      action: { rota: 'support' },
    });
  });

  test.each([
    [{ ...base, onCall: [] }, 'policies[0].escalations[0].action.rota', 'no on-call rota with key "support"'],
    [
      { ...base, staffSchedules: [{ staffId: 2, calendar: 'nope' }] },
      'staffSchedules[0].calendar',
      'no calendar with key "nope"',
    ],
    [
      { ...base, staffSchedules: [{ staffId: 2, calendar: null, timezone: 'Mars/Base' }] },
      'staffSchedules[0].timezone',
      'unknown IANA time zone',
    ],
    [
      { ...base, onCall: [{ ...berlin, rotation: { ...berlin.rotation, handover: '24:00' } }] },
      'onCall[0].rotation.handover',
      'must be HH:MM between 00:00 and 23:59',
    ],
    [
      { ...base, onCall: [{ ...berlin, rotation: { ...berlin.rotation, staffIds: [] } }] },
      'onCall[0].rotation.staffIds',
      'list at least one staff member',
    ],
    [
      { ...base, onCall: [{ ...berlin, rotation: { ...berlin.rotation, startsAt: '2026-02-30' } }] },
      'onCall[0].rotation.startsAt',
      'must be a date YYYY-MM-DD',
    ],
    [
      {
        ...base,
        onCall: [
          {
            ...ranges,
            rotation: {
              type: 'ranges',
              ranges: [{ from: '2026-12-27T09:00:00Z', to: '2026-12-27T09:00:00Z', staffId: 1 }],
            },
          },
        ],
      },
      'onCall[0].rotation.ranges[0].to',
      'to must be after from',
    ],
  ])('refused with its path: %#', (doc, path, message) => {
    expect(() => parseSlaConfig(doc)).toThrow(
      expect.objectContaining({ issues: expect.arrayContaining([{ path, message }]) }),
    );
  });

  test('only notify levels can be held to working hours', () => {
    const doc = {
      ...base,
      policies: [
        {
          ...base.policies[0],
          escalations: [
            {
              metric: 'resolution',
              trigger: { type: 'at_due' },
              action: { type: 'raise_priority' },
              deliver: 'working_hours',
            },
          ],
        },
      ],
    };
    expect(() => parseSlaConfig(doc)).toThrow(
      'policies[0].escalations[0].deliver: only notify levels can be held to working hours',
    );
  });

  test('notify_on_call needs a rota', () => {
    const doc = {
      ...base,
      policies: [
        {
          ...base.policies[0],
          escalations: [
            { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_on_call' } },
          ],
        },
      ],
    };
    expect(() => parseSlaConfig(doc)).toThrow(
      'policies[0].escalations[0].action.rota: notify_on_call needs rota',
    );
  });

  test('deliver is not part of a level key: existing levels keep theirs', () => {
    const level = {
      metric: 'resolution',
      trigger: { type: 'at_due' },
      action: { type: 'notify_assignee' },
    } as const;
    const [before] = ladderOf([level]);
    const [held] = ladderOf([{ ...level, deliver: 'working_hours' }]);
    const [now] = ladderOf([{ ...level, deliver: 'now' }]);
    expect(held.key).toBe(before.key);
    expect(now.key).toBe(before.key);
    // The key this plain level had before on-call existed (sha1 of metric, trigger, action).
    expect(before.key).toBe('7744b050a669d6ca9e7ce1f5');
  });
});
