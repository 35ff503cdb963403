import type { RequestHandler } from 'express';
import type { DevhostAdminRegistry } from '../admin-registry';

/**
 * Routes `/admin/<path>/...` to the router a module mounted at `<path>`, looked up per request
 * so deactivating a module removes its routes at once.
 */
export function moduleRouterDispatch(registry: DevhostAdminRegistry): RequestHandler {
  return registry.dispatch();
}
