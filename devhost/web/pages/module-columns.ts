import type { Capability } from '../../../src/host/host-context';
import type { Devhost } from '../../devhost';
import type { ListExtension, ModuleListQuery } from './list-query-kit';

type Permission = { feature: string; capability: Capability };

/**
 * What the devhost's lists need of a module column; a ticket-list column (host contract) and a
 * lead-list column (devhost registry) both have this shape.
 */
export interface ModuleListColumn {
  key: string;
  title: string;
  render(ids: readonly number[], staffId: number, language?: string): Promise<Map<number, string>>;
  listQuery?: ModuleListQuery & {
    filterOptions(lang: string): { value: string; label: string }[];
    permission?: Permission;
  };
  permission?: Permission;
}

/** A module column as a list page shows it: header, one cell per row, and its filter when it has one. */
export interface ModuleColumnView {
  key: string;
  title: string;
  cells: Map<number, string>;
  /** Set when the column filters and sorts the list: its query parameter and filter choices. */
  param?: string;
  filterOptions: { value: string; label: string }[];
}

/**
 * The module columns this staff member may see (a column without a permission is for everyone),
 * without their filter and sort when those ask for a permission the staff member lacks.
 */
export async function visibleModuleColumns<C extends ModuleListColumn>(
  devhost: Devhost,
  registered: Iterable<C>,
  staffId: number,
): Promise<C[]> {
  const can = (p: Permission | undefined) =>
    !p || devhost.host.permissions.can(staffId, p.feature, p.capability);
  const columns = [...registered];
  const allowed = await Promise.all(
    columns.map(async (c) => [await can(c.permission), await can(c.listQuery?.permission)] as const),
  );
  return columns.flatMap((c, i) => {
    const [sees, filters] = allowed[i];
    if (!sees) return [];
    return [filters ? c : { ...c, listQuery: undefined }];
  });
}

/** The module columns that filter and sort the list, with the filter values they accept. */
export function listExtensions<C extends ModuleListColumn>(
  columns: readonly C[],
): ListExtension<NonNullable<C['listQuery']>>[] {
  return columns.flatMap((column) =>
    column.listQuery
      ? [
          {
            param: column.listQuery.param,
            values: column.listQuery.filterOptions('en').map((o) => o.value),
            extension: column.listQuery as NonNullable<C['listQuery']>,
          },
        ]
      : [],
  );
}

/**
 * Each module column renders all rows of the page in one call (`render` makes that call, so each
 * list decides what it hands the module); a failing module leaves its cells empty. `language`
 * labels the filter choices.
 */
export async function renderModuleColumns<C extends ModuleListColumn>(
  devhost: Devhost,
  visible: readonly C[],
  page: {
    kind: 'ticket' | 'lead';
    ids: number[];
    language: string;
    render: (column: C, ids: number[]) => Promise<Map<number, string>>;
  },
): Promise<ModuleColumnView[]> {
  return Promise.all(
    visible.map(async (column) => {
      let cells = new Map<number, string>();
      if (page.ids.length > 0) {
        try {
          cells = await page.render(column, page.ids);
        } catch (err) {
          devhost.host.logger.error({ err, column: column.key }, `${page.kind} list column failed to render`);
        }
      }
      return {
        key: column.key,
        title: column.title,
        cells,
        param: column.listQuery?.param,
        filterOptions: column.listQuery?.filterOptions(page.language) ?? [],
      };
    }),
  );
}
