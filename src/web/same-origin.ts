import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { i18n } from 'i18next';
import type { AdminLocals, HostContext } from '../host/host-context';
import { translatorFor } from '../i18n/translator';
import { escapeHtml } from './escape-html';

/** Methods that only read: any origin may send them (the pages and the API change nothing on them). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `scheme://host[:port]` of a URL, or null when it is not one. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? null : parsed.origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A second line behind the host's CSRF token: a browser names the page a write comes from in
 * `Origin`, and a write from another site is refused (403) before it reaches a route. The host's
 * own origin is the request's Host (the scheme may differ behind a TLS-terminating proxy) or the
 * admin URL the host is configured with. A browser sends `Origin: null` for its own form posts
 * when the page's Referrer-Policy is `no-referrer` (the devhost's helmet default), so for `null`
 * the Fetch Metadata header `Sec-Fetch-Site` decides: a cross-site (or sibling-site) write is
 * refused. No `Origin` and no `Sec-Fetch-Site` (older browsers, command-line clients) passes:
 * the CSRF token still guards those.
 */
export function refuseCrossOrigin(host: HostContext, translator?: i18n): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || (res.locals as Partial<AdminLocals>).requestVouched === true)
      return next();
    const origin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    let allowed: boolean;
    if (origin !== undefined && origin !== 'null') {
      const sent = originOf(origin);
      const ownHost = req.get('host')?.toLowerCase();
      allowed =
        sent !== null &&
        ((ownHost !== undefined && new URL(sent).host === ownHost) ||
          sent === originOf(host.mail.adminBaseUrl));
    } else {
      allowed = fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
    }
    if (allowed) return next();
    const message = 'Cross-site request refused: the Origin is not this site';
    const locals = res.locals as Partial<AdminLocals>;
    const api = req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
    if (api || !translator || typeof locals.staffId !== 'number') {
      res.status(403).json({ error: 'cross_origin', message });
      return;
    }
    const t = translatorFor(translator, locals.language ?? 'en');
    host.admin.renderPage(res, {
      title: t('dashboard.title'),
      status: 403,
      bodyHtml: `<section class="sv-forbidden" data-testid="sv-cross-origin"><h1>${escapeHtml(t('dashboard.title'))}</h1><p>${escapeHtml(t('errors.cross_origin'))}</p></section>`,
    });
  };
}
