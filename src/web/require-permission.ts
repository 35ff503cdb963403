import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AdminLocals, Capability, PermissionRegistry } from '../host/host-context';
import { manifest } from '../manifest';

/** Every module route goes through this: 401 without a staff session, 403 without the capability. */
export function requirePermission(permissions: PermissionRegistry, capability: Capability): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const locals = res.locals as Partial<AdminLocals>;
    if (typeof locals.staffId !== 'number') {
      res.status(401).json({ error: 'not_signed_in', message: 'Sign in as staff first' });
      return;
    }
    permissions
      .can(locals.staffId, manifest.permissions.feature, capability)
      .then((allowed) => {
        if (allowed) return next();
        const message = `Requires ${manifest.permissions.feature} ${capability} permission`;
        if (req.accepts(['html', 'json']) === 'json') res.status(403).json({ error: 'forbidden', message });
        else res.status(403).type('text/plain').send(message);
      })
      .catch(next);
  };
}
