import type { Knex } from 'knex';
import type { EscalationRepository } from '../store/escalation-repository';
import type { DueLevel } from './level-firer';

/**
 * Records due levels in the escalation log exactly once each (the log's unique key), in a few
 * statements for the whole batch: per level, the escalation id when this call recorded it, null
 * when it was recorded before. Tickets and leads alike; `details` say what fired.
 */
export function recordLevelsOnce(
  escalations: EscalationRepository,
  levels: readonly { due: DueLevel; details: Record<string, unknown> }[],
  now: Date,
  trx: Knex.Transaction,
): Promise<(number | null)[]> {
  return escalations.insertManyOnce(
    levels.map(({ due: d, details }) => ({
      row: {
        subjectId: d.clock.subjectId,
        metric: d.clock.metric,
        cycle: d.clock.cycle,
        policyId: d.policy.id,
        level: d.level.level,
        levelKey: d.level.key,
        triggerType: d.level.trigger.type,
        triggerMinutes: d.level.trigger.minutes ?? null,
        actionType: d.level.action.type,
        fireAt: d.fireAt,
      },
      details,
    })),
    now,
    trx,
  );
}

/** What the log and the audit say about a fired level. */
export function levelDetails(d: DueLevel) {
  return {
    policy: d.policy.key,
    level: d.level.level,
    metric: d.clock.metric,
    cycle: d.clock.cycle,
    action: d.level.action,
  };
}
