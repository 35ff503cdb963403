import type { Knex } from 'knex';
import { z } from 'zod';
import { blank } from './page-kit';

/**
 * What the ticket list and the lead list share in reading their query string and building their
 * SQL: paging, search, fixed filters and sorts, and the module columns that add a filter and a
 * sort of their own (Perfex: the DataTables query of admin/tables/tickets.php and leads.php).
 */

export const LIST_PAGE_SIZE = 25;

/** A list filter by id (a select whose "All" option posts ""); 0 is a value ("unassigned", "none"). */
export const filterId = z.preprocess(blank, z.coerce.number().int().min(0).optional());

/**
 * A module column's part in a list query: the parameter it filters and sorts by, the SQL it adds
 * to the host's query (whose row id is `idColumn`). Ticket and lead columns both have this shape.
 */
export interface ModuleListQuery {
  param: string;
  apply(qb: Knex.QueryBuilder, idColumn: string, opts: { filter?: string; sort?: 'asc' | 'desc' }): void;
}

/** A module column's part in the list query: its filter parameter with the values it accepts. */
export interface ListExtension<E extends ModuleListQuery = ModuleListQuery> {
  param: string;
  values: readonly string[];
  extension: E;
}

/** A list's fixed sorts: each key maps to a column, so user input never reaches SQL text. */
export interface ListSorts {
  columns: Readonly<Record<string, string>>;
  /** The sort when none is asked for (and left out of links). */
  defaultKey: string;
}

/**
 * The parsed query of a list: its own fields plus `sort` (a fixed key or a module param) and one
 * optional filter value per module extension, keyed by its param.
 */
export type ListQuery<Base extends z.ZodType> = z.infer<Base> & {
  sort: string;
  [moduleParam: string]: string | number | undefined;
};

/** What every list query has around its own filters: the page, a free-text search and a direction. */
export function listQueryBase<F extends z.ZodRawShape>(filters: F) {
  return z.object({
    page: z.preprocess(blank, z.coerce.number().int().min(1).max(1_000_000).default(1)),
    q: z.preprocess(blank, z.string().trim().max(100).optional()),
    ...filters,
    dir: z.preprocess(blank, z.enum(['asc', 'desc']).default('desc')),
  });
}

/**
 * The strict query schema: the fixed sort keys and, for each module column that extends the list,
 * its param as a sort key and as a filter whose values the module lists. Anything else is a 422.
 * A module param that would shadow one of the list's own fields is ignored.
 */
export function listQuerySchema<Q>(
  base: z.ZodObject,
  sorts: ListSorts,
  extensions: readonly ListExtension[],
): z.ZodType<Q> {
  const usable = extensions.filter((e) => !(e.param in base.shape) && e.param !== 'sort');
  const sortKeys = [...Object.keys(sorts.columns), ...usable.map((e) => e.param)] as [string, ...string[]];
  const moduleFilters = Object.fromEntries(
    usable
      .filter((e) => e.values.length > 0)
      .map((e) => [e.param, z.preprocess(blank, z.enum(e.values as [string, ...string[]]).optional())]),
  );
  return base.extend({
    sort: z.preprocess(blank, z.enum(sortKeys).default(sorts.defaultKey)),
    ...moduleFilters,
  }) as unknown as z.ZodType<Q>;
}

/** The query fields every list reads when it runs. */
export interface RunnableListQuery {
  page: number;
  dir: 'asc' | 'desc';
  sort: string;
  [field: string]: string | number | undefined;
}

/** LIKE treats % and _ as wildcards; a search for "50%" means the text. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * Narrows `qb` to rows whose text matches the search (`matchText` adds the OR-ed LIKEs), or whose
 * id it is: Perfex's search box finds "42" and "#42" by id too.
 */
export function whereSearch(
  qb: Knex.QueryBuilder,
  q: string,
  idColumn: string,
  matchText: (w: Knex.QueryBuilder, like: string) => void,
): void {
  qb.where((w) => {
    matchText(w, likePattern(q));
    const asId = q.replace(/^#/, '');
    if (/^\d{1,9}$/.test(asId)) w.orWhere(idColumn, Number(asId));
  });
}

/** Exact-match filters: each given `query[key]` narrows `qb` to `<alias>.<key>`. */
export function whereEquals(
  qb: Knex.QueryBuilder,
  alias: string,
  query: Readonly<Record<string, string | number | undefined>>,
  keys: readonly string[],
): void {
  for (const key of keys) {
    const value = query[key];
    if (value !== undefined) qb.where(`${alias}.${key}`, value);
  }
}

/**
 * One page of a list and its total. Module extensions add their filter to the counted query and
 * their sort to the paged one (their SQL is correlated subqueries, so both stay one query each);
 * `select` adds the columns the page shows; the row id breaks ties so paging is stable.
 */
export async function pageOfList<Row>(
  filtered: Knex.QueryBuilder,
  list: {
    query: RunnableListQuery;
    extensions: readonly ListExtension[];
    sorts: ListSorts;
    idColumn: string;
    select: (qb: Knex.QueryBuilder) => Knex.QueryBuilder;
  },
): Promise<{ rows: Row[]; total: number }> {
  const { query, extensions, sorts, idColumn } = list;
  for (const { param, extension } of extensions) {
    const filter = query[param];
    if (typeof filter === 'string') extension.apply(filtered, idColumn, { filter });
  }
  const [{ total }] = await filtered.clone().count({ total: '*' });
  const rows = list.select(filtered);
  const sortedBy = extensions.find((e) => e.param === query.sort);
  if (sortedBy) sortedBy.extension.apply(rows, idColumn, { sort: query.dir });
  else rows.orderBy(sorts.columns[query.sort] ?? sorts.columns[sorts.defaultKey], query.dir);
  const page = (await rows
    .orderBy(idColumn, query.dir)
    .limit(LIST_PAGE_SIZE)
    .offset((query.page - 1) * LIST_PAGE_SIZE)) as Row[];
  return { rows: page, total: Number(total) };
}

/** `firstname lastname` of the staff or contact row joined as `alias`, for a list's name columns. */
export function fullNameOf(db: Knex, alias: string): Knex.Raw {
  return db.raw(`CONCAT(??, ' ', ??)`, [`${alias}.firstname`, `${alias}.lastname`]);
}

/** How many pages a list of `total` rows has (one, even when empty). */
export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / LIST_PAGE_SIZE));
}

/**
 * The list URL's query string with some parameters changed; defaults (first page, the default
 * sort, descending) are left out to keep links short.
 */
export function listQueryString(
  query: Readonly<Record<string, string | number | undefined>>,
  overrides: Readonly<Record<string, string | number | undefined>>,
  defaultSort: string,
): string {
  const defaults: Record<string, string> = { page: '1', sort: defaultSort, dir: 'desc' };
  const params = new URLSearchParams();
  const merged: Record<string, string | number | undefined> = { ...query, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '') continue;
    if (defaults[key] === String(value)) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
