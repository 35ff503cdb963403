import type { Knex } from 'knex';
import type { z } from 'zod';
import type { TicketListQueryExtension, TicketScope } from '../../../src/host/host-context';
import type { Devhost } from '../../devhost';
import {
  filterId,
  fullNameOf,
  listQueryBase,
  listQuerySchema,
  pageOfList,
  whereEquals,
  whereSearch,
  type ListExtension as ModuleListExtension,
  type ListQuery,
  type ListSorts,
} from './list-query-kit';

/** Sort keys the list accepts, each mapped to a fixed column: user input never reaches SQL text. */
export const TICKET_SORTS: ListSorts = {
  columns: {
    ticketid: 't.ticketid',
    subject: 't.subject',
    date: 't.date',
    lastreply: 't.lastreply',
    status: 's.statusorder',
    priority: 't.priority',
    department: 'd.name',
  },
  defaultKey: 'date',
};

const BaseQuerySchema = listQueryBase({
  status: filterId,
  department: filterId,
  priority: filterId,
  /** 0 = unassigned. */
  assigned: filterId,
});

/**
 * A module column's part in the ticket list query: its filter parameter with the values it
 * accepts, and the extension that turns a filter value or a sort direction into SQL.
 */
export type ListExtension = ModuleListExtension<TicketListQueryExtension>;

/** The list's query, plus one optional filter value per module extension (keyed by its param). */
export type TicketListQuery = ListQuery<typeof BaseQuerySchema>;

/**
 * The strict query schema: fixed sort keys and, for each module column that extends the list,
 * its param as a sort key and as a filter whose values the module lists. Anything else is a 422.
 */
export function ticketListQuerySchema(extensions: readonly ListExtension[] = []): z.ZodType<TicketListQuery> {
  return listQuerySchema(BaseQuerySchema, TICKET_SORTS, extensions);
}

/** The schema without module extensions. */
export const TicketListQuerySchema = ticketListQuerySchema();

/** A ticket with the names the list and the view show; datetimes are the host's wall-clock strings. */
export interface TicketListRow {
  ticketid: number;
  subject: string;
  message: string | null;
  date: string;
  lastreply: string | null;
  status: number;
  priority: number;
  department: number;
  assigned: number;
  service: number | null;
  userid: number;
  contactid: number;
  admin: number | null;
  name: string | null;
  email: string | null;
  merged_ticket_id: string | null;
  department_name: string | null;
  status_name: string | null;
  priority_name: string | null;
  service_name: string | null;
  assigned_name: string | null;
  opened_by_name: string | null;
  contact_name: string | null;
  contact_email: string | null;
  company: string | null;
}

/** Tickets joined to the names of their department, status, priority, service, staff and contact. */
export function ticketsWithNames(devhost: Devhost): Knex.QueryBuilder {
  const p = devhost.config.tablePrefix;
  const db = devhost.db;
  return db(`${p}tickets as t`)
    .leftJoin(`${p}departments as d`, 'd.departmentid', 't.department')
    .leftJoin(`${p}tickets_status as s`, 's.ticketstatusid', 't.status')
    .leftJoin(`${p}tickets_priorities as pr`, 'pr.priorityid', 't.priority')
    .leftJoin(`${p}services as sv`, 'sv.serviceid', 't.service')
    .leftJoin(`${p}staff as a`, 'a.staffid', 't.assigned')
    .leftJoin(`${p}staff as o`, 'o.staffid', 't.admin')
    .leftJoin(`${p}contacts as c`, 'c.id', 't.contactid')
    .leftJoin(`${p}clients as cl`, 'cl.userid', 't.userid');
}

function selectNames(query: Knex.QueryBuilder, db: Knex): Knex.QueryBuilder {
  const fullName = (alias: string) => fullNameOf(db, alias);
  return query.select(
    't.ticketid',
    't.subject',
    't.message',
    't.date',
    't.lastreply',
    't.status',
    't.priority',
    't.department',
    't.assigned',
    't.service',
    't.userid',
    't.contactid',
    't.admin',
    't.name',
    't.email',
    't.merged_ticket_id',
    'd.name as department_name',
    's.name as status_name',
    'pr.name as priority_name',
    'sv.name as service_name',
    { assigned_name: fullName('a') },
    { opened_by_name: fullName('o') },
    { contact_name: fullName('c') },
    'c.email as contact_email',
    'cl.company',
  );
}

/**
 * One page of the ticket list, filtered, searched and sorted, plus the total for paging. Module
 * extensions add their filter to the counted query and their sort to the paged one. In Perfex the
 * same happens in admin/tables/tickets.php: a module filter becomes a WHERE of the DataTables
 * query, its column orderable, its cell filled through `admin_tickets_table_row_data`.
 */
export async function listTickets(
  devhost: Devhost,
  query: TicketListQuery,
  extensions: readonly ListExtension[] = [],
  scope: TicketScope = { all: true },
): Promise<{ rows: TicketListRow[]; total: number }> {
  const base = ticketsWithNames(devhost);
  // Perfex's option `staff_access_only_assigned_departments`: the list holds only the tickets of
  // the viewer's departments (module filters then narrow that further).
  if ('departments' in scope) base.whereIn('t.department', [...scope.departments]);
  whereEquals(base, 't', query, ['status', 'department', 'priority', 'assigned']);
  if (query.q)
    whereSearch(base, query.q, 't.ticketid', (w, like) =>
      w
        .where('t.subject', 'like', like)
        .orWhereRaw(`CONCAT(c.firstname, ' ', c.lastname) LIKE ?`, [like])
        .orWhere('cl.company', 'like', like)
        .orWhere('t.name', 'like', like),
    );
  return pageOfList<TicketListRow>(base, {
    query,
    extensions,
    sorts: TICKET_SORTS,
    idColumn: 't.ticketid',
    select: (qb) => selectNames(qb, devhost.db),
  });
}

export async function getTicketWithNames(
  devhost: Devhost,
  ticketId: number,
): Promise<TicketListRow | undefined> {
  return selectNames(ticketsWithNames(devhost), devhost.db).where('t.ticketid', ticketId).first();
}
