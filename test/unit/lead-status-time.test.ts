import { computeClocks, type ClockPolicy } from '../../src/sla/clocks/compute-clocks';
import { LEAD_LIFECYCLE, type SlaEvent, type TimelineEventType } from '../../src/sla/clocks/sla-event';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';

/**
 * Lead status windows: the policy's pause statuses hold the window of the status the lead left
 * for them (resumed when it comes back, ended when it moves on), and lost / junk / converted end
 * the stay. Kolkata office hours; Mon 2026-03-02 09:00 Kolkata = 03:30Z.
 */
const NEW = 11;
const CONTACTED = 12;
const WAITING = 13;
const ON_HOLD = 14;
const at = (iso: string): Date => new Date(iso);
const ev = (type: TimelineEventType, iso: string, to: string | null = null): SlaEvent => ({
  type,
  at: at(iso),
  from: null,
  to,
});
const created = (iso: string, status = NEW): SlaEvent => ev('created', iso, JSON.stringify({ status }));
const move = (iso: string, to: number): SlaEvent => ev('status_changed', iso, String(to));
const policy: ClockPolicy = {
  targets: { status_time: { byStatus: { [NEW]: { minutes: 60 }, [WAITING]: { minutes: 240 } } } },
  pauseStatusIds: [WAITING, ON_HOLD],
  calendar: { timezone: 'Asia/Kolkata', week: WEEKDAYS_9_TO_5 },
  defaultWarnAtPercent: 80,
  statuses: LEAD_LIFECYCLE,
  pausesHoldStatusTime: true,
};
const view = (events: SlaEvent[], now: string) =>
  computeClocks(events, policy, at(now)).map((c) => ({
    status: c.status,
    cycle: c.cycle,
    state: c.state,
    dueAt: c.dueAt.toISOString(),
    metAt: c.metAt?.toISOString() ?? null,
    pausedMinutes: c.pausedMinutes,
  }));

describe('lead status windows held by pause statuses', () => {
  const held = [created('2026-03-02T03:30:00Z'), move('2026-03-02T03:45:00Z', WAITING)];

  it('holds the window while the lead waits (the pause status runs its own window)', () => {
    expect(view(held, '2026-03-02T05:00:00Z')).toEqual([
      {
        status: NEW,
        cycle: 1,
        state: 'paused',
        dueAt: '2026-03-02T05:45:00.000Z',
        metAt: null,
        pausedMinutes: 75,
      },
      {
        status: WAITING,
        cycle: 2,
        state: 'on_track',
        dueAt: '2026-03-02T07:45:00.000Z',
        metAt: null,
        pausedMinutes: 0,
      },
    ]);
  });

  it('resumes the same cycle when the lead comes back, due moved by the time held', () => {
    const events = [...held, move('2026-03-02T05:45:00Z', NEW)];
    expect(view(events, '2026-03-02T06:00:00Z')[0]).toEqual({
      status: NEW,
      cycle: 1,
      state: 'on_track',
      dueAt: '2026-03-02T06:30:00.000Z',
      metAt: null,
      pausedMinutes: 120,
    });
  });

  it('ends the held stay when the lead moves on elsewhere: met, judged without the time held', () => {
    const events = [...held, move('2026-03-02T09:00:00Z', CONTACTED)];
    expect(view(events, '2026-03-02T09:30:00Z')[0]).toMatchObject({
      cycle: 1,
      state: 'met',
      metAt: '2026-03-02T09:00:00.000Z',
    });
  });

  it('keeps holding from one pause status to the next', () => {
    const events = [...held, move('2026-03-02T04:30:00Z', ON_HOLD), move('2026-03-02T05:30:00Z', NEW)];
    expect(view(events, '2026-03-02T05:30:00Z')[0]).toMatchObject({
      cycle: 1,
      state: 'on_track',
      pausedMinutes: 105,
    });
  });
});

