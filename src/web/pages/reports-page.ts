import { Router } from 'express';
import type { WebDeps } from '../web-deps';

/** `/admin/sla_vigil/reports` (placeholder: built by issue 5). */
export function createReportsPage(_deps: WebDeps): Router {
  return Router();
}
