import { Router } from 'express';
import type { Devhost } from '../../devhost';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * `/admin/status-colors.css`: one class per ticket status in its `statuscolor`, so labels need no
 * inline style. Colours that are not #rgb / #rrggbb are skipped (they came from the database).
 */
export function createStatusStylesRouter(devhost: Devhost): Router {
  const router = Router();
  router.get('/status-colors.css', async (_req, res) => {
    const statuses = await devhost.host.tickets.listStatuses();
    const css = statuses
      .filter((s) => Number.isInteger(s.id) && HEX_COLOR.test(s.color))
      .map(
        (s) =>
          `.ticket-status-${s.id}{color:${s.color};border-color:${s.color};` +
          `background:color-mix(in srgb, ${s.color} 10%, #fff)}`,
      )
      .join('\n');
    res.type('text/css').set('Cache-Control', 'no-cache').send(css);
  });
  return router;
}
