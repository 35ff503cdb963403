import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AdminLocals } from '../host-context';
import { parseId } from '../../sla/strict-input';
import { strictJsonBody } from './bridge-json';
import { languageCode } from '../perfex/perfex-languages';
import { signatureGate, type SignatureGateDeps } from './signature-gate';
import { ADMIN_BASE_PROBLEM, DEFAULT_ADMIN_BASE, isAdminBase, rebaseResponse } from './admin-base';

/** What the PHP controller appends to the page's query (bridge-contract addendum). */
export const BRIDGE_PARAMS = {
  staff: '_sv_staff',
  lang: '_sv_lang',
  csrfName: '_sv_csrf_name',
  csrfHash: '_sv_csrf_hash',
  /** Perfex's admin base path (`admin_url()`'s path, `/crm/admin/` in a sub-folder); `/admin/` without. */
  base: '_sv_base',
} as const;
const BRIDGE_PARAM_PREFIX = '_sv_';

/** The devhost's limits: forms (settings import) up to 1 MB, JSON configuration up to 2 MB. */
const FORM_LIMIT = '1mb';
const RAW_LIMIT = '2mb';

/** A query-string key as a browser would mean it (`+` is a space); a malformed escape stays as is. */
function decodedKey(piece: string): string {
  const key = piece.split('=', 1)[0].replace(/\+/g, ' ');
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** `url` without the `_sv_*` parameters, every other byte of its query kept as it was. */
export function withoutBridgeParams(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const kept = url
    .slice(at + 1)
    .split('&')
    .filter((piece) => piece !== '' && !decodedKey(piece).startsWith(BRIDGE_PARAM_PREFIX));
  return kept.length ? `${url.slice(0, at)}?${kept.join('&')}` : url.slice(0, at);
}

/**
 * The door of the module pages in the service: the request's raw body is kept for the signature,
 * the signature, freshness and nonce are checked (401 otherwise), then the identity PHP signed
 * into the query becomes the host's locals and the `_sv_*` parameters disappear before the
 * module's routes see the URL. Perfex checked its CSRF token before forwarding, so the request is
 * vouched for and its token field is taken out of the form.
 */
export function bridgePageGate(deps: SignatureGateDeps): RequestHandler[] {
  const rawBodies = new WeakMap<Request, Buffer>();
  const keep = (req: Request, _res: Response, buf: Buffer) => {
    rawBodies.set(req, buf);
  };
  // Forms parsed as the devhost parses them (brackets nest), everything else kept as bytes.
  const forms = express.urlencoded({ extended: true, limit: FORM_LIMIT, verify: keep });
  const raw = express.raw({ type: () => true, limit: RAW_LIMIT, verify: keep });

  const identify = (req: Request, res: Response, next: NextFunction) => {
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    // PHP drops the browser's own `_sv_*` before adding its four: a second copy is not PHP's.
    const staffValues = query.getAll(BRIDGE_PARAMS.staff);
    const staffId = staffValues.length === 1 ? parseId(staffValues[0]) : undefined;
    if (staffId === undefined) {
      res.status(422).json({ error: 'must be a positive decimal staff id', field: BRIDGE_PARAMS.staff });
      return;
    }
    const baseValues = query.getAll(BRIDGE_PARAMS.base);
    const base = baseValues.length === 0 ? DEFAULT_ADMIN_BASE : baseValues[0];
    if (baseValues.length > 1 || !isAdminBase(base)) {
      res.status(422).json({ error: ADMIN_BASE_PROBLEM, field: BRIDGE_PARAMS.base });
      return;
    }
    rebaseResponse(res, base);
    const csrfField = query.get(BRIDGE_PARAMS.csrfName) || undefined;
    const locals: AdminLocals = {
      staffId,
      language: languageCode(query.get(BRIDGE_PARAMS.lang)),
      csrfToken: query.get(BRIDGE_PARAMS.csrfHash) ?? '',
      csrfField,
      requestVouched: true,
    };
    Object.assign(res.locals, locals);
    req.url = withoutBridgeParams(req.url);
    req.originalUrl = withoutBridgeParams(req.originalUrl);

    if (Buffer.isBuffer(req.body)) {
      if (req.is('application/json')) {
        const parsed = req.body.length ? strictJsonBody(req.body, res) : { body: undefined };
        if (!parsed) return;
        req.body = parsed.body;
      }
    } else if (csrfField && req.body && typeof req.body === 'object') {
      // Perfex's token was checked by CodeIgniter; the module's strict forms do not know the field.
      delete (req.body as Record<string, unknown>)[csrfField];
    }
    next();
  };

  return [forms, raw, signatureGate(deps, (req) => rawBodies.get(req) ?? Buffer.alloc(0)), identify];
}
