import { Router, type Response } from 'express';
import type { Devhost } from '../../devhost';
import type { LeadListColumn } from '../../admin-registry';
import { parseInput } from '../../validation-error';
import { leadLookups } from './lead-lookups';
import { listQueryString, pageCount } from './list-query-kit';
import { listExtensions, renderModuleColumns, visibleModuleColumns } from './module-columns';
import { pageLanguage, pageLocals, renderPage } from './page-kit';
import { LEAD_SORTS, LEAD_STATES, leadListQuerySchema, listLeads, type LeadListQuery } from './lead-query';

/** `/admin/leads`: the paged, searchable lead list, filtered by status, source, country, owner and state. */
export function createLeadsListRouter(devhost: Devhost): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const visible = await visibleLeadColumns(devhost, pageLocals(res).staffId);
    const query = parseInput(leadListQuerySchema(listExtensions(visible)), req.query);
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
    listLeads(devhost, query, listExtensions(visible)),
    leadLookups(devhost),
  ]);
  const language = pageLanguage(res);
  const columns = await renderModuleColumns(devhost, visible, {
    kind: 'lead',
    ids: rows.map((r) => r.id),
    language,
    render: (column, ids) => column.render(ids, staffId, language),
  });
  await renderPage(res, 'pages/leads-list', 'Leads', {
    rows,
    total,
    query,
    lookups,
    columns,
    states: LEAD_STATES,
    pageCount: pageCount(total),
    queryString: (overrides: Partial<Record<keyof LeadListQuery, string | number | undefined>>) =>
      listQueryString(query, overrides, LEAD_SORTS.defaultKey),
  });
}

/** The module lead-list columns this staff member may see, decided as for the ticket list. */
export async function visibleLeadColumns(devhost: Devhost, staffId: number): Promise<LeadListColumn[]> {
  return visibleModuleColumns(devhost, devhost.admin.leadListColumns.values(), staffId);
}
