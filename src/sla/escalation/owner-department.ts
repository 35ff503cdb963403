/**
 * A lead level's `notify_department` that names no department notifies the members of the
 * departments the lead's owner is in (Perfex leads have no department of their own; the schema
 * refuses this on ticket policies). Pages name such a level apart: "Notify the owner's department".
 */
export const OWNER_DEPARTMENT_ACTION = 'notify_owner_department';

/** True for a stored or configured action that means "the owner's department". */
export function isOwnerDepartmentAction(action: unknown): boolean {
  if (action === null || typeof action !== 'object') return false;
  const { type, departmentId } = action as { type?: unknown; departmentId?: unknown };
  return type === 'notify_department' && departmentId === undefined;
}

/** The name under which pages word an action: its type, or the owner's department. */
export function actionNameKey(action: { type: string }): string {
  return isOwnerDepartmentAction(action) ? OWNER_DEPARTMENT_ACTION : action.type;
}
