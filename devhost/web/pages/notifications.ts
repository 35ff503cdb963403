import { Router } from 'express';
import type { Devhost } from '../../devhost';
import { idParam, notFound, pageLocals, renderPage } from './page-kit';

interface NotificationRow {
  id: number;
  isread: number;
  date: string;
  description: string;
  link: string | null;
}

/**
 * `/admin/notifications`: the signed-in staff member's bell, as Perfex keeps it in
 * `tblnotifications` (the module's in-app alerts land there). Opening an entry marks it read and
 * follows its link, which is relative to the admin as in Perfex.
 */
export function createNotificationsRouter(devhost: Devhost): Router {
  const router = Router();
  const table = `${devhost.config.tablePrefix}notifications`;

  router.get('/', async (_req, res) => {
    const notifications: NotificationRow[] = await devhost
      .db(table)
      .where('touserid', pageLocals(res).staffId)
      .orderBy('id', 'desc')
      .limit(100)
      .select('id', 'isread', 'date', 'description', 'link');
    await renderPage(res, 'pages/notifications', 'Notifications', { notifications });
  });

  router.get('/:id/open', async (req, res) => {
    const id = idParam(req, 'id');
    const own = devhost.db(table).where({ id, touserid: pageLocals(res).staffId });
    const row: Pick<NotificationRow, 'link'> | undefined = await own.clone().first('link');
    if (!row) throw notFound(`notification ${id}`);
    await own.clone().update({ isread: 1, isread_inline: 1 });
    res.redirect(303, `/admin/${(row.link ?? '').replace(/^\/+/, '')}`);
  });

  router.post('/read', async (_req, res) => {
    await devhost
      .db(table)
      .where({ touserid: pageLocals(res).staffId, isread: 0 })
      .update({ isread: 1 });
    res.redirect(303, '/admin/notifications');
  });

  return router;
}
