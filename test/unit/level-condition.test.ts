import { levelConditionHolds } from '../../src/sla/escalation/level-condition';
import { ladderOf } from '../../src/sla/escalation/ladder';
import { parseSlaConfig, type EscalationConfig } from '../../src/sla/config';

describe('levelConditionHolds', () => {
  it.each([
    ['no condition, unassigned', undefined, 0, true],
    ['no condition, assigned', undefined, 7, true],
    ['when unassigned, unassigned', { unassigned: true }, 0, true],
    ['when unassigned, assigned', { unassigned: true }, 7, false],
  ] as const)('%s', (_name, when, assigned, holds) => {
    expect(levelConditionHolds(when, { assigned })).toBe(holds);
  });
});

const level = (extra: Partial<EscalationConfig> = {}): EscalationConfig => ({
  metric: 'resolution',
  trigger: { type: 'after_due', minutes: 60 },
  action: { type: 'reassign_staff', staffId: 3 },
  ...extra,
});

describe('a level condition in the ladder', () => {
  it('keeps the key of levels without a condition and gives a conditional level its own', () => {
    const [plain, conditional] = ladderOf([level(), level({ when: { unassigned: true } })]);
    // Same key as a ladder saved before conditions existed (metric, trigger, action only).
    expect(plain.key).toBe(ladderOf([level()])[0].key);
    expect(conditional.key).not.toBe(plain.key);
    expect(conditional.key).not.toContain('-');
  });
});

describe('config validation of "when"', () => {
  const config = (when: unknown) => ({
    calendars: [],
    policies: [
      {
        key: 'vip',
        name: 'VIP',
        targets: { resolution: { minutes: 240 } },
        escalations: [{ ...level(), when }],
      },
    ],
  });

  it('accepts { unassigned: true }', () => {
    expect(parseSlaConfig(config({ unassigned: true })).policies[0].escalations[0].when).toEqual({
      unassigned: true,
    });
  });

  it.each([
    ['unassigned false', { unassigned: false }, 'policies[0].escalations[0].when.unassigned'],
    ['an unknown condition', { assigned: true }, 'policies[0].escalations[0].when'],
    ['not an object', 'unassigned', 'policies[0].escalations[0].when'],
  ])('rejects %s naming the field', (_name, when, field) => {
    expect(() => parseSlaConfig(config(when))).toThrow(field);
  });
});
