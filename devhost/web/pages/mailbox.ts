import { Router } from 'express';
import type { Devhost } from '../../devhost';
import { idParam, notFound, renderPage } from './page-kit';

/** `/admin/mailbox`: what the devhost's SMTP sink received (the module's notification emails). */
export function createMailboxRouter(devhost: Devhost): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const messages = await devhost.mailbox.list();
    await renderPage(res, 'pages/mailbox-list', 'Mailbox', { messages });
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req, 'id');
    const message = await devhost.mailbox.get(id);
    if (!message) throw notFound(`message ${id}`);
    await renderPage(res, 'pages/mailbox-message', message.subject ?? '(no subject)', { message });
  });

  return router;
}
