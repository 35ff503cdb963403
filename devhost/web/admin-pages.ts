import { Router } from 'express';
import type { Devhost } from '../devhost';
import { pageErrorHandler, requireAdmin } from './pages/page-kit';
import { createHomeRouter } from './pages/home';
import { createStatusStylesRouter } from './pages/status-styles';
import { createTicketsListRouter } from './pages/tickets-list';
import { createTicketNewRouter } from './pages/ticket-new';
import { createTicketViewRouter } from './pages/ticket-view';
import { createLeadsListRouter } from './pages/leads-list';
import { createLeadNewRouter } from './pages/lead-new';
import { createLeadViewRouter } from './pages/lead-view';
import { createRolesRouter } from './pages/roles';
import { createStaffRouter } from './pages/staff-permissions';
import { createModulesRouter } from './pages/modules';
import { createMailboxRouter } from './pages/mailbox';
import { createNotificationsRouter } from './pages/notifications';

/** The devhost's own admin pages (home, tickets, leads, notifications, roles, staff, modules, mailbox). */
export function createAdminPages(devhost: Devhost): Router {
  const router = Router();
  // The layout marks the current sidebar entry; module pages pass through here too.
  router.use((req, res, next) => {
    res.locals.currentPath = req.originalUrl.split('?')[0];
    next();
  });
  // Perfex's /admin is its dashboard, where modules add widgets.
  router.use(createHomeRouter(devhost));
  router.use(createStatusStylesRouter(devhost));
  router.use('/tickets', createTicketsListRouter(devhost));
  router.use('/tickets', createTicketNewRouter(devhost));
  router.use('/tickets', createTicketViewRouter(devhost));
  router.use('/leads', createLeadsListRouter(devhost));
  router.use('/leads', createLeadNewRouter(devhost));
  router.use('/leads', createLeadViewRouter(devhost));
  router.use('/notifications', createNotificationsRouter(devhost));
  // Every email the module sent, to anyone: administrators only.
  router.use('/mailbox', requireAdmin, createMailboxRouter(devhost));
  router.use('/roles', requireAdmin, createRolesRouter(devhost));
  router.use('/staff', requireAdmin, createStaffRouter(devhost));
  router.use('/modules', requireAdmin, createModulesRouter(devhost));
  router.use(pageErrorHandler());
  return router;
}
