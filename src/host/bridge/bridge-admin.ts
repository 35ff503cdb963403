import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type {
  AdminRegistry,
  DashboardWidget,
  MenuItem,
  TicketListColumn,
  TicketPanel,
  Unregister,
} from '../host-context';

/** Response headers of a page fragment (bridge-contract addendum); PHP wraps it in Perfex's layout. */
export const FRAGMENT_HEADERS = { fragment: 'X-SLA-Vigil-Fragment', title: 'X-SLA-Vigil-Title' } as const;

/**
 * The admin part of the service's host: module routers are served under `/admin/<path>` to the
 * PHP controller, which puts the page fragments into Perfex's own layout. List columns, ticket
 * panels and home widgets are answered at `/bridge/ticket-list`, `/ticket-panel` and
 * `/widget/my-risks` (bridge-widgets); menu items are kept (Perfex's menu is drawn by PHP).
 */
export class BridgeAdminRegistry implements AdminRegistry {
  readonly routers = new Map<string, Router>();
  readonly menu = new Map<string, MenuItem>();
  readonly columns = new Map<string, TicketListColumn>();
  readonly panels = new Map<string, TicketPanel>();
  readonly widgets = new Map<string, DashboardWidget>();

  mountRouter(path: string, router: Router): Unregister {
    if (this.routers.has(path)) throw new Error(`admin path ${path} is already mounted`);
    this.routers.set(path, router);
    return () => this.routers.delete(path);
  }

  addMenuItem(item: MenuItem): Unregister {
    this.menu.set(item.slug, item);
    return () => this.menu.delete(item.slug);
  }

  addTicketListColumn(column: TicketListColumn): Unregister {
    this.columns.set(column.key, column);
    return () => this.columns.delete(column.key);
  }

  addTicketPanel(panel: TicketPanel): Unregister {
    this.panels.set(panel.key, panel);
    return () => this.panels.delete(panel.key);
  }

  addDashboardWidget(widget: DashboardWidget): Unregister {
    this.widgets.set(widget.key, widget);
    return () => this.widgets.delete(widget.key);
  }

  /** The page without any layout; the title travels URL-encoded in a header (headers are Latin-1). */
  renderPage(res: Response, page: { title: string; bodyHtml: string; status?: number }): void {
    res
      .status(page.status ?? 200)
      .type('text/html; charset=utf-8')
      .set(FRAGMENT_HEADERS.fragment, '1')
      .set(FRAGMENT_HEADERS.title, encodeURIComponent(page.title))
      .send(page.bodyHtml);
  }

  /** Routes `/<path>/...` (below `/admin`) to the router mounted at `<path>`, looked up per request. */
  dispatch(): RequestHandler {
    const wrapped = new WeakMap<Router, Router>();
    return (req: Request, res: Response, next: NextFunction) => {
      const segment = req.path.split('/')[1] ?? '';
      const router = this.routers.get(segment);
      if (!router) return next();
      let mounted = wrapped.get(router);
      if (!mounted) {
        mounted = Router().use(`/${segment}`, router);
        wrapped.set(router, mounted);
      }
      mounted(req, res, next);
    };
  }
}
