import type { Knex } from 'knex';
import type { AuditLog } from '../store/audit-log';
import type { EscalationRepository } from '../store/escalation-repository';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';
import { webhookEventId, type WebhookEvent } from '../notify/webhook/webhook-event';
import type { DueLevel } from './level-firer';

/** The subject a webhook level is about, as the event names and links it. */
export interface WebhookSubject {
  type: string;
  id: number;
  title: string;
  /** The subject in the host's admin (absolute). */
  url: string;
}

/**
 * A fired `webhook` level: one post queued for its endpoint (deduplicated per escalation and
 * endpoint), the escalation's outcome `webhook_queued`, and the audit row, all in the caller's
 * transaction, so a crash loses or doubles nothing. Without a queue (a host whose outbox cannot
 * carry webhooks) the level is recorded as failed with the reason, never silently dropped.
 */
export async function queueWebhookLevel(
  escalationId: number,
  d: DueLevel,
  subject: WebhookSubject,
  details: Record<string, unknown>,
  deps: { queue?: WebhookQueue; escalations: EscalationRepository; audit: AuditLog },
  now: Date,
  trx: Knex.Transaction,
): Promise<void> {
  const target = d.level.action.webhook ?? '';
  const eventId = webhookEventId(escalationId, target);
  if (!deps.queue) {
    await deps.escalations.setOutcome(
      escalationId,
      'action_failed',
      { ...details, error: 'webhook delivery is not available on this installation' },
      trx,
    );
    return;
  }
  const event: WebhookEvent = {
    type: 'sla.escalation',
    eventId,
    escalationId,
    firedAt: now.toISOString(),
    subject: { type: subject.type, id: subject.id, title: subject.title },
    metric: d.clock.metric,
    state: d.clock.state,
    dueAt: d.clock.dueAt.toISOString(),
    level: { number: d.level.level, key: d.level.key, trigger: d.level.trigger.type },
    policy: { key: d.policy.key, name: d.policy.name },
    links: { subject: subject.url, slaTab: `${subject.url}#sla_vigil` },
  };
  await deps.queue.enqueue(
    {
      escalationId,
      subjectType: subject.type,
      subjectId: subject.id,
      target,
      dedupeKey: eventId,
      payload: event,
      createdAt: now,
    },
    trx,
  );
  await deps.escalations.setOutcome(escalationId, 'webhook_queued', { ...details, webhook: target }, trx);
  await deps.audit.write(
    {
      action: 'escalation.webhook_queued',
      staffId: null,
      subjectType: subject.type,
      subjectId: subject.id,
      details: { ...details, webhook: target, eventId },
    },
    trx,
  );
}
