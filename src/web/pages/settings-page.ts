import { Router, type NextFunction, type Request, type Response } from 'express';
import type { WebDeps } from '../web-deps';
import { createIndexRoutes } from '../settings/index-routes';
import { createCalendarRoutes } from '../settings/calendar-routes';
import { createPolicyRoutes } from '../settings/policy-routes';
import { createDigestRoutes } from '../settings/digest-routes';
import { createOnCallRoutes } from '../settings/on-call-routes';
import { createWorkingHoursRoutes } from '../settings/working-hours-routes';
import { createWebhookRoutes } from '../settings/webhook-routes';
import { UnexpectedFormError } from '../settings/form-values';
import { renderUnexpectedForm } from '../settings/settings-index';

/**
 * `/admin/sla_vigil/settings` (manage, checked by the admin router): calendars, policies and their
 * order, general settings, configuration import/export. Every write goes through the config
 * service, which validates the whole resulting document, audits it and bumps the version.
 */
export function createSettingsPage(deps: WebDeps): Router {
  const router = Router();
  router.use(createIndexRoutes(deps));
  router.use(createCalendarRoutes(deps));
  router.use(createPolicyRoutes(deps));
  router.use(createDigestRoutes(deps));
  router.use(createOnCallRoutes(deps));
  router.use(createWorkingHoursRoutes(deps));
  router.use(createWebhookRoutes(deps));
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof UnexpectedFormError)) return next(err);
    renderUnexpectedForm(res, deps, err).catch(next);
  });
  return router;
}
