import { Router } from 'express';
import type { Devhost } from '../../devhost';
import { pageLocals, renderPage } from './page-kit';

interface StatusCount {
  id: number;
  name: string;
  count: number;
}

/**
 * `/admin`: the admin home, like Perfex's dashboard: a summary of the tickets assigned to the
 * signed-in staff member, then the widgets modules registered (Perfex: `get_dashboard_widgets`).
 */
export function createHomeRouter(devhost: Devhost): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const { staffId } = pageLocals(res);
    const language = String(res.locals.language ?? 'en');
    const [mine, widgets] = await Promise.all([
      myTicketsByStatus(devhost, staffId),
      moduleWidgets(devhost, staffId, language),
    ]);
    await renderPage(res, 'pages/home', 'Dashboard', { mine, widgets, staffId });
  });
  return router;
}

async function myTicketsByStatus(devhost: Devhost, staffId: number): Promise<StatusCount[]> {
  const p = devhost.config.tablePrefix;
  const rows: { id: number; name: string; count: number | string }[] = await devhost
    .db(`${p}tickets_status as s`)
    .leftJoin(`${p}tickets as t`, (join) => {
      join.on('t.status', 's.ticketstatusid').andOnVal('t.assigned', '=', staffId);
    })
    .groupBy('s.ticketstatusid', 's.name', 's.statusorder')
    .orderBy('s.statusorder')
    .select('s.ticketstatusid as id', 's.name', devhost.db.raw('COUNT(t.ticketid) as count'));
  return rows.map((r) => ({ id: r.id, name: r.name, count: Number(r.count) }));
}

/**
 * Every module widget, titled in the staff member's language; one that returns null is left out,
 * one that fails shows a note instead.
 */
async function moduleWidgets(
  devhost: Devhost,
  staffId: number,
  language: string,
): Promise<{ key: string; title: string; html: string }[]> {
  const rendered = await Promise.all(
    [...devhost.admin.widgets.values()].map(async (widget) => {
      try {
        const html = await widget.render(staffId);
        return html === null ? null : { key: widget.key, title: widget.title(language), html };
      } catch (err) {
        devhost.host.logger.error({ err, widget: widget.key }, 'dashboard widget failed to render');
        return {
          key: widget.key,
          title: widget.title(language),
          html: '<p class="muted">This widget could not be loaded.</p>',
        };
      }
    }),
  );
  return rendered.filter((w): w is { key: string; title: string; html: string } => w !== null);
}
