import { Router } from 'express';
import type { WebDeps } from '../web-deps';

/** `/admin/sla_vigil/monitor` (placeholder: built by issue 5). */
export function createMonitorPage(_deps: WebDeps): Router {
  return Router();
}
