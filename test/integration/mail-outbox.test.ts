import nodemailer from 'nodemailer';
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { SmtpSink } from '../helpers/smtp-sink';
import { deliveryKey, OutboxRepository, type NewOutboxRow } from '../../src/notify/outbox-repository';
import { MailSender, type MailSenderOptions, type MailTransport } from '../../src/notify/mail-sender';
import { utcToSql } from '../../src/store/datetime';
import { createHostTables } from '../../devhost/schema';

const NOW = new Date('2026-03-03T08:00:00.000Z');
const FROM = 'SLA Vigil <sla@test.local>';
const minutes = (n: number): Date => new Date(NOW.getTime() + n * 60_000);
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let t: TestDevhost;
let outbox: OutboxRepository;
const sink = new SmtpSink();
const senders: MailSender[] = [];

beforeAll(async () => {
  t = await startTestDevhost();
  outbox = new OutboxRepository(t.devhost.db, 'tbl', 'crm.test');
});
afterAll(async () => {
  await sink.stop();
  await t.close();
});
beforeEach(async () => {
  const db = t.devhost.db;
  await db('tblsla_vigil_outbox').delete();
  await db('tblsla_vigil_deliveries').delete();
  await db('tbldevhost_mailbox').delete();
  sink.messages.length = 0;
  if (!sink.running) await sink.start(); // a test may have left SMTP down
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
});

function sender(url = sink.url, options: MailSenderOptions = {}): MailSender {
  const s = new MailSender(outbox, url, FROM, { now: () => NOW }, logger, options);
  senders.push(s);
  return s;
}

function row(
  escalationId: number,
  recipientStaffId: number,
  overrides: Partial<NewOutboxRow> = {},
): NewOutboxRow {
  return {
    escalationId,
    subjectType: 'ticket',
    subjectId: 100 + escalationId,
    recipientStaffId,
    recipientEmail: `staff${recipientStaffId}@example.com`,
    language: 'en',
    subject: `[SLA breach] #${100 + escalationId} Printer down — resolution 5m late`,
    html: `<p>Ticket <b>#${100 + escalationId}</b></p>`,
    text: `Ticket #${100 + escalationId}`,
    state: 'pending',
    createdAt: NOW,
    ...overrides,
  };
}

const insert = (rows: NewOutboxRow[]): Promise<void> =>
  t.devhost.db.transaction((trx) => outbox.insert(rows, trx));
const outboxRows = () => t.devhost.db('tblsla_vigil_outbox').orderBy('id');
const deliveries = () => t.devhost.db('tblsla_vigil_deliveries').orderBy('id');

it('sends pending rows once with their Message-ID, HTML and text parts, and logs each delivery', async () => {
  await insert([row(1, 10), row(1, 11)]);
  await insert([row(1, 10)]); // a re-run of the same escalation writes nothing new

  expect(await sender().sendDue(NOW)).toEqual({ sent: 2, retried: 0, failed: 0 });

  const rows = await outboxRows();
  expect(rows).toHaveLength(2);
  expect(rows[0]).toMatchObject({
    state: 'sent',
    attempts: 1,
    sent_at: utcToSql(NOW),
    next_attempt_at: null,
    last_error: null,
    message_id: `<sla-vigil.1.10.${NOW.getTime().toString(36)}@crm.test>`,
  });
  expect(sink.messages.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.message_id).sort());
  const mail = sink.messages.find((m) => m.to[0] === 'staff10@example.com');
  expect(mail).toMatchObject({
    from: 'sla@test.local',
    subject: '[SLA breach] #101 Printer down — resolution 5m late',
    html: '<p>Ticket <b>#101</b></p>',
    text: 'Ticket #101',
  });
  expect(await deliveries()).toEqual([
    expect.objectContaining({
      outbox_id: rows[0].id,
      attempt: 1,
      outcome: 'sent',
      response: expect.stringMatching(/^250/),
    }),
    expect.objectContaining({ outbox_id: rows[1].id, attempt: 1, outcome: 'sent' }),
  ]);
  expect(await outbox.counts()).toEqual({ pending: 0, sending: 0, sent: 2, failed: 0, suppressed: 0 });

  // A second run later finds nothing to send.
  expect(await sender().sendDue(minutes(90))).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(sink.messages).toHaveLength(2);
});

