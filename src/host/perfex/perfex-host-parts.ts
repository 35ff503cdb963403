import type { Knex } from 'knex';
import { PerfexTicketGateway } from './perfex-ticket-gateway';
import { PerfexPermissions } from './perfex-permissions';
import { PerfexOptions } from './perfex-options';
import { PerfexLeadGateway } from './perfex-lead-gateway';
import { PerfexNotifications } from './perfex-notifications';

/**
 * The database-backed parts of a HostContext for a Perfex database: ticket reads and writes, lead
 * reads, staff permissions, the staff bell, options and the host's time zone (option `default_timezone`).
 */
export async function createPerfexHostParts(db: Knex, prefix: string) {
  const options = new PerfexOptions(db, prefix);
  const timezone = (await options.get('default_timezone')) || 'UTC';
  return {
    timezone,
    options,
    tickets: new PerfexTicketGateway(db, prefix, timezone),
    leads: new PerfexLeadGateway(db, prefix, timezone),
    permissions: new PerfexPermissions(db, prefix),
    notifications: new PerfexNotifications(prefix, timezone),
  };
}
