import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import type { QueuedWebhook, WebhookQueue } from '../../src/notify/webhook/webhook-queue';

/**
 * A `webhook` level fires once per escalation: one post queued (deduplicated per escalation and
 * endpoint) in the escalation's transaction, the outcome `webhook_queued` and an audit row. The
 * queue here records what the escalation wrote; the generic outbox's webhook channel takes its
 * place in the wiring.
 */

const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let unwired: ModuleServices;
let support: number;
const queued: QueuedWebhook[] = [];
const queue: WebhookQueue = {
  enqueue: async (row) => {
    if (!queued.some((q) => q.dedupeKey === row.dedupeKey)) queued.push(row);
  },
};

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  [support] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  services = createModuleServices(t.devhost.host, { webhookQueue: queue });
  unwired = createModuleServices(t.devhost.host);
  await services.config.import({
    webhooks: [
      {
        key: 'ops',
        name: 'Ops',
        url: 'https://1.1.1.1/hook',
        secret: 'ops-secret-0123456789',
        format: 'json',
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
afterAll(() => t.close());

it('queues one post per escalation with the event a receiver needs, once however often scans run', async () => {
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
  }
  expect(queued).toHaveLength(1);
  const [row] = queued;
  const escalation = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).first();
  expect(escalation.outcome).toBe('webhook_queued');
  expect(row).toMatchObject({
    escalationId: Number(escalation.id),
    subjectType: 'ticket',
    subjectId: id,
    target: 'ops',
    dedupeKey: `escalation:${escalation.id}:webhook:ops`,
  });
  expect(row.payload).toMatchObject({
    type: 'sla.escalation',
    eventId: row.dedupeKey,
    subject: { type: 'ticket', id, title: 'Printer down' },
    metric: 'resolution',
    state: 'breached',
    dueAt: '2026-03-03T09:00:00.000Z',
    level: { number: 1, trigger: 'at_due' },
    policy: { key: 'support', name: 'Support' },
    firedAt: '2026-03-03T09:00:00.000Z',
  });
  expect(row.payload.links.subject).toMatch(new RegExp(`/admin/tickets/ticket/${id}$`));
  expect(row.payload.links.slaTab).toBe(`${row.payload.links.subject}#sla_vigil`);
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ action: 'escalation.webhook_queued', subject_id: id });
  expect(audit).toHaveLength(1);
});

it('without a queue the level is recorded as failed with the reason, never dropped silently', async () => {
  clock.set(new Date('2026-03-03T10:00:00Z'));
  const id = await t.devhost.tickets.create({
    subject: 'Second',
    message: 'm',
    department: support,
    admin: 1,
  });
  clock.set(new Date('2026-03-03T11:00:00Z'));
  await unwired.scanner.run(clock.now());
  const escalation = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).first();
  expect(escalation.outcome).toBe('action_failed');
  expect(JSON.parse(escalation.details).error).toMatch(/webhook delivery is not available/);
});

it("a lead policy's webhook level queues its post with the lead as subject", async () => {
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
  const rows = queued.filter((q) => q.subjectType === 'lead');
  expect(rows).toHaveLength(1);
  expect(rows[0].payload).toMatchObject({
    subject: { type: 'lead', id: lead, title: 'Acme lead' },
    metric: 'status_time',
    policy: { key: 'leads' },
  });
  expect(rows[0].payload.links.subject).toMatch(new RegExp(`/admin/leads/index/${lead}$`));
});
