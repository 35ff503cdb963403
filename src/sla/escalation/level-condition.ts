import type { EscalationConfig } from '../config';

/** What a level's condition looks at: the ticket as the host has it when the level's moment comes. */
export interface ConditionTicket {
  /** Assignee staff id; 0 when nobody is assigned. */
  assigned: number;
}

/**
 * Whether a level may act on this ticket now. A level without `when` always may; with
 * `when.unassigned` only while nobody is assigned (e.g. "reassign when unassigned", which must
 * not take a ticket away from the agent working on it). A level whose condition does not hold is
 * neither fired nor recorded, so it can still fire later if the condition comes true while the
 * clock is past its trigger.
 */
export function levelConditionHolds(when: EscalationConfig['when'], ticket: ConditionTicket): boolean {
  if (!when) return true;
  if (when.unassigned && ticket.assigned !== 0) return false;
  return true;
}
