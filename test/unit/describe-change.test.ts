import { describeChange, type NameBook } from '../../src/web/view-helpers';
import type { TimelineEvent } from '../../src/store/timeline-repository';

const names: NameBook = {
  status: new Map([
    ['1', 'Open'],
    ['3', 'Answered'],
  ]),
  priority: new Map(),
  department: new Map(),
  staff: new Map([['0', '—']]),
  policy: new Map([
    ['1', 'Standard'],
    ['2', 'High priority'],
    ['null', 'No policy'],
  ]),
};

function event(
  eventType: TimelineEvent['eventType'],
  fromValue: string | null,
  toValue: string | null,
): TimelineEvent {
  return {
    id: 1,
    subjectType: 'ticket',
    subjectId: 5,
    eventType,
    fromValue,
    toValue,
    actorStaffId: null,
    refId: null,
    dedupeKey: null,
    occurredAt: new Date(0),
    recordedAt: new Date(0),
    source: 'recompute',
  };
}

describe('describeChange: what the SLA timeline says of a change', () => {
  it.each([
    ['names both statuses', event('status_changed', '1', '3'), 'Open → Answered'],
    [
      'names the policies, not the JSON the recompute keeps (ids as strings in older rows)',
      event(
        'policy_changed',
        '{"policyId":"1","pauseStatusIds":[3,4]}',
        '{"policyId":2,"pauseStatusIds":[3,4]}',
      ),
      'Standard → High priority',
    ],
    [
      'says "No policy" for none and "#id" for a policy deleted since',
      event('policy_changed', '{"policyId":null,"pauseStatusIds":[]}', '{"policyId":9,"pauseStatusIds":[]}'),
      'No policy → #9',
    ],
    ['keeps an unreadable value as it is', event('policy_changed', 'garbage', null), 'garbage → No policy'],
  ])('%s', (_what, e, text) => {
    expect(describeChange(e, names)).toBe(text);
  });
});
