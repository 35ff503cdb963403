import type { Request, Response } from 'express';
import type { PageContext, WebDeps } from '../web-deps';
import { renderModulePage } from '../module-page';
import { sendCsv, type CsvCell } from '../csv';
import { loadLeadNames } from '../lead-names';
import type { ReportTable } from '../report-table';
import {
  buildLeadReportTable,
  leadGroupNames,
  leadReportQueryString,
  parseLeadReportQuery,
  type LeadReportForm,
} from '../lead-report';
import { LEAD_REPORT_GROUPS } from '../../store/read/lead-report-service';

/**
 * The reports page's lead view (`?subject=lead`): compliance of finished lead status windows
 * per market, source, status or owner, and the same table as CSV. Only where the host has leads.
 */
export function leadReportHandlers(deps: WebDeps) {
  const { host, services } = deps;

  const render = (
    res: Response,
    ctx: PageContext,
    form: LeadReportForm,
    data: { table: ReportTable | null; errors: Record<string, string> },
  ): Promise<void> =>
    renderModulePage(res, deps, ctx, {
      slug: 'reports',
      view: 'reports-leads',
      status: data.table ? 200 : 422,
      data: { form, groups: LEAD_REPORT_GROUPS, hasLeads: true, query: leadReportQueryString(form), ...data },
    });

  const table = async (req: Request, ctx: PageContext) => {
    const parsed = parseLeadReportQuery(req.query, ctx.zone, ctx.now);
    if (!parsed.ok || !host.leads) return { parsed, table: null };
    const [report, names] = await Promise.all([
      services.leadReports.report(parsed.range, parsed.groupBy),
      leadGroupNames(host.leads, host.tickets, parsed.groupBy),
    ]);
    return { parsed, table: buildLeadReportTable(report, parsed.groupBy, names, ctx.t, ctx.lang) };
  };

  return {
    async page(req: Request, res: Response, ctx: PageContext): Promise<void> {
      const { parsed, table: shown } = await table(req, ctx);
      if (!parsed.ok || !shown)
        return render(res, ctx, parsed.form, { table: null, errors: parsed.ok ? {} : parsed.errors });
      await render(res, ctx, parsed.form, { table: shown, errors: {} });
    },
    /** `/reports/leads.csv`: every finished lead window of the range, a row each, with names. */
    async windowsCsv(req: Request, res: Response, ctx: PageContext): Promise<void> {
      const parsed = parseLeadReportQuery(req.query, ctx.zone, ctx.now);
      const leads = host.leads;
      if (!parsed.ok || !leads)
        return render(res, ctx, parsed.form, { table: null, errors: parsed.ok ? {} : parsed.errors });
      const [names, book] = await Promise.all([
        loadLeadNames(host, leads),
        services.leads.clocks.policyBook(),
      ]);
      const policies = new Map(book.policies.map((p) => [p.id, p.name]));
      // 0 and null are "none": an empty cell, not the page's dash.
      const name = (book: Map<string, string> | undefined, id: number | null): string =>
        id === null || id === 0 ? '' : (book?.get(String(id)) ?? `#${id}`);
      const { t, csvTime } = ctx;
      const { range } = parsed;
      const gateway = leads;
      const time = (d: Date | null): string => (d ? csvTime(d) : '');
      const header = [
        'lead_id',
        'name',
        'company',
        'market',
        'source',
        'owner',
        'policy',
        'status',
        'cycle',
        'started',
        'due',
        'met',
        'breached',
        'state',
      ].map((c) => t(`reports.leads.window_col_${c}`, { zone: ctx.zone }));
      async function* rows(): AsyncGenerator<CsvCell[]> {
        for await (const batch of services.leadReports.windows(range)) {
          const hostLeads = new Map(
            (await gateway.getLeads([...new Set(batch.map((w) => w.subjectId))])).map((l) => [l.id, l]),
          );
          for (const w of batch) {
            const lead = hostLeads.get(w.subjectId);
            yield [
              w.subjectId,
              lead?.name ?? '',
              lead?.company ?? '',
              name(names.country, w.country),
              name(names.source, w.source),
              name(names.staff, w.assigned),
              w.policyId === null ? '' : (policies.get(w.policyId) ?? `#${w.policyId}`),
              name(names.status, w.status),
              w.cycle,
              time(w.startedAt),
              time(w.dueAt),
              time(w.metAt),
              time(w.breachedAt),
              t(`states.${w.state}`, { defaultValue: w.state }),
            ];
          }
        }
      }
      const { from, to } = parsed.form;
      await sendCsv(res, `sla-lead-windows-${from}-${to}.csv`, header, rows());
    },
    async csv(req: Request, res: Response, ctx: PageContext): Promise<void> {
      const { parsed, table: shown } = await table(req, ctx);
      if (!parsed.ok || !shown)
        return render(res, ctx, parsed.form, { table: null, errors: parsed.ok ? {} : parsed.errors });
      const { from, to, group } = parsed.form;
      await sendCsv(res, `sla-lead-report-${group}-${from}-${to}.csv`, shown.header, [
        ...shown.rows.map((r) => r.cells),
        shown.total,
      ]);
    },
  };
}
