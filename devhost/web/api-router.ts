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

function leadId(req: Request): number {
  const id = parseId(String(req.params.id));
  if (id === undefined) throw ValidationError.field('id', 'must be a positive decimal id');
  return id;
}

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
  mountLeadRoutes(router, devhost);
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

/**
 * The lead actions with their hooks: create, the edit form (`PUT`), the kanban drag (`PUT
 * .../status`), lost, junk, contacted today, convert, delete; and the paths with no hook
 * (`POST /leads/import`, `POST /leads/direct-write`) the module has to reconcile.
 */
function mountLeadRoutes(router: Router, devhost: Devhost): void {
  const { leads } = devhost;
  const staff = (req: Request): number => {
    const raw = (req.body as { staff?: unknown } | undefined)?.staff;
    if (raw === undefined) return 0;
    const id = parseId(String(raw));
    if (id === undefined) throw ValidationError.field('staff', 'must be a positive decimal id');
    return id;
  };
  const withoutStaff = (body: unknown): unknown => {
    if (!body || typeof body !== 'object') return body;
    const rest: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    delete rest.staff;
    return rest;
  };
  router.post(
    '/leads',
    wrap(async (req, res) => {
      res.status(201).json({ id: await leads.create(req.body) });
    }),
  );
  router.post(
    '/leads/import',
    wrap(async (req, res) => {
      const rows = (req.body as { rows?: unknown } | undefined)?.rows;
      if (!Array.isArray(rows)) throw ValidationError.field('rows', 'must be a list of leads');
      res.status(201).json({ ids: await leads.importWithoutHooks(rows) });
    }),
  );
  router.post(
    '/leads/direct-write',
    wrap(async (req, res) => {
      res.json({ updated: await leads.writeWithoutHooks(req.body) });
    }),
  );
  router.get(
    '/leads/:id',
    wrap(async (req, res) => {
      const lead = await leads.getRow(leadId(req));
      const activity = await devhost
        .db(`${devhost.config.tablePrefix}lead_activity_log`)
        .where('leadid', lead.id)
        .orderBy('id');
      res.json({ lead, activity });
    }),
  );
  router.put(
    '/leads/:id',
    wrap(async (req, res) => {
      res.json({ changed: await leads.update(leadId(req), withoutStaff(req.body), staff(req)) });
    }),
  );
  router.put(
    '/leads/:id/status',
    wrap(async (req, res) => {
      res.json({ changed: await leads.changeStatus(leadId(req), withoutStaff(req.body), staff(req)) });
    }),
  );
  const action = (path: string, run: (id: number, staffId: number) => Promise<unknown>) =>
    router.post(
      `/leads/:id/${path}`,
      wrap(async (req, res) => {
        const result = await run(leadId(req), staff(req));
        res.json(typeof result === 'number' ? { ok: true, clientId: result } : { ok: true });
      }),
    );
  action('lost', (id, s) => leads.markLost(id, s));
  action('junk', (id, s) => leads.markJunk(id, s));
  action('contacted', (id, s) => leads.markContacted(id, s));
  action('convert', (id, s) => leads.convert(id, s));
  router.delete(
    '/leads/:id',
    wrap(async (req, res) => {
      await leads.delete(leadId(req));
      res.json({ ok: true });
    }),
  );
}
