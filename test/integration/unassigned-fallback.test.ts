import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs } from '../helpers/admin-session';

/**
 * A "notify the assignee" level of a ticket with nobody assigned goes to the settings' fallback
 * (the ticket's department members by default, or a named person) and says so in the escalation
 * history, instead of ending as "no recipient". 24x7 policy, UTC host.
 */
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let support: number;
const staff: Record<string, number> = {};
const at = (iso: string) => clock.set(new Date(iso));

const policy = {
  key: 'support',
  name: 'Support',
  match: {},
  calendar: null,
  targets: { first_response: { minutes: 60 } },
  escalations: [
    { metric: 'first_response', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
  ],
};

async function configure(settings: Record<string, unknown>): Promise<void> {
  await services.config.import({
    calendars: [],
    policies: [policy],
    settings: { cooldownMinutes: 60, ...settings },
  });
}

/** An unassigned ticket created at `iso`, scanned past its first-response due time. */
async function breachedUnassigned(iso: string, assigned = 0): Promise<number> {
  at(iso);
  const id = await t.devhost.tickets.create({
    subject: 'Nobody on it',
    message: 'm',
    department: support,
    admin: 1,
    assigned,
  });
  at(new Date(new Date(iso).getTime() + 61 * 60_000).toISOString());
  await services.scanner.run(clock.now());
  return id;
}

async function escalation(id: number): Promise<{ outcome: string; details: Record<string, unknown> }> {
  const row = await t.devhost.db('tblsla_vigil_escalations').where('subject_id', id).first();
  return { outcome: row.outcome, details: JSON.parse(row.details) as Record<string, unknown> };
}

async function mailsFor(id: number): Promise<string[]> {
  const mails = await t.devhost.mailbox.list();
  return mails
    .filter((m) => (m.subject ?? '').includes(`#${id} `))
    .map((m) => m.rcpt_to)
    .sort();
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  const [other] = await db('tbldepartments').insert({ name: 'Other' });
  staff.ana = await insertStaff(db, 'ana.member@example.com', 'pw123456');
  staff.ben = await insertStaff(db, 'ben.member@example.com', 'pw123456');
  staff.gone = await insertStaff(db, 'gone.member@example.com', 'pw123456', { active: 0 });
  staff.lead = await insertStaffWithCapabilities(db, 'lea.lead@example.com', STAFF_PASSWORD, ['view']);
  staff.outsider = await insertStaff(db, 'otto.outsider@example.com', 'pw123456');
  await db('tblstaff_departments').insert([
    { staffid: staff.ana, departmentid: support },
    { staffid: staff.ben, departmentid: support },
    { staffid: staff.gone, departmentid: support },
    { staffid: staff.outsider, departmentid: other },
  ]);
  services = createModuleServices(t.devhost.host);
});
afterAll(() => t.close());

it('by default goes to the active members of the ticket’s department, recorded as notified with the fallback', async () => {
  await configure({});
  const id = await breachedUnassigned('2026-03-03T08:00:00Z');
  expect(await mailsFor(id)).toEqual(['ana.member@example.com', 'ben.member@example.com']);
  const { outcome, details } = await escalation(id);
  expect(outcome).toBe('notified');
  expect(details.fallback).toEqual({ type: 'department', departmentId: support, reason: 'unassigned' });
  expect(details.recipients).toEqual(expect.arrayContaining([staff.ana, staff.ben]));
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ subject_id: id, action: 'escalation.notified' })
    .first();
  expect(JSON.parse(audit.details).fallback).toMatchObject({ type: 'department' });
  // The ticket's SLA tab says who it went to instead.
  const lead = await loginAs(t.devhost.app, 'lea.lead@example.com');
  const html = (await lead.agent.get(`/admin/tickets/ticket/${id}`)).text;
  expect(html).toContain('no assignee to notify: sent to the ticket&#39;s department instead');
});

it('goes to the named person when the settings name one, also for an inactive assignee', async () => {
  await configure({ unassignedFallback: 'staff', unassignedFallbackStaffId: staff.lead });
  const id = await breachedUnassigned('2026-03-03T10:00:00Z');
  expect(await mailsFor(id)).toEqual(['lea.lead@example.com']);
  const { outcome, details } = await escalation(id);
  expect(outcome).toBe('notified');
  expect(details.fallback).toEqual({ type: 'staff', staffId: staff.lead, reason: 'unassigned' });
  const inactive = await breachedUnassigned('2026-03-03T12:00:00Z', staff.gone);
  expect(await mailsFor(inactive)).toEqual(['lea.lead@example.com']);
  expect((await escalation(inactive)).details.fallback).toMatchObject({ reason: 'assignee_unreachable' });
});

it('an assigned ticket still goes to its assignee only, with no fallback recorded', async () => {
  await configure({});
  const id = await breachedUnassigned('2026-03-03T14:00:00Z', staff.outsider);
  expect(await mailsFor(id)).toEqual(['otto.outsider@example.com']);
  expect((await escalation(id)).details.fallback).toBeUndefined();
});

it('with the fallback set to nobody, the level is recorded as no recipient', async () => {
  await configure({ unassignedFallback: 'none' });
  const id = await breachedUnassigned('2026-03-03T16:00:00Z');
  expect(await mailsFor(id)).toEqual([]);
  expect((await escalation(id)).outcome).toBe('no_recipient');
});

it('refuses a staff fallback without a person, naming the field', async () => {
  await expect(configure({ unassignedFallback: 'staff' })).rejects.toThrow(
    /settings\.unassignedFallbackStaffId/,
  );
});
