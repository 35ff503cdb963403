import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { loginAs, type AdminSession } from '../helpers/admin-session';

/**
 * Saving a ladder never surprises: open tickets already past due under a policy without a ladder
 * get one with an "at breach" notify level. The form and the rule tester say first what the next
 * scan would do at once; "skip" records the passed level as skipped (no email, shown in the
 * ticket's escalation history), "fire" sends exactly one email; later levels fire as usual.
 */

const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let admin: AdminSession;
const dept: Record<string, number> = {};
const ticket: Record<string, number> = {};
let lead: number;
const BASE = '/admin/sla_vigil/settings';

const policy = (key: string, departmentId: number, escalations: unknown[] = []) => ({
  key,
  name: `Policy ${key}`,
  match: { departmentIds: [departmentId] },
  targets: { resolution: { minutes: 60 } },
  escalations,
});
const atBreach = () => ({
  metric: 'resolution',
  trigger: { type: 'at_due' },
  action: { type: 'notify_staff', staffId: lead },
});
const fourHoursLate = () => ({
  metric: 'resolution',
  trigger: { type: 'after_due', minutes: 240 },
  action: { type: 'notify_staff', staffId: lead },
});

/** The policy form for `key` with a two-level ladder (at breach, 4 h after), as a manager fills it in. */
function ladderForm(key: string, departmentId: number, extra: Record<string, string> = {}) {
  return {
    key,
    name: `Policy ${key}`,
    active: '1',
    calendar: '',
    'match.departmentIds': [String(departmentId)],
    'targets.resolution.amount': '60',
    'targets.resolution.unit': 'minutes',
    'targets.resolution.warnType': '',
    'targets.resolution.warnValue': '',
    pauseStatusIds: ['3', '4'],
    'escalations.0.metric': 'resolution',
    'escalations.0.trigger': 'at_due',
    'escalations.0.minutes': '',
    'escalations.0.action': 'notify_staff',
    'escalations.0.staffId': String(lead),
    'escalations.1.metric': 'resolution',
    'escalations.1.trigger': 'after_due',
    'escalations.1.minutes': '240',
    'escalations.1.action': 'notify_staff',
    'escalations.1.staffId': String(lead),
    ...extra,
  };
}

const impactOf = (html: string) => {
  const m =
    /data-testid="sv-passed-levels" data-tickets="(\d+)" data-levels="(\d+)" data-emails="(\d+)" data-reassignments="(\d+)" data-priority-raises="(\d+)"/.exec(
      html,
    );
  return m
    ? { tickets: +m[1], levels: +m[2], emails: +m[3], reassignments: +m[4], priorityRaises: +m[5] }
    : null;
};
const mailsTo = async (email: string) =>
  (await t.devhost.mailbox.list()).filter((m) => JSON.stringify(m).includes(email));
const escalations = (subjectId: number) =>
  t.devhost.db('tblsla_vigil_escalations').where({ subject_id: subjectId }).orderBy('id');

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  for (const name of ['skip', 'fire', 'api', 'import'])
    [dept[name]] = await db('tbldepartments').insert({ name });
  lead = await insertStaff(db, 'leo.lead@example.com', 'pw123456');
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: Object.entries(dept).map(([key, id], position) => ({ ...policy(key, id), position })),
  });
  for (const name of Object.keys(dept))
    ticket[name] = await t.devhost.tickets.create({
      subject: `Ticket ${name}`,
      message: 'm',
      department: dept[name],
      admin: 1,
    });
  // Due at 09:00; at 11:00 every ticket is 2 h past due, with no ladder nothing fired.
  clock.set(new Date('2026-03-03T11:00:00Z'));
  await services.scanner.run(clock.now());
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  await admin.agent.get('/admin');
});
afterAll(() => t.close());

