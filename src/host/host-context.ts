import type { Knex } from 'knex';
import type { Response, Router } from 'express';
import type { Logger } from 'pino';
import type { LeadGateway } from './lead-gateway';

/** The version of this contract; module.json says which one the module needs. */
export const HOST_CONTRACT_VERSION = '1.1';

/** Undo a registration (hook, menu item, route, column, panel). */
export type Unregister = () => void;

/**
 * Perfex's hook names and payloads (PERFEX.md): tickets, leads and the cron. An in-process host
 * passes ints; Perfex's PHP passes strings on admin paths, which the bridge casts.
 */
export interface HostEvents {
  ticket_created: number;
  after_ticket_reply_added: { id: number; replyid: number; admin: number | null };
  after_ticket_status_changed: { id: number; status: number };
  ticket_settings_updated: {
    ticket_id: number;
    /** The tbltickets row before the edit, with Perfex's column names. */
    original_ticket: PerfexTicketRow;
    /** The submitted settings, with Perfex's column names. */
    data: Partial<Pick<PerfexTicketRow, SettingsColumn>>;
  };
  after_ticket_deleted: number;
  /** `Leads_model.php:126`: the new lead's id. */
  lead_created: number;
  /** Edit form and kanban drag: statuses are `tblleads_status.id`s. */
  lead_status_changed: { lead_id: number; old_status: number; new_status: number };
  /** The edit form: assignment, source, country and other edits arrive here (lead id). */
  after_lead_updated: number;
  lead_marked_as_lost: number;
  lead_marked_as_junk: number;
  before_lead_deleted: number;
  after_lead_deleted: number;
  after_cron_run: boolean;
}
export type HostEventName = keyof HostEvents;
export type HostEventHandler<E extends HostEventName> = (payload: HostEvents[E]) => void | Promise<void>;

export type SettingsColumn = 'department' | 'priority' | 'assigned' | 'userid' | 'contactid' | 'service';

/** A tbltickets row as Perfex passes it to hooks (wall-clock datetimes as strings). */
export interface PerfexTicketRow {
  ticketid: number;
  department: number;
  priority: number;
  assigned: number;
  userid: number;
  contactid: number;
  service: number | null;
  status: number;
  [column: string]: unknown;
}

/** A ticket in the module's vocabulary; datetimes are instants (the adapter converts host wall-clock). */
export interface HostTicket {
  id: number;
  createdAt: Date;
  lastReplyAt: Date | null;
  status: number;
  priority: number;
  department: number;
  assigned: number;
  userid: number;
  contactid: number;
  admin: number | null;
  subject: string;
  service: number | null;
  mergedTicketId: number | null;
}

export interface HostReply {
  id: number;
  ticketId: number;
  createdAt: Date;
  /** Staff id for a staff reply, null for a client reply. */
  admin: number | null;
}

export interface HostStaff {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  admin: boolean;
  active: boolean;
  defaultLanguage: string;
}

/**
 * A host row the module cannot read (a zero, empty or absurd date, say). The scan skips it,
 * counts it as failed and reads it again next time, so one bad row never stops the others.
 */
export interface UnreadableRow {
  /** The row's own id (a ticket id, or a reply id). */
  id: number;
  /** The subject it belongs to (the ticket of a reply; a ticket or lead itself). */
  subjectId: number;
  reason: string;
}

/** One keyset batch of host rows: what could be read and what could not. */
export interface HostBatch<T> {
  rows: T[];
  unreadable: UnreadableRow[];
}

export interface NamedRow {
  id: number;
  name: string;
}

/** Which tickets a search leaves out. */
export interface TicketSearchFilter {
  /** Tickets in these statuses. */
  excludeStatus?: readonly number[];
  /** Tickets merged into another one. */
  excludeMerged?: boolean;
}

