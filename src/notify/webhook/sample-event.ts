import type { TFunction } from 'i18next';
import { perfexTicketPath } from '../../host/perfex/perfex-urls';
import type { WebhookEvent } from './webhook-event';

/**
 * The signed sample the settings page's "Send test" posts: shaped like a real escalation (so a
 * receiver can be built against it) but marked `sla.test`, with no escalation behind it.
 */
export function sampleEvent(webhookKey: string, now: Date, adminBaseUrl: string, t: TFunction): WebhookEvent {
  const subjectUrl = `${adminBaseUrl}${perfexTicketPath(1)}`;
  return {
    type: 'sla.test',
    eventId: `test:${webhookKey}:${now.getTime()}`,
    escalationId: null,
    firedAt: now.toISOString(),
    subject: { type: 'ticket', id: 1, title: t('webhooks.message.test_title') },
    metric: 'first_response',
    state: 'breached',
    dueAt: new Date(now.getTime() - 15 * 60_000).toISOString(),
    level: { number: 1, key: 'test', trigger: 'at_due' },
    policy: { key: 'test', name: t('webhooks.message.test_policy') },
    links: { subject: subjectUrl, slaTab: `${subjectUrl}#sla_vigil` },
  };
}
