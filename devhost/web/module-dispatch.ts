import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { DevhostAdminRegistry } from '../admin-registry';

/**
 * Routes `/admin/<path>/...` to the router a module mounted at `<path>`, looked up per request
 * so deactivating a module removes its routes at once.
 */
export function moduleRouterDispatch(registry: DevhostAdminRegistry): RequestHandler {
  const wrapped = new WeakMap<Router, Router>();
  return (req: Request, res: Response, next: NextFunction) => {
    const segment = req.path.split('/')[1] ?? '';
    const router = registry.routers.get(segment);
    if (!router) return next();
    let mounted = wrapped.get(router);
    if (!mounted) {
      mounted = Router().use(`/${segment}`, router);
      wrapped.set(router, mounted);
    }
    mounted(req, res, next);
  };
}