/** Host reads, plus the few writes an escalation may do. */
export interface TicketGateway {
  /** A readable ticket, or null when there is none with this id or its row cannot be read. */
  getTicket(id: number): Promise<HostTicket | null>;
  /** The readable ones of these tickets (an unreadable row is left out, as a missing one). */
  getTickets(ids: readonly number[]): Promise<HostTicket[]>;
  /** Which of these ids the host still has, readable or not: deletions are confirmed with this. */
  existingTicketIds(ids: readonly number[]): Promise<Set<number>>;
  /**
   * Tickets with id > afterId, ordered by id, at most `limit` rows (readable and unreadable
   * together): for reconciling in bounded batches.
   */
  listTicketsAfter(afterId: number, limit: number): Promise<HostBatch<HostTicket>>;
  /**
   * Ids of tickets whose id is `text` (a number, `#` allowed) or whose subject contains it, newest
   * first, at most `limit`. The filter applies before the limit, so a search among open tickets
   * is not crowded out by newer closed ones.
   */
  searchTicketIds(text: string, limit: number, filter?: TicketSearchFilter): Promise<number[]>;
  getReply(id: number): Promise<HostReply | null>;
  /** Replies with id > afterId, ordered by id, at most `limit` rows (replies are append-only). */
  listRepliesAfter(afterId: number, limit: number): Promise<HostBatch<HostReply>>;
  /** These replies, by id: the scan reads replies it could not read before again with this. */
  getReplies(ids: readonly number[]): Promise<HostBatch<HostReply>>;
  listReplies(ticketId: number): Promise<HostReply[]>;
  /**
   * Per ticket among `ticketIds`, the instants (ms) of the messages and replies of the tickets
   * merged into it. Perfex copies those onto the ticket a merge keeps, as new reply rows with
   * their old dates and no hook: such a row is history, not a reply to this ticket.
   */
  mergedContentTimes(ticketIds: readonly number[]): Promise<Map<number, Set<number>>>;
  listStatuses(): Promise<(NamedRow & { color: string })[]>;
  listPriorities(): Promise<NamedRow[]>;
  listDepartments(): Promise<NamedRow[]>;
  listStaff(): Promise<HostStaff[]>;
  listDepartmentStaff(departmentId: number): Promise<HostStaff[]>;
  /**
   * Every client by company name (Perfex `tblclients`), for choosing clients by name in the
   * settings; a client without a company name gets an empty name (the caller labels it by id).
   */
  listClients(): Promise<NamedRow[]>;
  /** Every ticket service by name (Perfex `tblservices`), for choosing services by name. */
  listServices(): Promise<NamedRow[]>;
  /** Company names of clients (Perfex `tblclients.company`), for emails. */
  clientNames(userids: readonly number[]): Promise<Map<number, string>>;
  reassign(ticketId: number, staffId: number): Promise<void>;
  changeDepartment(ticketId: number, departmentId: number): Promise<void>;
  changePriority(ticketId: number, priorityId: number): Promise<void>;
  addInternalNote(ticketId: number, note: string): Promise<void>;
}

export interface HookRegistry {
  on<E extends HostEventName>(event: E, handler: HostEventHandler<E>): Unregister;
}

export interface MenuItem {
  slug: string;
  name: string;
  href: string;
  icon?: string;
  position?: number;
  /** The permission feature and capability a staff member needs to see the item. */
  feature: string;
  capability: Capability;
}

/** A badge/cell for the host's ticket list, looked up once per page for all visible rows. */
export interface TicketListColumn {
  key: string;
  title: string;
  /**
   * Batch lookup: returns safe HTML per ticket id. `language` (a locale code) is the viewer's
   * language when the host names it (Perfex's bridge); otherwise the staff member's own is read.
   */
  render(ticketIds: readonly number[], staffId: number, language?: string): Promise<Map<number, string>>;
  /** Optional: lets the host filter and sort its own list query by this column. */
  listQuery?: TicketListQueryExtension;
  /**
   * Who sees the column at all (header, cells, filter, sort), checked by the host like a menu
   * item's permission (Perfex: `staff_can(capability, feature)` around the column hooks).
   */
  permission?: { feature: string; capability: Capability };
}

/**
 * A column's part in the host's ticket-list query. Perfex builds its tickets table server-side
 * (admin/tables/tickets.php via `data_tables_init`): a bridge applies `apply` there, the filter
 * as one of the table's filters and the sort as an extra orderable column, and fills the cell
 * through `admin_tickets_table_row_data`.
 */
export interface TicketListQueryExtension {
  /** The list's query-string parameter for the filter; `sort=<param>` sorts by the column. */
  param: string;
  /** The filter's choices, labelled in the viewer's language. */
  filterOptions(lang: string): { value: string; label: string }[];
  /**
   * Who may filter and sort by the column, when that needs more than seeing it (a filter runs
   * over every ticket of the list, including those whose cell the viewer does not see).
   */
  permission?: { feature: string; capability: Capability };
  /**
   * Adds a WHERE (`filter`, one of the option values) or an ORDER BY (`sort`) to the host's
   * query, whose ticket id is `ticketIdColumn`. Only correlated subqueries, no joins: the host
   * may apply the filter to the query it counts and the sort to the query it pages.
   */
  apply(
    qb: Knex.QueryBuilder,
    ticketIdColumn: string,
    opts: { filter?: string; sort?: 'asc' | 'desc' },
  ): void;
}

