import type { PendingAction } from '../store/escalation-repository';
import type { SubjectType } from '../sla/config/subject-types';

/** What a host does for one claimed escalation action, with the absolute value decided when it fired. */
export interface HostInstruction {
  /** The escalation row: the id a host reports back with. */
  id: number;
  /** Whose row the host changes: a ticket, or a lead (which can only be given to another staff member). */
  subjectType: SubjectType;
  subjectId: number;
  type: 'assign' | 'department' | 'priority';
  value: number;
  /** The line the host keeps about it (internal note, activity log). */
  note: string;
}

/** The escalation outcome of a performed instruction of each type. */
export const OUTCOME_OF = {
  assign: 'reassigned',
  department: 'reassigned',
  priority: 'priority_raised',
} as const;

/** The instruction types a host can apply to each kind: a lead has no department or priority. */
const TYPES_OF: Record<SubjectType, ReadonlySet<HostInstruction['type']>> = {
  ticket: new Set(['assign', 'department', 'priority']),
  lead: new Set(['assign']),
};

/**
 * The instruction a claimed action stands for, or why there is none (a level recorded without the
 * value it needs, or an action the subject's kind has no host write for): shared by the in-process
 * path and the hosts that pull their actions, for tickets and leads alike.
 */
export function hostInstruction(
  action: PendingAction,
): { ok: true; instruction: HostInstruction } | { ok: false; error: string } {
  const made = instructionOf(action);
  if (made && TYPES_OF[action.subjectType].has(made.type))
    return {
      ok: true,
      instruction: { id: action.id, subjectType: action.subjectType, subjectId: action.subjectId, ...made },
    };
  return { ok: false, error: `cannot perform action ${action.details.action.type}` };
}

function instructionOf(action: PendingAction): Pick<HostInstruction, 'type' | 'value' | 'note'> | null {
  const { action: decided, targetPriority } = action.details;
  const note = `SLA Vigil escalation level ${action.level} (${action.metric})`;
  if (decided.type === 'reassign_staff' && decided.staffId)
    return {
      type: 'assign',
      value: decided.staffId,
      note: `${note}: reassigned to staff ${decided.staffId}`,
    };
  if (decided.type === 'reassign_department' && decided.departmentId)
    return {
      type: 'department',
      value: decided.departmentId,
      note: `${note}: moved to department ${decided.departmentId}`,
    };
  if (decided.type === 'raise_priority' && targetPriority !== undefined)
    return { type: 'priority', value: targetPriority, note: `${note}: priority set to ${targetPriority}` };
  return null;
}
