import { Router, type Response } from 'express';
import type { PageContext, WebDeps } from '../web-deps';
import { pageContext } from '../web-deps';
import { renderModulePage } from '../module-page';
import { asyncRoute } from '../async-route';
import { loadNames, type NameBook } from '../view-helpers';
import { sendCsv, type CsvCell } from '../csv';
import { auditQueryString, parseAuditQuery, type AuditForm } from '../audit-filter';
import { detailChanges, detailPairs, detailText } from '../audit-details';
import type { AuditRow } from '../../store/read/audit-queries';
import { loadAuditNames, type AuditNames } from '../audit-names';

const PAGE_SIZE = 50;
/** A configuration change with more lines than this shows them folded, behind "N changes — show". */
const LONG_DIFF = 8;

/** `/admin/sla_vigil/audit` (manage): the audit log, newest first, filtered and paged, and as CSV. */
export function createAuditPage(deps: WebDeps): Router {
  const router = Router();
  const { host } = deps;
  const audit = deps.services.auditQueries;
  const auditNames = async (): Promise<AuditNames> =>
    loadAuditNames(host.tickets, await deps.services.config.load());

  const staffName = (ctx: PageContext, names: NameBook, id: number | null): string =>
    id === null ? ctx.t('audit.system') : (names.staff.get(String(id)) ?? `#${id}`);
  const actionName = (ctx: PageContext, action: string): string =>
    ctx.t(`audit.actions.${action.replace('.', '_')}`, { defaultValue: action });

  const render = async (
    res: Response,
    ctx: PageContext,
    form: AuditForm,
    data: { rows: AuditRow[] | null; total: number; page: number; errors: Record<string, string> },
  ): Promise<void> => {
    const [names, actions, staff, named] = await Promise.all([
      loadNames(host.tickets),
      audit.actions(),
      host.tickets.listStaff(),
      auditNames(),
    ]);
    await renderModulePage(res, deps, ctx, {
      slug: 'audit',
      view: 'audit',
      status: data.rows ? 200 : 422,
      data: {
        ...data,
        form,
        query: auditQueryString(form),
        pages: Math.max(1, Math.ceil(data.total / PAGE_SIZE)),
        actions: actions.map((a) => ({ value: a, label: actionName(ctx, a) })),
        staffOptions: staff.map((s) => ({ value: String(s.id), label: `${s.firstname} ${s.lastname}` })),
        staffName: (id: number | null) => staffName(ctx, names, id),
        actionName: (a: string) => actionName(ctx, a),
        detailPairs: (details: string | null, action: string) => detailPairs(details, ctx.t, named, action),
        detailChanges: (details: string | null) => detailChanges(details, ctx.t, named),
        longDiff: LONG_DIFF,
      },
    });
  };

  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const parsed = parseAuditQuery(req.query, ctx.zone);
      if (!parsed.ok)
        return render(res, ctx, parsed.form, { rows: null, total: 0, page: 1, errors: parsed.errors });
      const [total, rows] = await Promise.all([
        audit.count(parsed.filter),
        audit.page(parsed.filter, (parsed.page - 1) * PAGE_SIZE, PAGE_SIZE),
      ]);
      await render(res, ctx, parsed.form, { rows, total, page: parsed.page, errors: {} });
    }),
  );

  router.get(
    '/export.csv',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const parsed = parseAuditQuery(req.query, ctx.zone);
      if (!parsed.ok)
        return render(res, ctx, parsed.form, { rows: null, total: 0, page: 1, errors: parsed.errors });
      const { filter } = parsed;
      const [names, named] = await Promise.all([loadNames(host.tickets), auditNames()]);
      const header = ['when', 'action', 'staff', 'subject_type', 'subject_id', 'details'].map((c) =>
        ctx.t(`audit.col_${c}`, { zone: ctx.zone }),
      );
      async function* rows(): AsyncGenerator<CsvCell[]> {
        for await (const batch of audit.eachBatch(filter)) {
          for (const r of batch) {
            yield [
              ctx.csvTime(r.createdAt),
              actionName(ctx, r.action),
              staffName(ctx, names, r.staffId),
              r.subjectType,
              r.subjectId,
              detailText(r.details, ctx.t, named, r.action),
            ];
          }
        }
      }
      await sendCsv(res, `sla-audit-${ctx.csvTime(ctx.now).slice(0, 10)}.csv`, header, rows());
    }),
  );
  return router;
}
