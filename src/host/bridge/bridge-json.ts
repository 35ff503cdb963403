import type { Response } from 'express';
import { DuplicateKeyError, parseStrictJson } from '../../sla/strict-json';

/**
 * The raw bytes of a signed bridge request as strict JSON (a key written twice is refused), or
 * undefined once a 422 naming the field was sent. Parsed only after the signature held.
 */
export function strictJsonBody(raw: Buffer, res: Response): { body: unknown } | undefined {
  try {
    return { body: parseStrictJson(raw.toString('utf8')) };
  } catch (err) {
    const field = err instanceof DuplicateKeyError ? err.path : 'body';
    res.status(422).json({ error: (err as Error).message, field });
    return undefined;
  }
}
