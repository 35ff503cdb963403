import { Router } from 'express';
import type { i18n } from 'i18next';
import type { AdminLocals, HostContext } from '../host/host-context';
import type { ModuleServices } from '../services/module-services';
import { requirePermission } from './require-permission';
import { renderView } from './render';
import { translatorFor } from './i18n';
import { createApiRouter } from './api-router';
import { stateBadge } from './state-badge';
import { describeChange, loadNames, timeFormatter } from './view-helpers';

export interface AdminRouterDeps {
  host: HostContext;
  services: ModuleServices;
  translator: i18n;
}

/** `/admin/sla_vigil`: the module's pages inside the host admin, and its JSON API. */
export function createAdminRouter({ host, services, translator }: AdminRouterDeps): Router {
  const router = Router();
  router.use(requirePermission(host, 'view', translator));
  router.use('/api', createApiRouter(host, services));

  router.get('/', async (_req, res) => {
    const locals = res.locals as AdminLocals;
    const t = translatorFor(translator, locals.language);
    const [events, total, states, names] = await Promise.all([
      services.timeline.recent(50),
      services.timeline.count(),
      services.subjects.countByState(),
      loadNames(host.tickets),
    ]);
    const bodyHtml = await renderView('pages/dashboard', {
      t,
      events,
      total,
      states,
      stateBadge,
      names,
      describeChange,
      fmt: timeFormatter(host.timezone),
      zone: host.timezone,
    });
    host.admin.renderPage(res, { title: t('dashboard.title'), bodyHtml });
  });

  return router;
}
