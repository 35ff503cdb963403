import dns from 'node:dns/promises';
import type { TFunction } from 'i18next';
import { SECRET_SET, WEBHOOK_FORMATS, webhookUrlProblem, type WebhookConfig } from '../../sla/config';
import { isAddressLiteral, isPublicAddress } from '../../sla/webhook/private-address';
import { addError, type FieldErrors, type PathRule } from './form-errors';
import { text, type FormValues } from './form-values';

/** The fields the webhook form posts. */
export const WEBHOOK_FIELDS = [/^(key|name|url|secret|format|allowPrivateAddress)$/];

/** Where a schema issue about a webhook is shown (paths relative to the webhook). */
export const WEBHOOK_ISSUE_RULES: readonly PathRule[] = [
  [/^(key|name|url|secret|format|allowPrivateAddress)$/, (m) => m[1]],
];

/** An endpoint as the form shows it: never its secret (the field is write-only). */
export function webhookToForm(w: WebhookConfig | undefined): FormValues {
  if (!w) return { key: '', name: '', url: '', secret: '', format: 'json' };
  return {
    key: w.key,
    name: w.name,
    url: w.url,
    secret: '',
    format: w.format,
    ...(w.allowPrivateAddress ? { allowPrivateAddress: '1' } : {}),
  };
}

/**
 * The endpoint a form describes, with the problems the page can word better than the schema: the
 * URL (scheme, private address) and the secret (required when new; empty on edit keeps it).
 */
export function formToWebhook(
  values: FormValues,
  editing: boolean,
  t: TFunction,
): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const allowPrivateAddress = text(values, 'allowPrivateAddress') === '1';
  const url = text(values, 'url').trim();
  const problem = webhookUrlProblem(url, allowPrivateAddress);
  if (problem) addError(errors, 'url', t(`settings.webhooks.url_errors.${problem.code}`));
  const secret = text(values, 'secret');
  if (secret === '' && !editing) addError(errors, 'secret', t('settings.webhooks.secret_required'));
  else if (secret !== '' && secret.length < 16)
    addError(errors, 'secret', t('settings.webhooks.secret_short'));
  const format = text(values, 'format');
  return {
    input: {
      key: text(values, 'key').trim(),
      name: text(values, 'name'),
      url,
      secret: secret === '' ? SECRET_SET : secret,
      format: (WEBHOOK_FORMATS as readonly string[]).includes(format) ? format : format || undefined,
      allowPrivateAddress,
    },
    errors,
  };
}

/**
 * The save-time half of the address guard: a host name must resolve, and only to public
 * addresses, unless the endpoint allows private ones. Sends check again (names can change).
 */
export async function resolvedUrlProblem(
  url: string,
  allowPrivateAddress: boolean,
): Promise<'private' | 'unresolvable' | null> {
  if (allowPrivateAddress) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isAddressLiteral(host)) return null;
  try {
    const addresses = await dns.lookup(host, { all: true });
    return addresses.every((a) => isPublicAddress(a.address)) ? null : 'private';
  } catch {
    return 'unresolvable';
  }
}
