import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';

/**
 * An internal target's levels (OLA) fire before the customer's by design: their emails keep a
 * cooldown of their own, so the internal breach never silences the customer breach sent to the
 * same person minutes later, while two internal levels within the window still do.
 */
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let tier1: number;
let lead: number;
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  [tier1] = await t.devhost.db('tbldepartments').insert({ name: 'Tier 1' });
  lead = await insertStaff(t.devhost.db, 'leo.lead@example.com', 'pw123456');
  services = createModuleServices(t.devhost.host);
  const notifyLead = { type: 'notify_staff', staffId: lead };
  await services.config.import({
    policies: [
      {
        key: 'standard',
        name: 'Standard',
        calendar: null,
        targets: { resolution: { minutes: 120 } },
        internalTargets: [{ team: { departmentId: tier1 }, targets: { resolution: { minutes: 60 } } }],
        escalations: [
          { metric: 'resolution', trigger: { type: 'at_due' }, action: notifyLead, scope: 'internal' },
          {
            metric: 'resolution',
            trigger: { type: 'after_due', minutes: 30 },
            action: notifyLead,
            scope: 'internal',
          },
          { metric: 'resolution', trigger: { type: 'at_due' }, action: notifyLead },
        ],
      },
    ],
    settings: { cooldownMinutes: 120, defaultWarnAtPercent: 80 },
  });
});
afterAll(() => t.close());

it('the customer breach reaches the lead although an internal one did an hour before', async () => {
  at('2026-03-03T08:00:00Z');
  const id = await t.devhost.tickets.create({
    subject: 'Printer down',
    message: 'm',
    department: tier1,
    admin: 1,
  });
  for (const iso of ['2026-03-03T09:00:00Z', '2026-03-03T09:30:00Z', '2026-03-03T10:00:00Z']) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  const emails = await t.devhost
    .db('tblsla_vigil_outbox')
    .where({ subject_id: id, channel: 'email' })
    .orderBy('id')
    .select('kind', 'state');
  expect(emails.map((e) => [e.kind, e.state])).toEqual([
    ['internal', 'sent'], // internal breach, 09:00
    ['internal', 'suppressed'], // internal +30 min: inside the internal cooldown
    ['escalation', 'sent'], // customer breach, 10:00: its own cooldown
  ]);
  expect((await t.devhost.mailbox.list()).filter((m) => m.rcpt_to === 'leo.lead@example.com')).toHaveLength(
    2,
  );
});