/** A box on the host's admin home (Perfex: its dashboard, through the `get_dashboard_widgets` filter). */
export interface DashboardWidget {
  key: string;
  /** The box's heading in the viewer's language (a locale code, as `filterOptions` gets it). */
  title(lang: string): string;
  /** Safe HTML for the signed-in staff member, or null to show nothing (`language` as for a column). */
  render(staffId: number, language?: string): Promise<string | null>;
}

export interface TicketPanel {
  key: string;
  title: string;
  /** Returns safe HTML for the ticket view tab, or null to show nothing (`language` as for a column). */
  render(ticketId: number, staffId: number, language?: string): Promise<string | null>;
}

/**
 * A cell for the host's lead list (Perfex: `leads_table_row_data`, with `table_leads_rules` for
 * the filter), looked up once per page for all visible leads: the shape of a ticket-list column.
 */
export interface LeadListColumn {
  key: string;
  title: string;
  /** Safe HTML per lead id, for all rows of the page in one call (`language` as for a ticket column). */
  render(leadIds: readonly number[], staffId: number, language?: string): Promise<Map<number, string>>;
  listQuery?: LeadListQueryExtension;
  /** Who sees the column (header, cells, filter, sort); none = everyone. */
  permission?: { feature: string; capability: Capability };
}

/** A lead column's part in the host's lead-list query, as TicketListQueryExtension is for tickets. */
export interface LeadListQueryExtension {
  /** The list's query-string parameter for the filter; `sort=<param>` sorts by the column. */
  param: string;
  filterOptions(lang: string): { value: string; label: string }[];
  permission?: { feature: string; capability: Capability };
  /** Adds a WHERE (`filter`) or an ORDER BY (`sort`) to the list query, whose lead id is `leadIdColumn`. */
  apply(qb: Knex.QueryBuilder, leadIdColumn: string, opts: { filter?: string; sort?: 'asc' | 'desc' }): void;
}

/**
 * A tab on the host's lead view (Perfex: `after_lead_lead_tabs` for the tab, `after_lead_tabs_content`
 * for its pane, both given the lead, NULL on the "new lead" form).
 */
export interface LeadPanel {
  key: string;
  title: string;
  /** Safe HTML for the tab, or null to show no tab; `leadId` is null on the new-lead form. */
  render(leadId: number | null, staffId: number, language?: string): Promise<string | null>;
}

export interface AdminRegistry {
  /** Mounts under the host admin at `/admin/<path>`; the host authenticates staff first. */
  mountRouter(path: string, router: Router): Unregister;
  addMenuItem(item: MenuItem): Unregister;
  addTicketListColumn(column: TicketListColumn): Unregister;
  addTicketPanel(panel: TicketPanel): Unregister;
  addDashboardWidget(widget: DashboardWidget): Unregister;
  /** Optional: a host without leads (or without lead pages) leaves both out. */
  addLeadListColumn?(column: LeadListColumn): Unregister;
  addLeadPanel?(panel: LeadPanel): Unregister;
  /** Wraps a module page in the host's admin layout (sidebar, header, CSRF token). */
  renderPage(res: Response, page: { title: string; bodyHtml: string; status?: number }): void;
}

/**
 * What the host puts in `res.locals` before a module router runs: the signed-in staff member
 * and the CSRF token its forms must post back (as `csrfField`, `_csrf` unless the host names another).
 */
export interface AdminLocals {
  staffId: number;
  csrfToken: string;
  language: string;
  /** The form field the host reads its CSRF token from (Perfex: its own token name); default `_csrf`. */
  csrfField?: string;
  /**
   * True when the host has already proven this request came from its own pages (Perfex: the
   * signed proxy, behind CodeIgniter's CSRF check): the module's own Origin check stands aside.
   */
  requestVouched?: boolean;
}

/**
 * The module's capabilities, each implying the ones before it: `view_own` (the SLA badge, the
 * ticket's SLA tab and "My SLA risks" on the tickets the staff member may open), `view`
 * (dashboard, monitor, reports), `manage` (configuration).
 */
export type Capability = 'view_own' | 'view' | 'manage';

