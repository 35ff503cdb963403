import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { createDb } from '../../src/store/db';
import { migrateLatest } from '../../src/store/migrator';
import { createTranslator } from '../../src/i18n/translator';
import { WebhookClient } from '../../src/notify/webhook/webhook-client';
import { WebhookRepository } from '../../src/notify/webhook/webhook-repository';
import { WebhookService } from '../../src/notify/webhook/webhook-service';
import { WebhookDeliveryLog } from '../../src/notify/webhook/webhook-delivery-log';
import { WebhookSender, type WebhookClaims } from '../../src/notify/webhook/webhook-sender';
import { OutboxWebhooks } from '../../src/notify/webhook/outbox-webhooks';
import { OutboxRepository } from '../../src/notify/outbox-repository';
import { sampleEvent } from '../../src/notify/webhook/sample-event';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import type { Knex } from 'knex';

/** WebhookSender against a real receiver, the real outbox (channel `webhook`) and its delivery log. */
const SECRET = 'sender-secret-0123456789';
const T0 = new Date('2026-12-06T05:00:00Z');
let database: TestDatabase;
let db: Knex;
let service: WebhookService;
let log: WebhookDeliveryLog;
let claims: OutboxWebhooks;
const logger = pino({ level: 'silent' });
const clock = { now: () => T0 };

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await migrateLatest(db, 'tbl');
  service = new WebhookService(
    new WebhookRepository(db, 'tbl'),
    new WebhookClient({ connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000 }),
    createTranslator(),
    clock,
    'https://crm.example.com',
    'Europe/Berlin',
  );
  log = new WebhookDeliveryLog(db, 'tbl');
  claims = new OutboxWebhooks(new OutboxRepository(db, 'tbl'));
});

let escalationId = 1000;
/** Queues one post to `key` as a fired level would; returns its outbox id. */
async function queue(key: string): Promise<number> {
  const id = ++escalationId;
  await db.transaction((trx) =>
    claims.enqueue(
      {
        escalationId: id,
        subjectType: 'ticket',
        subjectId: 1,
        target: key,
        dedupeKey: `escalation:${id}:webhook:${key}`,
        payload: event(key),
        createdAt: T0,
      },
      trx,
    ),
  );
  const row = await db('tblsla_vigil_outbox').where('escalation_id', id).first('id');
  return Number(row.id);
}
const stateOf = async (id: number) => (await db('tblsla_vigil_outbox').where({ id }).first('state')).state;
afterAll(async () => {
  await service.client.close();
  await db.destroy();
  await database.drop();
});

async function endpoint(key: string, url: string) {
  await db('tblsla_vigil_webhooks').insert({
    key,
    name: key,
    url,
    secret: SECRET,
    format: 'json',
    allow_private_address: true,
    updated_at: '2026-12-06 05:00:00.000',
  });
}
const event = (key: string) =>
  sampleEvent(key, T0, 'https://crm.example.com', createTranslator().getFixedT('en'));
const attempts = async (outboxId: number) =>
  db('tblsla_vigil_deliveries')
    .where('outbox_id', outboxId)
    .orderBy('attempt')
    .select('attempt', 'outcome', 'status_code', 'response');

it('retries a 503 with backoff, then delivers once; the log has both attempts', async () => {
  const receiver = await startWebhookReceiver(SECRET, [
    { status: 503, body: 'busy' },
    { status: 200, body: 'ok' },
  ]);
  try {
    await endpoint('retry', receiver.url);
    const row = await queue('retry');
    const sender = new WebhookSender(claims, log, service, clock, logger);
    expect(await sender.sendDue(T0)).toEqual({ sent: 0, retried: 1, failed: 0 });
    // Not due again before the backoff (1 minute).
    expect(await sender.sendDue(new Date(T0.getTime() + 30_000))).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await sender.sendDue(new Date(T0.getTime() + 61_000))).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await sender.sendDue(new Date(T0.getTime() + 3_600_000))).toEqual({
      sent: 0,
      retried: 0,
      failed: 0,
    });
    expect(receiver.posts.map((p) => p.verified)).toEqual([true, true]);
    expect(await attempts(row)).toEqual([
      { attempt: 1, outcome: 'error', status_code: 503, response: 'busy' },
      { attempt: 2, outcome: 'sent', status_code: 200, response: 'ok' },
    ]);
  } finally {
    await receiver.close();
  }
});

it('gives up on a 400 after one attempt', async () => {
  const receiver = await startWebhookReceiver(SECRET, [{ status: 400, body: 'bad' }]);
  try {
    await endpoint('bad', receiver.url);
    const row = await queue('bad');
    const sender = new WebhookSender(claims, log, service, clock, logger);
    expect(await sender.sendDue(T0)).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(await stateOf(row)).toBe('failed');
    expect(receiver.posts).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});

it('never posts again after a 2xx: two senders at once, and a sender that dies after the post', async () => {
  const receiver = await startWebhookReceiver(SECRET, [{ status: 200, body: 'ok', delayMs: 200 }]);
  try {
    await endpoint('once', receiver.url);
    await queue('once');
    const a = new WebhookSender(claims, log, service, clock, logger);
    const b = new WebhookSender(claims, log, service, clock, logger);
    const [ra, rb] = await Promise.all([a.sendDue(T0), b.sendDue(T0)]);
    expect(ra.sent + rb.sent).toBe(1);
    expect(receiver.posts).toHaveLength(1);

    // A sender that dies right after the receiver answered 2xx (before marking the row sent).
    const second = await queue('once');
    const dying = new WebhookSender(
      { ...bind(claims), markSent: () => Promise.reject(new Error('killed')) },
      log,
      service,
      clock,
      logger,
    );
    await expect(dying.sendDue(T0)).rejects.toThrow('killed');
    expect(receiver.posts).toHaveLength(2);
    // The lease runs out; the next sender sees the 2xx in the log and marks the row, posting nothing.
    const next = new WebhookSender(claims, log, service, clock, logger);
    await next.sendDue(new Date(T0.getTime() + 120_000));
    expect(receiver.posts).toHaveLength(2);
    expect(await stateOf(second)).toBe('sent');

    // A sender that dies during the post (no answer logged): the row is failed, not posted again.
    const third = await queue('once');
    const [claimed] = await claims.claimDue(new Date(T0.getTime() + 180_000), 1);
    expect(claimed.id).toBe(third);
    await log.start(third, claimed.attempt, T0);
    await next.sendDue(new Date(T0.getTime() + 300_000));
    expect(await stateOf(third)).toBe('failed');
    expect(receiver.posts).toHaveLength(2);
  } finally {
    await receiver.close();
  }
});

function bind(c: OutboxWebhooks): WebhookClaims {
  return {
    claimDue: c.claimDue.bind(c),
    renewLease: c.renewLease.bind(c),
    markSent: c.markSent.bind(c),
    markRetry: c.markRetry.bind(c),
    markFailed: c.markFailed.bind(c),
  };
}
