import { explainClock, type ExplainContext } from '../../src/sla/clocks/explain-clock';
import type { Clock } from '../../src/sla/clocks/compute-clocks';
import { explainPhrases } from '../../src/web/explain-phrases';
import { createTranslator } from '../../src/i18n/translator';
import { DESIGN_EXAMPLE_WEEK } from '../helpers/sla-fixtures';

/**
 * The ticket panel words the engine's explanations from the locale files. In English they must
 * read exactly as the API's (the engine's own phrases), and in German they must be German.
 */

const translator = createTranslator();
const ctx: ExplainContext = {
  calendar: { timezone: 'Europe/Berlin', week: DESIGN_EXAMPLE_WEEK },
  timezone: 'Europe/Berlin',
  statusNames: new Map([[4, 'On Hold']]),
  now: new Date('2026-03-10T12:00:00Z'),
};
const base: Clock = {
  metric: 'resolution',
  cycle: 1,
  // Fri 6 Mar 17:40 Berlin: Friday is open around the clock in the example week.
  startedAt: new Date('2026-03-06T16:40:00Z'),
  dueAt: new Date('2026-03-06T20:40:00Z'),
  warnAt: new Date('2026-03-06T19:40:00Z'),
  pausedMinutes: 0,
  metAt: null,
  breachedAt: null,
  state: 'on_track',
  nextCheckAt: null,
  endedAt: null,
  pausedNow: false,
  targetMinutes: 240,
  metMinutes: null,
  pauses: [],
};
const CLOCKS: [string, Clock][] = [
  ['on track', base],
  // Wed 4 Mar 10:00 Berlin: closed all Wednesday, so the office opens Thursday 22:00.
  [
    'started while closed, at risk',
    { ...base, startedAt: new Date('2026-03-04T09:00:00Z'), state: 'at_risk' },
  ],
  [
    'paused and resumed, then met',
    {
      ...base,
      state: 'met',
      metAt: new Date('2026-03-06T22:00:00Z'),
      pauses: [
        {
          from: new Date('2026-03-06T17:00:00Z'),
          to: new Date('2026-03-06T18:30:00Z'),
          status: 4,
          businessMinutes: 90,
        },
      ],
    },
  ],
  [
    'paused now, unknown status',
    {
      ...base,
      state: 'paused',
      pauses: [{ from: new Date('2026-03-06T17:00:00Z'), to: null, status: 9, businessMinutes: 65 }],
    },
  ],
  [
    'breached, a pause after due, met late',
    {
      ...base,
      state: 'breached',
      breachedAt: base.dueAt,
      metAt: new Date('2026-03-06T23:00:00Z'),
      pauses: [
        {
          from: new Date('2026-03-06T21:00:00Z'),
          to: new Date('2026-03-06T22:00:00Z'),
          status: 4,
          businessMinutes: 0,
        },
      ],
    },
  ],
  ['breached, waiting', { ...base, state: 'breached', breachedAt: base.dueAt, targetMinutes: 1 }],
  [
    'time in a status, left in time',
    { ...base, metric: 'status_time', status: 4, state: 'met', metAt: new Date('2026-03-06T18:00:00Z') },
  ],
  [
    'time in a status, left late',
    {
      ...base,
      metric: 'status_time',
      status: 4,
      state: 'breached',
      breachedAt: base.dueAt,
      metAt: new Date('2026-03-06T23:00:00Z'),
    },
  ],
  [
    'time in a status, still in it after due',
    { ...base, metric: 'status_time', status: 4, state: 'breached', breachedAt: base.dueAt },
  ],
];

describe('explanations in the viewer language', () => {
  it.each(CLOCKS)('%s: the English locale reads exactly as the API', (_name, clock) => {
    const en = explainPhrases(translator.getFixedT('en'), 'en');
    expect(explainClock(clock, ctx, en)).toEqual(explainClock(clock, ctx));
  });

  it.each(CLOCKS)('%s: German words and German day names', (_name, clock) => {
    const de = explainClock(clock, ctx, explainPhrases(translator.getFixedT('de'), 'de'));
    const en = explainClock(clock, ctx);
    expect(de).toHaveLength(en.length);
    de.forEach((line, i) => expect(line).not.toEqual(en[i]));
    expect(de[0]).toMatch(/^gestartet (Fr|Mi)\., \d\. März, \d\d:\d\d \(Europe\/Berlin\)/);
  });
});

describe('status_time explanations name the status', () => {
  it("in English, from the host's status names", () => {
    const lines = CLOCKS.filter(([name]) => name.startsWith('time in a status')).map(
      ([, clock]) => explainClock(clock, ctx).slice(-1)[0],
    );
    expect(lines).toEqual([
      'left On Hold Fri 6 Mar 19:00, before the due time',
      'breached at Fri 6 Mar 21:40; left On Hold late at Sat 7 Mar 00:00',
      'breached at Fri 6 Mar 21:40, still in On Hold',
    ]);
  });

  it.each(['de', 'es'])('%s: in the viewer language with the status name', (lang) => {
    const phrases = explainPhrases(translator.getFixedT(lang), lang);
    for (const [name, clock] of CLOCKS.filter(([n]) => n.startsWith('time in a status'))) {
      const last = explainClock(clock, ctx, phrases).slice(-1)[0];
      expect([name, last]).toEqual([name, expect.stringContaining('On Hold')]);
      expect(last).not.toEqual(explainClock(clock, ctx).slice(-1)[0]);
    }
  });
});

describe('arrows people read', () => {
  it.each(['en', 'de', 'es'])('%s: a real arrow (→), never an ASCII "->"', (lang) => {
    const phrases = explainPhrases(translator.getFixedT(lang), lang);
    const lines = CLOCKS.flatMap(([, clock]) => explainClock(clock, ctx, phrases));
    expect(lines.filter((l) => l.includes('->'))).toEqual([]);
    expect(lines[0]).toContain(' → ');
  });
});
