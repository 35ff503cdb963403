import type { Knex } from 'knex';
import type { Capability, Unregister } from '../src/host/host-context';
import { AdminRegistrations } from '../src/host/admin-registrations';

export type { PageRenderer } from '../src/host/admin-registrations';

/**
 * A cell for the devhost's lead list (Perfex: `leads_table_row_data`, with `table_leads_rules`
 * for a filter and `leads_table_sql_columns`), looked up once per page for all visible leads.
 * The same shape as a ticket-list column; the host contract has no lead columns yet, so this
 * extension point lives in the devhost until the module needs it.
 */
export interface LeadListColumn {
  key: string;
  title: string;
  /** Safe HTML per lead id, for all rows of the page in one call. */
  render(leadIds: readonly number[], staffId: number, language?: string): Promise<Map<number, string>>;
  listQuery?: LeadListQueryExtension;
  /** Who sees the column (header, cells, filter, sort); none = everyone. */
  permission?: { feature: string; capability: Capability };
}

/** A lead column's part in the list query: a filter parameter and a sort, as correlated subqueries. */
export interface LeadListQueryExtension {
  /** The list's query-string parameter for the filter; `sort=<param>` sorts by the column. */
  param: string;
  filterOptions(lang: string): { value: string; label: string }[];
  permission?: { feature: string; capability: Capability };
  /** Adds a WHERE (`filter`) or an ORDER BY (`sort`) to the list query, whose lead id is `leadIdColumn`. */
  apply(qb: Knex.QueryBuilder, leadIdColumn: string, opts: { filter?: string; sort?: 'asc' | 'desc' }): void;
}

/**
 * A tab on the lead view (Perfex: `after_lead_lead_tabs` for the tab, `after_lead_tabs_content`
 * for its pane, both given the lead, NULL on the "new lead" form).
 */
export interface LeadPanel {
  key: string;
  title: string;
  /** Safe HTML for the tab, or null to show no tab; `leadId` is null on the new-lead form. */
  render(leadId: number | null, staffId: number, language?: string): Promise<string | null>;
}

/**
 * What modules add to the devhost's admin (routers, sidebar items, list columns, ticket panels,
 * home widgets), kept as every host keeps them; the devhost renders pages in its own layout.
 * Lead-list columns and lead tabs are the devhost's own registrations (no module uses them yet).
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
