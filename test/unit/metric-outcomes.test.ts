import type { ClockPolicy } from '../../src/sla/clocks/compute-clocks';
import type { SlaEvent, TimelineEventType } from '../../src/sla/clocks/sla-event';
import {
  addOutcomes,
  emptyTally,
  metricOutcomes,
  replayUnderPolicy,
} from '../../src/sla/clocks/metric-outcomes';
import { PERFEX_STATUS_LIFECYCLE } from '../../src/host/perfex/perfex-statuses';

const ev = (
  type: TimelineEventType,
  iso: string,
  to: string | null = null,
  from: string | null = null,
): SlaEvent => ({
  type,
  at: new Date(iso),
  from,
  to,
});
const created = (iso: string) => ev('created', iso, JSON.stringify({ status: 1 }));
const around = (overrides: Partial<ClockPolicy> = {}): ClockPolicy => ({
  targets: { first_response: { minutes: 30 }, resolution: { minutes: 120 } },
  pauseStatusIds: [3, 4],
  calendar: null,
  defaultWarnAtPercent: 80,
  statuses: PERFEX_STATUS_LIFECYCLE,
  ...overrides,
});
const now = new Date('2026-03-10T12:00:00Z');

describe('metricOutcomes', () => {
  it('a breach in any cycle wins, then a running cycle, then met', () => {
    expect(
      metricOutcomes([
        { metric: 'next_response', state: 'met' },
        { metric: 'next_response', state: 'breached' },
        { metric: 'next_response', state: 'on_track' },
        { metric: 'resolution', state: 'met' },
        { metric: 'resolution', state: 'paused' },
        { metric: 'first_response', state: 'met' },
      ]),
    ).toEqual({ next_response: 'breached', resolution: 'running', first_response: 'met' });
  });

  it('leaves out metrics without a clock', () => {
    expect(metricOutcomes([])).toEqual({});
  });
});

describe('replayUnderPolicy', () => {
  it('a tight target breaches where a loose one is met', () => {
    const events = [created('2026-03-10T09:00:00Z'), ev('staff_reply', '2026-03-10T09:45:00Z')];
    const tight = metricOutcomes(replayUnderPolicy(events, around(), now));
    const loose = metricOutcomes(
      replayUnderPolicy(
        events,
        around({ targets: { first_response: { minutes: 60 }, resolution: { minutes: 600 } } }),
        now,
      ),
    );
    expect(tight).toEqual({ first_response: 'breached', resolution: 'breached' });
    expect(loose).toEqual({ first_response: 'met', resolution: 'running' });
  });

  it("applies the draft's pause statuses from the start, ignoring the recorded policy changes", () => {
    // On hold (4) from 09:30 to 11:30 under a policy that did not pause on 4.
    const events = [
      created('2026-03-10T09:00:00Z'),
      ev('status_changed', '2026-03-10T09:30:00Z', '4'),
      ev('status_changed', '2026-03-10T11:30:00Z', '1'),
      ev(
        'policy_changed',
        '2026-03-10T11:40:00Z',
        JSON.stringify({ policyId: 2, pauseStatusIds: [] }),
        JSON.stringify({ policyId: 1, pauseStatusIds: [] }),
      ),
    ];
    const [resolution] = replayUnderPolicy(
      events,
      around({ targets: { resolution: { minutes: 120 } } }),
      now,
    );
    expect(resolution.pausedMinutes).toBe(120);
    expect(resolution.dueAt.toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(resolution.state).toBe('on_track');
  });
});

describe('tallies', () => {
  it('counts one outcome per ticket and metric, and "none" for a metric without a clock', () => {
    const tally = emptyTally();
    addOutcomes(tally, { first_response: 'breached', resolution: 'met' });
    addOutcomes(tally, { first_response: 'met' });
    expect(tally.first_response).toEqual({ breached: 1, met: 1, running: 0, none: 0 });
    expect(tally.resolution).toEqual({ breached: 0, met: 1, running: 0, none: 1 });
    expect(tally.next_response).toEqual({ breached: 0, met: 0, running: 0, none: 2 });
  });
});
