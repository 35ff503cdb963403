import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { loginAs } from '../helpers/admin-session';
import { decode } from '../helpers/settings-html';

/**
 * "Notify the owner's department" on a lead ladder (notify_department without a department): the
 * reachable members of every department the lead's owner is in, each once, exactly once however
 * many scans run; no owner, an owner in no department, or nobody reachable there is recorded as
 * `no_recipient` with the reason, and nobody is mailed. The panel and the audit name the action.
 */
const clock = new MutableClock(new Date('2026-03-02T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
const ids = {
  fresh: 0,
  web: 1,
  sales: 0,
  partners: 0,
  ghost: 0,
  olga: 0,
  sam: 0,
  pat: 0,
  ina: 0,
  nora: 0,
  quinn: 0,
};
const at = (iso: string) => clock.set(new Date(iso));

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [ids.sales] = await db('tbldepartments').insert({ name: 'Sales' });
  [ids.partners] = await db('tbldepartments').insert({ name: 'Partners' });
  [ids.ghost] = await db('tbldepartments').insert({ name: 'Ghost desk' });
  ids.olga = await insertStaff(db, 'olga.owner@x.test', 'pw123456');
  ids.sam = await insertStaff(db, 'sam@x.test', 'pw123456');
  ids.pat = await insertStaff(db, 'pat@x.test', 'pw123456');
  ids.ina = await insertStaff(db, 'ina@x.test', 'pw123456', { active: 0 });
  ids.nora = await insertStaff(db, 'nora@x.test', 'pw123456');
  ids.quinn = await insertStaff(db, 'quinn@x.test', 'pw123456', { active: 0 });
  await db('tblstaff_departments').insert([
    // Olga owns the lead: Sales and Partners; Pat is in both (mailed once), Ina is inactive.
    { staffid: ids.olga, departmentid: ids.sales },
    { staffid: ids.olga, departmentid: ids.partners },
    { staffid: ids.sam, departmentid: ids.sales },
    { staffid: ids.pat, departmentid: ids.sales },
    { staffid: ids.pat, departmentid: ids.partners },
    { staffid: ids.ina, departmentid: ids.partners },
    // Quinn (inactive) is the only member of her department; Nora is in none.
    { staffid: ids.quinn, departmentid: ids.ghost },
  ]);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'leads',
        name: 'Every lead',
        subject: 'lead',
        match: {},
        targets: { status_time: { byStatus: { [String(ids.fresh)]: { minutes: 30 } } } },
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_department' } },
        ],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
});
afterAll(() => t.close());

const escalations = (leadId: number) =>
  t.devhost.db('tblsla_vigil_escalations').where({ subject_type: 'lead', subject_id: leadId });
const auditOf = (leadId: number) =>
  t.devhost.db('tblsla_vigil_audit_log').where({ subject_type: 'lead', subject_id: leadId });
const mailsAbout = async (about: string) =>
  (await t.devhost.mailbox.list())
    .filter((m) => (m.subject ?? '').includes(about))
    .map((m) => m.rcpt_to)
    .sort();

