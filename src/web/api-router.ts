import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { AdminLocals, HostContext } from '../host/host-context';
import type { ModuleServices } from '../services/module-services';
import { ConfigError } from '../sla/config';
import { importHolidays } from '../sla/calendar';
import { CalendarError } from '../sla/calendar/calendar-error';
import { requirePermission } from './require-permission';
import { inTicketScope, viewerTicketScope } from './ticket-scope';

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap =
  (handler: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };

function invalid(res: Response, field: string, message: string): void {
  res.status(422).json({ error: 'invalid_input', issues: [{ path: field, message }] });
}

/** `/admin/sla_vigil/api`: one ticket's SLA (view), configuration one piece at a time (manage). */
export function createApiRouter(host: HostContext, services: ModuleServices): Router {
  const router = Router();
  const manage = requirePermission(host, 'manage');
  router.use(express.json({ limit: '2mb' }));
  const staffId = (res: Response): number => (res.locals as AdminLocals).staffId;
  // A ticket the host's own rules hide from the viewer reads as unknown (404), not as forbidden:
  // the answer must not tell which ticket ids exist in other departments.
  const canSee = async (ticketId: number, viewer: number): Promise<boolean> => {
    const scope = await viewerTicketScope(host.permissions, viewer);
    if ('all' in scope) return true;
    const ticket = await host.tickets.getTicket(ticketId);
    return ticket !== null && inTicketScope(scope, ticket.department);
  };

  router.get(
    '/tickets/:id',
    wrap(async (req, res) => {
      const id = Number(req.params.id);
      if (!Number.isInteger(id) || id <= 0) return invalid(res, 'id', 'must be a positive integer');
      const now = req.query.now === undefined ? host.clock.now() : new Date(String(req.query.now));
      if (Number.isNaN(now.getTime())) return invalid(res, 'now', 'must be an ISO-8601 instant');
      const sla = (await canSee(id, staffId(res)))
        ? await services.ticketSla.get(id, now, host.timezone)
        : null;
      if (!sla) {
        res.status(404).json({ error: 'not_found', message: `ticket ${id} is not known to SLA Vigil` });
        return;
      }
      res.json(sla);
    }),
  );

  router.get(
    '/config',
    manage,
    wrap(async (_req, res) => {
      res.json(await services.config.export());
    }),
  );
  router.put(
    '/config',
    manage,
    wrap(async (req, res) => {
      res.json(await services.config.import(req.body, staffId(res)));
    }),
  );

  for (const kind of ['calendars', 'policies'] as const) {
    router.get(
      `/${kind}`,
      manage,
      wrap(async (_req, res) => {
        res.json((await services.config.export())[kind]);
      }),
    );
    router.get(
      `/${kind}/:key`,
      manage,
      wrap(async (req, res) => {
        const item = (await services.config.export())[kind].find((x) => x.key === req.params.key);
        if (!item)
          res
            .status(404)
            .json({ error: 'not_found', message: `no ${kind} entry with key "${req.params.key}"` });
        else res.json(item);
      }),
    );
    router.put(
      `/${kind}/:key`,
      manage,
      wrap(async (req, res) => {
        const body = req.body as Record<string, unknown>;
        if (body.key !== undefined && body.key !== req.params.key)
          return invalid(res, 'key', 'must match the URL');
        const input = { ...body, key: req.params.key };
        const saved =
          kind === 'calendars'
            ? await services.config.saveCalendar(input, staffId(res))
            : await services.config.savePolicy(input, staffId(res));
        res.json(saved);
      }),
    );
    router.delete(
      `/${kind}/:key`,
      manage,
      wrap(async (req, res) => {
        const key = String(req.params.key);
        const deleted =
          kind === 'calendars'
            ? await services.config.deleteCalendar(key, staffId(res))
            : await services.config.deletePolicy(key, staffId(res));
        if (!deleted)
          res.status(404).json({ error: 'not_found', message: `no ${kind} entry with key "${key}"` });
        else res.json({ deleted: key });
      }),
    );
  }

  router.post(
    '/holidays/import',
    manage,
    wrap(async (req, res) => {
      const { country, region, from, to } = req.body as Record<string, unknown>;
      const years: [number, number] = [Number(from), Number(to ?? from)];
      if (!Number.isInteger(years[0]) || !Number.isInteger(years[1]) || years[1] < years[0]) {
        return invalid(res, 'from', 'give a year range: from <= to');
      }
      res.json({
        holidays: importHolidays({
          country: String(country ?? ''),
          region: region ? String(region) : undefined,
          years,
        }),
      });
    }),
  );

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ConfigError) {
      res.status(422).json({ error: err.code, issues: err.issues });
    } else if (err instanceof CalendarError) {
      res.status(422).json({ error: 'invalid_input', issues: [{ path: err.field, message: err.message }] });
    } else if (err instanceof SyntaxError) {
      res.status(400).json({ error: 'invalid_json', message: err.message });
    } else next(err);
  });
  return router;
}
