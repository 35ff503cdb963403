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
  pageLocals,
  readableErrors,
  renderPage,
  type FieldError,
} from './page-kit';
import {
  listTickets,
  PAGE_SIZE,
  ticketListQuerySchema,
  type ListExtension,
  type TicketListQuery,
} from './ticket-query';

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
  const ids = rows.map((r) => r.ticketid);
  const columns = await moduleColumns(devhost, visible, ids, staffId, String(res.locals.language ?? 'en'));
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
      pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      queryString: (overrides: Partial<Record<keyof TicketListQuery, string | number | undefined>>) =>
        queryString(query, overrides),
    },
    status,
  );
}

/**
 * The module columns this staff member may see (a column without a permission is for everyone),
 * without their filter and sort when those ask for a permission the staff member lacks.
 */
export async function visibleColumns(devhost: Devhost, staffId: number): Promise<TicketListColumn[]> {
  const can = (p: TicketListColumn['permission']) =>
    !p || devhost.host.permissions.can(staffId, p.feature, p.capability);
  const columns = [...devhost.admin.columns.values()];
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
function listExtensions(columns: readonly TicketListColumn[]): ListExtension[] {
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
  /** Set when the column filters and sorts the list: its query parameter and filter choices. */
  param?: string;
  filterOptions: { value: string; label: string }[];
}

/** Each module column renders all rows of the page in one call; a failing module leaves its cells empty. */
async function moduleColumns(
  devhost: Devhost,
  visible: readonly TicketListColumn[],
  ids: number[],
  staffId: number,
  language: string,
): Promise<ModuleColumn[]> {
  return Promise.all(
    visible.map(async (column) => {
      let cells = new Map<number, string>();
      if (ids.length > 0) {
        try {
          cells = await column.render(ids, staffId);
        } catch (err) {
          devhost.host.logger.error({ err, column: column.key }, 'ticket list column failed to render');
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

const DEFAULTS: Partial<Record<keyof TicketListQuery, string>> = { page: '1', sort: 'date', dir: 'desc' };

/** The list URL's query string with some parameters changed; defaults are left out to keep links short. */
function queryString(
  query: TicketListQuery,
  overrides: Partial<Record<keyof TicketListQuery, string | number | undefined>>,
): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | number | undefined> = { ...query, ...overrides };
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '') continue;
    if (DEFAULTS[key as keyof TicketListQuery] === String(value)) continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
