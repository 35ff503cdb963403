import { settledBefore, splitSettled } from '../../src/sla/clocks/settled-cycles';
import { explainSettled, type ExplainContext } from '../../src/sla/clocks/explain-clock';
import { explainPhrases } from '../../src/web/explain-phrases';
import { createTranslator } from '../../src/i18n/translator';
import type { Metric } from '../../src/sla/config';

const at = (iso: string): Date => new Date(iso);
const event = (id: number, iso: string) => ({ id, occurredAt: at(iso) });
const clock = (metric: Metric, cycle: number, met: string | null, ended: string | null = null, tag = '') => ({
  metric,
  cycle,
  metAt: met ? at(met) : null,
  endedAt: ended ? at(ended) : null,
  tag,
});

describe('settledBefore', () => {
  const events = [event(1, '2026-03-02T08:00:00Z'), event(2, '2026-03-02T09:00:00Z')];

  it('is null for a subject never computed: nothing is settled', () => {
    expect(settledBefore(null, events)).toBeNull();
  });

  it('is the end of time when the last computation saw every event', () => {
    expect(settledBefore(2, events)?.getTime()).toBe(8.64e15);
  });

  it('is the earliest event the last computation did not see, even one dated in the past', () => {
    const later = [...events, event(3, '2026-03-02T12:00:00Z'), event(4, '2026-03-02T08:30:00Z')];
    expect(settledBefore(2, later)?.toISOString()).toBe('2026-03-02T08:30:00.000Z');
  });
});

describe('splitSettled', () => {
  const stored = [
    clock('first_response', 1, '2026-03-02T08:30:00Z', null, 'stored'),
    clock('resolution', 1, '2026-03-02T10:00:00Z', null, 'stored'),
    clock('resolution', 2, null, null, 'stored'),
  ];
  const computed = [
    clock('first_response', 1, '2026-03-02T08:30:00Z', null, 'new'),
    clock('resolution', 1, '2026-03-02T10:00:00Z', null, 'new'),
    clock('resolution', 2, null, null, 'new'),
    // Ended unmet before its due time under the old policy (no row); breached under the new one.
    clock('next_response', 1, null, '2026-03-02T09:30:00Z', 'new'),
  ];
  const tags = (list: { metric: string; cycle: number; tag: string }[]) =>
    list.map((c) => `${c.metric}:${c.cycle}:${c.tag}`);

  it('keeps every ended cycle as stored (or absent) and writes the running ones afresh', () => {
    const { keep, write } = splitSettled(stored, computed, at('2026-03-02T12:00:00Z'));
    expect(tags(keep)).toEqual(['first_response:1:stored', 'resolution:1:stored']);
    expect(tags(write)).toEqual(['resolution:2:new']);
  });

  it('computes again a cycle that ended at or after the first unseen event', () => {
    const { keep, write } = splitSettled(stored, computed, at('2026-03-02T09:30:00Z'));
    expect(tags(keep)).toEqual(['first_response:1:stored']);
    expect(tags(write)).toEqual(['resolution:1:new', 'resolution:2:new', 'next_response:1:new']);
  });

  it('keeps ended cycles when the ticket has no policy any more (deleted policy or ticket)', () => {
    const { keep, write } = splitSettled(stored, [], at('2026-03-02T12:00:00Z'));
    expect(tags(keep)).toEqual(['first_response:1:stored', 'resolution:1:stored']);
    expect(write).toEqual([]);
  });

  it('settles nothing for a subject never computed', () => {
    const { keep, write } = splitSettled(stored, computed, null);
    expect(keep).toEqual([]);
    expect(write).toHaveLength(4);
  });
});

describe('explaining an ended cycle', () => {
  const ctx: ExplainContext = {
    calendar: null,
    timezone: 'UTC',
    statusNames: new Map(),
    now: at('2026-03-05T00:00:00Z'),
  };
  const due = at('2026-03-02T09:00:00Z');
  const cases = [
    { dueAt: due, metAt: at('2026-03-02T08:30:00Z'), endedAt: null, breachedAt: null },
    { dueAt: due, metAt: at('2026-03-02T10:00:00Z'), endedAt: null, breachedAt: due },
    { dueAt: due, metAt: null, endedAt: at('2026-03-02T11:00:00Z'), breachedAt: due },
  ];

  it("says what it ended with, not what today's policy would make of it", () => {
    expect(cases.map((c) => explainSettled(c, ctx))).toEqual([
      [
        'ended under the policy in force then: due Mon 2 Mar 09:00',
        'met Mon 2 Mar 08:30, before the due time',
      ],
      [
        'ended under the policy in force then: due Mon 2 Mar 09:00',
        'breached at Mon 2 Mar 09:00; met late at Mon 2 Mar 10:00',
      ],
      [
        'ended under the policy in force then: due Mon 2 Mar 09:00',
        'breached at Mon 2 Mar 09:00; ended unanswered at Mon 2 Mar 11:00',
      ],
    ]);
  });

  it('the English locale reads as the API; German is German', () => {
    const translator = createTranslator();
    const en = explainPhrases(translator.getFixedT('en'), 'en');
    const de = explainPhrases(translator.getFixedT('de'), 'de');
    for (const c of cases) {
      expect(explainSettled(c, ctx, en)).toEqual(explainSettled(c, ctx));
      expect(explainSettled(c, ctx, de)[0]).toMatch(/^beendet unter der damals geltenden Richtlinie/);
    }
  });
});