describe('saving a ladder through the form', () => {
  it('shows what the next scan would do and asks before saving; "skip" records the passed level and sends nothing', async () => {
    const preview = await admin.post(`${BASE}/policies/skip`, {
      ...ladderForm('skip', dept.skip),
      _action: 'preview',
    });
    expect(preview.status).toBe(200);
    expect(impactOf(preview.text)).toEqual({
      tickets: 1,
      levels: 1,
      emails: 1,
      reassignments: 0,
      priorityRaises: 0,
    });
    expect(preview.text).toContain(
      'The next scan would act at once on 1 open ticket: 1 escalation levels (1 emails',
    );
    expect(preview.text).toContain('name="passedLevels" value="skip"');
    // Nothing saved by the preview.
    expect((await services.config.export()).policies.find((p) => p.key === 'skip')?.escalations).toEqual([]);

    // Saving without choosing asks, with the preview, and saves nothing.
    const unasked = await admin.post(`${BASE}/policies/skip`, ladderForm('skip', dept.skip));
    expect(unasked.status).toBe(422);
    expect(impactOf(unasked.text)?.levels).toBe(1);
    expect(unasked.text).toContain('data-field="passedLevels"');
    expect((await services.config.export()).policies.find((p) => p.key === 'skip')?.escalations).toEqual([]);

    const saved = await admin.post(
      `${BASE}/policies/skip`,
      ladderForm('skip', dept.skip, { passedLevels: 'skip' }),
    );
    expect(saved.status).toBe(303);
    const rows = await escalations(ticket.skip);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ level: 1, outcome: 'skipped', trigger_type: 'at_due' });
    expect(JSON.parse(rows[0].details)).toMatchObject({ reason: 'passed_before_save', policy: 'skip' });

    await services.scanner.run(clock.now());
    expect(await mailsTo('leo.lead@example.com')).toHaveLength(0);
    expect(await escalations(ticket.skip)).toHaveLength(1);

    const panel = (await admin.agent.get(`/admin/tickets/ticket/${ticket.skip}`)).text;
    expect(panel).toMatch(
      /<tr data-level="1" data-outcome="skipped">[\s\S]*?Skipped<br><small[^>]*>skipped: the level had already passed when the ladder was saved</,
    );

    const [audit] = await t.devhost
      .db('tblsla_vigil_audit_log')
      .where('action', 'config.save_policy')
      .orderBy('id', 'desc');
    expect(JSON.parse(audit.details)).toMatchObject({ passedLevels: 'skip', skippedLevels: 1 });
    expect(
      await t.devhost
        .db('tblsla_vigil_audit_log')
        .where({ action: 'escalation.skipped', subject_id: ticket.skip }),
    ).toHaveLength(1);
  });

  it('"fire" lets the next scan send the passed level once', async () => {
    const saved = await admin.post(
      `${BASE}/policies/fire`,
      ladderForm('fire', dept.fire, { passedLevels: 'fire' }),
    );
    expect(saved.status).toBe(303);
    expect(await escalations(ticket.fire)).toHaveLength(0);
    await services.scanner.run(clock.now());
    await services.scanner.run(clock.now());
    const rows = await escalations(ticket.fire);
    expect(rows.map((r) => [r.level, r.outcome])).toEqual([[1, 'notified']]);
    const mails = await mailsTo('leo.lead@example.com');
    expect(mails).toHaveLength(1);
    expect(JSON.stringify(mails[0])).toContain(`#${ticket.fire}`);
  });
});

