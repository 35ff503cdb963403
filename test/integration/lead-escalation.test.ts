import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs } from '../helpers/admin-session';

/**
 * A lead ladder on a 24x7 policy ("New" 30 minutes): the owner at the due time (an owner-less
 * lead reaches the settings' fallback staff member), a manager at the due time (held back by the
 * cooldown when the same scan already mailed them about that lead), the sales department 30
 * minutes later, a reassignment 60 minutes later through the devhost's lead edit; every level
 * once however many scans run; and an unreadable lead row that never stops the others.
 */
const clock = new MutableClock(new Date('2026-03-02T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
const ids = { fresh: 0, web: 1, sales: 0, priya: 0, jonas: 0, mona: 0 };
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [ids.sales] = await db('tbldepartments').insert({ name: 'Sales' });
  ids.priya = await insertStaff(db, 'priya@x.test', 'pw123456');
  ids.jonas = await insertStaff(db, 'jonas@x.test', 'pw123456');
  ids.mona = await insertStaff(db, 'mona.manager@x.test', 'pw123456');
  await db('tblstaff_departments').insert([
    { staffid: ids.priya, departmentid: ids.sales },
    { staffid: ids.jonas, departmentid: ids.sales },
  ]);
  services = createModuleServices(t.devhost.host);
  const level = (trigger: object, action: object) => ({ metric: 'status_time', trigger, action });
  await services.config.import({
    policies: [
      {
        key: 'leads',
        name: 'Every lead',
        subject: 'lead',
        match: {},
        targets: { status_time: { byStatus: { [String(ids.fresh)]: { minutes: 30 } } } },
        escalations: [
          level({ type: 'at_due' }, { type: 'notify_assignee' }),
          level({ type: 'at_due' }, { type: 'notify_staff', staffId: ids.mona }),
          level({ type: 'after_due', minutes: 30 }, { type: 'notify_department', departmentId: ids.sales }),
          level({ type: 'after_due', minutes: 60 }, { type: 'reassign_staff', staffId: ids.jonas }),
        ],
      },
    ],
    settings: {
      cooldownMinutes: 60,
      defaultWarnAtPercent: 80,
      unassignedFallback: 'staff',
      unassignedFallbackStaffId: ids.mona,
    },
  });
});
afterAll(() => t.close());

const outcomes = async (leadId: number) =>
  (
    await t.devhost
      .db('tblsla_vigil_escalations')
      .where({ subject_type: 'lead', subject_id: leadId })
      .orderBy('level')
  ).map((e) => [e.level, e.outcome]);
const mailsTo = async (email: string, about: string) =>
  (await t.devhost.mailbox.list()).filter((m) => m.rcpt_to === email && (m.subject ?? '').includes(about));

