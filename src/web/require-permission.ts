import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { i18n } from 'i18next';
import type { AdminLocals, Capability, HostContext } from '../host/host-context';
import { manifest } from '../manifest';
import { translatorFor } from '../i18n/translator';
import { escapeHtml } from './escape-html';

/**
 * Every module route goes through this: 401 without a staff session, 403 without the
 * capability (JSON for API callers, a page in the host's layout for people).
 */
export function requirePermission(
  host: HostContext,
  capability: Capability,
  translator?: i18n,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const locals = res.locals as Partial<AdminLocals>;
    if (typeof locals.staffId !== 'number') {
      res.status(401).json({ error: 'not_signed_in', message: 'Sign in as staff first' });
      return;
    }
    host.permissions
      .can(locals.staffId, manifest.permissions.feature, capability)
      .then((allowed) => {
        if (allowed) return next();
        const message = `Requires ${manifest.permissions.feature} ${capability} permission`;
        if (req.accepts(['html', 'json']) === 'json' || !translator) {
          res.status(403).json({ error: 'forbidden', message });
          return;
        }
        const t = translatorFor(translator, locals.language ?? 'en');
        host.admin.renderPage(res, {
          title: t('dashboard.title'),
          status: 403,
          bodyHtml: `<section class="sv-forbidden" data-testid="sv-forbidden"><h1>${escapeHtml(t('dashboard.title'))}</h1><p>${escapeHtml(t('errors.forbidden'))}</p></section>`,
        });
      })
      .catch(next);
  };
}