describe('the JSON API and config import take the choice explicitly', () => {
  it('refuses an unknown choice, naming the field, and saves nothing', async () => {
    const csrf = await admin.csrf();
    const res = await admin.agent
      .put('/admin/sla_vigil/api/policies/api?passedLevels=maybe')
      .set('x-csrf-token', csrf)
      .send({ ...policy('api', dept.api, [atBreach()]), key: undefined });
    expect(res.status).toBe(422);
    expect(res.body.issues).toEqual([{ path: 'passedLevels', message: 'must be "fire" or "skip"' }]);
    const config = await admin.agent
      .put('/admin/sla_vigil/api/config?passedLevels=')
      .set('x-csrf-token', csrf)
      .send({});
    expect(config.status).toBe(422);
    expect((await services.config.export()).policies.find((p) => p.key === 'api')?.escalations).toEqual([]);
  });

  it('PUT /api/policies/:key?passedLevels=skip skips; the rule tester previewed it first', async () => {
    // Stored ladder, not fired yet: the rule tester counts what the next scan would do.
    await services.config.savePolicy(
      { ...policy('import', dept.import, [atBreach(), fourHoursLate()]), position: 3 },
      null,
      { passedLevels: 'fire' },
    );
    const tester = await admin.agent.get('/admin/sla_vigil/rule-tester?from=import').expect(200);
    expect(tester.text).toContain(
      'data-testid="sv-rule-passed-levels" data-tickets="1" data-levels="1" data-emails="1"',
    );
    expect(tester.text).toContain('The next scan would act at once on 1 open ticket');

    const csrf = await admin.csrf();
    const res = await admin.agent
      .put('/admin/sla_vigil/api/policies/api?passedLevels=skip')
      .set('x-csrf-token', csrf)
      .send({
        name: 'Policy api',
        match: { departmentIds: [dept.api] },
        targets: { resolution: { minutes: 60 } },
        escalations: [atBreach()],
        position: 2,
      });
    expect(res.status).toBe(200);
    expect((await escalations(ticket.api)).map((r) => r.outcome)).toEqual(['skipped']);
  });

  it('config import with passedLevels skip records the passed levels as skipped', async () => {
    const doc = {
      policies: [{ ...policy('import', dept.import, [atBreach(), fourHoursLate()]), position: 3 }],
    };
    expect(await services.config.previewImport(doc, clock.now())).toEqual({
      tickets: 1,
      leads: 0,
      levels: 1,
      emails: 1,
      reassignments: 0,
      priorityRaises: 0,
    });
    expect(await services.config.import(doc, null, { passedLevels: 'skip' })).toEqual({
      calendars: 0,
      policies: 1,
      skippedLevels: 1,
    });
    await services.scanner.run(clock.now());
    expect((await escalations(ticket.import)).map((r) => r.outcome)).toEqual(['skipped']);
    expect(await services.config.previewImport(doc, clock.now())).toMatchObject({ tickets: 0, levels: 0 });
    expect(await mailsTo('leo.lead@example.com')).toHaveLength(1);
  });
});
describe('the settings page import form', () => {
  it('asks before importing a ladder with levels already passed, then skips them', async () => {
    const hourLate = {
      metric: 'resolution',
      trigger: { type: 'after_due', minutes: 60 },
      action: { type: 'notify_staff', staffId: lead },
    };
    const document = JSON.stringify({
      policies: [{ ...policy('api', dept.api, [atBreach(), hourLate]), position: 2 }],
    });
    const asked = await admin.post(`${BASE}/import`, { document });
    expect(asked.status).toBe(422);
    // The at-breach level was skipped by the API save; only the new one is passed and unfired.
    expect(impactOf(asked.text)).toEqual({
      tickets: 1,
      levels: 1,
      emails: 1,
      reassignments: 0,
      priorityRaises: 0,
    });
    expect((await services.config.export()).policies.find((p) => p.key === 'api')?.escalations).toHaveLength(
      1,
    );
    const bad = await admin.post(`${BASE}/import`, { document, passedLevels: 'later' });
    expect(bad.status).toBe(422);
    const imported = await admin.post(`${BASE}/import`, { document, passedLevels: 'skip' });
    expect(imported.status).toBe(303);
    expect((await escalations(ticket.api)).map((r) => [r.level, r.outcome])).toEqual([
      [1, 'skipped'],
      [2, 'skipped'],
    ]);
  });
});

describe('after the save', () => {
  it('levels reached from then on fire as usual, whether the passed ones were skipped or fired', async () => {
    clock.set(new Date('2026-03-03T13:05:00Z'));
    await services.scanner.run(clock.now());
    expect((await escalations(ticket.skip)).map((r) => [r.level, r.outcome])).toEqual([
      [1, 'skipped'],
      [2, 'notified'],
    ]);
    expect((await escalations(ticket.fire)).map((r) => [r.level, r.outcome])).toEqual([
      [1, 'notified'],
      [2, 'notified'],
    ]);
  });
});

