import { computeClocks, computeCycles, type ClockPolicy } from '../../src/sla/clocks/compute-clocks';
import { explainNotDue, type ExplainContext } from '../../src/sla/clocks/explain-clock';
import type { SlaEvent, TimelineEventType } from '../../src/sla/clocks/sla-event';
import { explainPhrases } from '../../src/web/explain-phrases';
import { createTranslator } from '../../src/i18n/translator';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { PERFEX_STATUS_LIFECYCLE } from '../../src/host/perfex/perfex-statuses';

/**
 * A clock on a calendar that does not open (stored before such calendars were refused, or with
 * holidays closing it for years) has no due time: it reads "not due" with the reason, and the
 * computation never throws (which failed the ticket's recompute on every scan).
 */
const at = (iso: string): Date => new Date(iso);
const ev = (type: TimelineEventType, iso: string, to: string | null = null): SlaEvent => ({
  type,
  at: at(iso),
  from: null,
  to,
});
const created = ev('created', '2026-03-02T10:00:00Z', JSON.stringify({ status: 1 }));
const NOW = at('2026-03-05T12:00:00Z');

/** Every date for `years` years from 2026-03-02. */
const closedFor = (years: number): string[] =>
  Array.from({ length: Math.ceil(years * 366) }, (_, i) =>
    new Date(Date.UTC(2026, 2, 2) + i * 86_400_000).toISOString().slice(0, 10),
  );

const policy = (calendar: ClockPolicy['calendar']): ClockPolicy => ({
  targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
  pauseStatusIds: [3, 4],
  calendar,
  defaultWarnAtPercent: 80,
  statuses: PERFEX_STATUS_LIFECYCLE,
});

describe('cycles without a due time', () => {
  it.each([
    ['a week with no hours', { timezone: 'UTC', week: {} }, 'never_open'],
    ['weekdays listed without intervals', { timezone: 'UTC', week: { mon: [], fri: [] } }, 'never_open'],
    [
      'holidays on every day of the search horizon',
      { timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: closedFor(10.1) },
      'beyond_horizon',
    ],
  ] as const)('%s: not due, never a throw', (_name, calendar, reason) => {
    const { clocks, notDue } = computeCycles([created], policy(calendar), NOW);
    expect(clocks).toEqual([]);
    expect(notDue.map((c) => [c.metric, c.cycle, c.reason, c.startedAt.toISOString()])).toEqual([
      ['first_response', 1, reason, '2026-03-02T10:00:00.000Z'],
      ['resolution', 1, reason, '2026-03-02T10:00:00.000Z'],
    ]);
    expect(notDue[0].horizon.toISOString()).toBe('2036-03-02T00:00:00.000Z');
    expect(computeClocks([created], policy(calendar), NOW)).toEqual([]);
  });

  it('a calendar that reopens within the horizon still gives a due time', () => {
    const calendar = { timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: closedFor(1) };
    const { clocks, notDue } = computeCycles([created], policy(calendar), NOW);
    expect(notDue).toEqual([]);
    // Closed through Tue 2027-03-02: open again Wed 09:00, first response due an hour later.
    expect(clocks[0].dueAt.toISOString()).toBe('2027-03-03T10:00:00.000Z');
  });

  it('a met cycle keeps its met time; one ended unanswered is dropped (nothing was owed)', () => {
    const events = [
      created,
      ev('staff_reply', '2026-03-02T11:00:00Z'),
      ev('status_changed', '2026-03-03T09:00:00Z', '5'),
    ];
    const { notDue } = computeCycles(events, policy({ timezone: 'UTC', week: {} }), NOW);
    expect(notDue.map((c) => [c.metric, c.metAt?.toISOString()])).toEqual([
      ['first_response', '2026-03-02T11:00:00.000Z'],
      ['resolution', '2026-03-03T09:00:00.000Z'],
    ]);
    const unanswered = [created, ev('merged', '2026-03-02T11:00:00Z', '7')];
    expect(computeCycles(unanswered, policy({ timezone: 'UTC', week: {} }), NOW).notDue).toEqual([]);
  });
});

describe('explaining a cycle that is not due', () => {
  const ctx: ExplainContext = {
    calendar: { timezone: 'UTC' },
    timezone: 'UTC',
    statusNames: new Map(),
    now: NOW,
  };
  const [never] = computeCycles([created], policy({ timezone: 'UTC', week: {} }), NOW).notDue;
  const [beyond] = computeCycles(
    [created],
    policy({ timezone: 'UTC', week: WEEKDAYS_9_TO_5, holidays: closedFor(10.1) }),
    NOW,
  ).notDue;

  it('says why there is no due time', () => {
    expect(explainNotDue(never, ctx)).toEqual([
      'started Mon 2 Mar 10:00 (UTC); not due: the calendar never opens, so there is no due time',
    ]);
    expect(explainNotDue(beyond, ctx)).toEqual([
      'started Mon 2 Mar 10:00 (UTC); not due: the calendar does not open for 1 business hour before Sun 2 Mar 00:00, so there is no due time',
    ]);
    expect(explainNotDue({ ...never, metAt: at('2026-03-02T11:00:00Z') }, ctx)).toEqual([
      'started Mon 2 Mar 10:00 (UTC); not due: the calendar never opens, so there is no due time',
      'met Mon 2 Mar 11:00; there was no due time',
    ]);
  });

  it('the English locale reads as the API; German is German', () => {
    const translator = createTranslator();
    const en = explainPhrases(translator.getFixedT('en'), 'en');
    const de = explainPhrases(translator.getFixedT('de'), 'de');
    for (const cycle of [never, beyond, { ...never, metAt: at('2026-03-02T11:00:00Z') }]) {
      expect(explainNotDue(cycle, ctx, en)).toEqual(explainNotDue(cycle, ctx));
      expect(explainNotDue(cycle, ctx, de)[0]).toMatch(/^gestartet .*nicht fällig/);
    }
  });
});
