import { Router } from 'express';
import type { Devhost } from '../../devhost';

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * `/admin/status-colors.css`: one class per ticket status in its `statuscolor` and per lead status
 * in its `color`, so labels need no inline style. Colours that are not #rgb / #rrggbb are skipped (they came from the database).
 */
export function createStatusStylesRouter(devhost: Devhost): Router {
  const router = Router();
  router.get('/status-colors.css', async (_req, res) => {
    const [statuses, leadStatuses] = await Promise.all([
      devhost.host.tickets.listStatuses(),
      devhost.db(`${devhost.config.tablePrefix}leads_status`).select('id', 'color'),
    ]);
    const rule = (kind: string, id: number, color: string) =>
      `.${kind}-status-${id}{color:${color};border-color:${color};` +
      `background:color-mix(in srgb, ${color} 10%, #fff)}`;
    const css = [
      ...statuses.map((s) => ({ kind: 'ticket', id: s.id, color: s.color })),
      ...leadStatuses.map((s: { id: number; color: string | null }) => ({
        kind: 'lead',
        id: s.id,
        color: s.color ?? '',
      })),
    ]
      .filter((s) => Number.isInteger(s.id) && HEX_COLOR.test(s.color))
      .map((s) => rule(s.kind, s.id, s.color))
      .join('\n');
    res.type('text/css').set('Cache-Control', 'no-cache').send(css);
  });
  return router;
}
