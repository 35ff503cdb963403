import type { Knex } from 'knex';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import type { LeadListQueryExtension } from '../../admin-registry';
import { blank } from './page-kit';

export const LEAD_PAGE_SIZE = 25;

/** Sort keys the list accepts, each mapped to a fixed column: user input never reaches SQL text. */
const SORT_COLUMNS = {
  id: 'l.id',
  name: 'l.name',
  status: 's.statusorder',
  source: 'src.name',
  country: 'c.short_name',
  dateadded: 'l.dateadded',
  lastcontact: 'l.lastcontact',
} as const;
type SortKey = keyof typeof SORT_COLUMNS;

/** Where a lead stands beside its status: Perfex keeps lost, junk and converted as their own columns. */
export const LEAD_STATES = ['open', 'lost', 'junk', 'converted'] as const;

const filterId = z.preprocess(blank, z.coerce.number().int().min(0).optional());

const BaseQuerySchema = z.object({
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).default(1)),
  q: z.preprocess(blank, z.string().trim().max(100).optional()),
  status: filterId,
  source: filterId,
  /** tblcountries.country_id; 0 = leads without a country. */
  country: filterId,
  /** 0 = unassigned. */
  assigned: filterId,
  state: z.preprocess(blank, z.enum(LEAD_STATES).optional()),
  dir: z.preprocess(blank, z.enum(['asc', 'desc']).default('desc')),
});

/** A module column's part in the lead list query (its filter values and SQL). */
export interface LeadListExtension {
  param: string;
  values: readonly string[];
  extension: LeadListQueryExtension;
}

export type LeadListQuery = z.infer<typeof BaseQuerySchema> & {
  sort: string;
  [moduleParam: string]: string | number | undefined;
};

/** The query schema, with each module column's param as a sort key and a filter; a bad value is a 422. */
export function leadListQuerySchema(extensions: readonly LeadListExtension[] = []): z.ZodType<LeadListQuery> {
  const usable = extensions.filter((e) => !(e.param in BaseQuerySchema.shape) && e.param !== 'sort');
  const sortKeys = [...Object.keys(SORT_COLUMNS), ...usable.map((e) => e.param)] as [string, ...string[]];
  const moduleFilters = Object.fromEntries(
    usable
      .filter((e) => e.values.length > 0)
      .map((e) => [e.param, z.preprocess(blank, z.enum(e.values as [string, ...string[]]).optional())]),
  );
  return BaseQuerySchema.extend({
    sort: z.preprocess(blank, z.enum(sortKeys).default('dateadded')),
    ...moduleFilters,
  }) as unknown as z.ZodType<LeadListQuery>;
}

/** A lead with the names the list and the view show; datetimes are the host's wall-clock strings. */
export interface LeadListRow {
  id: number;
  name: string;
  company: string | null;
  email: string | null;
  phonenumber: string | null;
  country: number;
  status: number;
  source: number;
  assigned: number;
  dateadded: string;
  dateassigned: string | null;
  last_status_change: string | null;
  lastcontact: string | null;
  addedfrom: number;
  lost: number;
  junk: number;
  date_converted: string | null;
  client_id: number;
  lead_value: string | null;
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
  const fullName = (alias: string) =>
    db.raw(`CONCAT(??, ' ', ??)`, [`${alias}.firstname`, `${alias}.lastname`]);
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

/** LIKE treats % and _ as wildcards; a search for "50%" means the text. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`;
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
  for (const key of ['status', 'source', 'country', 'assigned'] as const) {
    const value = query[key];
    if (value !== undefined) base.where(`l.${key}`, value);
  }
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
  if (query.q) {
    const q = query.q;
    const like = likePattern(q);
    base.where((w) => {
      w.where('l.name', 'like', like).orWhere('l.company', 'like', like).orWhere('l.email', 'like', like);
      const asId = q.replace(/^#/, '');
      if (/^\d{1,9}$/.test(asId)) w.orWhere('l.id', Number(asId));
    });
  }
  for (const { param, extension } of extensions) {
    const filter = query[param];
    if (typeof filter === 'string') extension.apply(base, 'l.id', { filter });
  }
  const [{ total }] = await base.clone().count({ total: '*' });
  const rows = selectNames(base, devhost.db);
  const sortedBy = extensions.find((e) => e.param === query.sort);
  if (sortedBy) sortedBy.extension.apply(rows, 'l.id', { sort: query.dir });
  else rows.orderBy(SORT_COLUMNS[query.sort as SortKey] ?? SORT_COLUMNS.dateadded, query.dir);
  const page = await rows
    .orderBy('l.id', query.dir)
    .limit(LEAD_PAGE_SIZE)
    .offset((query.page - 1) * LEAD_PAGE_SIZE);
  return { rows: page, total: Number(total) };
}

export async function getLeadWithNames(devhost: Devhost, leadId: number): Promise<LeadListRow | undefined> {
  return selectNames(leadsWithNames(devhost), devhost.db).where('l.id', leadId).first();
}
