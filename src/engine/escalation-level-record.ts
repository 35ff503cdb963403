import type { Knex } from 'knex';
import type { EscalationRepository } from '../store/escalation-repository';
import type { DueLevel } from './level-firer';

/**
 * Records a due level in the escalation log exactly once (the log's unique key): the escalation
 * id when this call recorded it, null when it was recorded before. Tickets and leads alike.
 */
export function recordLevelOnce(
  escalations: EscalationRepository,
  d: DueLevel,
  now: Date,
  trx: Knex.Transaction,
  details: Record<string, unknown> | null = null,
): Promise<number | null> {
  return escalations.insertOnce(
    {
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
    now,
    trx,
    details,
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
