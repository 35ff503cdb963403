import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { SmtpSink } from '../helpers/smtp-sink';
import { ADMIN_EMAIL, loginAs } from '../helpers/admin-session';
import { decode } from '../helpers/settings-html';

/**
 * Working hours and on-call on real MariaDB and a real SMTP server:
 * - a level held to working hours sends at once to a colleague without a schedule, holds the email
 *   to a Berlin recipient whose hours are over, and releases it at their next opening, which falls
 *   after Berlin's spring DST change (09:00 CEST = 07:00Z, not 08:00Z); the history says so;
 * - a notify_on_call level reaches whom a weekly rota (handover 09:00 Berlin time, across the
 *   autumn change) or a date-range rota has on duty, and the rota's fallback when nobody is on
 *   duty or the person on duty is inactive, recording which and why.
 * 24x7 policies (first response 60 min), UTC host.
 */
const clock = new MutableClock(new Date('2026-03-02T08:00:00Z'));
const sink = new SmtpSink();
let t: TestDevhost;
let services: ModuleServices;
let support = 0;
let night = 0;
let fresh = 0;
const staff: Record<string, number> = {};
const at = (iso: string) => clock.set(new Date(iso));

const office = {
  key: 'office',
  name: 'Office hours',
  timezone: 'Europe/Berlin',
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])),
};

