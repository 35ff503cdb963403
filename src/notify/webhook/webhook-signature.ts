import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-SLA-Vigil-Timestamp';
export const SIGNATURE_HEADER = 'X-SLA-Vigil-Signature';

/**
 * `sha256=<hex HMAC-SHA256 over "<timestamp>.<raw body>">`: the timestamp is part of what is
 * signed, so a receiver that refuses old timestamps also refuses replays of a captured post.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** The two signing headers of one post, signed at `now` (unix seconds). */
export function signatureHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
  };
}

/**
 * What a receiver does (and the tests do): recompute the signature over the raw body and compare
 * in constant time, refusing timestamps more than `toleranceSeconds` away from `now`.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.timestamp || !/^\d+$/.test(headers.timestamp) || !headers.signature) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
