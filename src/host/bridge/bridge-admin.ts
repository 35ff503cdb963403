import type { Response } from 'express';
import { AdminRegistrations } from '../admin-registrations';

/** Response headers of a page fragment (bridge-contract addendum); PHP wraps it in Perfex's layout. */
export const FRAGMENT_HEADERS = { fragment: 'X-SLA-Vigil-Fragment', title: 'X-SLA-Vigil-Title' } as const;

/** The page without any layout; the title travels URL-encoded in a header (headers are Latin-1). */
function renderFragment(res: Response, page: { title: string; bodyHtml: string; status?: number }): void {
  res
    .status(page.status ?? 200)
    .type('text/html; charset=utf-8')
    .set(FRAGMENT_HEADERS.fragment, '1')
    .set(FRAGMENT_HEADERS.title, encodeURIComponent(page.title))
    .send(page.bodyHtml);
}

/**
 * The admin part of the service's host: module routers are served under `/admin/<path>` to the
 * PHP controller, which puts the page fragments into Perfex's own layout. List columns, ticket
 * panels and home widgets are answered at `/bridge/ticket-list`, `/ticket-panel` and
 * `/widget/my-risks`, the lead list's column and the lead's tab at `/bridge/lead-list` and
 * `/lead-panel` (bridge-widgets); menu items are kept (Perfex's menu is drawn by PHP).
 */
export class BridgeAdminRegistry extends AdminRegistrations {
  constructor() {
    super(renderFragment);
  }
}
