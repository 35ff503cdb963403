import { Router, type Response } from 'express';
import type { PageContext, WebDeps } from '../web-deps';
import { pageContext } from '../web-deps';
import { renderModulePage } from '../module-page';
import { asyncRoute } from '../async-route';
import { loadNames } from '../view-helpers';
import { sendCsv, type CsvCell } from '../csv';
import { parseReportQuery, reportQueryString, type ReportForm } from '../report-filter';
import { buildReportTable, type ReportTable } from '../report-table';
import { REPORT_GROUPS, type ReportFilter } from '../../store/read/report-service';
import { CLOCK_METRICS, CLOCK_SCOPES } from '../../sla/config';
import { leadReportHandlers } from './lead-reports';

/** `?subject=`: tickets (absent or `ticket`), `lead` where the host has leads, else an error. */
function subjectOf(query: Record<string, unknown>, hasLeads: boolean): 'ticket' | 'lead' | 'bad' {
  const subject = query.subject;
  if (subject === undefined || subject === '' || subject === 'ticket') return 'ticket';
  return subject === 'lead' && hasLeads ? 'lead' : 'bad';
}

/**
 * `/admin/sla_vigil/reports`: compliance per policy, department, agent or metric over a date
 * range, with the same table as CSV (`export.csv`) and one row per finished clock (`tickets.csv`).
 */
export function createReportsPage(deps: WebDeps): Router {
  const router = Router();
  const { host, services } = deps;
  const reports = services.reports;
  const leads = leadReportHandlers(deps);
  const hasLeads = host.leads !== undefined;

  const table = async (ctx: PageContext, filter: ReportFilter): Promise<ReportTable> => {
    const [report, names, book] = await Promise.all([
      reports.report(filter),
      loadNames(host.tickets),
      services.clocks.policyBook(),
    ]);
    const policies = new Map(book.policies.map((p) => [String(p.id), p.name]));
    return buildReportTable(report, filter.groupBy, { names, policies }, ctx.t, ctx.lang);
  };

  const render = (
    res: Response,
    ctx: PageContext,
    form: ReportForm,
    data: { table: ReportTable | null; errors: Record<string, string> },
  ): Promise<void> =>
    renderModulePage(res, deps, ctx, {
      slug: 'reports',
      view: 'reports',
      status: data.table ? 200 : 422,
      data: {
        form,
        groups: REPORT_GROUPS,
        metrics: CLOCK_METRICS,
        scopes: CLOCK_SCOPES,
        hasLeads,
        query: reportQueryString(form),
        ...data,
      },
    });

  const badSubject = (res: Response, ctx: PageContext, form: ReportForm): Promise<void> =>
    render(res, ctx, form, { table: null, errors: { subject: 'bad_subject' } });

  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const subject = subjectOf(req.query, hasLeads);
      if (subject === 'lead') return leads.page(req, res, ctx);
      const parsed = parseReportQuery(req.query, ctx.zone, ctx.now);
      if (subject === 'bad') return badSubject(res, ctx, parsed.form);
      if (!parsed.ok) return render(res, ctx, parsed.form, { table: null, errors: parsed.errors });
      const filter = { ...parsed.filter, departments: ctx.departments };
      await render(res, ctx, parsed.form, { table: await table(ctx, filter), errors: {} });
    }),
  );

  router.get(
    '/export.csv',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const subject = subjectOf(req.query, hasLeads);
      if (subject === 'lead') return leads.csv(req, res, ctx);
      const parsed = parseReportQuery(req.query, ctx.zone, ctx.now);
      if (subject === 'bad') return badSubject(res, ctx, parsed.form);
      if (!parsed.ok) return render(res, ctx, parsed.form, { table: null, errors: parsed.errors });
      const shown = await table(ctx, { ...parsed.filter, departments: ctx.departments });
      const { from, to, group, scope } = parsed.form;
      const scoped = scope === 'internal' ? '-internal' : '';
      await sendCsv(res, `sla-report-${group}${scoped}-${from}-${to}.csv`, shown.header, [
        ...shown.rows.map((r) => r.cells),
        shown.total,
      ]);
    }),
  );

  router.get(
    '/leads.csv',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      if (!hasLeads) return badSubject(res, ctx, parseReportQuery(req.query, ctx.zone, ctx.now).form);
      await leads.windowsCsv(req, res, ctx);
    }),
  );

  router.get(
    '/tickets.csv',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const parsed = parseReportQuery(req.query, ctx.zone, ctx.now);
      if (!parsed.ok) return render(res, ctx, parsed.form, { table: null, errors: parsed.errors });
      const filter = { ...parsed.filter, departments: ctx.departments };
      const [names, book] = await Promise.all([loadNames(host.tickets), services.clocks.policyBook()]);
      const policies = new Map(book.policies.map((p) => [p.id, p.name]));
      const { t, csvTime } = ctx;
      const time = (d: Date | null): string => (d ? csvTime(d) : '');
      const header = [
        'ticket_id',
        'subject',
        'client',
        'department',
        'agent',
        'policy',
        'metric',
        'cycle',
        'started',
        'due',
        'met',
        'breached',
        'state',
        'scope',
      ].map((c) => t(`reports.ticket_col_${c}`, { zone: ctx.zone }));
      async function* rows(): AsyncGenerator<CsvCell[]> {
        for await (const batch of reports.ticketRows(filter)) {
          for (const { clock, ticket, clientName } of batch) {
            yield [
              clock.subjectId,
              ticket?.subject ?? '',
              clientName,
              clock.department === null ? '' : (names.department.get(String(clock.department)) ?? ''),
              clock.assigned ? (names.staff.get(String(clock.assigned)) ?? '') : '',
              clock.policyId === null ? '' : (policies.get(clock.policyId) ?? `#${clock.policyId}`),
              t(`metrics.${clock.metric}`),
              clock.cycle,
              time(clock.startedAt),
              time(clock.dueAt),
              time(clock.metAt),
              time(clock.breachedAt),
              t(`states.${clock.state}`, { defaultValue: clock.state }),
              t(`reports.scope_${clock.scope}`),
            ];
          }
        }
      }
      const { from, to } = parsed.form;
      await sendCsv(res, `sla-tickets-${from}-${to}.csv`, header, rows());
    }),
  );
  return router;
}
