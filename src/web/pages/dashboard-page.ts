import { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { pageContext } from '../web-deps';
import { renderModulePage } from '../module-page';
import { asyncRoute } from '../async-route';
import { describeChange, loadNames } from '../view-helpers';

/** `/admin/sla_vigil`: the manager's one page. */
export function createDashboardPage(deps: WebDeps): Router {
  const router = Router();
  const { host, services } = deps;
  router.get(
    '/',
    asyncRoute(async (_req, res) => {
      const ctx = await pageContext(res, deps);
      const [events, total, states, names] = await Promise.all([
        services.timeline.recent(50),
        services.timeline.count(),
        services.subjects.countByState(),
        loadNames(host.tickets),
      ]);
      await renderModulePage(res, deps, ctx, {
        slug: 'dashboard',
        view: 'dashboard',
        title: ctx.t('dashboard.title'),
        data: { events, total, states, names, describeChange },
      });
    }),
  );
  return router;
}
