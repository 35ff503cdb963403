import { AdminRegistrations } from '../src/host/admin-registrations';

export type { PageRenderer } from '../src/host/admin-registrations';

/**
 * What modules add to the devhost's admin (routers, sidebar items, list columns, ticket panels,
 * home widgets), kept as every host keeps them; the devhost renders pages in its own layout.
 */
export class DevhostAdminRegistry extends AdminRegistrations {}
