import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../host-context';
import { BRIDGE_HEADERS, NONCE_TTL_SECONDS, checkBridgeSignature } from './bridge-signature';
import { signAnswers } from './answer-signer';

export interface SignatureGateDeps {
  /** The shared secret from the host's options; null while the host side was never activated. */
  secret(): Promise<string | null>;
  nonces: { accept(nonce: string, now: Date, ttlSeconds: number): Promise<boolean> };
  clock: Clock;
  logger: Logger;
}

/**
 * Lets through only requests signed with the shared secret, fresh and never seen before
 * (bridge-contract); anything else is answered 401 `{"error": reason}` (503 `not_paired` while
 * there is no secret). The signed path is `originalUrl` (path and query exactly as sent), the
 * signed body the raw bytes `bodyOf` returns (empty for none). Every answer to an admitted request
 * is signed for its nonce (answer-signer); the gate's own refusals are not, and PHP treats an
 * unsigned answer as no answer.
 */
export function signatureGate(deps: SignatureGateDeps, bodyOf: (req: Request) => Buffer): RequestHandler {
  let notPairedSaid = false;

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
        body: bodyOf(req),
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
    signAnswers(res, secret, check.nonce);
    return true;
  }
  return (req: Request, res: Response, next: NextFunction) => {
    admit(req, res).then((ok) => ok && next(), next);
  };
}
