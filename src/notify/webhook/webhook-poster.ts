import type { WebhookEndpoint } from './webhook-repository';
import type { WebhookClient } from './webhook-client';
import { renderWebhookBody, type MessageStyle } from './webhook-body';
import { signatureHeaders } from './webhook-signature';
import type { WebhookEvent } from './webhook-event';

/** One post's result: the receiver's answer, or why there was none (refused, timeout, network). */
export type PostOutcome =
  { kind: 'answered'; statusCode: number; excerpt: string } | { kind: 'error'; error: string };

/** A body rendered for one endpoint: what the outbox stores and a sender signs again per attempt. */
export function webhookBody(
  endpoint: Pick<WebhookEndpoint, 'format'>,
  event: WebhookEvent,
  style: MessageStyle,
) {
  return renderWebhookBody(event, endpoint.format, style);
}

/**
 * Signs `body` with the endpoint's secret at `now` and posts it. Each attempt is signed anew (its
 * own timestamp), over exactly the bytes sent. Never throws for the receiver's or the network's
 * failings: they come back as an outcome to log.
 */
export async function postSigned(
  client: WebhookClient,
  endpoint: WebhookEndpoint,
  body: string,
  now: Date,
): Promise<PostOutcome> {
  try {
    const answer = await client.post({
      url: endpoint.url,
      body,
      headers: signatureHeaders(endpoint.secret, body, now),
      allowPrivateAddress: endpoint.allowPrivateAddress,
    });
    return { kind: 'answered', ...answer };
  } catch (err) {
    return { kind: 'error', error: describeError(err) };
  }
}

/** A short, secret-free reason: undici's error code (UND_ERR_HEADERS_TIMEOUT, ...) and message. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error && cause.message !== err.message ? ` (${cause.message})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${err.message}${inner}`.slice(0, 500);
}

/** What the receiver's status means for the outbox row. */
export function answerVerdict(statusCode: number): 'sent' | 'retry' | 'give_up' {
  if (statusCode >= 200 && statusCode < 300) return 'sent';
  // Rate limited or the receiver's own trouble: try again later.
  if (statusCode === 429 || statusCode >= 500) return 'retry';
  // 3xx (redirects are not followed) and other 4xx: the request itself is wrong, a repeat would be too.
  return 'give_up';
}
