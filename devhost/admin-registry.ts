import type { LeadListColumn, LeadPanel, Unregister } from '../src/host/host-context';
import { AdminRegistrations } from '../src/host/admin-registrations';

export type { PageRenderer } from '../src/host/admin-registrations';
export type { LeadListColumn, LeadListQueryExtension, LeadPanel } from '../src/host/host-context';

/**
 * What modules add to the devhost's admin (routers, sidebar items, list columns, ticket panels,
 * home widgets), kept as every host keeps them; the devhost renders pages in its own layout.
 * Lead-list columns and lead tabs are the host contract's optional ones, offered here.
 */
export class DevhostAdminRegistry extends AdminRegistrations {
  readonly leadListColumns = new Map<string, LeadListColumn>();
  readonly leadPanels = new Map<string, LeadPanel>();

  addLeadListColumn(column: LeadListColumn): Unregister {
    this.leadListColumns.set(column.key, column);
    return () => this.leadListColumns.delete(column.key);
  }

  addLeadPanel(panel: LeadPanel): Unregister {
    this.leadPanels.set(panel.key, panel);
    return () => this.leadPanels.delete(panel.key);
  }
}
