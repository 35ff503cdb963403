import crypto from 'node:crypto';

/**
 * The signed channel between the Perfex PHP module and the service (bridge-contract): every
 * request carries a Unix timestamp, a fresh nonce and an HMAC-SHA256 over method, path,
 * timestamp, nonce and body, keyed with the secret both sides read from `tbloptions`.
 * Pure: the caller passes the clock's time in and checks the nonce against its replay store.
 */

/** Header names as node lower-cases them. */
export const BRIDGE_HEADERS = {
  timestamp: 'x-sla-vigil-timestamp',
  nonce: 'x-sla-vigil-nonce',
  signature: 'x-sla-vigil-signature',
  /** On the service's answer to a signed request: see signBridgeAnswer. */
  answerSignature: 'x-sla-vigil-answer-signature',
} as const;

/** A timestamp further than this from the receiver's clock is stale. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** How long an accepted nonce is remembered (and refused again). */
export const NONCE_TTL_SECONDS = 600;

export type BridgeRefusal = 'unsigned' | 'bad_signature' | 'stale' | 'replayed';

export interface SignedParts {
  /** Upper case, e.g. `POST`. */
  method: string;
  /** The path with its query string exactly as sent, e.g. `/bridge/events`. */
  path: string;
  /** Unix seconds as the decimal string that was (or will be) sent. */
  timestamp: string;
  nonce: string;
  /** The raw body bytes; empty for none. */
  body: Buffer | string;
}

/** `sha256=` + lowercase hex of the HMAC, the value of `X-SLA-Vigil-Signature`. */
export function signBridgeRequest(secret: string, parts: SignedParts): string {
  const hmac = crypto.createHmac('sha256', Buffer.from(secret, 'utf8'));
  hmac.update(`${parts.method.toUpperCase()}\n${parts.path}\n${parts.timestamp}\n${parts.nonce}\n`, 'utf8');
  hmac.update(typeof parts.body === 'string' ? Buffer.from(parts.body, 'utf8') : parts.body);
  return `sha256=${hmac.digest('hex')}`;
}

export interface SignedAnswer {
  /** The nonce of the request this answers: an answer cannot be replayed for another request. */
  nonce: string;
  /** The HTTP status code sent, e.g. 200. */
  status: number;
  /** The raw body bytes as sent; empty for none (a HEAD answer, a 204). */
  body: Buffer | string;
}

/**
 * `sha256=` + lowercase hex of the HMAC over `<request nonce>\n<status>\n<body>`, the value of
 * `X-SLA-Vigil-Answer-Signature`. PHP puts answers into Perfex's SQL (the list filter) and its
 * admin HTML (fragments, pages): it uses only an answer the holder of the secret signed for the
 * request it sent, never one from whoever happens to listen on the service's address.
 */
export function signBridgeAnswer(secret: string, answer: SignedAnswer): string {
  const hmac = crypto.createHmac('sha256', Buffer.from(secret, 'utf8'));
  hmac.update(`${answer.nonce}\n${answer.status}\n`, 'utf8');
  hmac.update(typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body);
  return `sha256=${hmac.digest('hex')}`;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: { timestamp?: string; nonce?: string; signature?: string };
  body: Buffer;
}

export type SignatureCheck =
  { ok: true; nonce: string; timestamp: number } | { ok: false; reason: Exclude<BridgeRefusal, 'replayed'> };

const TIMESTAMP = /^[0-9]{1,12}$/;
const NONCE = /^[0-9a-f]{32}$/;

/**
 * Checks the headers and the signature (constant time), then the timestamp against `nowSeconds`.
 * A header that is missing or not in the contract's form counts as unsigned; the signature is
 * checked before the timestamp so an unsigned caller learns nothing about the clock.
 */
export function checkBridgeSignature(
  secret: string,
  request: ReceivedRequest,
  nowSeconds: number,
): SignatureCheck {
  const { timestamp, nonce, signature } = request.headers;
  if (!timestamp || !nonce || !signature || !TIMESTAMP.test(timestamp) || !NONCE.test(nonce))
    return { ok: false, reason: 'unsigned' };
  const expected = Buffer.from(
    signBridgeRequest(secret, {
      method: request.method,
      path: request.path,
      timestamp,
      nonce,
      body: request.body,
    }),
    'utf8',
  );
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch is no secret.
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  const sent = Number(timestamp);
  if (Math.abs(nowSeconds - sent) > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'stale' };
  return { ok: true, nonce, timestamp: sent };
}
