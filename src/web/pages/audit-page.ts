import { Router } from 'express';
import type { WebDeps } from '../web-deps';

/** `/admin/sla_vigil/audit` (placeholder: built by issue 5). */
export function createAuditPage(_deps: WebDeps): Router {
  return Router();
}
