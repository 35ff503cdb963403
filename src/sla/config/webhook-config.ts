import { z } from 'zod';
import { storableText } from '../strict-input';
import { isAddressLiteral, isLocalName, isPublicAddress } from '../webhook/private-address';
import { configKey } from './config-key';

/** The bodies a webhook can post: our own JSON, a Slack message, a Microsoft Teams message. */
export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * What `config export` prints in place of a stored secret: `"secret": { "set": true }`. Importing
 * a document that carries it keeps the secret already stored for that key, so an exported
 * document can be imported again without ever holding the secret.
 */
export const SECRET_SET = { set: true } as const;
export type SecretMarker = typeof SECRET_SET;

const SecretMarkerSchema = z.strictObject({
  set: z.literal(true, { error: 'the only marker is { "set": true } (it keeps the stored secret)' }),
});

/** A shared secret for the HMAC signature: long enough to resist guessing, short enough for a column. */
export const WebhookSecretSchema = storableText
  .min(16, 'at least 16 characters')
  .max(255, 'at most 255 characters')
  .refine((v) => v.trim() === v, { message: 'no spaces at the start or end' });

/** Why a webhook URL cannot be used (a stable code for translations, and an English message). */
export interface UrlProblem {
  code: 'not_url' | 'scheme' | 'credentials' | 'fragment' | 'private';
  message: string;
}

/**
 * Why a webhook URL cannot be used, or null when it can (as far as the text tells: names are
 * resolved and checked again at each send, see address-guard.ts). http and https only, no user
 * name or password in it, and no private or loopback address unless the endpoint allows them.
 */
export function webhookUrlProblem(url: string, allowPrivateAddress: boolean): UrlProblem | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { code: 'not_url', message: 'not a URL (e.g. https://hooks.example.com/sla)' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { code: 'scheme', message: `only http and https URLs (got ${parsed.protocol.replace(/:$/, '')})` };
  if (parsed.username || parsed.password)
    return { code: 'credentials', message: 'no user name or password in the URL' };
  if (parsed.hash) return { code: 'fragment', message: 'no #fragment in the URL' };
  if (allowPrivateAddress) return null;
  const host = parsed.hostname;
  if (isLocalName(host) || (isAddressLiteral(host) && !isPublicAddress(host)))
    return {
      code: 'private',
      message:
        'a private, loopback or link-local address (allow private addresses for this endpoint to use it)',
    };
  return null;
}

export const WebhookConfigSchema = z
  .strictObject({
    key: configKey,
    name: storableText.trim().min(1).max(191),
    url: z.string().max(2048, 'at most 2048 characters'),
    /** The secret itself (write-only), or the export's marker that keeps the stored one. */
    secret: z.union([WebhookSecretSchema, SecretMarkerSchema]),
    format: z.enum(WEBHOOK_FORMATS),
    allowPrivateAddress: z.boolean().default(false),
  })
  .superRefine((w, ctx) => {
    const problem = webhookUrlProblem(w.url, w.allowPrivateAddress);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem.message });
  });

export type WebhookConfig = z.output<typeof WebhookConfigSchema>;

/** True when the document's secret is the export's marker, not a secret. */
export function isSecretMarker(secret: WebhookConfig['secret']): secret is SecretMarker {
  return typeof secret !== 'string';
}
