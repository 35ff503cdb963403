import { ConfigError, parseSlaConfig, SECRET_SET } from '../../src/sla/config';
import { ladderOf } from '../../src/sla/escalation/ladder';
import { isPublicAddress } from '../../src/sla/webhook/private-address';
import {
  signatureHeaders,
  verifyWebhookSignature,
  webhookSignature,
} from '../../src/notify/webhook/webhook-signature';

const SECRET = 'a-shared-secret-of-some-length';
const hook = (extra: Record<string, unknown> = {}) => ({
  key: 'chat',
  name: 'Team chat',
  url: 'https://hooks.example.com/sla',
  secret: SECRET,
  format: 'slack',
  ...extra,
});
const policy = (action: Record<string, unknown>) => ({
  key: 'gold',
  name: 'Gold',
  targets: { resolution: { minutes: 60 } },
  escalations: [{ metric: 'resolution', trigger: { type: 'at_due' }, action }],
});

function issues(doc: unknown): string[] {
  try {
    parseSlaConfig(doc);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('webhooks in the configuration document', () => {
  it('accepts an endpoint and a webhook level naming it', () => {
    const doc = parseSlaConfig({
      webhooks: [hook()],
      policies: [policy({ type: 'webhook', webhook: 'chat' })],
    });
    expect(doc.webhooks).toEqual([{ ...hook(), allowPrivateAddress: false }]);
  });

  it('names the field of a bad URL scheme, a duplicate key, an unknown format and an unknown webhook', () => {
    expect(issues({ webhooks: [hook({ url: 'ftp://example.com/x' })] })).toEqual([
      'webhooks[0].url: only http and https URLs (got ftp)',
    ]);
    expect(issues({ webhooks: [hook(), hook()] })).toEqual(['webhooks[1].key: duplicate key "chat"']);
    expect(issues({ webhooks: [hook({ format: 'discord' })] })[0]).toMatch(/^webhooks\[0\]\.format: /);
    expect(issues({ webhooks: [hook()], policies: [policy({ type: 'webhook', webhook: 'nope' })] })).toEqual([
      'policies[0].escalations[0].action.webhook: no webhook with key "nope"',
    ]);
    expect(issues({ policies: [policy({ type: 'webhook' })] })).toEqual([
      'policies[0].escalations[0].action.webhook: webhook needs webhook',
    ]);
    expect(issues({ webhooks: [hook({ secret: 'short' })] })).toEqual([
      'webhooks[0].secret: at least 16 characters',
    ]);
  });

  it('lead policies take webhook levels too', () => {
    const lead = {
      key: 'new-leads',
      name: 'New leads',
      subject: 'lead',
      targets: { status_time: { byStatus: { '2': { minutes: 60 } } } },
      escalations: [
        { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'webhook', webhook: 'chat' } },
      ],
    };
    expect(issues({ webhooks: [hook()], policies: [lead] })).toEqual([]);
  });

  it('refuses private and loopback literals unless the endpoint allows them', () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest',
      'http://[::1]/x',
      'http://[fc00::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://localhost/x',
      'http://0.0.0.0/x',
    ]) {
      expect(issues({ webhooks: [hook({ url })] })[0]).toMatch(/^webhooks\[0\]\.url: a private, loopback/);
      expect(issues({ webhooks: [hook({ url, allowPrivateAddress: true })] })).toEqual([]);
    }
  });

  it('takes the export marker in place of a secret', () => {
    expect(issues({ webhooks: [hook({ secret: SECRET_SET })] })).toEqual([]);
    expect(issues({ webhooks: [hook({ secret: { set: false } })] })[0]).toMatch(/^webhooks\[0\]\.secret/);
  });

  it('keeps the level keys of ladders without webhook levels', () => {
    const e = {
      metric: 'resolution' as const,
      trigger: { type: 'at_due' as const },
      action: { type: 'notify_assignee' as const },
    };
    // The key this level had before webhooks existed (the hash of metric, trigger and action).
    expect(ladderOf([e])[0].key).toBe(ladderOf([{ ...e, action: { ...e.action } }])[0].key);
    expect(ladderOf([{ ...e, action: { type: 'webhook', webhook: 'a' } }])[0].key).not.toBe(
      ladderOf([{ ...e, action: { type: 'webhook', webhook: 'b' } }])[0].key,
    );
  });
});

describe('address classification', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['64:ff9b::7f00:1', false],
    ['2002:7f00:1::', false],
    ['8.8.8.8', true],
    ['::ffff:8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['not an address', false],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('signature', () => {
  it('is sha256=<hex HMAC> over "<timestamp>.<body>" and verifies', () => {
    const now = new Date('2026-12-06T05:00:00Z');
    const body = '{"a":1}';
    const headers = signatureHeaders(SECRET, body, now);
    expect(headers['X-SLA-Vigil-Timestamp']).toBe('1796533200');
    expect(headers['X-SLA-Vigil-Signature']).toBe(webhookSignature(SECRET, 1796533200, body));
    expect(headers['X-SLA-Vigil-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const given = {
      timestamp: headers['X-SLA-Vigil-Timestamp'],
      signature: headers['X-SLA-Vigil-Signature'],
    };
    expect(verifyWebhookSignature(SECRET, given, body, now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, given, `${body} `, now)).toBe(false);
    expect(verifyWebhookSignature('another-secret-xxxxxxxx', given, body, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, given, body, new Date(now.getTime() + 3_600_000))).toBe(false);
  });
});
