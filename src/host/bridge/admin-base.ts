import type { Response } from 'express';
import { z } from 'zod';

/**
 * Where Perfex's admin lives on its site, as PHP knows it (the path of `admin_url()`):
 * `/admin/` at the web root, `/crm/admin/` for a Perfex installed in a sub-folder.
 *
 * The module renders every link for Perfex (its pages, the ticket links, its assets) as a path
 * under `/admin/`, the devhost's and the default Perfex's place. The bridge is the one place that
 * learns Perfex's real base, with each signed request, and re-roots those paths to it on the way
 * out: in the HTML of the pages, the monitor's rows, the badges, the ticket tab and the home
 * widget, and in the target of a redirect.
 */
export const DEFAULT_ADMIN_BASE = '/admin/';

/** A path segment of unreserved characters or %-escapes: nothing that means something in HTML. */
const SEGMENT = /^(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+$/;

/** `.` and `..` (also written `%2e`): a browser would climb out of the base with them. */
function isDotSegment(segment: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(segment);
}

/** Starts and ends with `/`; no scheme, no host (`//`), no `..`; only plain path characters. */
export function isAdminBase(value: string): boolean {
  if (!value.startsWith('/') || !value.endsWith('/')) return false;
  if (value === '/') return true;
  return value
    .slice(1, -1)
    .split('/')
    .every((segment) => SEGMENT.test(segment) && !isDotSegment(segment));
}

export const ADMIN_BASE_PROBLEM =
  "must be a path that starts and ends with '/', without scheme, host or '..'";

export const adminBase = z.string().max(200).refine(isAdminBase, ADMIN_BASE_PROBLEM);

const RENDERED_PREFIX = DEFAULT_ADMIN_BASE;

/** A path the module rendered under `/admin/`, moved under `base`; anything else as it was. */
export function rebasePath(path: string, base: string): string {
  return path.startsWith(RENDERED_PREFIX) ? base + path.slice(RENDERED_PREFIX.length) : path;
}

/**
 * Attribute values (href, src, action, ...) that start with `/admin/`, moved under `base`. The
 * module's templates escape quotes in everything they print, so a quote followed by `/admin/`
 * after an attribute name is always one of the module's own attributes, never a ticket's text.
 */
export function rebaseHtml(html: string, base: string): string {
  if (base === RENDERED_PREFIX) return html;
  return html.replace(
    /(\s[A-Za-z][-A-Za-z0-9_:.]*\s*=\s*)(["'])\/admin\//g,
    (_match, attribute: string, quote: string) => `${attribute}${quote}${base}`,
  );
}

/**
 * From here on, this response's redirect targets and HTML bodies are re-rooted under `base`
 * (res.redirect goes through res.location; pages, fragments and the monitor's rows through
 * res.send with an HTML type). JSON, CSV and assets are sent as they are.
 */
export function rebaseResponse(res: Response, base: string): void {
  if (base === RENDERED_PREFIX) return;
  const location = res.location.bind(res);
  res.location = (url: string) => location(rebasePath(url, base));
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    // Express sends a string without a type as HTML.
    const type = String(res.get('Content-Type') ?? 'text/html');
    return send(typeof body === 'string' && /^text\/html\b/i.test(type) ? rebaseHtml(body, base) : body);
  }) as Response['send'];
}
