import express, { type Request, type Response, type Router } from 'express';
import { asyncRoute } from '../../web/async-route';
import { DuplicateKeyError, parseStrictJson } from '../../sla/strict-json';
import { signatureGate, type SignatureGateDeps } from './signature-gate';
import { parseBridgeEvent, type BridgeEvent } from './bridge-events';

export interface BridgeRouterDeps extends SignatureGateDeps {
  /** Records one event; never throws for a failing event (the reconcile repairs it). */
  intake(event: BridgeEvent): Promise<void>;
}

/** Bodies of the contract's events are a few hundred bytes; a bulk action lists ids. */
const BODY_LIMIT = '256kb';

/**
 * The service's end of the signed channel, mounted at `/bridge`: every request is checked
 * against the secret, the clock and the replay table before its body is even parsed.
 */
export function createBridgeRouter(deps: BridgeRouterDeps): Router {
  const router = express.Router();
  // The raw bytes, as signed: the body is parsed only after the signature holds.
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
  router.use(signatureGate(deps, (req) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))));

  router.post(
    '/events',
    asyncRoute(async (req: Request, res: Response) => {
      let body: unknown;
      try {
        body = parseStrictJson((req.body as Buffer).toString('utf8'));
      } catch (err) {
        const field = err instanceof DuplicateKeyError ? err.path : 'body';
        res.status(422).json({ error: (err as Error).message, field });
        return;
      }
      const parsed = parseBridgeEvent(body);
      if (!parsed.ok) {
        res.status(422).json({ error: parsed.error, field: parsed.field });
        return;
      }
      await deps.intake(parsed.event);
      res.status(202).json({ ok: true });
    }),
  );

  router.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return router;
}
