import knex from 'knex';
import {
  filterId,
  likePattern,
  listQueryBase,
  listQuerySchema,
  listQueryString,
  pageCount,
  whereEquals,
  whereSearch,
  type ListExtension,
  type ListSorts,
} from '../../devhost/web/pages/list-query-kit';

// Builds SQL text only: no connection is opened.
const db = knex({ client: 'mysql2' });

const sorts: ListSorts = { columns: { id: 'x.id', name: 'x.name' }, defaultKey: 'name' };
const base = listQueryBase({ status: filterId });
const extension = (param: string, values: string[]): ListExtension => ({
  param,
  values,
  extension: { param, apply: () => undefined },
});

type Query = { page: number; q?: string; status?: number; dir: string; sort: string; [k: string]: unknown };

describe('a list query schema', () => {
  it('defaults to the first page, the default sort and descending; "" means not given', () => {
    const schema = listQuerySchema<Query>(base, sorts, []);
    expect(schema.parse({})).toEqual({ page: 1, dir: 'desc', sort: 'name' });
    expect(schema.parse({ page: '3', q: ' 50% ', status: '0', sort: 'id', dir: 'asc' })).toEqual({
      page: 3,
      q: '50%',
      status: 0,
      sort: 'id',
      dir: 'asc',
    });
    expect(schema.parse({ status: '', sort: '' })).toEqual({ page: 1, dir: 'desc', sort: 'name' });
  });

  it('takes a module param as a sort key and as a filter of the values the module lists', () => {
    const schema = listQuerySchema<Query>(base, sorts, [extension('sla', ['breached', 'ok'])]);
    expect(schema.parse({ sla: 'ok', sort: 'sla' })).toMatchObject({ sla: 'ok', sort: 'sla' });
    expect(schema.safeParse({ sla: 'late' }).success).toBe(false);
    expect(schema.safeParse({ sort: 'other' }).success).toBe(false);
  });

  it('ignores a module param that would shadow one of the list own fields', () => {
    const schema = listQuerySchema<Query>(base, sorts, [
      extension('status', ['a']),
      extension('sort', ['b']),
    ]);
    expect(schema.parse({ status: '2' })).toMatchObject({ status: 2 });
    expect(schema.safeParse({ sort: 'status' }).success).toBe(false);
  });
});

describe('list links', () => {
  it('leave out the defaults and what is unset, and keep what is overridden', () => {
    const query = { page: 1, sort: 'name', dir: 'desc', status: 2, q: undefined };
    expect(listQueryString(query, {}, 'name')).toBe('?status=2');
    expect(listQueryString(query, { page: 2, status: undefined }, 'name')).toBe('?page=2');
    expect(listQueryString(query, { sort: 'id', dir: 'asc' }, 'name')).toBe('?sort=id&dir=asc&status=2');
    expect(listQueryString({ page: 1, sort: 'name', dir: 'desc' }, {}, 'name')).toBe('');
  });

  it('count one page even for an empty list', () => {
    expect([0, 1, 25, 26].map(pageCount)).toEqual([1, 1, 1, 2]);
  });
});

describe('list SQL', () => {
  it('escapes LIKE wildcards so a search means its text', () => {
    expect(likePattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });

  it('searches text and, for "42" or "#42", the row id too', () => {
    const match = (q: string) => {
      const qb = db('x');
      whereSearch(qb, q, 'x.id', (w, like) => w.where('x.name', 'like', like));
      return qb.toSQL().toNative();
    };
    expect(match('#42')).toEqual({
      sql: 'select * from `x` where (`x`.`name` like ? or `x`.`id` = ?)',
      bindings: ['%#42%', 42],
    });
    expect(match('abc').bindings).toEqual(['%abc%']);
  });

  it('filters by the given keys only', () => {
    const qb = db('x');
    whereEquals(qb, 'x', { status: 0, source: undefined, other: 5 }, ['status', 'source']);
    expect(qb.toSQL().toNative()).toEqual({ sql: 'select * from `x` where `x`.`status` = ?', bindings: [0] });
  });
});
