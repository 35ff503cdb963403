import { Router } from 'express';
import type { WebDeps } from '../web-deps';

/** `/admin/sla_vigil/rule-tester` (placeholder: built by issue 5). */
export function createRuleTesterPage(_deps: WebDeps): Router {
  return Router();
}
