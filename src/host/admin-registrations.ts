import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type {
  AdminRegistry,
  DashboardWidget,
  LeadListColumn,
  LeadPanel,
  MenuItem,
  TicketListColumn,
  TicketPanel,
  Unregister,
} from './host-context';

/** How a host puts a module page on the wire: inside its own layout, or as a bare fragment. */
export type PageRenderer = (
  res: Response,
  page: { title: string; bodyHtml: string; status?: number },
) => void;

/**
 * What a module adds to a host's admin: routers under /admin/<path>, sidebar items, ticket-list
 * columns, ticket-view panels, home-page widgets, lead-list columns and lead-view tabs, kept in
 * maps the host reads per request, so removing a registration (deactivate) takes effect on the
 * next request. Every host (the devhost, the service's bridge host) keeps them the same way and
 * differs only in how a page is rendered.
 */
export class AdminRegistrations implements AdminRegistry {
  readonly routers = new Map<string, Router>();
  readonly menu = new Map<string, MenuItem>();
  readonly columns = new Map<string, TicketListColumn>();
  readonly panels = new Map<string, TicketPanel>();
  readonly widgets = new Map<string, DashboardWidget>();
  readonly leadListColumns = new Map<string, LeadListColumn>();
  readonly leadPanels = new Map<string, LeadPanel>();

  constructor(private readonly pageRenderer: PageRenderer) {}

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

  addLeadListColumn(column: LeadListColumn): Unregister {
    this.leadListColumns.set(column.key, column);
    return () => this.leadListColumns.delete(column.key);
  }

  addLeadPanel(panel: LeadPanel): Unregister {
    this.leadPanels.set(panel.key, panel);
    return () => this.leadPanels.delete(panel.key);
  }

  renderPage(res: Response, page: { title: string; bodyHtml: string; status?: number }): void {
    this.pageRenderer(res, page);
  }

  /**
   * Routes `/<path>/...` (below `/admin`) to the router mounted at `<path>`, looked up per request
   * so a deactivated module's routes are gone at once.
   */
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
