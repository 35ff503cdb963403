import type { HostContext } from '../host/host-context';
import { manifest } from '../manifest';

/**
 * Who looks at the module's lead pieces (the lead list's badge, the lead's SLA tab). Leads have no
 * department, so the host's ticket scope does not apply: view (or manage) sees every lead the host
 * shows them, view own the leads assigned to them.
 */
export interface LeadViewer {
  staffId: number;
  canView: boolean;
}

/** The viewer, or null without view own (nor anything above it): two permission checks at most. */
export async function leadViewer(host: HostContext, staffId: number): Promise<LeadViewer | null> {
  const feature = manifest.permissions.feature;
  if (await host.permissions.can(staffId, feature, 'view')) return { staffId, canView: true };
  if (await host.permissions.can(staffId, feature, 'view_own')) return { staffId, canView: false };
  return null;
}

/** Whether the viewer may see this lead's SLA. */
export function viewerMaySeeLead(viewer: LeadViewer, lead: { assigned: number }): boolean {
  return viewer.canView || lead.assigned === viewer.staffId;
}
