import { isSecretMarker, SECRET_SET, type WebhookConfig } from '../sla/config';

/**
 * An endpoint as the audit log keeps it: never the secret. A secret given with the change is
 * recorded as `{ set: true, replaced: true }`, a kept one as the export's marker.
 */
export function auditedWebhook(w: WebhookConfig): Record<string, unknown> {
  return { ...w, secret: isSecretMarker(w.secret) ? SECRET_SET : { set: true, replaced: true } };
}
