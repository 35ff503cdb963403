import { WebhookClient } from '../../src/notify/webhook/webhook-client';
import { guardedLookup, AddressRefusedError } from '../../src/notify/webhook/address-guard';
import { postSigned, answerVerdict } from '../../src/notify/webhook/webhook-poster';
import { renderWebhookBody, type MessageStyle } from '../../src/notify/webhook/webhook-body';
import { sampleEvent } from '../../src/notify/webhook/sample-event';
import { createTranslator } from '../../src/i18n/translator';
import type { WebhookEndpoint } from '../../src/notify/webhook/webhook-repository';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

/** The HTTP side of webhooks against a real receiver on 127.0.0.1. */

const SECRET = 'receiver-secret-0123456789';
const NOW = new Date('2026-12-06T05:00:00Z');
let client: WebhookClient;
let style: MessageStyle;
let styleDe: MessageStyle;

beforeAll(() => {
  client = new WebhookClient({ connectMs: 2_000, headersMs: 1_000, bodyMs: 1_000 });
  const translator = createTranslator();
  style = { t: translator.getFixedT('en'), time: (iso) => iso };
  styleDe = { t: translator.getFixedT('de'), time: (iso) => iso };
});
afterAll(() => client.close());

const endpoint = (url: string, extra: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  key: 'chat',
  name: 'Chat',
  url,
  secret: SECRET,
  format: 'json',
  allowPrivateAddress: true,
  ...extra,
});

it('posts a JSON event whose signature the receiver verifies with the secret', async () => {
  const receiver = await startWebhookReceiver(SECRET, [{ status: 202, body: 'accepted <b>' }]);
  try {
    const event = sampleEvent('chat', NOW, 'https://crm.example.com', style.t);
    const body = renderWebhookBody(event, 'json', style);
    const outcome = await postSigned(client, endpoint(receiver.url), body, NOW);
    expect(outcome).toEqual({ kind: 'answered', statusCode: 202, excerpt: 'accepted <b>' });
    expect(receiver.posts).toHaveLength(1);
    const [post] = receiver.posts;
    expect(post.verified).toBe(true);
    expect(post.headers['x-sla-vigil-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    const json = JSON.parse(post.body);
    expect(json).toMatchObject({
      type: 'sla.test',
      subject: { type: 'ticket', id: 1 },
      metric: 'first_response',
      state: 'breached',
      dueAt: '2026-12-06T04:45:00.000Z',
      level: { number: 1, key: 'test' },
      links: { subject: 'https://crm.example.com/admin/tickets/ticket/1' },
    });
  } finally {
    await receiver.close();
  }
});

it('renders Slack (text + blocks) and Teams (Adaptive Card attachment) messages in the given language', () => {
  const event = sampleEvent('chat', NOW, 'https://crm.example.com', styleDe.t);
  const slack = JSON.parse(renderWebhookBody(event, 'slack', styleDe));
  expect(typeof slack.text).toBe('string');
  expect(slack.text).toContain('Erste Antwort');
  expect(slack.blocks.map((b: { type: string }) => b.type)).toEqual(['section', 'section', 'actions']);
  expect(slack.blocks[2].elements[0].url).toBe('https://crm.example.com/admin/tickets/ticket/1');
  const teams = JSON.parse(renderWebhookBody(event, 'teams', styleDe));
  expect(teams.type).toBe('message');
  expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  const card = teams.attachments[0].content;
  expect(card.type).toBe('AdaptiveCard');
  expect(card.body[0].text).toBe(slack.text);
  expect(card.body[1].facts.map((f: { title: string }) => f.title)).toEqual([
    'Status',
    'Fällig',
    'Stufe',
    'Richtlinie',
  ]);
});

it('refuses private, loopback, link-local and unique-local literals by default, before connecting', async () => {
  const receiver = await startWebhookReceiver(SECRET);
  try {
    for (const host of [
      '127.0.0.1',
      '10.0.0.7',
      '169.254.169.254',
      '[::1]',
      '[fc00::1]',
      '[::ffff:127.0.0.1]',
      'localhost',
    ]) {
      const outcome = await postSigned(
        client,
        endpoint(`http://${host}:${receiver.port}/hook`, { allowPrivateAddress: false }),
        '{}',
        NOW,
      );
      expect(outcome).toEqual({ kind: 'error', error: expect.stringMatching(/refused .*private, loopback/) });
    }
    expect(receiver.posts).toHaveLength(0);
  } finally {
    await receiver.close();
  }
});

it('checks the address a name resolves to when connecting (DNS rebinding)', async () => {
  const error = await new Promise<Error | null>((resolve) =>
    guardedLookup('localhost', { all: true }, (err) => resolve(err)),
  );
  expect(error).toBeInstanceOf(AddressRefusedError);
});

it('follows no redirect and times out a receiver that never answers', async () => {
  const redirect = await startWebhookReceiver(SECRET, [
    { status: 302, body: '', headers: { location: 'http://169.254.169.254/' } },
  ]);
  const slow = await startWebhookReceiver(SECRET, [{ status: 200, delayMs: 3_000 }]);
  try {
    expect(await postSigned(client, endpoint(redirect.url), '{}', NOW)).toMatchObject({ statusCode: 302 });
    expect(redirect.posts).toHaveLength(1);
    const timedOut = await postSigned(client, endpoint(slow.url), '{}', NOW);
    expect(timedOut).toEqual({ kind: 'error', error: expect.stringMatching(/TIMEOUT/i) });
  } finally {
    await redirect.close();
    await slow.close();
  }
});

it('keeps only the start of a long answer', async () => {
  const receiver = await startWebhookReceiver(SECRET, [{ status: 500, body: 'x'.repeat(100_000) }]);
  try {
    const outcome = await postSigned(client, endpoint(receiver.url), '{}', NOW);
    expect(outcome).toEqual({ kind: 'answered', statusCode: 500, excerpt: 'x'.repeat(500) });
  } finally {
    await receiver.close();
  }
});

it('sorts answers into sent, retry and give up', () => {
  expect([200, 204, 299].map(answerVerdict)).toEqual(['sent', 'sent', 'sent']);
  expect([429, 500, 503].map(answerVerdict)).toEqual(['retry', 'retry', 'retry']);
  expect([301, 400, 401, 404, 410].map(answerVerdict)).toEqual(Array(5).fill('give_up'));
});