it("notifies the owner's departments' reachable members once each, once across scans", async () => {
  at('2026-03-02T08:00:00Z');
  const lead = await t.devhost.leads.create({
    name: 'Dept Lead',
    status: ids.fresh,
    source: ids.web,
    assigned: ids.olga,
  });

  at('2026-03-02T08:31:00Z');
  await services.scanner.run(clock.now());
  // A second scan past the cooldown: the level is recorded once, so nothing is sent again.
  at('2026-03-02T10:00:00Z');
  await services.scanner.run(clock.now());

  const rows = await escalations(lead);
  expect(rows.map((r) => [r.level, r.action_type, r.outcome])).toEqual([
    [1, 'notify_department', 'notified'],
  ]);
  const details = JSON.parse(rows[0].details);
  expect(details.action).toEqual({ type: 'notify_department' });
  expect(details.ownerDepartmentIds).toEqual([ids.sales, ids.partners].sort((a, b) => a - b));
  expect([...details.recipients].sort((a: number, b: number) => a - b)).toEqual(
    [ids.olga, ids.sam, ids.pat].sort((a, b) => a - b),
  );
  const outbox = await t.devhost
    .db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .where({ subject_type: 'lead', subject_id: lead });
  expect(outbox).toHaveLength(3);
  expect(await mailsAbout('Dept Lead')).toEqual(['olga.owner@x.test', 'pat@x.test', 'sam@x.test']);
  expect((await auditOf(lead)).map((a) => a.action)).toEqual(['escalation.notified']);

  // The panel and the audit name the action.
  const admin = await loginAs(t.devhost.app, 'admin@example.com');
  const page = (await admin.agent.get(`/admin/leads/lead/${lead}`).expect(200)).text;
  const cell = /<td data-action="notify_department"[^>]*>([^<]*)<\/td>/.exec(page)?.[1] ?? '';
  expect(decode(cell)).toBe("Notify the owner's department");
  const csv = await admin.agent
    .get('/admin/sla_vigil/audit/export.csv?action=escalation.notified')
    .buffer(true);
  expect(csv.text).toContain("Action: Notify the owner's department");
  expect(csv.text).toContain("Owner's departments: Sales, Partners");
});

it('records no_recipient with the reason, and mails nobody, when no owner or member can be named', async () => {
  at('2026-03-03T08:00:00Z');
  const orphan = await t.devhost.leads.create({ name: 'Orphan L', status: ids.fresh, source: ids.web });
  const loner = await t.devhost.leads.create({
    name: 'Loner L',
    status: ids.fresh,
    source: ids.web,
    assigned: ids.nora,
  });
  const ghosted = await t.devhost.leads.create({
    name: 'Ghosted L',
    status: ids.fresh,
    source: ids.web,
    assigned: ids.quinn,
  });

  for (const iso of ['2026-03-03T08:31:00Z', '2026-03-03T10:00:00Z']) {
    at(iso);
    await services.scanner.run(clock.now());
  }
  const outcome = async (lead: number) => {
    const rows = await escalations(lead);
    expect(rows).toHaveLength(1);
    const { reason, recipients, ownerDepartmentIds } = JSON.parse(rows[0].details);
    return { outcome: rows[0].outcome, reason, recipients, ownerDepartmentIds };
  };
  expect(await outcome(orphan)).toEqual({ outcome: 'no_recipient', reason: 'no_owner', recipients: [] });
  expect(await outcome(loner)).toEqual({
    outcome: 'no_recipient',
    reason: 'owner_in_no_department',
    recipients: [],
  });
  expect(await outcome(ghosted)).toEqual({
    outcome: 'no_recipient',
    reason: 'no_reachable_member',
    recipients: [],
    ownerDepartmentIds: [ids.ghost],
  });
  for (const lead of [orphan, loner, ghosted]) {
    expect((await auditOf(lead)).map((a) => a.action)).toEqual(['escalation.no_recipient']);
    expect(
      await t.devhost
        .db('tblsla_vigil_outbox')
        .where('channel', 'email')
        .where({ subject_type: 'lead', subject_id: lead }),
    ).toEqual([]);
  }
  for (const name of ['Orphan L', 'Loner L', 'Ghosted L']) expect(await mailsAbout(name)).toEqual([]);

  const admin = await loginAs(t.devhost.app, 'admin@example.com');
  // The panel says why nobody was notified.
  const panel = (await admin.agent.get(`/admin/leads/lead/${loner}`).expect(200)).text;
  const row = /<tr data-level="1" data-outcome="no_recipient">[\s\S]*?<\/tr>/.exec(panel)?.[0] ?? '';
  expect(decode(/data-testid="sv-skip-reason">([^<]*)</.exec(row)?.[1] ?? '')).toBe(
    "the lead's owner is in no department",
  );
  const csv = await admin.agent
    .get('/admin/sla_vigil/audit/export.csv?action=escalation.no_recipient')
    .buffer(true);
  expect(csv.text).toContain("Reason: the lead's owner is in no department");
  expect(csv.text).toContain('Reason: the lead has no owner');
});
