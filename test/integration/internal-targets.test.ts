import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import { readCsv } from '../helpers/csv-reader';
import { DashboardService } from '../../src/store/read/dashboard-service';

/**
 * Internal targets (OLA) end to end on MariaDB: a ticket of the Tier 1 department gets internal
 * clocks beside the customer ones (hook, then scan), the internal level fires once, and the
 * reports and the dashboard count the customer SLA exactly as without OLAs and the internal
 * targets apart.
 */

// Tue 2026-03-03 08:00 UTC = 09:00 Europe/Berlin.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let admin: AdminSession;
let tier1: number;
let ticket: number;
const staff: Record<string, number> = {};
const at = (iso: string) => clock.set(new Date(iso));
const mails = async () => (await t.devhost.mailbox.list()).reverse();
const clockRows = () =>
  t.devhost
    .db('tblsla_vigil_clocks')
    .where({ subject_type: 'ticket', subject_id: ticket })
    .orderBy(['scope', 'metric', 'cycle'])
    .select('scope', 'metric', 'cycle', 'state', 'due_at');

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [tier1] = await db('tbldepartments').insert({ name: 'Tier 1' });
  staff.agent = await insertStaff(db, 'ana.agent@example.com', 'pw123456');
  staff.lead = await insertStaff(db, 'leo.lead@example.com', 'pw123456');
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [{ key: 'berlin', name: 'Berlin office', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'standard',
        name: 'Standard',
        calendar: 'berlin',
        targets: { first_response: { minutes: 120 }, resolution: { minutes: 480 } },
        internalTargets: [
          {
            team: { departmentId: tier1 },
            targets: { first_response: { minutes: 30 }, resolution: { minutes: 240 } },
          },
        ],
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_staff', staffId: staff.lead },
            scope: 'internal',
          },
        ],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  admin = await loginAs(t.devhost.app, ADMIN_EMAIL);
});
afterAll(() => t.close());

it('a Tier 1 ticket gets internal clocks beside the customer ones, from the hook', async () => {
  at('2026-03-03T08:00:00Z');
  ticket = await t.devhost.tickets.create({
    subject: 'Printer down',
    message: 'm',
    department: tier1,
    admin: 1,
    assigned: staff.agent,
  });
  expect((await clockRows()).map((r) => [r.scope, r.metric, r.state, r.due_at])).toEqual([
    ['customer', 'first_response', 'on_track', '2026-03-03 10:00:00.000'],
    ['customer', 'resolution', 'on_track', '2026-03-03 16:00:00.000'],
    ['internal', 'first_response', 'on_track', '2026-03-03 08:30:00.000'],
    ['internal', 'resolution', 'on_track', '2026-03-03 12:00:00.000'],
  ]);
});

it('a reply after the internal first response target breaches it and meets the customer one', async () => {
  at('2026-03-03T08:45:00Z');
  await services.scanner.run(clock.now());
  // In progress: the resolution clocks keep running (Answered would pause them).
  await t.devhost.tickets.reply(ticket, { message: 'on it', admin: staff.agent, status: 2 });
  const rows = await clockRows();
  expect(rows.filter((r) => r.metric === 'first_response').map((r) => [r.scope, r.state])).toEqual([
    ['customer', 'met'],
    ['internal', 'breached'],
  ]);
  // The badge is the customer's: on track, although an internal clock is breached.
  const subject = await t.devhost.db('tblsla_vigil_subjects').where({ subject_id: ticket }).first();
  expect(subject.sla_state).toBe('on_track');
});

it('the internal level fires once, by scan, and its email says "internal target"', async () => {
  for (const iso of [
    '2026-03-03T11:59:00Z',
    '2026-03-03T12:00:00Z',
    '2026-03-03T12:05:00Z',
    '2026-03-03T13:30:00Z',
  ]) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  const fired = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', ticket);
  expect(fired.map((f) => [f.metric, f.level, f.outcome])).toEqual([['resolution', 1, 'notified']]);
  const sent = await mails();
  expect(sent.map((m) => m.rcpt_to)).toEqual(['leo.lead@example.com']);
  expect(sent[0].subject).toContain('internal resolution');
  expect(sent[0].text).toContain('Resolution (internal target)');
  const rows = await clockRows();
  expect(rows.filter((r) => r.metric === 'resolution').map((r) => [r.scope, r.state])).toEqual([
    ['customer', 'on_track'],
    ['internal', 'breached'],
  ]);
});

