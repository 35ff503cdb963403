import { ladderOf } from '../../src/sla/escalation/ladder';
import { impactOf, passedLevels } from '../../src/sla/escalation/passed-levels';
import type { EscalationConfig } from '../../src/sla/config';

const at = (iso: string) => new Date(iso);
const ladder = ladderOf([
  { metric: 'resolution', trigger: { type: 'before_due', minutes: 30 }, action: { type: 'notify_assignee' } },
  { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'reassign_staff', staffId: 4 } },
  { metric: 'resolution', trigger: { type: 'after_due', minutes: 60 }, action: { type: 'raise_priority' } },
  { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'notify_staff', staffId: 2 } },
] as EscalationConfig[]);
const clock = {
  metric: 'resolution' as const,
  cycle: 1,
  startedAt: at('2026-03-03T08:00:00Z'),
  dueAt: at('2026-03-03T09:00:00Z'),
  state: 'breached',
  metAt: null,
  endedAt: null,
};
const never = () => false;

describe('passedLevels', () => {
  it('lists the levels of the clock whose moment has come, in firing order', () => {
    const found = passedLevels(7, 3, [clock], ladder, null, at('2026-03-03T09:30:00Z'), never);
    expect(found.map((l) => [l.level.level, l.fireAt.toISOString()])).toEqual([
      [1, '2026-03-03T08:30:00.000Z'],
      [2, '2026-03-03T09:00:00.000Z'],
    ]);
    expect(found[0]).toMatchObject({ subjectId: 7, policyId: 3, metric: 'resolution', cycle: 1 });
  });

  it('leaves out levels that fired (or were skipped) and clocks that no longer run', () => {
    const fired = (m: string, c: number, key: string) =>
      m === 'resolution' && c === 1 && key === ladder[0].key;
    expect(
      passedLevels(7, 3, [clock], ladder, null, at('2026-03-03T09:30:00Z'), fired).map((l) => l.level.level),
    ).toEqual([2]);
    const met = { ...clock, metAt: at('2026-03-03T08:45:00Z') };
    expect(passedLevels(7, 3, [met], ladder, null, at('2026-03-03T12:00:00Z'), never)).toEqual([]);
    expect(
      passedLevels(7, 3, [{ ...clock, pausedNow: true }], ladder, null, at('2026-03-03T12:00:00Z'), never),
    ).toEqual([]);
  });
});

describe('impactOf', () => {
  it('counts tickets, levels and what they do', () => {
    const now = at('2026-03-03T12:00:00Z');
    const levels = [
      ...passedLevels(7, 3, [clock], ladder, null, now, never),
      ...passedLevels(8, 3, [clock], ladder, null, now, never),
    ];
    expect(impactOf(levels)).toEqual({
      tickets: 2,
      leads: 0,
      levels: 6,
      emails: 2,
      reassignments: 2,
      priorityRaises: 2,
    });
    // A lead with the same id is another subject, counted apart.
    const withLead = [...levels, ...passedLevels(7, 4, [clock], ladder, null, now, never, 'lead')];
    expect([impactOf(withLead).tickets, impactOf(withLead).leads, impactOf(withLead).levels]).toEqual([
      2, 1, 9,
    ]);
    expect(impactOf([])).toEqual({
      tickets: 0,
      leads: 0,
      levels: 0,
      emails: 0,
      reassignments: 0,
      priorityRaises: 0,
    });
  });
});