describe('a passed level that acts only while unassigned', () => {
  it('counts for an unassigned ticket, not once the ticket has an assignee', async () => {
    const reassign = {
      metric: 'resolution',
      trigger: { type: 'at_due' },
      action: { type: 'reassign_staff', staffId: lead },
      when: { unassigned: true },
    };
    const doc = { policies: [{ ...policy('import', dept.import, [atBreach(), reassign]), position: 3 }] };
    expect(await services.config.previewImport(doc, clock.now())).toMatchObject({
      tickets: 1,
      reassignments: 1,
    });
    await t.devhost.tickets.updateSettings(ticket.import, { assigned: lead });
    await services.scanner.run(clock.now());
    expect(await services.config.previewImport(doc, clock.now())).toMatchObject({
      tickets: 0,
      reassignments: 0,
    });
  });
});

describe('lead clocks', () => {
  it('counts passed levels on open leads apart, and "skip" records them in the lead log; the scan then sends nothing', async () => {
    const db = t.devhost.db;
    const [fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
    const leadPolicy = (escalations: unknown[]) => ({
      key: 'leads',
      name: 'New leads',
      subject: 'lead',
      match: {},
      calendar: null,
      targets: { status_time: { byStatus: { [String(fresh)]: { minutes: 60 } } } },
      escalations,
      position: 9,
    });
    await services.config.import({ policies: [leadPolicy([])] });
    clock.set(new Date('2026-03-03T13:10:00Z'));
    const owned = await t.devhost.leads.create({
      name: 'Late Lead',
      status: fresh,
      source: 1,
      assigned: lead,
    });
    const lost = await t.devhost.leads.create({
      name: 'Lost Lead',
      status: fresh,
      source: 1,
      assigned: lead,
    });
    await t.devhost.leads.markLost(lost);
    // Due at 14:10; at 14:30 the open lead is 20 minutes past due, with no ladder nothing fired.
    clock.set(new Date('2026-03-03T14:30:00Z'));
    await services.scanner.run(clock.now());
    const mailsBefore = (await mailsTo('leo.lead@example.com')).length;
    const atDue = { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } };
    const later = {
      metric: 'status_time',
      trigger: { type: 'after_due', minutes: 240 },
      action: { type: 'notify_staff', staffId: lead },
    };
    const doc = { policies: [leadPolicy([atDue, later])] };
    // The open lead only (the lost one owes nothing), counted as a lead, not a ticket.
    expect(await services.config.previewImport(doc, clock.now())).toEqual({
      tickets: 0,
      leads: 1,
      levels: 1,
      emails: 1,
      reassignments: 0,
      priorityRaises: 0,
    });
    // The settings page says so before importing.
    const asked = await admin.post(`${BASE}/import`, { document: JSON.stringify(doc) });
    expect(asked.status).toBe(422);
    expect(asked.text).toContain('data-priority-raises="0" data-leads="1"');
    expect(asked.text).toContain('open tickets (0) and open leads (1): 1 escalation levels');

    expect(await services.config.import(doc, null, { passedLevels: 'skip' })).toEqual({
      calendars: 0,
      policies: 1,
      skippedLevels: 1,
    });
    const leadLog = await db('tblsla_vigil_escalations')
      .where({ subject_type: 'lead', subject_id: owned })
      .select('level', 'metric', 'outcome');
    expect(leadLog).toEqual([{ level: 1, metric: 'status_time', outcome: 'skipped' }]);
    // Not written under a ticket with the same id.
    expect(
      await db('tblsla_vigil_escalations').where({
        subject_type: 'ticket',
        subject_id: owned,
        outcome: 'skipped',
        metric: 'status_time',
      }),
    ).toEqual([]);
    expect(
      await db('tblsla_vigil_audit_log').where({
        subject_type: 'lead',
        subject_id: owned,
        action: 'escalation.skipped',
      }),
    ).toHaveLength(1);
    await services.scanner.run(clock.now());
    expect(await mailsTo('leo.lead@example.com')).toHaveLength(mailsBefore);
    expect(await services.config.previewImport(doc, clock.now())).toMatchObject({ leads: 0, levels: 0 });

    // The level reached from then on fires as usual.
    clock.set(new Date('2026-03-03T18:15:00Z'));
    await services.scanner.run(clock.now());
    expect(
      (
        await db('tblsla_vigil_escalations')
          .where({ subject_type: 'lead', subject_id: owned })
          .orderBy('level')
      ).map((r) => [r.level, r.outcome]),
    ).toEqual([
      [1, 'skipped'],
      [2, 'notified'],
    ]);
  });
});
