import type { Knex } from 'knex';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import type { LeadListQueryExtension } from '../../admin-registry';
import type { PerfexLeadRow } from '../../lead-service';
import { blank } from './page-kit';
import {
  filterId,
  fullNameOf,
  listQueryBase,
  listQuerySchema,
  pageOfList,
  whereEquals,
  whereSearch,
  type ListExtension,
  type ListQuery,
  type ListSorts,
} from './list-query-kit';

/** Sort keys the list accepts, each mapped to a fixed column: user input never reaches SQL text. */
export const LEAD_SORTS: ListSorts = {
  columns: {
    id: 'l.id',
    name: 'l.name',
    status: 's.statusorder',
    source: 'src.name',
    country: 'c.short_name',
    dateadded: 'l.dateadded',
    lastcontact: 'l.lastcontact',
  },
  defaultKey: 'dateadded',
};

/** Where a lead stands beside its status: Perfex keeps lost, junk and converted as their own columns. */
export const LEAD_STATES = ['open', 'lost', 'junk', 'converted'] as const;

const BaseQuerySchema = listQueryBase({
  status: filterId,
  source: filterId,
  /** tblcountries.country_id; 0 = leads without a country. */
  country: filterId,
  /** 0 = unassigned. */
  assigned: filterId,
  state: z.preprocess(blank, z.enum(LEAD_STATES).optional()),
});

/** A module column's part in the lead list query (its filter values and SQL). */
export type LeadListExtension = ListExtension<LeadListQueryExtension>;

export type LeadListQuery = ListQuery<typeof BaseQuerySchema>;

/** The query schema, with each module column's param as a sort key and a filter; a bad value is a 422. */
export function leadListQuerySchema(extensions: readonly LeadListExtension[] = []): z.ZodType<LeadListQuery> {
  return listQuerySchema(BaseQuerySchema, LEAD_SORTS, extensions);
}

/** A lead with the names the list and the view show; datetimes are the host's wall-clock strings. */
export interface LeadListRow extends Omit<PerfexLeadRow, 'default_language' | 'is_public' | 'from_form_id'> {
  status_name: string | null;
  /** 1 when the status is the one converted leads get ("Customer"). */
  status_isdefault: number | null;
  source_name: string | null;
  country_name: string | null;
  country_iso2: string | null;
  assigned_name: string | null;
  added_by_name: string | null;
}

function leadsWithNames(devhost: Devhost): Knex.QueryBuilder {
  const p = devhost.config.tablePrefix;
  return devhost
    .db(`${p}leads as l`)
    .leftJoin(`${p}leads_status as s`, 's.id', 'l.status')
    .leftJoin(`${p}leads_sources as src`, 'src.id', 'l.source')
    .leftJoin(`${p}countries as c`, 'c.country_id', 'l.country')
    .leftJoin(`${p}staff as a`, 'a.staffid', 'l.assigned')
    .leftJoin(`${p}staff as ad`, 'ad.staffid', 'l.addedfrom');
}

function selectNames(query: Knex.QueryBuilder, db: Knex): Knex.QueryBuilder {
  const fullName = (alias: string) => fullNameOf(db, alias);
  return query.select(
    'l.id',
    'l.name',
    'l.company',
    'l.email',
    'l.phonenumber',
    'l.country',
    'l.status',
    'l.source',
    'l.assigned',
    'l.dateadded',
    'l.dateassigned',
    'l.last_status_change',
    'l.lastcontact',
    'l.addedfrom',
    'l.lost',
    'l.junk',
    'l.date_converted',
    'l.client_id',
    'l.lead_value',
    's.name as status_name',
    's.isdefault as status_isdefault',
    'src.name as source_name',
    'c.short_name as country_name',
    'c.iso2 as country_iso2',
    { assigned_name: fullName('a') },
    { added_by_name: fullName('ad') },
  );
}

/**
 * One page of the lead list, filtered, searched and sorted, plus the total for paging. Module
 * extensions add their filter to the counted query and their sort to the paged one, as the ticket
 * list does (Perfex: admin/tables/leads.php with `table_leads_rules` and `leads_table_sql_columns`).
 */
export async function listLeads(
  devhost: Devhost,
  query: LeadListQuery,
  extensions: readonly LeadListExtension[] = [],
): Promise<{ rows: LeadListRow[]; total: number }> {
  const base = leadsWithNames(devhost);
  whereEquals(base, 'l', query, ['status', 'source', 'country', 'assigned']);
  switch (query.state) {
    case 'open':
      base.where({ 'l.lost': 0, 'l.junk': 0 }).whereNull('l.date_converted');
      break;
    case 'lost':
      base.where('l.lost', 1);
      break;
    case 'junk':
      base.where('l.junk', 1);
      break;
    case 'converted':
      base.whereNotNull('l.date_converted');
      break;
  }
  if (query.q)
    whereSearch(base, query.q, 'l.id', (w, like) =>
      w.where('l.name', 'like', like).orWhere('l.company', 'like', like).orWhere('l.email', 'like', like),
    );
  return pageOfList<LeadListRow>(base, {
    query,
    extensions,
    sorts: LEAD_SORTS,
    idColumn: 'l.id',
    select: (qb) => selectNames(qb, devhost.db),
  });
}

export async function getLeadWithNames(devhost: Devhost, leadId: number): Promise<LeadListRow | undefined> {
  return selectNames(leadsWithNames(devhost), devhost.db).where('l.id', leadId).first();
}
