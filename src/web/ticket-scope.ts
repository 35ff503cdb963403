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

/**
 * Who looks at the module's pieces inside the host's own pages (the list badge, the ticket's SLA
 * tab, "My SLA risks"), and which tickets they may see there.
 */
export interface WidgetViewer {
  staffId: number;
  /** View (or manage): the dashboards too, and every ticket the host shows them. */
  canView: boolean;
  /** The host's own rule (plus SLA Vigil's manage: all). */
  scope: TicketScope;
  /**
   * View own only: the staff member's departments. Such a viewer sees a ticket the host shows
   * them when it is assigned to them or sits in one of their departments. With Perfex's
   * `staff_access_only_assigned_departments` on that is the host's own rule (narrowed to the
   * department); with it off Perfex lets every staff member open every ticket, and "own" is
   * then defined as assigned to them or in their departments, so an agent does not see the
   * clock of the whole helpdesk.
   */
  ownDepartments: readonly number[] | null;
}

/** The viewer of the module's widgets, or null without view own (nor anything above it). */
export async function widgetViewer(
  permissions: PermissionRegistry,
  staffId: number,
): Promise<WidgetViewer | null> {
  const feature = manifest.permissions.feature;
  const canView = await permissions.can(staffId, feature, 'view');
  if (!canView && !(await permissions.can(staffId, feature, 'view_own'))) return null;
  const scope = await viewerTicketScope(permissions, staffId, canView ? undefined : false);
  const ownDepartments = canView ? null : await permissions.staffDepartments(staffId);
  return { staffId, canView, scope, ownDepartments };
}

/** Whether every ticket the host lists is one this viewer may see (no per-ticket check needed). */
export function seesEveryTicket(viewer: WidgetViewer): boolean {
  return viewer.ownDepartments === null && 'all' in viewer.scope;
}

/** Whether the viewer may see this ticket's SLA in the host's pages. */
export function viewerMayOpen(
  viewer: WidgetViewer,
  ticket: { department: number; assigned: number },
): boolean {
  if (!inTicketScope(viewer.scope, ticket.department)) return false;
  if (viewer.ownDepartments === null) return true;
  return ticket.assigned === viewer.staffId || viewer.ownDepartments.includes(ticket.department);
}
