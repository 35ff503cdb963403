import pino from 'pino';
import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { createDb } from '../../src/store/db';
import { utcToSql } from '../../src/store/datetime';
import { insertStaff, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { SmtpSink, type SinkMessage } from '../helpers/smtp-sink';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { weeklyRanges } from '../../src/sla/digest/digest-schedule';
import type { PolicyConfig } from '../../src/sla/config';

/** Tuesday 31 March 2026, 12:00 in Berlin (two days after the DST change). */
const NOW = new Date('2026-03-31T10:00:00Z');
const H = 3_600_000;
const at = (ms: number): Date => new Date(NOW.getTime() + ms);
const clock = new MutableClock(NOW);
const sink = new SmtpSink();
let t: TestDevhost;
const pools: Knex[] = [];
let staff: Record<'anna' | 'ben' | 'carla' | 'mia' | 'nico', number>;
let support: number;
let sales: number;
let policyId: number;

function policy(department: number): PolicyConfig {
  return {
    key: 'support',
    name: 'Support',
    subject: 'ticket',
    active: true,
    position: 10,
    match: { departmentIds: [department] },
    calendar: null,
    targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
    pauseStatusIds: [3, 4],
    escalations: [],
  };
}

interface ClockRow {
  metric: string;
  state: string;
  due: Date;
  warn?: Date;
  met?: Date;
  breached?: Date;
}

/** A subject (ticket or lead) with its clocks, straight into the tables: every item is fixed here. */
async function insertSubject(
  db: Knex,
  type: 'ticket' | 'lead',
  id: number,
  f: { assigned: number; department?: number; status?: number; policy?: number | null; clocks: ClockRow[] },
): Promise<void> {
  if (type === 'ticket') {
    await db('tbltickets').insert({
      ticketid: id,
      subject: `Ticket ${id} <b>`,
      message: 'm',
      department: f.department ?? support,
      priority: 2,
      status: f.status ?? 1,
      assigned: f.assigned,
      userid: 0,
      date: '2026-03-01 09:00:00',
      ticketkey: `k${id}`,
    });
  } else {
    await db('tblleads').insert({
      id,
      name: `Lead ${id}`,
      company: 'Acme',
      status: 1,
      source: 1,
      assigned: f.assigned,
      dateadded: '2026-03-01 09:00:00',
    });
  }
  const ts = utcToSql(at(-60 * 24 * H));
  await db('tblsla_vigil_subjects').insert({
    subject_type: type,
    subject_id: id,
    status: f.status ?? 1,
    priority: 2,
    department: type === 'ticket' ? (f.department ?? support) : 0,
    assigned: f.assigned,
    userid: 0,
    service: null,
    merged_into: null,
    deleted: false,
    policy_id: f.policy === undefined ? policyId : f.policy,
    sla_state: 'on_track',
    computed_version: 1_000_000,
    created_at: ts,
    updated_at: ts,
  });
  for (const c of f.clocks) {
    await db('tblsla_vigil_clocks').insert({
      subject_type: type,
      subject_id: id,
      metric: c.metric,
      cycle: 1,
      policy_id: f.policy === undefined ? policyId : f.policy,
      target_minutes: 60,
      started_at: utcToSql(at(-30 * 24 * H)),
      due_at: utcToSql(c.due),
      warn_at: utcToSql(c.warn ?? new Date(c.due.getTime() - H)),
      paused_minutes: 0,
      met_at: c.met ? utcToSql(c.met) : null,
      breached_at: c.breached ? utcToSql(c.breached) : null,
      ended_at: null,
      state: c.state,
      next_check_at: null,
      updated_at: ts,
    });
  }
}

/** A worker process of its own: its own pool and services, mail to the sink. */
function worker(): ModuleServices {
  const db = createDb(t.database.url, { min: 0, max: 4 });
  pools.push(db);
  const host = t.devhost.host;
  return createModuleServices({
    ...host,
    db,
    logger: pino({ level: 'silent' }),
    mail: { ...host.mail, smtpUrl: sink.url, adminBaseUrl: 'https://crm.example.com' },
  });
}

const mailsTo = (email: string): SinkMessage[] => sink.messages.filter((m) => m.to.includes(email));

beforeAll(async () => {
  await sink.start();
  t = await startTestDevhost({ clock, timezone: 'Europe/Berlin' });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  [sales] = await db('tbldepartments').insert({ name: 'Sales' });
  staff = {
    anna: await insertStaffWithCapabilities(db, 'anna.a@x.test', STAFF_PASSWORD, ['view'], {
      default_language: 'german',
    }),
    ben: await insertStaffWithCapabilities(db, 'ben.b@x.test', STAFF_PASSWORD, ['view']),
    carla: await insertStaffWithCapabilities(db, 'carla.c@x.test', STAFF_PASSWORD, ['view'], {
      default_language: 'spanish',
    }),
    mia: await insertStaffWithCapabilities(db, 'mia.m@x.test', STAFF_PASSWORD, ['manage']),
    // Has a breached ticket but no SLA Vigil access: gets no digest.
    nico: await insertStaff(db, 'nico.n@x.test', STAFF_PASSWORD),
  };
  const setup = createModuleServices(t.devhost.host);
  await setup.config.import({ policies: [policy(support)] });
  policyId = Number((await db('tblsla_vigil_policies').first('id')).id);
  await setup.mailer.close();

  // Anna: a breached ticket, an at-risk lead, and a ticket due in a month (not hers today).
  await insertSubject(db, 'ticket', 1, {
    assigned: staff.anna,
    clocks: [{ metric: 'resolution', state: 'breached', due: at(-2 * H), breached: at(-2 * H) }],
  });
  await insertSubject(db, 'ticket', 2, {
    assigned: staff.anna,
    clocks: [{ metric: 'resolution', state: 'on_track', due: at(30 * 24 * H) }],
  });
  await insertSubject(db, 'lead', 1, {
    assigned: staff.anna,
    clocks: [{ metric: 'status_time', state: 'on_track', due: at(2 * H), warn: at(-10 * 60_000) }],
  });
  // Ben: a paused ticket and a closed breached one: nothing for today.
  await insertSubject(db, 'ticket', 3, {
    assigned: staff.ben,
    clocks: [{ metric: 'resolution', state: 'paused', due: at(-H) }],
  });
  await insertSubject(db, 'ticket', 4, {
    assigned: staff.ben,
    status: 5,
    clocks: [{ metric: 'resolution', state: 'breached', due: at(-H), breached: at(-H) }],
  });
  // Carla: one ticket due at 17:00 Berlin today, on track; one due tomorrow.
  await insertSubject(db, 'ticket', 5, {
    assigned: staff.carla,
    clocks: [{ metric: 'first_response', state: 'on_track', due: at(5 * H), warn: at(4 * H) }],
  });
  await insertSubject(db, 'ticket', 6, {
    assigned: staff.carla,
    clocks: [{ metric: 'resolution', state: 'on_track', due: at(26 * H), warn: at(25 * H) }],
  });
  // Mia (Manage) has an item too: she gets both digests, written in the same run.
  await insertSubject(db, 'ticket', 8, {
    assigned: staff.mia,
    clocks: [{ metric: 'first_response', state: 'breached', due: at(-H), breached: at(-H) }],
  });
  await insertSubject(db, 'ticket', 7, {
    assigned: staff.nico,
    clocks: [{ metric: 'resolution', state: 'breached', due: at(-5 * H), breached: at(-5 * H) }],
  });
  // Settled last week (Mon 23 - Sun 29 March, Berlin) and the week before, in two departments.
  const lastWeek = new Date('2026-03-25T10:00:00Z');
  const weekBefore = new Date('2026-03-18T10:00:00Z');
  const settled = async (id: number, department: number, assigned: number, when: Date, breached: boolean) =>
    insertSubject(db, 'ticket', id, {
      assigned,
      department,
      status: 5,
      policy: department === support ? policyId : null,
      clocks: [
        {
          metric: 'resolution',
          state: breached ? 'breached' : 'met',
          due: when,
          met: breached ? undefined : when,
          breached: breached ? when : undefined,
        },
      ],
    });
  await settled(20, support, staff.ben, lastWeek, false);
  await settled(21, support, staff.ben, lastWeek, true);
  await settled(22, support, staff.anna, lastWeek, true);
  await settled(23, sales, staff.anna, lastWeek, true);
  await settled(24, support, staff.ben, weekBefore, false);
  await settled(25, sales, staff.carla, weekBefore, false);
  // An open ticket no policy matches: the weekly "no policy" count.
  await insertSubject(db, 'ticket', 30, { assigned: 0, department: sales, policy: null, clocks: [] });

  await setup.config.saveDigestSettings(
    {
      daily: { enabled: true, schedule: '0 8 * * 1-5' },
      weekly: { enabled: true, schedule: '0 8 * * 2', extraStaffIds: [] },
    },
    null,
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
  await t.close();
  await sink.stop();
});

describe('scheduled digests', () => {
  it('two workers racing on the same periods write and send each digest once', async () => {
    const workers = [worker(), worker()];
    const runs = await Promise.all(
      workers.flatMap((w) => [w.digests?.runDue(NOW), w.digests?.runDue(NOW), w.digests?.runDue(NOW)]),
    );
    // Exactly one run per period did the work.
    const done = runs.flat().filter((r) => r !== undefined);
    expect(done.map((r) => `${r?.kind}:${r?.period}`).sort()).toEqual([
      'daily:2026-03-31',
      'weekly:2026-W14',
    ]);
    await Promise.all(workers.map((w) => w.mailer.sendDue()));
    await Promise.all(workers.map((w) => w.mailer.close()));

    expect(mailsTo('anna.a@x.test')).toHaveLength(1);
    expect(mailsTo('carla.c@x.test')).toHaveLength(1);
    expect(mailsTo('ben.b@x.test')).toHaveLength(0);
    expect(mailsTo('nico.n@x.test')).toHaveLength(0);
    // The weekly digest: the manager and the devhost's administrator (admins manage everything).
    expect(mailsTo('mia.m@x.test')).toHaveLength(2);
    expect(mailsTo('admin@example.com')).toHaveLength(1);
    const keys: string[] = await t.devhost
      .db('tblsla_vigil_outbox')
      .where('kind', 'digest')
      .pluck('dedupe_key');
    expect(keys.sort()).toEqual(
      [
        `digest:daily:2026-03-31:${staff.anna}`,
        `digest:daily:2026-03-31:${staff.carla}`,
        `digest:daily:2026-03-31:${staff.mia}`,
        `digest:weekly:2026-W14:${staff.mia}`,
        `digest:weekly:2026-W14:1`,
      ].sort(),
    );
  });

  it('a later tick in the same period sends nothing; the next day is a new period', async () => {
    const w = worker();
    expect(await w.digests?.runDue(at(2 * H))).toEqual([]);
    // Wednesday 08:00 Berlin: a new daily period, the weekly one is done for the week.
    const runs = await w.digests?.runDue(new Date('2026-04-01T06:00:00Z'));
    expect(runs?.map((r) => `${r.kind}:${r.period}`)).toEqual(['daily:2026-04-01']);
    await w.mailer.close();
  });

  it('a worker that died after writing: the next takes its claim over and writes no second row', async () => {
    const db = t.devhost.db;
    // As if the worker that built today's daily digests died before marking the period done.
    await db('tblsla_vigil_digest_periods')
      .where({ kind: 'daily', period: '2026-03-31' })
      .update({ done_at: null, claimed_at: utcToSql(at(-20 * 60_000)) });
    const rowsBefore = await db('tblsla_vigil_outbox').where('kind', 'digest').count({ n: '*' });
    const w = worker();
    const runs = await w.digests?.runDue(NOW);
    expect(runs).toEqual([{ kind: 'daily', period: '2026-03-31', sent: 0 }]);
    expect(await db('tblsla_vigil_outbox').where('kind', 'digest').count({ n: '*' })).toEqual(rowsBefore);
    await w.mailer.close();
  });

  it('gives each person their own items, linked, in their language', () => {
    const [anna] = mailsTo('anna.a@x.test');
    expect(anna.subject).toBe('[SLA-Übersicht] 2 Einträge brauchen Sie heute');
    expect(anna.html).toContain('https://crm.example.com/admin/tickets/ticket/1');
    expect(anna.html).toContain('https://crm.example.com/admin/leads/index/1');
    expect(anna.html).toContain('Ticket 1 &lt;b&gt;');
    expect(anna.html).not.toContain('/admin/tickets/ticket/2"');
    expect(anna.html).toContain('Verletzt');
    expect(anna.html).toContain('Gefährdet');
    expect(anna.text).toContain('Ticket #1 Ticket 1 <b>');
    const [carla] = mailsTo('carla.c@x.test');
    expect(carla.subject).toBe('[Resumen SLA] 1 elemento le necesita hoy');
    expect(carla.html).toContain('/admin/tickets/ticket/5');
    expect(carla.html).not.toContain('/admin/tickets/ticket/6');
    // 17:00 in Berlin, in Spanish.
    expect(carla.text).toMatch(/mar, 31 mar, 17:00/);
  });

  it('reports the weekly figures the reports give for the same weeks', async () => {
    const w = worker();
    const mia = mailsTo('mia.m@x.test').find((m) => m.subject?.startsWith('[SLA weekly]')) as SinkMessage;
    expect(mia.subject).toMatch(/^\[SLA weekly\] Compliance 2026-W13: /);
    const firing = new Date('2026-03-31T06:00:00Z');
    const { last, before } = weeklyRanges(firing, 'Europe/Berlin');
    const allStaff = await t.devhost.host.tickets.listStaff();
    const content = await (
      w.digests as unknown as { deps: { content: import('../../src/notify/digest-content').DigestContent } }
    ).deps.content.weekly(firing, NOW, 'Europe/Berlin', allStaff);
    for (const [groupBy, rows] of [
      ['department', content.departments],
      ['policy', content.policies],
    ] as const) {
      const [reportLast, reportBefore] = await Promise.all([
        w.reports.report({ ...last, groupBy }),
        w.reports.report({ ...before, groupBy }),
      ]);
      for (const row of rows) {
        expect(row.last).toBe(reportLast.groups.find((g) => g.key === row.key)?.compliancePercent ?? null);
        expect(row.before).toBe(
          reportBefore.groups.find((g) => g.key === row.key)?.compliancePercent ?? null,
        );
      }
      expect(rows.length).toBe(
        new Set([...reportLast.groups, ...reportBefore.groups].map((g) => g.key)).size,
      );
    }
    // Hand-computed: Support last week 1 of 3 on time, the week before 1 of 1; Sales 0 of 1, 1 of 1.
    const supportRow = content.departments.find((d) => d.key === String(support));
    expect(supportRow).toMatchObject({ name: 'Support', finishedLast: 3, before: 100 });
    expect(supportRow?.last).toBeCloseTo(100 / 3);
    expect(content.departments.find((d) => d.key === String(sales))).toMatchObject({ last: 0, before: 100 });
    expect(content.worstAgents.map((a) => [a.staffId, a.breached])).toEqual([
      [staff.anna, 2],
      [staff.ben, 1],
    ]);
    const scorecard = await w.dashboard.scorecard(NOW, 'Europe/Berlin', 7);
    expect(content.noPolicy).toBe(scorecard.noPolicy);
    expect(content.noPolicy).toBe(1);
    // Longest overdue first: #7 (5 h), #1 (2 h), #8 (1 h); the paused and closed ones are not listed.
    expect(content.topBreaches.map((b) => b.ticketId)).toEqual([7, 1, 8]);
    expect(mia.text).toContain(`${content.noPolicy}`);
    expect(mia.html).toContain('data-no-policy="1"');
    await w.mailer.close();
  });
});

describe('the Digests page', () => {
  let admin: AdminSession;
  const BASE = '/admin/sla_vigil/settings/digests';

  beforeAll(async () => {
    admin = await loginAs(t.devhost.app, 'admin@example.com');
    await admin.agent.get('/admin');
  });

  it('shows the schedule, the preview and the delivery log', async () => {
    const page = await admin.agent.get(`${BASE}?preview=daily&staff=${staff.anna}`).expect(200);
    expect(page.text).toContain('value="0 8 * * 1-5"');
    expect(page.text).toContain('data-testid="sv-digest-preview"');
    expect(page.text).toContain('2026-03-31');
    expect(page.text).toMatch(/data-kind="weekly" data-state="sent"/);
  });

  it('sends now to the chosen staff, under a key of its own', async () => {
    const before = sink.messages.length;
    const res = await admin.post(`${BASE}/send`, { kind: 'daily', staffIds: [String(staff.ben)] });
    expect(res.status).toBe(303);
    const keys: string[] = await t.devhost
      .db('tblsla_vigil_outbox')
      .where('dedupe_key', 'like', 'digest:manual:%')
      .pluck('dedupe_key');
    expect(keys).toEqual([`digest:manual:${NOW.getTime()}:daily:${staff.ben}`]);
    const w = worker();
    await w.mailer.sendDue();
    await w.mailer.close();
    expect(sink.messages.length).toBe(before + 1);
    expect(mailsTo('ben.b@x.test')[0].text).toContain('Nothing of yours is breached');
  });

  it('sends a form once however often it is submitted (a double click, a reload)', async () => {
    const page = await admin.agent.get(BASE).expect(200);
    const sendKey = /name="sendKey" value="([0-9a-f-]{36})"/.exec(page.text)?.[1] ?? '';
    expect(sendKey).not.toBe('');
    const form = { kind: 'daily', staffIds: [String(staff.anna)], sendKey };
    const [first, second] = [await admin.post(`${BASE}/send`, form), await admin.post(`${BASE}/send`, form)];
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(first.headers.location).toMatch(/sent=1$/);
    expect(second.headers.location).toMatch(/sent=0$/);
    const keys: string[] = await t.devhost
      .db('tblsla_vigil_outbox')
      .where('dedupe_key', 'like', `digest:manual:${sendKey}:%`)
      .pluck('dedupe_key');
    expect(keys).toEqual([`digest:manual:${sendKey}:daily:${staff.anna}`]);
    // The next rendering of the page carries a new key: a new request sends again.
    const again = await admin.agent.get(BASE).expect(200);
    expect(again.text).not.toContain(sendKey);
  });

  it('answers 422 naming the field for an unknown kind or staff member', async () => {
    const kind = await admin.post(`${BASE}/send`, { kind: 'hourly', staffIds: [String(staff.ben)] });
    expect(kind.status).toBe(422);
    expect(kind.text).toContain('Choose the daily or the weekly digest.');
    const who = await admin.post(`${BASE}/send`, { kind: 'weekly', staffIds: ['99999'] });
    expect(who.status).toBe(422);
    expect(who.text).toContain('Unknown staff member: 99999');
    // A digest shows only what its recipient may see: no daily without View, no weekly without Manage.
    const noView = await admin.post(`${BASE}/send`, { kind: 'daily', staffIds: [String(staff.nico)] });
    expect(noView.status).toBe(422);
    expect(noView.text).toContain('Without access to this digest (daily: View, weekly: Manage): Nico N');
    const noManage = await admin.post(`${BASE}/send`, { kind: 'weekly', staffIds: [String(staff.ben)] });
    expect(noManage.status).toBe(422);
    expect(noManage.text).toContain('Ben B');
    expect(
      await t.devhost.db('tblsla_vigil_outbox').where('dedupe_key', 'like', 'digest:manual:%weekly%'),
    ).toEqual([]);
  });

  it('validates and saves the schedule, and the general settings form keeps it', async () => {
    const bad = await admin.post(BASE, {
      dailyEnabled: '1',
      dailySchedule: '0 25 * * *',
      weeklySchedule: '0 8 * * 1',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/sv-input sv-invalid/);
    const ok = await admin.post(BASE, {
      dailyEnabled: '1',
      dailySchedule: '30 7 * * *',
      weeklySchedule: '0 9 * * 1',
    });
    expect(ok.status).toBe(303);
    const exported = JSON.parse((await admin.agent.get('/admin/sla_vigil/settings/export').expect(200)).text);
    const saved = {
      daily: { enabled: true, schedule: '30 7 * * *' },
      weekly: { enabled: false, schedule: '0 9 * * 1', extraStaffIds: [] },
    };
    expect(exported.settings.digests).toEqual(saved);
    const general = await admin.post('/admin/sla_vigil/settings/general', {
      cooldownMinutes: '45',
      defaultWarnAtPercent: '80',
      scanIntervalMinutes: '1',
      defaultPauseStatusIds: ['3', '4'],
      unassignedFallback: 'department',
    });
    expect(general.status).toBe(303);
    const again = JSON.parse((await admin.agent.get('/admin/sla_vigil/settings/export').expect(200)).text);
    expect(again.settings.cooldownMinutes).toBe(45);
    expect(again.settings.digests).toEqual(saved);
    // And it round-trips through an import of the exported document.
    await admin.post('/admin/sla_vigil/settings/import', { document: JSON.stringify(again) });
    const third = JSON.parse((await admin.agent.get('/admin/sla_vigil/settings/export').expect(200)).text);
    expect(third.settings.digests).toEqual(saved);
  });

  it('is refused to staff without Manage', async () => {
    const viewer = await loginAs(t.devhost.app, 'ben.b@x.test');
    const res = await viewer.agent.get(BASE);
    expect([302, 303, 403]).toContain(res.status);
  });
});

describe('the scan tick', () => {
  it('runs the digests due at its time (Thursday 08:00 in Berlin: a new daily period)', async () => {
    const w = worker();
    const thursday = new Date('2026-04-02T06:00:00Z');
    clock.set(thursday);
    await w.scanner.run(thursday);
    await w.mailer.close();
    const period = await t.devhost
      .db('tblsla_vigil_digest_periods')
      .where({ kind: 'daily', period: '2026-04-02' })
      .first();
    expect(period?.done_at).not.toBeNull();
    // Carla's ticket #6 was due on Wednesday: overdue now, so in her digest.
    expect(
      await t.devhost
        .db('tblsla_vigil_outbox')
        .where('dedupe_key', `digest:daily:2026-04-02:${staff.carla}`)
        .first(),
    ).toBeDefined();
  });
});