it('keeps mails in the outbox while SMTP is down, backing off, and sends them once when it is back', async () => {
  await insert([row(2, 10)]);
  await sink.stop();
  const s = sender();

  expect(await s.sendDue(NOW)).toEqual({ sent: 0, retried: 1, failed: 0 });
  expect((await outboxRows())[0]).toMatchObject({
    state: 'pending',
    attempts: 1,
    next_attempt_at: utcToSql(minutes(1)),
    last_error: expect.stringMatching(/ECONNREFUSED/),
  });
  expect(await s.sendDue(minutes(0.5))).toEqual({ sent: 0, retried: 0, failed: 0 }); // not due yet
  expect(await s.sendDue(minutes(1))).toEqual({ sent: 0, retried: 1, failed: 0 });
  expect((await outboxRows())[0]).toMatchObject({ attempts: 2, next_attempt_at: utcToSql(minutes(3)) });

  await sink.start();
  expect(await s.sendDue(minutes(3))).toEqual({ sent: 1, retried: 0, failed: 0 });
  expect(await s.sendDue(minutes(60))).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(sink.messages).toHaveLength(1);
  expect((await outboxRows())[0]).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
  expect((await deliveries()).map((d) => [d.attempt, d.outcome])).toEqual([
    [1, 'error'],
    [2, 'error'],
    [3, 'sent'],
  ]);
});

it('gives up after the last attempt and marks the row failed', async () => {
  await insert([row(3, 10)]);
  await sink.stop();
  const s = sender(sink.url, { maxAttempts: 3 });
  expect(await s.sendDue(NOW)).toMatchObject({ retried: 1 });
  expect(await s.sendDue(minutes(1))).toMatchObject({ retried: 1 });
  expect(await s.sendDue(minutes(3))).toEqual({ sent: 0, retried: 0, failed: 1 });
  expect((await outboxRows())[0]).toMatchObject({ state: 'failed', attempts: 3, next_attempt_at: null });
  await sink.start();
  expect(await s.sendDue(minutes(600))).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(sink.messages).toHaveLength(0);
});

it('sends again, with the same Message-ID, a row whose sender died mid-send; the mailbox keeps it once', async () => {
  await insert([row(4, 10)]);
  // The "killed" worker: claimed the row and handed the mail to SMTP, then died before markSent.
  const [claimed] = await outbox.claimDue(NOW, 10);
  const dying = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.devhost.mailbox.port,
    ignoreTLS: true,
  });
  await dying.sendMail({
    messageId: claimed.messageId ?? undefined,
    from: FROM,
    to: claimed.recipientEmail ?? undefined,
    subject: claimed.subject,
    text: claimed.text,
  });
  dying.close();

  const survivor = sender(`smtp://127.0.0.1:${t.devhost.mailbox.port}`);
  // The lease is about a minute: still held after 30 s, due again after 61 s.
  expect(await survivor.sendDue(minutes(0.5))).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect((await outboxRows())[0]).toMatchObject({ state: 'sending', attempts: 1 });
  expect(await survivor.sendDue(new Date(NOW.getTime() + 61_000))).toEqual({
    sent: 1,
    retried: 0,
    failed: 0,
  });

  expect((await outboxRows())[0]).toMatchObject({ state: 'sent', attempts: 2 });
  expect((await deliveries()).map((d) => [d.attempt, d.outcome])).toEqual([[2, 'sent']]);
  const mailbox = await t.devhost.db('tbldevhost_mailbox');
  expect(mailbox).toHaveLength(1);
  expect(mailbox[0]).toMatchObject({ message_id: claimed.messageId, rcpt_to: 'staff10@example.com' });
});

it('a row the SMTP server confirmed is never sent again, even when a second sender took over its lease', async () => {
  await insert([row(20, 10)]);
  // A slow sender claimed it; after the lease a second sender claims it too.
  const [slow] = await outbox.claimDue(NOW, 10);
  const [second] = await outbox.claimDue(new Date(NOW.getTime() + 61_000), 10);
  expect(second).toMatchObject({ id: slow.id, attempt: 2, messageId: slow.messageId });
  // The slow sender's SMTP server confirms: the row is sent, whoever holds the claim.
  await outbox.markSent(slow.id, minutes(1.1));
  // The second sender learns it lost the row and cannot turn it back into a retry.
  expect(await outbox.renewLease(second.id, second.attempt, minutes(3))).toBe(false);
  await outbox.markRetry(second.id, 'timeout', minutes(3), second.attempt);
  expect((await outboxRows())[0]).toMatchObject({ state: 'sent', next_attempt_at: null });
  expect(await sender().sendDue(minutes(60))).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(sink.messages).toHaveLength(0);
});

