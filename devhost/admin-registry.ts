import type { Response, Router } from 'express';
import type {
  AdminRegistry,
  DashboardWidget,
  MenuItem,
  TicketListColumn,
  TicketPanel,
  Unregister,
} from '../src/host/host-context';

export type PageRenderer = (
  res: Response,
  page: { title: string; bodyHtml: string; status?: number },
) => void;

/**
 * What modules add to the admin: routers under /admin/<path>, sidebar items, ticket-list
 * columns, ticket-view panels and home-page widgets. Removing a registration takes effect on the next request.
 */
export class DevhostAdminRegistry implements AdminRegistry {
  readonly routers = new Map<string, Router>();
  readonly menu = new Map<string, MenuItem>();
  readonly columns = new Map<string, TicketListColumn>();
  readonly panels = new Map<string, TicketPanel>();
  readonly widgets = new Map<string, DashboardWidget>();

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

  renderPage(res: Response, page: { title: string; bodyHtml: string; status?: number }): void {
    this.pageRenderer(res, page);
  }
}