describe('lead ends', () => {
  it.each<TimelineEventType>(['lost', 'junk', 'converted'])(
    '%s ends the stay and starts no later one',
    (type) => {
      const events = [
        created('2026-03-02T03:30:00Z'),
        ev(type, '2026-03-02T04:00:00Z'),
        move('2026-03-02T04:10:00Z', NEW),
      ];
      expect(view(events, '2026-03-02T08:00:00Z')).toEqual([
        {
          status: NEW,
          cycle: 1,
          state: 'met',
          dueAt: '2026-03-02T04:30:00.000Z',
          metAt: '2026-03-02T04:00:00.000Z',
          pausedMinutes: 0,
        },
      ]);
    },
  );

  it('lost while held ends the held stay then', () => {
    const events = [
      created('2026-03-02T03:30:00Z'),
      move('2026-03-02T03:45:00Z', ON_HOLD),
      ev('lost', '2026-03-02T06:00:00Z'),
    ];
    expect(view(events, '2026-03-02T08:00:00Z')).toEqual([
      expect.objectContaining({ cycle: 1, state: 'met', metAt: '2026-03-02T06:00:00.000Z' }),
    ]);
  });

  it('a deleted lead has no clocks', () => {
    expect(
      view([created('2026-03-02T03:30:00Z'), ev('deleted', '2026-03-02T03:40:00Z')], '2026-03-02T08:00:00Z'),
    ).toEqual([]);
  });
});

describe('a lost or junk lead un-marked (reopened)', () => {
  it.each<TimelineEventType>(['lost', 'junk'])(
    '%s then reopened: a new stay (new cycle) in the status it is in, from the reopen',
    (type) => {
      const events = [
        created('2026-03-02T03:30:00Z'),
        ev(type, '2026-03-02T04:00:00Z'),
        ev('reopened', '2026-03-02T05:00:00Z', null),
      ];
      // 05:00Z = 10:30 Kolkata: 60 business minutes -> 11:30 Kolkata (06:00Z).
      expect(view(events, '2026-03-02T05:30:00Z')).toEqual([
        {
          status: NEW,
          cycle: 1,
          state: 'met',
          dueAt: '2026-03-02T04:30:00.000Z',
          metAt: '2026-03-02T04:00:00.000Z',
          pausedMinutes: 0,
        },
        {
          status: NEW,
          cycle: 2,
          state: 'on_track',
          dueAt: '2026-03-02T06:00:00.000Z',
          metAt: null,
          pausedMinutes: 0,
        },
      ]);
    },
  );

  it('moved while lost: no stay then; the reopen starts in the status it moved to, and numbers go on', () => {
    const events = [
      created('2026-03-02T03:30:00Z'),
      ev('lost', '2026-03-02T04:00:00Z'),
      move('2026-03-02T04:10:00Z', CONTACTED),
      ev('reopened', '2026-03-02T04:20:00Z'),
      move('2026-03-02T04:30:00Z', NEW),
    ];
    // Visits: New 1, Contacted 2 (while lost), Contacted again 3 (the reopen), New 4.
    expect(view(events, '2026-03-02T04:40:00Z').map((c) => [c.status, c.cycle, c.state])).toEqual([
      [NEW, 1, 'met'],
      [NEW, 4, 'on_track'],
    ]);
  });

  it('lost again after a reopen ends the new stay; a reopen without an end changes nothing', () => {
    const events = [
      created('2026-03-02T03:30:00Z'),
      ev('reopened', '2026-03-02T03:40:00Z'),
      ev('lost', '2026-03-02T04:00:00Z'),
      ev('reopened', '2026-03-02T05:00:00Z'),
      ev('lost', '2026-03-02T05:10:00Z'),
      move('2026-03-02T05:20:00Z', NEW),
    ];
    expect(view(events, '2026-03-02T08:00:00Z').map((c) => [c.cycle, c.state, c.metAt])).toEqual([
      [1, 'met', '2026-03-02T04:00:00.000Z'],
      [2, 'met', '2026-03-02T05:10:00.000Z'],
    ]);
  });
});
