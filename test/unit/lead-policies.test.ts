import { ConfigError, parseSlaConfig } from '../../src/sla/config';
import { matchPolicy, type LeadMatchSubject } from '../../src/sla/policy/match-policy';

/** Lead policies: their own match fields and metrics, matched by market, source, status, owner. */

const window = { status_time: { byStatus: { '1': { minutes: 60 } } } };
const issues = (policies: unknown[]): { path: string; message: string }[] => {
  try {
    parseSlaConfig({ policies });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
};

describe('a lead policy in the configuration document', () => {
  it('is a ticket policy unless it says lead; a lead policy pauses on nothing by default', () => {
    const doc = parseSlaConfig({
      policies: [
        { key: 'tickets', name: 'Tickets', targets: { first_response: { minutes: 60 } } },
        { key: 'india', name: 'India', subject: 'lead', match: { countryIds: [102] }, targets: window },
      ],
    });
    expect(doc.policies.map((p) => [p.key, p.subject, p.pauseStatusIds])).toEqual([
      ['tickets', 'ticket', [3, 4]],
      ['india', 'lead', []],
    ]);
  });

  it.each([
    [
      'a ticket field on a lead policy',
      { subject: 'lead', match: { departmentIds: [1] }, targets: window },
      'policies[0].match.departmentIds',
      'a lead policy matches on countryIds, sourceIds, statusIds, assignedIds',
    ],
    [
      'a lead field on a ticket policy',
      { match: { countryIds: [1] }, targets: { first_response: { minutes: 60 } } },
      'policies[0].match.countryIds',
      'a ticket policy matches on departmentIds, priorityIds, clientIds, serviceIds',
    ],
    [
      'a ticket metric on a lead policy',
      { subject: 'lead', targets: { ...window, first_response: { minutes: 60 } } },
      'policies[0].targets.first_response',
      'leads have no first_response: give status_time windows per lead status',
    ],
    [
      'raising the priority of a lead',
      {
        subject: 'lead',
        targets: window,
        escalations: [
          {
            metric: 'status_time',
            trigger: { type: 'at_due' },
            action: { type: 'raise_priority', priorityId: 3 },
          },
        ],
      },
      'policies[0].escalations[0].action.type',
      'raise_priority is for tickets; leads have no priority or department',
    ],
    ['an unknown subject', { subject: 'task', targets: window }, 'policies[0].subject', undefined],
  ])('refuses %s, naming the field', (_what, policy, path, message) => {
    const found = issues([{ key: 'p', name: 'P', ...policy }]);
    expect(found.map((i) => i.path)).toContain(path);
    if (message) expect(found.find((i) => i.path === path)?.message).toBe(message);
  });
});

describe("notify_department without a department: the lead owner's department", () => {
  const level = (action: Record<string, unknown>) => ({
    metric: 'status_time',
    trigger: { type: 'at_due' },
    action,
  });
  const ticketLevel = (action: Record<string, unknown>) => ({ ...level(action), metric: 'first_response' });
  const ticket = { targets: { first_response: { minutes: 60 } } };

  it('is accepted on a lead policy, and stored without a departmentId', () => {
    const doc = parseSlaConfig({
      policies: [
        {
          key: 'leads',
          name: 'Leads',
          subject: 'lead',
          targets: window,
          escalations: [
            level({ type: 'notify_department' }),
            level({ type: 'notify_department', departmentId: 2 }),
          ],
        },
      ],
    });
    expect(doc.policies[0].escalations.map((e) => e.action)).toEqual([
      { type: 'notify_department' },
      { type: 'notify_department', departmentId: 2 },
    ]);
  });

  it("is refused on a ticket policy, naming the level's departmentId", () => {
    const found = issues([
      {
        key: 'p',
        name: 'P',
        ...ticket,
        escalations: [
          ticketLevel({ type: 'notify_staff', staffId: 1 }),
          ticketLevel({ type: 'notify_department' }),
        ],
      },
    ]);
    expect(found).toEqual([
      {
        path: 'policies[0].escalations[1].action.departmentId',
        message: 'notify_department needs departmentId',
      },
    ]);
  });

  it('a ticket policy with a department is fine; reassign_department still needs one everywhere', () => {
    expect(
      issues([
        {
          key: 'p',
          name: 'P',
          ...ticket,
          escalations: [ticketLevel({ type: 'notify_department', departmentId: 1 })],
        },
      ]),
    ).toEqual([]);
    expect(
      issues([
        { key: 'p', name: 'P', ...ticket, escalations: [ticketLevel({ type: 'reassign_department' })] },
      ]),
    ).toEqual([
      {
        path: 'policies[0].escalations[0].action.departmentId',
        message: 'reassign_department needs departmentId',
      },
    ]);
  });
});

describe('matching a lead', () => {
  const IN = 102;
  const US = 236;
  const WEB = 3;
  const REFERRAL = 4;
  const NEW = 2;
  const lead = (over: Partial<LeadMatchSubject> = {}): LeadMatchSubject => ({
    type: 'lead',
    country: IN,
    source: WEB,
    status: NEW,
    assigned: 0,
    ...over,
  });
  const policy = (key: string, match: Record<string, number[]>, position = 0) => ({
    key,
    subject: 'lead' as const,
    active: true,
    position,
    match,
  });
  const policies = [
    policy('fallback', {}, 9),
    policy('india', { countryIds: [IN] }),
    policy('india-web', { countryIds: [IN], sourceIds: [WEB] }),
    policy('referrals', { sourceIds: [REFERRAL] }),
    policy('new-leads', { statusIds: [NEW] }),
    policy('mine', { assignedIds: [7] }),
    { ...policy('inactive-us', { countryIds: [US] }), active: false },
    // A ticket policy never governs a lead, however general.
    { key: 'tickets', active: true, position: 0, match: {} },
  ];

  it.each([
    ['market + source beats market alone', lead(), 'india-web'],
    ['market beats source', lead({ source: REFERRAL }), 'india'],
    ['source beats status', lead({ country: US, source: REFERRAL }), 'referrals'],
    ['status beats owner', lead({ country: US, source: 9, assigned: 7 }), 'new-leads'],
    ['owner alone', lead({ country: US, source: 9, status: 5, assigned: 7 }), 'mine'],
    ['an inactive policy is skipped: the fallback', lead({ country: US, source: 9, status: 5 }), 'fallback'],
  ])('%s', (_what, subject, key) => {
    expect(matchPolicy(policies, subject)?.key).toBe(key);
  });

  it('never gives a ticket a lead policy', () => {
    const ticket = { department: 1, priority: 2, userid: 3, service: null };
    expect(matchPolicy(policies, ticket)?.key).toBe('tickets');
    expect(matchPolicy(policies.slice(0, 6), ticket)).toBeNull();
  });

  it('no lead policy at all: no policy (the KPI), not an error', () => {
    expect(matchPolicy([policies[7]], lead())).toBeNull();
  });
});
