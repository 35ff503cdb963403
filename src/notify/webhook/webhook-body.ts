import type { TFunction } from 'i18next';
import type { WebhookFormat } from '../../sla/config/webhook-config';
import type { WebhookEvent } from './webhook-event';

/** How the Slack and Teams presets show times: the zone and language the install uses. */
export interface MessageStyle {
  t: TFunction;
  /** Formats an ISO instant for people (the install's language and zone). */
  time: (iso: string) => string;
}

/** The raw body of one post in the endpoint's format (the signature is computed over exactly this). */
export function renderWebhookBody(event: WebhookEvent, format: WebhookFormat, style: MessageStyle): string {
  switch (format) {
    case 'json':
      return JSON.stringify(event);
    case 'slack':
      return JSON.stringify(slackMessage(event, style));
    case 'teams':
      return JSON.stringify(teamsMessage(event, style));
  }
}

/** The sentences both chat presets show, in the install's language. */
function messageLines(event: WebhookEvent, { t, time }: MessageStyle) {
  const subject = t(`webhooks.message.subject_${event.subject.type === 'lead' ? 'lead' : 'ticket'}`, {
    id: event.subject.id,
    title: event.subject.title,
  });
  const headline = t(
    event.type === 'sla.test' ? 'webhooks.message.test_headline' : 'webhooks.message.headline',
    {
      subject,
      metric: t(`metrics.${event.metric}`, { defaultValue: event.metric }),
      state: t(`states.${event.state}`, { defaultValue: event.state }),
    },
  );
  const facts: [string, string][] = [
    [t('webhooks.message.state'), t(`states.${event.state}`, { defaultValue: event.state })],
    [t('webhooks.message.due'), time(event.dueAt)],
    [t('webhooks.message.level'), String(event.level.number)],
    [t('webhooks.message.policy'), event.policy.name],
  ];
  return { headline, facts, open: t('webhooks.message.open'), openSla: t('webhooks.message.open_sla') };
}

/** Slack's mrkdwn treats &, < and > as markup. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Slack incoming-webhook message: `text` (the notification and fallback line) and Block Kit
 * `blocks` (a section with the headline, one with the facts as fields, and link buttons).
 */
export function slackMessage(event: WebhookEvent, style: MessageStyle): Record<string, unknown> {
  const m = messageLines(event, style);
  return {
    text: m.headline,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(m.headline)}*` } },
      {
        type: 'section',
        fields: m.facts.map(([label, value]) => ({
          type: 'mrkdwn',
          text: `*${slackEscape(label)}*\n${slackEscape(value)}`,
        })),
      },
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: m.open }, url: event.links.subject },
          { type: 'button', text: { type: 'plain_text', text: m.openSla }, url: event.links.slaTab },
        ],
      },
    ],
  };
}

/**
 * A Microsoft Teams message for an incoming webhook or a Workflows "post to a channel when a
 * webhook request is received" flow: one Adaptive Card (1.4) attachment with the headline, the
 * facts and link actions.
 */
export function teamsMessage(event: WebhookEvent, style: MessageStyle): Record<string, unknown> {
  const m = messageLines(event, style);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: m.headline, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'FactSet', facts: m.facts.map(([title, value]) => ({ title, value })) },
          ],
          actions: [
            { type: 'Action.OpenUrl', title: m.open, url: event.links.subject },
            { type: 'Action.OpenUrl', title: m.openSla, url: event.links.slaTab },
          ],
        },
      },
    ],
  };
}