beforeAll(async () => {
  await sink.start();
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  [night] = await db('tbldepartments').insert({ name: 'Night desk' });
  [fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  staff.ana = await insertStaff(db, 'ana.berlin@example.com', 'pw123456');
  staff.ben = await insertStaff(db, 'ben.anytime@example.com', 'pw123456');
  staff.gone = await insertStaff(db, 'gone.away@example.com', 'pw123456', { active: 0 });
  staff.lea = await insertStaffWithCapabilities(db, 'lea.lead@example.com', STAFF_PASSWORD, ['view']);
  await db('tblstaff_departments').insert([
    { staffid: staff.ana, departmentid: support },
    { staffid: staff.ben, departmentid: support },
  ]);
  // The module's own sender, pointed at the SMTP sink (every message kept, duplicates included).
  const host = t.devhost.host;
  services = createModuleServices({ ...host, mail: { ...host.mail, smtpUrl: sink.url } });
  const firstResponse = (action: object, extra: object = {}) => ({
    key: `p-${JSON.stringify(action)
      .replace(/[^a-z]/g, '')
      .slice(0, 40)}`,
    name: 'Policy',
    calendar: null,
    targets: { first_response: { minutes: 60 } },
    escalations: [{ metric: 'first_response', trigger: { type: 'at_due' }, action, ...extra }],
  });
  await services.config.import({
    calendars: [office],
    staffSchedules: [{ staffId: staff.ana, calendar: 'office' }],
    onCall: [
      {
        key: 'support-week',
        name: 'Support weekly',
        departmentId: support,
        fallbackStaffId: staff.lea,
        rotation: {
          type: 'weekly',
          startsAt: '2026-10-19',
          handover: '09:00',
          timezone: 'Europe/Berlin',
          staffIds: [staff.ana, staff.ben, staff.gone],
        },
      },
      {
        key: 'sales-holidays',
        name: 'Sales over the holidays',
        departmentId: support,
        fallbackStaffId: staff.lea,
        rotation: {
          type: 'ranges',
          ranges: [
            { from: '2026-12-24T00:00:00+01:00', to: '2026-12-27T00:00:00+01:00', staffId: staff.ben },
          ],
        },
      },
    ],
    policies: [
      // Department 1 tickets: held to working hours; department 2: on call.
      {
        ...firstResponse({ type: 'notify_department', departmentId: support }, { deliver: 'working_hours' }),
        key: 'held',
        match: { departmentIds: [support] },
      },
      {
        ...firstResponse({ type: 'notify_on_call', rota: 'support-week' }),
        key: 'on-call',
        match: { departmentIds: [night] },
      },
      {
        key: 'leads',
        name: 'Leads on call',
        subject: 'lead',
        targets: { status_time: { byStatus: { [String(fresh)]: { minutes: 60 } } } },
        escalations: [
          {
            metric: 'status_time',
            trigger: { type: 'at_due' },
            action: { type: 'notify_on_call', rota: 'sales-holidays' },
          },
        ],
      },
    ],
    settings: { cooldownMinutes: 0 },
  });
});
afterAll(async () => {
  await t.close();
  await sink.stop();
});

const sentTo = (id: number) =>
  sink.messages
    .filter((m) => (m.subject ?? '').includes(`#${id} `))
    .flatMap((m) => m.to)
    .sort();

async function escalation(id: number, type = 'ticket') {
  const row = await t.devhost
    .db('tblsla_vigil_escalations')
    .where({ subject_type: type, subject_id: id })
    .first();
  return { outcome: row.outcome as string, details: JSON.parse(row.details) as Record<string, unknown> };
}

/** A ticket in `department` created 61 minutes before `iso`, scanned at `iso` (its level fires). */
async function firedAt(iso: string, department: number): Promise<number> {
  at(new Date(new Date(iso).getTime() - 61 * 60_000).toISOString());
  const id = await t.devhost.tickets.create({ subject: 'Printer', message: 'm', department, admin: 1 });
  at(iso);
  await services.scanner.run(clock.now());
  return id;
}

it('holds an email to a Berlin recipient outside their hours and releases it at their next opening, after the DST change', async () => {
  // Friday 27 March 18:01Z is 19:01 in Berlin: Ana is off until Monday, Ben has no schedule.
  const id = await firedAt('2026-03-27T18:01:00Z', support);
  expect(sentTo(id)).toEqual(['ben.anytime@example.com']);
  const { outcome, details } = await escalation(id);
  expect(outcome).toBe('notified');
  // Berlin moves to CEST on Sunday 29 March: Monday 09:00 is 07:00Z.
  expect(details.heldUntil).toEqual({ [String(staff.ana)]: '2026-03-30T07:00:00.000Z' });
  // Her email and her bell entry both wait for Monday 09:00 (CEST).
  const held = await t.devhost
    .db('tblsla_vigil_outbox')
    .where({ subject_id: id, recipient_staff_id: staff.ana })
    .orderBy('channel');
  expect(held.map((r) => [r.channel, r.state, String(r.next_attempt_at).slice(0, 19)])).toEqual([
    ['email', 'pending', '2026-03-30 07:00:00'],
    ['in_app', 'pending', '2026-03-30 07:00:00'],
  ]);

  for (const early of ['2026-03-28T12:00:00Z', '2026-03-30T06:59:59Z']) {
    at(early);
    await services.mailer.sendDue();
    expect(sentTo(id)).toEqual(['ben.anytime@example.com']);
  }
  at('2026-03-30T07:00:00Z');
  await services.mailer.sendDue();
  expect(sentTo(id)).toEqual(['ana.berlin@example.com', 'ben.anytime@example.com']);
  // Once: a later send finds nothing more.
  at('2026-03-30T08:00:00Z');
  await services.mailer.sendDue();
  expect(sentTo(id)).toHaveLength(2);

  // The history says for whom and until when it was held.
  const lea = await loginAs(t.devhost.app, 'lea.lead@example.com');
  const tab = (await lea.agent.get(`/admin/tickets/ticket/${id}`)).text;
  // In Ana's own time: Monday 09:00 in Berlin.
  expect(tab).toContain('Ana Berlin: held until Mon 30 Mar 09:00 (outside working hours)');
  const admin = await loginAs(t.devhost.app, ADMIN_EMAIL);
  const audit = (await admin.agent.get('/admin/sla_vigil/audit')).text;
  expect(audit).toContain('Ana Berlin: held until 2026-03-30 07:00 UTC (outside working hours)');
});

it('within the recipient’s hours the email goes at once', async () => {
  // Tuesday 31 March 10:00Z is 12:00 CEST.
  const id = await firedAt('2026-03-31T10:00:00Z', support);
  expect(sentTo(id)).toEqual(['ana.berlin@example.com', 'ben.anytime@example.com']);
  expect((await escalation(id)).details.heldUntil).toBeUndefined();
});

describe('on-call', () => {
  test.each([
    [
      'before the rota starts: the fallback',
      '2026-10-19T06:00:00Z',
      'lea',
      { onDuty: null, reason: 'nobody_on_call' },
    ],
    ['first week (09:00 CEST = 07:00Z)', '2026-10-19T07:00:00Z', 'ana', { reason: 'on_duty' }],
    // Berlin falls back on 25 October: the second handover is 09:00 CET = 08:00Z.
    ['08:30 CET on the next Monday: still the first', '2026-10-26T07:30:00Z', 'ana', { reason: 'on_duty' }],
    ['09:00 CET: the second', '2026-10-26T08:00:00Z', 'ben', { reason: 'on_duty' }],
    [
      'third week: on duty but inactive, so the fallback',
      '2026-11-02T09:00:00Z',
      'lea',
      { reason: 'on_duty_unreachable' },
    ],
    ['fourth week: round to the first again', '2026-11-09T08:00:00Z', 'ana', { reason: 'on_duty' }],
  ])('%s', async (_, iso, who, why) => {
    const id = await firedAt(iso, night);
    expect(sentTo(id)).toEqual([(await t.devhost.db('tblstaff').where('staffid', staff[who]).first()).email]);
    const { outcome, details } = await escalation(id);
    expect(outcome).toBe('notified');
    expect(details.onCall).toMatchObject({ rota: 'support-week', notified: staff[who], ...why });
  });

  it('the third week names the inactive person on duty in the details', async () => {
    const id = await firedAt('2026-11-03T09:00:00Z', night);
    expect((await escalation(id)).details.onCall).toEqual({
      rota: 'support-week',
      onDuty: staff.gone,
      notified: staff.lea,
      reason: 'on_duty_unreachable',
    });
    const lea = await loginAs(t.devhost.app, 'lea.lead@example.com');
    const tab = decode((await lea.agent.get(`/admin/tickets/ticket/${id}`)).text);
    expect(tab).toContain('Notify whoever is on call');
    expect(tab).toContain('Gone Away is on call but cannot be reached: sent to the fallback Lea Lead');
  });

  test.each([
    ['inside the range', '2026-12-25T10:00:00Z', 'ben', 'on_duty'],
    ['after it: the fallback', '2026-12-28T10:00:00Z', 'lea', 'nobody_on_call'],
  ])('a lead level and a date-range rota: %s', async (_, iso, who, reason) => {
    at(new Date(new Date(iso).getTime() - 61 * 60_000).toISOString());
    const lead = await t.devhost.leads.create({ name: `Lead ${iso}`, status: fresh, source: 1 });
    at(iso);
    await services.scanner.run(clock.now());
    const { outcome, details } = await escalation(lead, 'lead');
    expect(outcome).toBe('notified');
    expect(details.onCall).toMatchObject({ rota: 'sales-holidays', notified: staff[who], reason });
    const email = (await t.devhost.db('tblstaff').where('staffid', staff[who]).first()).email;
    expect(sink.messages.some((m) => m.to.includes(email) && (m.subject ?? '').includes(`Lead ${iso}`))).toBe(
      true,
    );
  });
});

it('config export round-trips schedules and rotas', async () => {
  const exported = await services.config.export();
  expect(exported.staffSchedules).toEqual([{ staffId: staff.ana, calendar: 'office' }]);
  expect(exported.onCall?.map((r) => r.key)).toEqual(['sales-holidays', 'support-week']);
  await services.config.import(exported);
  expect(await services.config.export()).toEqual(exported);
  // A rota a policy uses cannot be deleted; a calendar a schedule uses neither.
  await expect(services.config.deleteRota('support-week', null)).rejects.toThrow('used by policies on-call');
  await expect(services.config.deleteCalendar('office', null)).rejects.toThrow('working hours of staff');
});
