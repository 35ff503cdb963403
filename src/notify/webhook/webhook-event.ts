/**
 * The JSON body of a `json` webhook, and what the Slack and Teams presets are rendered from.
 * Field names are a contract with receivers: add fields, never rename or remove one.
 */
export interface WebhookEvent {
  /** `sla.escalation` for a fired level; `sla.test` for the settings page's "Send test". */
  type: 'sla.escalation' | 'sla.test';
  /** Stable per (escalation, webhook): a receiver that sees it twice can drop the repeat. */
  eventId: string;
  escalationId: number | null;
  /** When the level fired (ISO-8601 UTC). */
  firedAt: string;
  subject: { type: string; id: number; title: string };
  metric: string;
  /** The clock's state when the level fired (`at_risk`, `breached`, ...). */
  state: string;
  /** The clock's due time (ISO-8601 UTC). */
  dueAt: string;
  level: { number: number; key: string; trigger: string };
  policy: { key: string; name: string };
  links: { subject: string; slaTab: string };
}

/** The event id of an escalation's post to one webhook (also the outbox row's dedupe key). */
export function webhookEventId(escalationId: number, webhookKey: string): string {
  return `escalation:${escalationId}:webhook:${webhookKey}`;
}
