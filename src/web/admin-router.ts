import { Router } from 'express';
import type { i18n } from 'i18next';
import type { AdminLocals, HostContext } from '../host/host-context';
import type { TimelineRepository } from '../store/timeline-repository';
import { requirePermission } from './require-permission';
import { renderView } from './render';
import { translatorFor } from './i18n';

export interface AdminRouterDeps {
  host: HostContext;
  timeline: TimelineRepository;
  translator: i18n;
}

/** `/admin/sla_vigil`: the module's pages inside the host admin. */
export function createAdminRouter({ host, timeline, translator }: AdminRouterDeps): Router {
  const router = Router();
  router.use(requirePermission(host.permissions, 'view'));

  router.get('/', async (_req, res) => {
    const locals = res.locals as AdminLocals;
    const t = translatorFor(translator, locals.language);
    const [events, total] = await Promise.all([timeline.recent(50), timeline.count()]);
    const bodyHtml = await renderView('pages/dashboard', { t, events, total });
    host.admin.renderPage(res, { title: t('dashboard.title'), bodyHtml });
  });

  return router;
}
