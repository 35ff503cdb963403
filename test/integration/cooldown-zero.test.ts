import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';

/** `cooldownMinutes: 0` in the settings means no suppression at all. */
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let support: number;
let agent: number;
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  [support] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  agent = await insertStaff(t.devhost.db, 'ana.agent@example.com', 'pw123456');
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 60 } },
        escalations: [
          { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
          { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
          {
            metric: 'resolution',
            trigger: { type: 'after_due', minutes: 1 },
            action: { type: 'notify_staff', staffId: agent },
          },
        ],
      },
    ],
  });
  // Through the settings API the general settings form uses.
  await services.config.saveSettings({ cooldownMinutes: 0 }, null);
});
afterAll(() => t.close());

it('two levels due in the same scan, and a third a minute later, all email the same person', async () => {
  at('2026-03-03T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Printer down',
    message: 'm',
    department: support,
    admin: 1,
    assigned: agent,
  });
  at('2026-03-03T09:00:00Z');
  await services.scanner.run(clock.now());
  at('2026-03-03T09:01:00Z');
  await services.scanner.run(clock.now());
  const outbox = await t.devhost
    .db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .where('subject_id', id)
    .orderBy('id');
  expect(outbox.map((o) => [o.recipient_staff_id, o.state])).toEqual([
    [agent, 'sent'],
    [agent, 'sent'],
    [agent, 'sent'],
  ]);
  const mails = await t.devhost.mailbox.list();
  expect(mails.map((m) => m.rcpt_to)).toEqual(Array(3).fill('ana.agent@example.com'));
  const escalations = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id);
  expect(escalations.map((e) => e.outcome)).toEqual(['notified', 'notified', 'notified']);
});
