import type { AuditLog } from '../store/audit-log';
import type { EscalationRepository, PendingAction } from '../store/escalation-repository';
import { OUTCOME_OF, hostInstruction } from './host-action-instruction';

/** The audit detail each instruction's value goes under, so the audit page names it. */
const TARGET_FIELD: Record<string, string> = {
  assign: 'staffId',
  department: 'departmentId',
  priority: 'priorityId',
};

/** What the host said about one instruction it was given. */
export type HostActionResult = { ok: true } | { ok: false; error: string };

/**
 * Records the result of a claimed host action (the escalation's outcome and an audit row), the
 * same for an action performed in-process and one a host pulled and reported, for the one
 * subject kind whose escalation log it writes.
 */
export class HostActionOutcomes {
  constructor(
    readonly escalations: EscalationRepository,
    private readonly audit: AuditLog,
  ) {}

  /** False, writing nothing, when the action is no longer claimed (its result came already). */
  async record(action: PendingAction, result: HostActionResult): Promise<boolean> {
    const instruction = hostInstruction(action);
    // The audit says what the action did, by name: whom the ticket or lead went to, which priority.
    const target = instruction.ok ? TARGET_FIELD[instruction.instruction.type] : undefined;
    const details = {
      level: action.level,
      metric: action.metric,
      action: action.details.action.type,
      ...(instruction.ok && target ? { [target]: instruction.instruction.value } : {}),
    };
    const error = !result.ok ? result.error : !instruction.ok ? instruction.error : null;
    const outcome =
      error === null && instruction.ok ? OUTCOME_OF[instruction.instruction.type] : 'action_failed';
    const stored = error === null ? { ...action.details, ...details } : { ...action.details, error };
    if (!(await this.escalations.finishAction(action.id, outcome, stored))) return false;
    await this.audit.write({
      action: `escalation.${outcome}`,
      staffId: null,
      subjectType: action.subjectType,
      subjectId: action.subjectId,
      details,
    });
    return true;
  }
}
