import { Router } from 'express';
import type { Devhost } from '../devhost';

/** The devhost's own admin pages (ticket list, ticket view, roles, modules, mailbox). */
export function createAdminPages(_devhost: Devhost): Router {
  const router = Router();
  router.get('/', (_req, res) => res.redirect('/admin/tickets'));
  return router;
}
