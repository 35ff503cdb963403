import type { TicketListColumn } from '../../../src/host/host-context';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { parseInput } from '../../validation-error';
import { ticketLookups } from './lookups';
import {
  csrfField,
  flashRedirect,
  formList,
  isValidationError,
  pageLanguage,
  pageLocals,
  readableErrors,
  renderPage,
  type FieldError,
} from './page-kit';
import { listQueryString, pageCount } from './list-query-kit';
import { listExtensions, renderModuleColumns, visibleModuleColumns } from './module-columns';
import { listTickets, TICKET_SORTS, ticketListQuerySchema, type TicketListQuery } from './ticket-query';

/** The list's query string, posted back by the bulk form so the same page shows afterwards. */
const backField = z
  .string()
  .max(1000)
  .regex(/^(\?[^\r\n]*)?$/, 'must be a query string')
  .optional();

// Bulk status and merge share one form (one set of checkboxes, two buttons), so each accepts the other's field.
const BulkForm = z
  .object({
    ...csrfField,
    back: backField,
    ids: z.preprocess(formList, z.array(z.string())),
    status: z.string().optional(),
    primary: z.string().optional(),
  })
  .strict();

/** `/admin/tickets`: the paged, searchable ticket list with its bulk actions. */
export function createTicketsListRouter(devhost: Devhost): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const visible = await visibleColumns(devhost, pageLocals(res).staffId);
    const query = parseInput(ticketListQuerySchema(listExtensions(visible)), req.query);
    await renderList(devhost, res, query, []);
  });

  router.post('/bulk-status', async (req, res) => {
    let back: string | undefined;
    try {
      const form = parseInput(BulkForm, req.body);
      back = form.back;
      const updated = await devhost.tickets.bulkStatus({ ids: form.ids, status: form.status });
      const status = await devhost
        .db(`${devhost.config.tablePrefix}tickets_status`)
        .where('ticketstatusid', Number(form.status))
        .first();
      flashRedirect(
        req,
        res,
        'success',
        `${updated} ticket(s) set to ${status?.name ?? form.status}`,
        listUrl(back),
      );
    } catch (err) {
      await rejectForm(devhost, req, res, err, back);
    }
  });

  router.post('/merge', async (req, res) => {
    let back: string | undefined;
    try {
      const form = parseInput(BulkForm, req.body);
      back = form.back;
      // Perfex merges the other selected tickets into the primary; selecting the primary too is natural.
      const ids = form.ids.filter((id) => id.trim() !== form.primary?.trim());
      await devhost.tickets.merge({ primary: form.primary, ids });
      flashRedirect(
        req,
        res,
        'success',
        `Merged ${ids.length} ticket(s) into #${form.primary}`,
        listUrl(back),
      );
    } catch (err) {
      await rejectForm(devhost, req, res, err, back);
    }
  });

  return router;
}

function listUrl(back: string | undefined): string {
  return `/admin/tickets${back ?? ''}`;
}

/** A rejected bulk action: the same list again, 422, with the fields named. */
async function rejectForm(
  devhost: Devhost,
  req: Request,
  res: Response,
  err: unknown,
  back: string | undefined,
): Promise<void> {
  if (!isValidationError(err)) throw err;
  const schema = ticketListQuerySchema(
    listExtensions(await visibleColumns(devhost, pageLocals(res).staffId)),
  );
  const fromBack = schema.safeParse(Object.fromEntries(new URLSearchParams(back ?? '')));
  const query = fromBack.success ? fromBack.data : schema.parse({});
  await renderList(devhost, res, query, readableErrors(err.errors, req.body as Record<string, unknown>), 422);
}

async function renderList(
  devhost: Devhost,
  res: Response,
  query: TicketListQuery,
  errors: FieldError[],
  status = 200,
): Promise<void> {
  const { staffId } = pageLocals(res);
  const visible = await visibleColumns(devhost, staffId);
  const extensions = listExtensions(visible);
  const scope = await devhost.permissions.ticketScope(staffId);
  const [{ rows, total }, lookups] = await Promise.all([
    listTickets(devhost, query, extensions, scope),
    ticketLookups(devhost),
  ]);
  const columns = await renderModuleColumns(devhost, visible, {
    kind: 'ticket',
    ids: rows.map((r) => r.ticketid),
    language: pageLanguage(res),
    // No language: the module reads the staff member's own.
    render: (column, ids) => column.render(ids, staffId),
  });
  await renderPage(
    res,
    'pages/tickets-list',
    'Support',
    {
      rows,
      total,
      query,
      lookups,
      columns,
      errors,
      pageCount: pageCount(total),
      queryString: (overrides: Partial<Record<keyof TicketListQuery, string | number | undefined>>) =>
        listQueryString(query, overrides, TICKET_SORTS.defaultKey),
    },
    status,
  );
}

/** The module ticket-list columns this staff member may see (see visibleModuleColumns). */
export async function visibleColumns(devhost: Devhost, staffId: number): Promise<TicketListColumn[]> {
  return visibleModuleColumns(devhost, devhost.admin.columns.values(), staffId);
}
