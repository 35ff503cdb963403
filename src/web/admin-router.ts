import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { MODULE_ROOT } from '../manifest';
import { requirePermission } from './require-permission';
import { createApiRouter } from './api-router';
import type { WebDeps } from './web-deps';
import { createDashboardPage } from './pages/dashboard-page';
import { createMonitorPage } from './pages/monitor-page';
import { createReportsPage } from './pages/reports-page';
import { createSettingsPage } from './pages/settings-page';
import { createRuleTesterPage } from './pages/rule-tester-page';
import { createAuditPage } from './pages/audit-page';
import { refuseCrossOrigin } from './same-origin';

export type AdminRouterDeps = WebDeps;

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * `/admin/sla_vigil`: the module's pages inside the host admin, its JSON API and its assets.
 * The assets (the countdown script of the badge, tab and widget) need view own; view opens
 * everything else below; settings, the rule tester and the audit log need manage.
 * Nothing here may be cached (ticket data, tokens in forms), and writes from other sites are refused.
 */
export function createAdminRouter(deps: WebDeps): Router {
  const { host, services, translator } = deps;
  const router = Router();
  const manage = requirePermission(host, 'manage', translator);
  router.use(noStore);
  router.use(refuseCrossOrigin(host, translator));
  const viewOwn = requirePermission(host, 'view_own', translator);
  router.use('/assets', viewOwn, express.static(path.join(MODULE_ROOT, 'assets'), { cacheControl: false }));
  // A missing asset is a plain 404: the static server's own error names the file's path on disk.
  router.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  router.use(requirePermission(host, 'view', translator));
  router.use('/api', createApiRouter(host, services));
  router.use('/monitor', createMonitorPage(deps));
  router.use('/reports', createReportsPage(deps));
  router.use('/settings', manage, createSettingsPage(deps));
  router.use('/rule-tester', manage, createRuleTesterPage(deps));
  router.use('/audit', manage, createAuditPage(deps));
  router.use('/', createDashboardPage(deps));
  return router;
}
