import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../host-context';
import { asyncRoute } from '../../web/async-route';
import { DuplicateKeyError, parseStrictJson } from '../../sla/strict-json';
import { BRIDGE_HEADERS, NONCE_TTL_SECONDS, checkBridgeSignature } from './bridge-signature';
import { parseBridgeEvent, type BridgeEvent } from './bridge-events';

export interface BridgeRouterDeps {
  /** The shared secret from the host's options; null while the host side was never activated. */
  secret(): Promise<string | null>;
  nonces: { accept(nonce: string, now: Date, ttlSeconds: number): Promise<boolean> };
  /** Records one event; never throws for a failing event (the reconcile repairs it). */
  intake(event: BridgeEvent): Promise<void>;
  clock: Clock;
  logger: Logger;
}

/** Bodies of the contract's events are a few hundred bytes; a bulk action lists ids. */
const BODY_LIMIT = '256kb';

/**
 * The service's end of the signed channel, mounted at `/bridge`: every request is checked
 * against the secret, the clock and the replay table before its body is even parsed.
 */
export function createBridgeRouter(deps: BridgeRouterDeps): Router {
  const router = express.Router();
  let notPairedSaid = false;

  // The raw bytes, as signed: the body is parsed only after the signature holds.
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT }));

  /** True when the request is signed, fresh and new; otherwise it has been answered. */
  async function admit(req: Request, res: Response): Promise<boolean> {
    const secret = await deps.secret();
    if (!secret) {
      if (!notPairedSaid)
        deps.logger.warn(
          'sla_vigil bridge: not paired (no sla_vigil_secret in the host options); activate the SLA Vigil module in Perfex (Setup > Modules)',
        );
      notPairedSaid = true;
      res.status(503).json({ error: 'not_paired' });
      return false;
    }
    notPairedSaid = false;
    const now = deps.clock.now();
    const check = checkBridgeSignature(
      secret,
      {
        method: req.method,
        path: req.originalUrl,
        headers: {
          timestamp: req.get(BRIDGE_HEADERS.timestamp),
          nonce: req.get(BRIDGE_HEADERS.nonce),
          signature: req.get(BRIDGE_HEADERS.signature),
        },
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      },
      Math.floor(now.getTime() / 1000),
    );
    if (!check.ok) {
      res.status(401).json({ error: check.reason });
      return false;
    }
    if (!(await deps.nonces.accept(check.nonce, now, NONCE_TTL_SECONDS))) {
      res.status(401).json({ error: 'replayed' });
      return false;
    }
    return true;
  }
  router.use((req: Request, res: Response, next: NextFunction) => {
    admit(req, res).then((ok) => ok && next(), next);
  });

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