it('a slow batch never sends a row another sender claimed after its lease ran out', async () => {
  await insert([row(21, 10), row(22, 11)]);
  let now = NOW;
  let overtaken: Awaited<ReturnType<OutboxRepository['claimDue']>> = [];
  const transport = {
    // The first message takes two minutes; meanwhile another sender claims both rows (their
    // leases ran out). The first was confirmed anyway; the second must be left to the new owner.
    sendMail: async () => {
      now = minutes(2);
      overtaken = await outbox.claimDue(now, 10);
      return { response: '250 ok' };
    },
    close: () => undefined,
  } as unknown as MailTransport;
  const slow = new MailSender(outbox, () => transport, FROM, { now: () => now }, logger);
  expect(await slow.sendDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
  expect(overtaken.map((m) => m.escalationId)).toEqual([21, 22]);
  expect(await outboxRows()).toEqual([
    expect.objectContaining({ escalation_id: 21, state: 'sent' }),
    expect.objectContaining({ escalation_id: 22, state: 'sending', attempts: 2 }),
  ]);
  expect((await deliveries()).map((d) => [d.outbox_id, d.outcome])).toHaveLength(1);
});

it('never sends suppressed rows', async () => {
  await insert([row(5, 10, { state: 'suppressed' }), row(5, 11)]);
  const s = sender();
  expect(await s.sendDue(NOW)).toEqual({ sent: 1, retried: 0, failed: 0 });
  expect(await s.sendDue(minutes(24 * 60))).toEqual({ sent: 0, retried: 0, failed: 0 });
  expect(sink.messages.map((m) => m.to)).toEqual([['staff11@example.com']]);
  expect(await outboxRows()).toEqual([
    expect.objectContaining({
      recipient_staff_id: 10,
      state: 'suppressed',
      attempts: 0,
      next_attempt_at: null,
    }),
    expect.objectContaining({ recipient_staff_id: 11, state: 'sent' }),
  ]);
});

it('three concurrent senders over 50 rows send each exactly once', async () => {
  await insert(Array.from({ length: 50 }, (_, i) => row(100 + i, 10)));
  const results = await Promise.all([1, 2, 3].map(() => sender(sink.url, { batchSize: 5 }).sendDue(NOW)));
  expect(results.reduce((n, r) => n + r.sent, 0)).toBe(50);
  expect(results.every((r) => r.retried === 0 && r.failed === 0)).toBe(true);
  expect(sink.messages).toHaveLength(50);
  expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(50);
  expect(await outbox.counts()).toMatchObject({ sent: 50, pending: 0, sending: 0 });
  expect(await t.devhost.db('tblsla_vigil_deliveries').count({ n: '*' })).toEqual([{ n: 50 }]);
});

it('the cooldown check counts pending, sending and sent rows since the given time, not suppressed or failed', async () => {
  await insert([
    row(6, 10, { subjectId: 7, createdAt: minutes(-30) }),
    row(7, 11, { subjectId: 7, createdAt: minutes(-30), state: 'suppressed' }),
    row(8, 12, { subjectId: 7, createdAt: minutes(-30) }),
  ]);
  await t.devhost.db('tblsla_vigil_outbox').where('recipient_staff_id', 12).update({ state: 'failed' });
  const recent = async (staff: number, since: Date, subjectId = 7): Promise<boolean> =>
    (
      await t.devhost.db.transaction((trx) =>
        outbox.recentDeliveries('ticket', [subjectId], [staff], since, trx),
      )
    ).has(deliveryKey(staff, subjectId, 'email', 'escalation'));
  expect(await recent(10, minutes(-60))).toBe(true);
  expect(await recent(10, minutes(-30))).toBe(true);
  expect(await recent(10, minutes(-29))).toBe(false);
  expect(await recent(10, minutes(-60), 8)).toBe(false);
  expect(await recent(11, minutes(-60))).toBe(false);
  expect(await recent(12, minutes(-60))).toBe(false);
});

it('setup adds the mailbox Message-ID column to a devhost table made before it existed', async () => {
  const db = t.devhost.db;
  await db.schema.alterTable('tbldevhost_mailbox', (x) => {
    x.dropUnique(['message_id']);
    x.dropColumn('message_id');
  });
  await createHostTables(db, 'tbl');
  expect(await db.schema.hasColumn('tbldevhost_mailbox', 'message_id')).toBe(true);
  await insert([row(9, 10)]);
  expect(await sender(`smtp://127.0.0.1:${t.devhost.mailbox.port}`).sendDue(NOW)).toMatchObject({ sent: 1 });
  expect(await db('tbldevhost_mailbox').whereNotNull('message_id')).toHaveLength(1);
});
