import crypto from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Devhost } from '../devhost';
import { ValidationError } from '../validation-error';
import { parseId } from '../../src/sla/strict-input';

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap =
  (handler: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };

function ticketId(req: Request): number {
  // Decimal digits only: `0x12d`, `1e2` or `+301` are refused, never read as ticket 301 or 100.
  const id = parseId(String(req.params.id));
  if (id === undefined) throw ValidationError.field('ticketid', 'must be a positive decimal id');
  return id;
}

/**
 * JSON API for scripts and tests (`Authorization: Bearer <token>`): the same ticket actions as
 * the admin, with the same hooks (and the same absence of hooks for bulk actions and merges).
 */
export function createApiRouter(devhost: Devhost): Router {
  const router = Router();
  const expected = Buffer.from(devhost.config.apiToken);
  router.use((req, res, next) => {
    const given = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      res.status(401).json({ error: 'unauthorized', message: 'Authorization: Bearer <token> required' });
      return;
    }
    next();
  });
  const { tickets } = devhost;

  router.post(
    '/tickets',
    wrap(async (req, res) => {
      res.status(201).json({ id: await tickets.create(req.body) });
    }),
  );
  router.get(
    '/tickets/:id',
    wrap(async (req, res) => {
      const row = await tickets.getRow(ticketId(req));
      const replies = await devhost
        .db(`${devhost.config.tablePrefix}ticket_replies`)
        .where('ticketid', row.ticketid)
        .orderBy('id');
      res.json({ ticket: row, replies });
    }),
  );
  router.post(
    '/tickets/:id/replies',
    wrap(async (req, res) => {
      res.status(201).json({ id: await tickets.reply(ticketId(req), req.body) });
    }),
  );
  router.put(
    '/tickets/:id/status',
    wrap(async (req, res) => {
      await tickets.changeStatus(ticketId(req), req.body);
      res.json({ ok: true });
    }),
  );
  router.put(
    '/tickets/:id/settings',
    wrap(async (req, res) => {
      await tickets.updateSettings(ticketId(req), req.body);
      res.json({ ok: true });
    }),
  );
  router.delete(
    '/tickets/:id',
    wrap(async (req, res) => {
      await tickets.delete(ticketId(req));
      res.json({ ok: true });
    }),
  );
  router.post(
    '/tickets/bulk-status',
    wrap(async (req, res) => {
      res.json({ updated: await tickets.bulkStatus(req.body) });
    }),
  );
  router.post(
    '/tickets/merge',
    wrap(async (req, res) => {
      await tickets.merge(req.body);
      res.json({ ok: true });
    }),
  );
  router.post(
    '/cron/run',
    wrap(async (_req, res) => {
      await devhost.hooks.fire('after_cron_run', true);
      res.json({ ok: true });
    }),
  );
  router.get(
    '/mailbox',
    wrap(async (_req, res) => {
      res.json({ messages: await devhost.mailbox.list() });
    }),
  );
  router.use((_req, res) => res.status(404).json({ error: 'not_found' }));
  return router;
}
