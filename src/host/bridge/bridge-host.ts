import type { HookRegistry, HostContext, OptionStore, PermissionRegistry } from '../host-context';
import { HOST_CONTRACT_VERSION } from '../host-context';
import type { ServiceHost } from '../../wiring/module-services';
import type { BridgeAdminRegistry } from './bridge-admin';

export interface BridgeHostParts {
  service: ServiceHost;
  admin: BridgeAdminRegistry;
  /** Perfex's own staff permissions (admins pass). */
  permissions: PermissionRegistry;
  options: OptionStore;
  redisUrl: string;
  queuePrefix: string;
}

/**
 * Perfex's events reach the service over `/bridge/events`, which calls the module's hook handlers
 * itself (bridge-intake): nothing is ever emitted in-process, so registrations are kept nowhere.
 */
const NO_IN_PROCESS_HOOKS: HookRegistry = { on: () => () => undefined };

/**
 * The host the module is activated against inside `sla-vigil serve`: Perfex's database, tickets,
 * leads, permissions and options, pages served as fragments to the PHP controller. The service runs the
 * scan worker itself, so the module starts none.
 */
export function createBridgeHost({
  service,
  admin,
  permissions,
  options,
  redisUrl,
  queuePrefix,
}: BridgeHostParts): HostContext {
  return {
    contractVersion: HOST_CONTRACT_VERSION,
    db: service.db,
    readDb: service.readDb,
    tablePrefix: service.tablePrefix,
    timezone: service.timezone,
    tickets: service.tickets,
    // Perfex's leads: the lead list's badge and the lead's SLA tab are registered against them.
    leads: service.leads,
    clock: service.clock,
    logger: service.logger,
    mail: service.mail,
    hooks: NO_IN_PROCESS_HOOKS,
    admin,
    permissions,
    options,
    redisUrl,
    queuePrefix,
    runWorkers: false,
  };
}
