import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { AdminLocals, HostContext } from '../host/host-context';
import type { ModuleServices } from '../wiring/module-services';
import { ConfigError } from '../sla/config';
import { importHolidays } from '../sla/calendar';
import { CalendarError } from '../sla/calendar/calendar-error';
import { requirePermission } from './require-permission';
import { MAX_HOLIDAY_YEAR, MIN_HOLIDAY_YEAR, parseId, parseInstant, parseYear } from '../sla/strict-input';
import { DuplicateKeyError, jsonWithoutDuplicateKeys } from '../sla/strict-json';
import { isPassedLevelChoice, type PassedLevelChoice } from '../sla/escalation/passed-levels';
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

/**
 * `?passedLevels=fire|skip`: what a policy save does with levels that have already passed on open
 * tickets. Absent = fire (what a save always did); anything else is refused, naming the field.
 */
function passedLevelsOf(req: Request, res: Response): PassedLevelChoice | null | undefined {
  const value = req.query.passedLevels;
  if (value === undefined) return undefined;
  if (isPassedLevelChoice(value)) return value;
  invalid(res, 'passedLevels', 'must be "fire" or "skip"');
  return null;
}

/** `/admin/sla_vigil/api`: one ticket's SLA (view), configuration one piece at a time (manage). */
export function createApiRouter(host: HostContext, services: ModuleServices): Router {
  const router = Router();
  const manage = requirePermission(host, 'manage');
  // A key written twice in one object is refused, never read as its last copy.
  router.use(express.json({ limit: '2mb', verify: jsonWithoutDuplicateKeys }));
  const staffId = (res: Response): number => (res.locals as AdminLocals).staffId;
  /** `?now=` (one ISO instant) or the host's clock; undefined for anything else. */
  const nowOf = (req: Request): Date | undefined =>
    req.query.now === undefined
      ? host.clock.now()
      : typeof req.query.now === 'string'
        ? parseInstant(req.query.now)
        : undefined;
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
      const id = parseId(String(req.params.id));
      if (id === undefined) return invalid(res, 'id', 'must be a positive decimal integer id');
      const now = nowOf(req);
      if (!now) return invalid(res, 'now', 'must be one ISO-8601 instant, e.g. 2026-03-09T08:00:00Z');
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

  // A lead has no department: a viewer the host limits to some departments sees the leads they own.
  const canSeeLead = async (leadId: number, viewer: number): Promise<boolean> => {
    const scope = await viewerTicketScope(host.permissions, viewer);
    if ('all' in scope) return true;
    const lead = await host.leads?.getLead(leadId);
    return lead !== undefined && lead !== null && lead.assigned === viewer;
  };

  router.get(
    '/subjects/:type/:id',
    wrap(async (req, res) => {
      const type = String(req.params.type);
      if (type !== 'ticket' && type !== 'lead') return invalid(res, 'type', 'must be "ticket" or "lead"');
      const id = parseId(String(req.params.id));
      if (id === undefined) return invalid(res, 'id', 'must be a positive decimal integer id');
      const now = nowOf(req);
      if (!now) return invalid(res, 'now', 'must be one ISO-8601 instant, e.g. 2026-03-09T08:00:00Z');
      const visible = type === 'ticket' ? await canSee(id, staffId(res)) : await canSeeLead(id, staffId(res));
      const read = type === 'ticket' ? services.ticketSla.subject : services.leads.sla;
      const sla = visible ? await read.get(id, now, host.timezone) : null;
      if (!sla) {
        res.status(404).json({ error: 'not_found', message: `${type} ${id} is not known to SLA Vigil` });
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
      const passedLevels = passedLevelsOf(req, res);
      if (passedLevels === null) return;
      res.json(await services.config.import(req.body, staffId(res), { passedLevels }));
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
        const passedLevels = kind === 'policies' ? passedLevelsOf(req, res) : undefined;
        if (passedLevels === null) return;
        const saved =
          kind === 'calendars'
            ? await services.config.saveCalendar(input, staffId(res))
            : await services.config.savePolicy(input, staffId(res), { passedLevels });
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
      const first = parseYear(from);
      const last = to === undefined ? first : parseYear(to);
      const range = `a year from ${MIN_HOLIDAY_YEAR} to ${MAX_HOLIDAY_YEAR}`;
      if (first === undefined) return invalid(res, 'from', `must be ${range}`);
      if (last === undefined) return invalid(res, 'to', `must be ${range}`);
      if (last < first) return invalid(res, 'to', 'must not be before from');
      const years: [number, number] = [first, last];
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
    } else if (err instanceof DuplicateKeyError) {
      res.status(422).json({ error: 'invalid_input', issues: [{ path: err.path, message: err.message }] });
    } else if (err instanceof SyntaxError) {
      res.status(400).json({ error: 'invalid_json', message: err.message });
    } else next(err);
  });
  return router;
}
