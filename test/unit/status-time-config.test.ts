import { ConfigError, parseSlaConfig } from '../../src/sla/config';

const doc = (targets: unknown, escalations: unknown[] = []) => ({
  policies: [{ key: 'support', name: 'Support', targets, escalations }],
});
const issues = (input: unknown): { path: string; message: string }[] => {
  try {
    parseSlaConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
};
const notifyAtDue = (metric: string) => ({
  metric,
  trigger: { type: 'at_due' },
  action: { type: 'notify_assignee' },
});

describe('targets.status_time in a configuration document', () => {
  it.each([
    ['one window', { status_time: { byStatus: { '2': { minutes: 960 } } } }],
    [
      'windows with warnings beside other targets',
      {
        first_response: { minutes: 60 },
        status_time: {
          byStatus: {
            '1': { minutes: 60, warnAtPercent: 50 },
            '4': { minutes: 2880, warnBeforeMinutes: 240 },
          },
        },
      },
    ],
  ])('accepts %s', (_name, targets) => {
    const parsed = parseSlaConfig(doc(targets));
    expect(parsed.policies[0].targets.status_time).toEqual(targets.status_time);
  });

  it('accepts an escalation on status_time when a status has a window', () => {
    const parsed = parseSlaConfig(
      doc({ status_time: { byStatus: { '2': { minutes: 60 } } } }, [notifyAtDue('status_time')]),
    );
    expect(parsed.policies[0].escalations[0].metric).toBe('status_time');
  });

  it.each([
    [
      'a status id that is not a positive integer',
      { byStatus: { '0': { minutes: 60 } } },
      'policies[0].targets.status_time.byStatus.0',
    ],
    [
      'a status name for an id',
      { byStatus: { open: { minutes: 60 } } },
      'policies[0].targets.status_time.byStatus.open',
    ],
    [
      'a leading zero',
      { byStatus: { '02': { minutes: 60 } } },
      'policies[0].targets.status_time.byStatus.02',
    ],
    [
      'a window without minutes',
      { byStatus: { '2': {} } },
      'policies[0].targets.status_time.byStatus.2.minutes',
    ],
    [
      'negative minutes',
      { byStatus: { '2': { minutes: -5 } } },
      'policies[0].targets.status_time.byStatus.2.minutes',
    ],
    [
      'a warning not before the window ends',
      { byStatus: { '2': { minutes: 60, warnBeforeMinutes: 60 } } },
      'policies[0].targets.status_time.byStatus.2.warnBeforeMinutes',
    ],
    [
      'both warnings',
      { byStatus: { '2': { minutes: 60, warnBeforeMinutes: 10, warnAtPercent: 50 } } },
      'policies[0].targets.status_time.byStatus.2',
    ],
    ['an unknown key beside byStatus', { byStatus: {}, minutes: 60 }, 'policies[0].targets.status_time'],
    ['no byStatus', {}, 'policies[0].targets.status_time.byStatus'],
  ])('rejects %s, naming the field', (_name, statusTime, path) => {
    const found = issues(doc({ resolution: { minutes: 60 }, status_time: statusTime }));
    expect(found.map((i) => i.path)).toContain(path);
  });

  it('an empty byStatus sets no target', () => {
    expect(issues(doc({ status_time: { byStatus: {} } }))).toEqual([
      { path: 'policies[0].targets', message: 'set at least one target' },
    ]);
  });

  it('refuses a status_time escalation when no status has a window', () => {
    expect(
      issues(
        doc({ resolution: { minutes: 60 }, status_time: { byStatus: {} } }, [notifyAtDue('status_time')]),
      ),
    ).toEqual([{ path: 'policies[0].escalations[0].metric', message: 'policy has no status_time target' }]);
  });
});