it('climbs the ladder once per level, with fallback, cooldown and a reassignment through the host', async () => {
  at('2026-03-02T08:00:00Z');
  const owned = await t.devhost.leads.create({
    name: 'Owned Lead',
    status: ids.fresh,
    source: ids.web,
    assigned: ids.priya,
  });
  const orphan = await t.devhost.leads.create({ name: 'Orphan Lead', status: ids.fresh, source: ids.web });
  const [broken] = await t.devhost.db('tblleads').insert({
    name: 'Zero date',
    status: ids.fresh,
    source: ids.web,
    dateadded: '0000-00-00 00:00:00',
    addedfrom: 0,
  });

  at('2026-03-02T08:31:00Z');
  const first = await services.scanner.run(clock.now());
  // The unreadable row is skipped and listed; the other leads escalate as usual.
  expect(first.failed).toBe(1);
  expect((await services.hostProblems.list()).problems).toEqual([
    expect.objectContaining({ kind: 'lead', rowId: broken, ticketId: broken }),
  ]);
  expect(await outcomes(owned)).toEqual([
    [1, 'notified'],
    [2, 'notified'],
  ]);
  // No owner: the fallback staff member; the manager level then finds her mailed about it already.
  expect(await outcomes(orphan)).toEqual([
    [1, 'notified'],
    [2, 'suppressed'],
  ]);
  const fallback = await t.devhost
    .db('tblsla_vigil_escalations')
    .where({ subject_id: orphan, level: 1 })
    .first();
  expect(JSON.parse(fallback.details).fallback).toEqual({
    type: 'staff',
    staffId: ids.mona,
    reason: 'unassigned',
  });
  expect(await mailsTo('priya@x.test', 'Owned Lead')).toHaveLength(1);
  expect(await mailsTo('mona.manager@x.test', 'Orphan Lead')).toHaveLength(1);

  at('2026-03-02T09:01:00Z');
  await services.scanner.run(clock.now());
  // The department: Jonas; Priya was mailed about the owned lead 30 minutes ago (cooldown).
  expect((await outcomes(owned))[2]).toEqual([3, 'notified']);
  expect(await mailsTo('jonas@x.test', 'Owned Lead')).toHaveLength(1);
  expect(await mailsTo('priya@x.test', 'Owned Lead')).toHaveLength(1);

  at('2026-03-02T09:31:00Z');
  await services.scanner.run(clock.now());
  expect((await outcomes(owned))[3]).toEqual([4, 'reassigned']);
  expect((await t.devhost.db('tblleads').where('id', owned).first()).assigned).toBe(ids.jonas);
  // The host's own edit fired after_lead_updated: the module recorded the new owner.
  const events = await services.timeline.forSubject('lead', owned);
  expect(
    events.filter((e) => e.eventType === 'assignee_changed').map((e) => [e.fromValue, e.toValue]),
  ).toEqual([[String(ids.priya), String(ids.jonas)]]);

  // More scans fire nothing more.
  for (const iso of ['2026-03-02T09:32:00Z', '2026-03-02T10:40:00Z']) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  expect(await outcomes(owned)).toHaveLength(4);
  expect(await outcomes(orphan)).toHaveLength(4);
  const audit = await t.devhost
    .db('tblsla_vigil_audit_log')
    .where({ subject_type: 'lead', subject_id: owned });
  expect(audit.map((a) => a.action).sort()).toEqual([
    'escalation.notified',
    'escalation.notified',
    'escalation.notified',
    'escalation.reassigned',
  ]);

  // The row repaired in the host: the next scan adopts it and the problem leaves the list.
  await t.devhost.db('tblleads').where('id', broken).update({ dateadded: '2026-03-02 10:30:00' });
  const repaired = await services.scanner.run(clock.now());
  expect(repaired.failed).toBe(0);
  expect((await services.hostProblems.list()).problems).toEqual([]);
  expect((await services.leads.subjects.getMany([broken])).has(broken)).toBe(true);
});

it('shows a lead to a department-limited viewer only when it is theirs; others read as unknown', async () => {
  const viewer = await insertStaffWithCapabilities(t.devhost.db, 'viv@x.test', STAFF_PASSWORD, ['view']);
  await t.devhost.db('tblstaff_departments').insert({ staffid: viewer, departmentid: ids.sales });
  await t.devhost
    .db('tbloptions')
    .where('name', 'staff_access_only_assigned_departments')
    .update({ value: '1' });
  const mine = await t.devhost.leads.create({
    name: 'Viv Lead',
    status: ids.fresh,
    source: ids.web,
    assigned: viewer,
  });
  const theirs = await t.devhost.leads.create({
    name: 'Not Viv',
    status: ids.fresh,
    source: ids.web,
    assigned: ids.priya,
  });
  const session = await loginAs(t.devhost.app, 'viv@x.test');
  await session.agent.get(`/admin/sla_vigil/api/subjects/lead/${mine}`).expect(200);
  await session.agent.get(`/admin/sla_vigil/api/subjects/lead/${theirs}`).expect(404);
  await t.devhost
    .db('tbloptions')
    .where('name', 'staff_access_only_assigned_departments')
    .update({ value: '0' });
  await session.agent.get(`/admin/sla_vigil/api/subjects/lead/${theirs}`).expect(200);
});
