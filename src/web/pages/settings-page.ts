import { Router } from 'express';
import type { WebDeps } from '../web-deps';

/** `/admin/sla_vigil/settings` (placeholder: built by issue 5). */
export function createSettingsPage(_deps: WebDeps): Router {
  return Router();
}
