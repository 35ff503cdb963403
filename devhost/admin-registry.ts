import { AdminRegistrations } from '../src/host/admin-registrations';

export type { PageRenderer } from '../src/host/admin-registrations';
export type { LeadListColumn, LeadListQueryExtension, LeadPanel } from '../src/host/host-context';

/**
 * What modules add to the devhost's admin (routers, sidebar items, ticket and lead list columns,
 * ticket and lead panels, home widgets), kept as every host keeps them; the devhost renders pages
 * in its own layout.
 */
export class DevhostAdminRegistry extends AdminRegistrations {}
