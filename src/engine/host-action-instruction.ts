import type { PendingAction } from '../store/escalation-repository';

/** What a host does for one claimed escalation action, with the absolute value decided when it fired. */
export interface HostInstruction {
  /** The escalation row: the id a host reports back with. */
  id: number;
  ticketId: number;
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

/**
 * The instruction a claimed action stands for, or why there is none (a level recorded without the
 * value it needs): shared by the in-process path and the hosts that pull their actions.
 */
export function hostInstruction(
  action: PendingAction,
): { ok: true; instruction: HostInstruction } | { ok: false; error: string } {
  const { action: decided, targetPriority } = action.details;
  const note = `SLA Vigil escalation level ${action.level} (${action.metric})`;
  const base = { id: action.id, ticketId: action.subjectId };
  if (decided.type === 'reassign_staff' && decided.staffId)
    return {
      ok: true,
      instruction: {
        ...base,
        type: 'assign',
        value: decided.staffId,
        note: `${note}: reassigned to staff ${decided.staffId}`,
      },
    };
  if (decided.type === 'reassign_department' && decided.departmentId)
    return {
      ok: true,
      instruction: {
        ...base,
        type: 'department',
        value: decided.departmentId,
        note: `${note}: moved to department ${decided.departmentId}`,
      },
    };
  if (decided.type === 'raise_priority' && targetPriority !== undefined)
    return {
      ok: true,
      instruction: {
        ...base,
        type: 'priority',
        value: targetPriority,
        note: `${note}: priority set to ${targetPriority}`,
      },
    };
  return { ok: false, error: `cannot perform action ${decided.type}` };
}