it('the ticket JSON keeps its shape: customer clocks as before, internal ones marked', async () => {
  const res = await admin.agent.get(`/admin/sla_vigil/api/tickets/${ticket}`);
  expect(res.status).toBe(200);
  const clocks = res.body.clocks as { metric: string; scope?: string; state: string }[];
  expect(res.body.state).toBe('on_track');
  expect(clocks.map((c) => [c.scope ?? null, c.metric, c.state])).toEqual([
    [null, 'first_response', 'met'],
    [null, 'resolution', 'on_track'],
    ['internal', 'first_response', 'breached'],
    ['internal', 'resolution', 'breached'],
  ]);
  for (const c of clocks) {
    expect(Object.keys(c)).toEqual(
      expect.arrayContaining(['metric', 'state', 'startedAt', 'dueAt', 'cycle']),
    );
  }
});

it('the SLA tab lists the internal targets beside the customer ones, labelled by the team', async () => {
  const html = (await admin.agent.get(`/admin/tickets/ticket/${ticket}`)).text;
  expect(html).toContain('data-scope="internal"');
  expect(html).toContain('Internal (Tier 1): Resolution');
  // The escalation history names the internal clock its level fired on.
  expect(html).toMatch(/data-label="Metric">Internal \(Tier 1\): Resolution</);
});

it('reports and dashboard: customer figures as without OLAs, internal ones apart', async () => {
  at('2026-03-03T14:00:00Z');
  await t.devhost.tickets.changeStatus(ticket, { status: 5 });
  await services.scanner.run(clock.now());
  const range = { from: new Date('2026-03-03T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') };
  const customer = await services.reports.report({ ...range, groupBy: 'metric' });
  const internal = await services.reports.report({ ...range, groupBy: 'metric', scope: 'internal' });
  expect([customer.total.finished, customer.total.metOnTime, customer.total.breached]).toEqual([2, 2, 0]);
  expect([internal.total.finished, internal.total.metOnTime, internal.total.breached]).toEqual([2, 0, 2]);

  const card = await new DashboardService(t.devhost.db, 'tbl').scorecard(clock.now(), 'Europe/Berlin', 30);
  expect([card.finished, card.onTime, card.breachesInPeriod]).toEqual([2, 2, 0]);
  expect(card.internal).toEqual({ finished: 2, onTime: 0, onTimePercent: 0, breachesInPeriod: 2 });
  const dashboard = (await admin.agent.get('/admin/sla_vigil')).text;
  expect(dashboard).toMatch(/data-kpi="on_time" data-value="100.0"/);
  expect(dashboard).toMatch(/data-kpi="internal_on_time" data-value="0.0"/);
  expect(dashboard).toContain('0 of 2 finished internal targets met in time');

  const page = await admin.agent.get('/admin/sla_vigil/reports?from=2026-03-03&to=2026-03-03&scope=internal');
  expect(page.status).toBe(200);
  expect(page.text).toContain('data-testid="sv-report-internal-note"');
  const csv = await admin.agent
    .get('/admin/sla_vigil/reports/tickets.csv?from=2026-03-03&to=2026-03-03&scope=internal')
    .buffer(true);
  const [header, ...rows] = readCsv(csv.text);
  expect(header[header.length - 1]).toBe('Scope');
  expect(rows.map((r) => r[r.length - 1])).toEqual(['Internal targets', 'Internal targets']);
  const bad = await admin.agent.get('/admin/sla_vigil/reports?scope=everything');
  expect(bad.status).toBe(422);
  expect(bad.text).toContain('data-field="scope"');
});
