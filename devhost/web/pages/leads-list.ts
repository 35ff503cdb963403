import { Router, type Response } from 'express';
import type { Devhost } from '../../devhost';
import type { LeadListColumn } from '../../admin-registry';
import { parseInput } from '../../validation-error';
import { leadLookups } from './lead-lookups';
import { pageLocals, renderPage } from './page-kit';
import {
  LEAD_PAGE_SIZE,
  LEAD_STATES,
  leadListQuerySchema,
  listLeads,
  type LeadListExtension,
  type LeadListQuery,
} from './lead-query';

/** `/admin/leads`: the paged, searchable lead list, filtered by status, source, country, owner and state. */
export function createLeadsListRouter(devhost: Devhost): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const visible = await visibleLeadColumns(devhost, pageLocals(res).staffId);
    const query = parseInput(leadListQuerySchema(leadListExtensions(visible)), req.query);
    await renderList(devhost, res, query, visible);
  });
  return router;
}

async function renderList(
  devhost: Devhost,
  res: Response,
  query: LeadListQuery,
  visible: LeadListColumn[],
): Promise<void> {
  const { staffId } = pageLocals(res);
  const [{ rows, total }, lookups] = await Promise.all([
    listLeads(devhost, query, leadListExtensions(visible)),
    leadLookups(devhost),
  ]);
  const columns = await moduleColumns(
    devhost,
    visible,
    rows.map((r) => r.id),
    staffId,
    String(res.locals.language ?? 'en'),
  );
  await renderPage(res, 'pages/leads-list', 'Leads', {
    rows,
    total,
    query,
    lookups,
    columns,
    states: LEAD_STATES,
    pageCount: Math.max(1, Math.ceil(total / LEAD_PAGE_SIZE)),
    queryString: (overrides: Partial<Record<keyof LeadListQuery, string | number | undefined>>) =>
      queryString(query, overrides),
  });
}

/**
 * The module lead columns this staff member may see, without their filter and sort when those
 * ask for a permission the staff member lacks (as the ticket list decides).
 */
export async function visibleLeadColumns(devhost: Devhost, staffId: number): Promise<LeadListColumn[]> {
  const can = (p: LeadListColumn['permission']) =>
    !p || devhost.host.permissions.can(staffId, p.feature, p.capability);
  const columns = [...devhost.admin.leadListColumns.values()];
  const allowed = await Promise.all(
    columns.map(async (c) => [await can(c.permission), await can(c.listQuery?.permission)] as const),
  );
  return columns.flatMap((c, i) => {
    const [sees, filters] = allowed[i];
    if (!sees) return [];
    return [filters ? c : { ...c, listQuery: undefined }];
  });
}

function leadListExtensions(columns: readonly LeadListColumn[]): LeadListExtension[] {
  return columns.flatMap((column) =>
    column.listQuery
      ? [
          {
            param: column.listQuery.param,
            values: column.listQuery.filterOptions('en').map((o) => o.value),
            extension: column.listQuery,
          },
        ]
      : [],
  );
}

interface ModuleColumn {
  key: string;
  title: string;
  cells: Map<number, string>;
  param?: string;
  filterOptions: { value: string; label: string }[];
}

/** Each module column renders all rows of the page in one call; a failing module leaves its cells empty. */
async function moduleColumns(
  devhost: Devhost,
  visible: readonly LeadListColumn[],
  ids: number[],
  staffId: number,
  language: string,
): Promise<ModuleColumn[]> {
  return Promise.all(
    visible.map(async (column) => {
      let cells = new Map<number, string>();
      if (ids.length > 0) {
        try {
          cells = await column.render(ids, staffId, language);
        } catch (err) {
          devhost.host.logger.error({ err, column: column.key }, 'lead list column failed to render');
        }
      }
      return {
        key: column.key,
        title: column.title,
        cells,
        param: column.listQuery?.param,
        filterOptions: column.listQuery?.filterOptions(language) ?? [],
      };
    }),
  );
}

const DEFAULTS: Partial<Record<keyof LeadListQuery, string>> = { page: '1', sort: 'dateadded', dir: 'desc' };

/** The list URL's query string with some parameters changed; defaults are left out. */
function queryString(
  query: LeadListQuery,
  overrides: Partial<Record<keyof LeadListQuery, string | number | undefined>>,
): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | number | undefined> = { ...query, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '') continue;
    if (DEFAULTS[key as keyof LeadListQuery] === String(value)) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
