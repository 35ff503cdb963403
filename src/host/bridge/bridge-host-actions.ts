import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { asyncRoute } from '../../web/async-route';
import { idNumber } from '../../sla/strict-input';
import type { HostActionDesk } from '../../engine/host-action-desk';
import type { HostInstruction } from '../../engine/host-action-instruction';
import { strictJsonBody } from './bridge-json';
import { firstProblem } from './bridge-events';

/** The Perfex module claims what one cron run applies; a claim stays small for PHP's time limit. */
export const MAX_CLAIM = 100;

const CLAIM = z.strictObject({ limit: z.number().int().min(1).max(MAX_CLAIM) });

const REPORT = z.strictObject({
  results: z
    .array(
      z.discriminatedUnion('ok', [
        z.strictObject({ id: idNumber, ok: z.literal(true) }),
        z.strictObject({ id: idNumber, ok: z.literal(false), error: z.string().min(1).max(1000) }),
      ]),
    )
    .max(MAX_CLAIM),
});

/** A strict JSON body read by `schema`, or undefined once a 422 naming the first wrong field was sent. */
function readBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | undefined {
  const raw = strictJsonBody(req.body as Buffer, res);
  if (!raw) return undefined;
  const parsed = schema.safeParse(raw.body);
  if (parsed.success) return parsed.data;
  res.status(422).json(firstProblem(parsed.error, []));
  return undefined;
}

/**
 * An instruction as the PHP module reads it. A ticket's keeps the shape modules before leads know
 * (`ticket_id`); a lead's names its kind and has no `ticket_id`, so a module that knows no leads
 * reports it unreadable (recorded as failed) instead of applying it to the ticket with that id.
 */
function wireInstruction(a: HostInstruction): Record<string, unknown> {
  const common = { type: a.type, value: a.value, note: a.note };
  if (a.subjectType === 'ticket') return { id: a.id, ticket_id: a.subjectId, ...common };
  return { id: a.id, subject_type: a.subjectType, [`${a.subjectType}_id`]: a.subjectId, ...common };
}

/**
 * `/bridge/host-actions/*`, behind the bridge's signature gate: the Perfex module claims the
 * escalations' host actions (reassign a ticket or lead, move department, raise priority) on Perfex's cron,
 * applies them through Perfex, and reports the results in one call.
 */
export function hostActionsRouter(desk: HostActionDesk): Router {
  const router = express.Router();
  router.post(
    '/claim',
    asyncRoute(async (req: Request, res: Response) => {
      const body = readBody(CLAIM, req, res);
      if (!body) return;
      const claimed = await desk.claim(body.limit);
      res.status(200).json({ actions: claimed.map(wireInstruction) });
    }),
  );
  router.post(
    '/report',
    asyncRoute(async (req: Request, res: Response) => {
      const body = readBody(REPORT, req, res);
      if (!body) return;
      res.status(200).json(await desk.report(body.results));
    }),
  );
  return router;
}