/** Which tickets the host lets a staff member see: all, or only those of some departments. */
export type TicketScope = { all: true } | { departments: readonly number[] };

export interface PermissionRegistry {
  register(feature: string, capabilities: readonly Capability[], label: string): Unregister;
  /** Host administrators always pass. */
  can(staffId: number, feature: string, capability: Capability): Promise<boolean>;
  /**
   * The host's own rule for which tickets this staff member sees (Perfex: with the option
   * `staff_access_only_assigned_departments` on, non-admin staff see the tickets of their
   * departments only). The module shows a viewer no more than this.
   */
  ticketScope(staffId: number): Promise<TicketScope>;
  /** The departments the host puts this staff member in (Perfex: `tblstaff_departments`). */
  staffDepartments(staffId: number): Promise<readonly number[]>;
}

export interface MailSettings {
  /** smtp://user:pass@host:port; the devhost's own mailbox when unset. */
  smtpUrl: string;
  from: string;
  /** Where staff open the host admin (for links in emails), e.g. https://crm.example.com. */
  adminBaseUrl: string;
}

/** One entry for a staff member's notification bell in the host (Perfex: a `tblnotifications` row). */
export interface BellEntry {
  toStaffId: number;
  description: string;
  /** Where the entry leads, relative to the host admin (e.g. `tickets/ticket/12`). */
  link: string;
  at: Date;
}

/**
 * The host's own notification bell. `add` writes in the caller's transaction, so the entry and
 * the outbox row marked sent commit together (exactly once); it returns false when the host
 * skips the entry (the staff member is inactive or unknown), as the host's own helper does.
 */
export interface HostNotifications {
  add(entry: BellEntry, trx: Knex.Transaction): Promise<boolean>;
}

export interface OptionStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** An email template as the host's admin edited it: its subject and HTML body with `{merge_fields}`. */
export interface HostEmailTemplate {
  subject: string;
  message: string;
}

/**
 * Email templates the host lets its admin edit (Perfex: Setup > Email Templates, per language).
 * Null when the host has no edited template for this slug and language (or could not read it):
 * the module's own template is used then. Implementations cache, so callers may ask per email.
 */
export interface EmailTemplateSource {
  /** `language` is the module's locale code (`en`, `de`, ...). */
  template(slug: string, language: string): Promise<HostEmailTemplate | null>;
}

/** When a cron this host runs itself started, and when its first tick is due. */
export interface HostCronSchedule {
  startedAt: Date;
  /** The first `after_cron_run` after start (the devhost's ticker: one interval after it). */
  firstTickAt: Date;
  intervalMs: number;
}

/**
 * The host's cron, when the host runs it in its own process (the devhost's ticker). Perfex's
 * cron is the server's crontab calling a URL: no such host offers this, and the module then
 * judges scans by heartbeats alone.
 */
export interface HostCron {
  /** null while the cron is not running (or ticks are turned off). */
  schedule(): HostCronSchedule | null;
}

/** Everything the module may use from its host: it never reaches around this. */
export interface HostContext {
  contractVersion: string;
  db: Knex;
  /**
   * Optional: a knex on a replica of `db` (DATABASE_READ_URL). The read models (dashboard,
   * monitor, reports, list badges, digests' figures) read there; every write stays on `db`.
   */
  readDb?: Knex;
  tablePrefix: string;
  /** IANA zone the host stores its wall-clock datetimes in (Perfex option `default_timezone`). */
  timezone: string;
  tickets: TicketGateway;
  /** Optional: the host's leads; without it the module tracks tickets only. */
  leads?: LeadGateway;
  hooks: HookRegistry;
  admin: AdminRegistry;
  permissions: PermissionRegistry;
  mail: MailSettings;
  options: OptionStore;
  /** Optional: the host's notification bell; notify levels then also add an entry there. */
  notifications?: HostNotifications;
  clock: Clock;
  logger: Logger;
  /** Optional: the host's own cron schedule, so the first minute after start is no "late" alarm. */
  cron?: HostCron;
  /** Optional: templates the host's admin edits; without it the module's own templates are used. */
  emailTemplates?: EmailTemplateSource;
  redisUrl: string;
  /**
   * BullMQ key prefix, distinct per host sharing a Redis (default: derived from the database
   * server, database name and table prefix; `SLA_VIGIL_QUEUE_PREFIX` for the command line).
   */
  queuePrefix?: string;
  /** Run the scan worker inside this process (default true); false when `sla-vigil worker` runs apart. */
  runWorkers?: boolean;
}
