import type { PermissionRegistry, TicketScope } from '../host/host-context';
import { manifest } from '../manifest';

/**
 * The tickets a viewer sees in the module: SLA Vigil's manage capability (and the host's admins)
 * see all; anyone else sees what the host itself shows them (Perfex: only the tickets of their
 * departments when `staff_access_only_assigned_departments` is on).
 */
export async function viewerTicketScope(
  permissions: PermissionRegistry,
  staffId: number,
  canManage?: boolean,
): Promise<TicketScope> {
  if (canManage) return { all: true };
  // The host's rule first: usually it lets the viewer see everything, and manage need not be asked.
  const scope = await permissions.ticketScope(staffId);
  if ('all' in scope || canManage === false) return scope;
  const manages = await permissions.can(staffId, manifest.permissions.feature, 'manage');
  return manages ? { all: true } : scope;
}

/** The departments a read model filters on, or undefined for every ticket. */
export function scopeDepartments(scope: TicketScope): readonly number[] | undefined {
  return 'departments' in scope ? scope.departments : undefined;
}

/** Whether a ticket of `department` is in the scope. */
export function inTicketScope(scope: TicketScope, department: number): boolean {
  return 'all' in scope || scope.departments.includes(department);
}
