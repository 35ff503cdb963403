import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { PageContext, WebDeps } from './web-deps';
import { renderModulePage } from './module-page';
import { renderView } from '../i18n/render-view';
import { queryFieldErrors } from './query-errors';
import { stateBadge } from './state-badge';
import { minutesFromDue, timeLeftText } from './ticket-widgets';
import type { ClockState } from '../sla/clocks/sla-event';
import { FORECAST_WINDOWS } from '../sla/forecast/breach-forecast';
import { PAGE_SIZES, MONITOR_STATES, monitorUrl, type MonitorParams } from './monitor-params';

/**
 * One kind of subject the monitor lists (tickets, leads): its templates, its query and how it
 * reads its rows. The page around them (422s, the rows-only answer of the refresh, sort links,
 * paging) is the same for every kind: serveMonitor.
 */
export interface MonitorKind<Q extends MonitorParams> {
  /** The page template (views/pages/) and the rows-only one the refresh swaps in (views/). */
  view: string;
  rowsView: string;
  schema: { safeParse(input: unknown): z.ZodSafeParseResult<Q> };
  defaultSort: string;
  /** What the page shows whatever the query (the filters' options...): for a 422 too. */
  form(ctx: PageContext): Promise<Record<string, unknown>>;
  /** The visible rows of a valid query in words, their total, and the form around them. */
  list(
    query: Q,
    ctx: PageContext,
  ): Promise<{
    rows: object[];
    total: number;
    form: Record<string, unknown>;
    extra?: Record<string, unknown>;
  }>;
}

/** Answers `/monitor` for one kind: the page, its rows only (`?partial=1`), or a 422 naming the field. */
export async function serveMonitor<Q extends MonitorParams>(
  deps: WebDeps,
  kind: MonitorKind<Q>,
  req: Request,
  res: Response,
  ctx: PageContext,
): Promise<void> {
  const parsed = kind.schema.safeParse(req.query);
  const partial = req.query.partial === '1';
  const common = {
    raw: rawQuery(req),
    states: MONITOR_STATES,
    pageSizes: PAGE_SIZES,
    windows: FORECAST_WINDOWS,
  };
  if (!parsed.success) {
    const errors = queryFieldErrors(parsed.error, ctx.t, 'monitor.invalid_param');
    if (partial) {
      res.status(422).type('text/plain').send(Object.values(errors).join('\n'));
      return;
    }
    await renderModulePage(res, deps, ctx, {
      slug: 'monitor',
      view: kind.view,
      status: 422,
      data: { ...(await kind.form(ctx)), ...common, invalid: true, errors },
    });
    return;
  }
  const query = parsed.data;
  const { rows, total, form, extra } = await kind.list(query, ctx);
  // Worded like every other date of the module; to the minute is enough to tell a stale page.
  const updated = ctx.fmt(ctx.now);
  if (partial) {
    res
      // Encoded: a header carries no "März" or "sáb"; monitor.js decodes it.
      .set('X-Sla-Vigil-Updated', encodeURIComponent(updated))
      .set('X-Sla-Vigil-Total', String(total))
      // The forecast strip's counts for the same filters, refreshed with the rows.
      .set('X-Sla-Vigil-Forecast', forecastHeader(extra?.forecast))
      .set('Cache-Control', 'no-store');
    res.type('html').send(await renderView(kind.rowsView, { ...ctx, stateBadge, rows }));
    return;
  }
  const page = query.page ?? 1;
  const perPage = Number(query.per ?? PAGE_SIZES[0]);
  const sort = query.sort ?? kind.defaultSort;
  const dir = query.dir ?? 'asc';
  const href = (change: Record<string, string | number | undefined>) => monitorUrl(query, change);
  await renderModulePage(res, deps, ctx, {
    slug: 'monitor',
    view: kind.view,
    data: {
      ...form,
      ...common,
      ...extra,
      invalid: false,
      errors: {},
      query,
      rows,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / perPage)),
      updated,
      href,
      sortHeader: sortHeaders(sort, dir, href),
    },
  });
}

/** `1h=2,4h=3,24h=5`: the strip's counts for monitor.js (empty when the list has no strip). */
function forecastHeader(counts: unknown): string {
  if (!counts || typeof counts !== 'object') return '';
  const c = counts as Record<string, unknown>;
  return FORECAST_WINDOWS.map((w) => `${w}=${Number(c[w] ?? 0)}`).join(',');
}

/**
 * A sortable column's link and aria-sort: a click on the current column turns its direction, on
 * another one sorts ascending from the first page.
 */
export function sortHeaders(
  sort: string,
  dir: 'asc' | 'desc',
  href: (change: Record<string, string | number | undefined>) => string,
) {
  return (column: string): { href: string; aria: 'ascending' | 'descending' | null } => {
    const active = sort === column;
    const nextDir = active && dir === 'asc' ? 'desc' : 'asc';
    return {
      href: href({ sort: column, dir: nextDir, page: undefined }),
      aria: active ? (dir === 'asc' ? 'ascending' : 'descending') : null,
    };
  };
}

/** The submitted values as strings, to refill the form after a 422. */
function rawQuery(req: Request): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.query).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
  );
}

/** What every monitor row says the same way: its owner, its policy and its clock's time left. */
export function rowWords(
  r: { state: string; dueAt: Date | null; assigned: number; policyId: number | null },
  staff: ReadonlyMap<string, string>,
  policies: ReadonlyMap<number, string>,
  ctx: PageContext,
) {
  const running = r.dueAt !== null && r.state !== 'paused';
  return {
    agentName:
      r.assigned === 0 ? ctx.t('monitor.unassigned') : (staff.get(String(r.assigned)) ?? `#${r.assigned}`),
    policyName: r.policyId === null ? null : (policies.get(r.policyId) ?? `#${r.policyId}`),
    overdue: running && minutesFromDue(r.dueAt as Date, ctx.now).overdue,
    // The badge's words and rounding (ticket-widgets), so monitor and host lists never disagree.
    timeLeft: running ? timeLeftText(ctx.t, r.state as ClockState, r.dueAt as Date, ctx.now) : '—',
  };
}
