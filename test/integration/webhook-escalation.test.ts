import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

/**
 * A `webhook` level fires once per escalation: one outbox row on the webhook channel (one dedupe
 * key per escalation and endpoint) in the escalation's transaction, the outcome `webhook_queued`
 * and an audit row; the delivery round posts it, signed, to the receiver exactly once.
 */

const SECRET = 'ops-secret-0123456789';
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let support: number;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET, [{ status: 200, body: 'ok' }]);
  t = await startTestDevhost({ clock });
  [support] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    webhooks: [
      {
        key: 'ops',
        name: 'Ops',
        url: receiver.url,
        secret: SECRET,
        format: 'json',
        allowPrivateAddress: true,
      },
    ],
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        targets: { resolution: { minutes: 60 } },
        escalations: [
          { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'webhook', webhook: 'ops' } },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const webhookRows = (subjectType: string) =>
  t.devhost.db('tblsla_vigil_outbox').where({ channel: 'webhook', subject_type: subjectType });

it('queues one post per escalation and delivers it signed, once however often scans and deliveries run', async () => {
  clock.set(new Date('2026-03-03T08:00:00Z'));
  const id = await t.devhost.tickets.create({
    subject: 'Printer down',
    message: 'm',
    department: support,
    admin: 1,
  });
  for (const iso of ['2026-03-03T09:00:00Z', '2026-03-03T09:01:00Z', '2026-03-03T09:05:00Z']) {
    clock.set(new Date(iso));
    await services.scanner.run(clock.now());
    await services.deliveries.sendDue(clock.now());
  }
  const escalation = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).first();
  expect(escalation.outcome).toBe('webhook_queued');
  const rows = await webhookRows('ticket');
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    target: 'ops',
    state: 'sent',
    dedupe_key: `escalation:${escalation.id}:webhook:ops`,
  });
  expect(receiver.posts).toHaveLength(1);
  expect(receiver.posts[0].verified).toBe(true);
  const event = JSON.parse(receiver.posts[0].body);
  expect(event).toMatchObject({
    type: 'sla.escalation',
    eventId: `escalation:${escalation.id}:webhook:ops`,
    escalationId: Number(escalation.id),
    subject: { type: 'ticket', id, title: 'Printer down' },
    metric: 'resolution',
    state: 'breached',
    dueAt: '2026-03-03T09:00:00.000Z',
    level: { number: 1, trigger: 'at_due' },
    policy: { key: 'support', name: 'Support' },
    firedAt: '2026-03-03T09:00:00.000Z',
  });
  expect(event.links.subject).toMatch(new RegExp(`/admin/tickets/ticket/${id}$`));
  expect(event.links.slaTab).toBe(`${event.links.subject}#sla_vigil`);
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ action: 'escalation.webhook_queued', subject_id: id });
  expect(audit).toHaveLength(1);
  // The delivery log shows the attempt with the receiver's status, as the settings page lists it.
  const log = await services.webhooks.repository.recentDeliveries();
  expect(log[0]).toMatchObject({
    webhook: 'ops',
    subjectId: id,
    attempt: 1,
    outcome: 'sent',
    statusCode: 200,
  });
});

it("a lead policy's webhook level queues and delivers its post with the lead as subject", async () => {
  const [fresh] = await t.devhost
    .db('tblleads_status')
    .insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  await services.config.import({
    policies: [
      {
        key: 'leads',
        name: 'Every lead',
        subject: 'lead',
        targets: { status_time: { byStatus: { [String(fresh)]: { minutes: 30 } } } },
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'webhook', webhook: 'ops' } },
        ],
      },
    ],
  });
  clock.set(new Date('2026-03-03T12:00:00Z'));
  const lead = await t.devhost.leads.create({ name: 'Acme lead', status: fresh, source: 1 });
  clock.set(new Date('2026-03-03T12:31:00Z'));
  await services.scanner.run(clock.now());
  await services.scanner.run(clock.now());
  await services.deliveries.sendDue(clock.now());
  expect(await webhookRows('lead')).toHaveLength(1);
  const posts = receiver.posts.map((p) => JSON.parse(p.body)).filter((e) => e.subject.type === 'lead');
  expect(posts).toHaveLength(1);
  expect(posts[0]).toMatchObject({
    subject: { type: 'lead', id: lead, title: 'Acme lead' },
    metric: 'status_time',
    policy: { key: 'leads' },
  });
  expect(posts[0].links.subject).toMatch(new RegExp(`/admin/leads/index/${lead}$`));
});
