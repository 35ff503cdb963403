import { Router } from 'express';
import type { Devhost } from '../../devhost';
import { storedHeaders, type MailboxMessage } from '../../mailbox';
import { MAIN_HEADERS, type ReadableHeader } from '../../mail-headers';
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
    await renderPage(res, 'pages/mailbox-message', message.subject ?? '(no subject)', {
      message,
      ...headerView(message),
    });
  });

  return router;
}

/**
 * The headers a reader looks for first (From, To, Subject, Date, Message-ID, as sent), then all
 * the others. Mail kept before headers were stored shows what the envelope and columns hold.
 */
function headerView(message: MailboxMessage): { main: ReadableHeader[]; others: ReadableHeader[] } {
  const all = storedHeaders(message);
  if (all.length === 0) {
    const main = [
      { name: 'From', value: message.mail_from ?? '' },
      { name: 'To', value: message.rcpt_to },
      { name: 'Subject', value: message.subject ?? '' },
      { name: 'Message-ID', value: message.message_id ?? '' },
    ];
    return { main: main.filter((h) => h.value !== ''), others: [] };
  }
  const isMain = (h: ReadableHeader) => (MAIN_HEADERS as readonly string[]).includes(h.name.toLowerCase());
  const main = MAIN_HEADERS.flatMap((name) => all.filter((h) => h.name.toLowerCase() === name));
  return { main, others: all.filter((h) => !isMain(h)) };
}
