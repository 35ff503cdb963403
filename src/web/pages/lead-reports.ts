import type { Request, Response } from 'express';
import type { PageContext, WebDeps } from '../web-deps';
import { renderModulePage } from '../module-page';
import { sendCsv } from '../csv';
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
