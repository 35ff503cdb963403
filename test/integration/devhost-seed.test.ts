import bcrypt from 'bcryptjs';
import { DateTime } from 'luxon';
import { loadSourceModule, startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { TEST_REDIS_URL } from '../helpers/test-database';
import { setupDevhost } from '../../devhost/setup';
import { Random } from '../../devhost/seed/random';
import { planTickets } from '../../devhost/seed/ticket-plans';
import { businessMinutesAgo, planLiveTickets } from '../../devhost/seed/live-tickets';
import { officeHours } from '../../devhost/seed/seed-sla-config';
import { businessMinutesBetween } from '../../src/sla/calendar';
import type { DemoPeople } from '../../devhost/seed/seed-people';
import { hostToInstant, utcToSql } from '../../src/store/datetime';
import { TimelineRepository } from '../../src/store/timeline-repository';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { NoMailRoute } from '../../src/notify/mail-route';
import { loginAgent, type AdminSession } from '../helpers/admin-session';

// A Friday morning in New York; the month before it has no DST change, so wall clock = UTC-5.
const NOW = new Date('2026-02-20T15:00:00Z');
const ZONE = 'America/New_York';
const MONTH_AGO = NOW.getTime() - 30 * 24 * 3600_000;

let t: TestDevhost;
/** The devhost's clock for the pages and the scans below (the seed itself ends at NOW). */
const clock = new MutableClock(NOW);

// Speed is not asserted here (see bench/); the seed is timed by the demo's own output.
beforeAll(async () => {
  t = await startTestDevhost({ seed: true, now: NOW, timezone: ZONE, clock });
}, 240_000);
afterAll(() => t?.close());

const db = () => t.devhost.db;
async function count(table: string, where: Record<string, unknown> = {}): Promise<number> {
  const [{ n }] = await db()(table).where(where).count({ n: '*' });
  return Number(n);
}

interface TicketRow {
  ticketid: number;
  date: string;
  status: number;
  priority: number;
  department: number;
  assigned: number;
  admin: number | null;
}
interface ReplyRow {
  id: number;
  ticketid: number;
  date: string;
  admin: number | null;
}
const tickets = (): Promise<TicketRow[]> => db()('tbltickets').select();
const replies = (): Promise<ReplyRow[]> => db()('tblticket_replies').select();

describe('devhost demo seed', () => {
  it('creates departments, roles (manager, team lead, agents) and 8 staff besides the administrator', async () => {
    expect(await count('tbldepartments')).toBe(3);
    expect(await count('tblstaff', { admin: 1 })).toBe(1);
    expect(await count('tblstaff', { admin: 0 })).toBe(8);
    const roles: { roleid: number; name: string; permissions: string }[] = await db()('tblroles').select();
    expect(roles.map((r) => [r.name, JSON.parse(r.permissions)])).toEqual([
      ['Support Manager', { sla_vigil: ['view', 'manage'] }],
      ['Team Lead', { sla_vigil: ['view'] }],
      ['Support Agent', { sla_vigil: ['view_own'] }],
    ]);
    const lead = await db()('tblstaff').where('email', 'hannah.olsen@example.com').first();
    expect(roles.find((r) => r.roleid === lead.role)?.name).toBe('Team Lead');
    const staff: { staffid: number; role: number | null; default_language: string }[] = await db()('tblstaff')
      .where('admin', 0)
      .select();
    expect(staff.every((s) => roles.some((r) => r.roleid === s.role))).toBe(true);
    expect(staff.filter((s) => s.default_language === 'spanish')).toHaveLength(1);
    expect(staff.filter((s) => s.default_language === 'german')).toHaveLength(1);
    const members: { staffid: number; departmentid: number }[] = await db()('tblstaff_departments').select();
    expect(new Set(members.map((m) => m.staffid))).toEqual(new Set(staff.map((s) => s.staffid)));
    expect(new Set(members.map((m) => m.departmentid)).size).toBe(3);
  });

  it('has the demo logins with bcrypt hashes of demo1234; the manager manages, agents view their own', async () => {
    const manager = await db()('tblstaff').where('email', 'manager@example.com').first();
    const agent = await db()('tblstaff').where('email', 'agent@example.com').first();
    for (const login of [manager, agent]) {
      expect(login).toMatchObject({ admin: 0, active: 1 });
      expect(login.password).toMatch(/^\$2[aby]\$10\$/);
      expect(await bcrypt.compare('demo1234', login.password)).toBe(true);
    }
    const roleName = async (id: number) => (await db()('tblroles').where('roleid', id).first()).name;
    expect(await roleName(manager.role)).toBe('Support Manager');
    expect(await roleName(agent.role)).toBe('Support Agent');
    const caps = async (staffId: number) =>
      (
        await db()('tblstaff_permissions')
          .where({ staff_id: staffId, feature: 'sla_vigil' })
          .pluck('capability')
      ).sort();
    expect(await caps(manager.staffid)).toEqual(['manage', 'view']);
    expect(await caps(agent.staffid)).toEqual(['view_own']);
    expect(await t.devhost.permissions.can(manager.staffid, 'sla_vigil', 'manage')).toBe(true);
    expect(await t.devhost.permissions.can(agent.staffid, 'sla_vigil', 'view')).toBe(false);
    expect(await t.devhost.permissions.can(agent.staffid, 'sla_vigil', 'view_own')).toBe(true);
    expect(await count('tblstaff', { email: 'admin@example.com' })).toBe(1);
  });

  it('creates 20 clients with 1-2 contacts (one primary), 2 of them in the VIP group, and services', async () => {
    // Besides the customers converted demo leads became (see "demo leads" below).
    const fromLeads = db()('tblleads').where('client_id', '>', 0).select('client_id');
    expect(Number((await db()('tblclients').whereNotIn('userid', fromLeads).count({ n: '*' }))[0].n)).toBe(
      20,
    );
    const contacts: { userid: number; is_primary: number }[] = await db()('tblcontacts').select();
    const byClient = new Map<number, number[]>();
    for (const c of contacts) byClient.set(c.userid, [...(byClient.get(c.userid) ?? []), c.is_primary]);
    expect(byClient.size).toBe(20);
    for (const flags of byClient.values()) {
      expect(flags.length).toBeGreaterThanOrEqual(1);
      expect(flags.length).toBeLessThanOrEqual(2);
      expect(flags.filter((f) => f === 1)).toHaveLength(1);
    }
    const vip = await db()('tblcustomers_groups').where('name', 'VIP').first();
    expect(await count('tblcustomer_groups', { groupid: vip.id })).toBe(2);
    expect(await db()('tblservices').pluck('name')).toEqual(['Hosting', 'Email', 'Consulting']);
  });

  it('creates ~300 tickets in every status, department and priority, some unassigned or staff-opened', async () => {
    const rows = await tickets();
    expect(rows.length).toBeGreaterThanOrEqual(250);
    expect(rows.length).toBeLessThanOrEqual(350);
    const distinct = (pick: (r: TicketRow) => number) => [...new Set(rows.map(pick))].sort();
    expect(distinct((r) => r.status)).toEqual([1, 2, 3, 4, 5]);
    expect(distinct((r) => r.priority)).toEqual([1, 2, 3]);
    const departments = await db()('tbldepartments').pluck('departmentid');
    expect(distinct((r) => r.department)).toEqual([...departments].sort());
    expect(rows.some((r) => r.assigned === 0)).toBe(true);
    expect(rows.filter((r) => r.admin !== null).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.admin === null).length).toBeGreaterThan(rows.length / 2);
  });

  it('stores every ticket and reply date as wall clock in the host zone within the month before now', async () => {
    const rows = await tickets();
    const created = new Map(rows.map((r) => [r.ticketid, hostToInstant(r.date, ZONE).getTime()]));
    for (const at of created.values()) {
      expect(at).toBeGreaterThanOrEqual(MONTH_AGO);
      expect(at).toBeLessThanOrEqual(NOW.getTime());
    }
    const replyRows = await replies();
    for (const r of replyRows) {
      const at = hostToInstant(r.date, ZONE).getTime();
      expect(at).toBeGreaterThan(created.get(r.ticketid)!);
      expect(at).toBeLessThanOrEqual(NOW.getTime());
    }
    // Staff answer in office hours (Mon-Fri 09-17) of the host zone, read straight off the stored
    // wall clock: stored as UTC they would fall 5 hours later, mostly after closing time.
    const staffReplies = replyRows.filter((r) => r.admin !== null).map((r) => DateTime.fromSQL(r.date));
    const inOffice = staffReplies.filter((d) => d.weekday <= 5 && d.hour >= 9 && d.hour < 17);
    expect(inOffice.length / staffReplies.length).toBeGreaterThan(0.7);
  });

  it('has overdue open tickets without any staff reply, and very recent ones', async () => {
    const rows = await tickets();
    const answered = new Set((await replies()).filter((r) => r.admin !== null).map((r) => r.ticketid));
    const age = (r: TicketRow) => NOW.getTime() - hostToInstant(r.date, ZONE).getTime();
    const stale = rows.filter((r) => r.status === 1 && !answered.has(r.ticketid) && age(r) > 2 * 86_400_000);
    expect(stale.length).toBeGreaterThanOrEqual(3);
    // A few, not a wall of month-old ones: nothing open waits for a first answer for more than a week.
    expect(stale.filter((r) => age(r) > 7 * 86_400_000)).toEqual([]);
    expect(rows.filter((r) => age(r) < 3 * 3600_000).length).toBeGreaterThanOrEqual(3);
  });

  it('recorded each ticket through the hooks: created, every reply at its time, the last status', async () => {
    const timeline = new TimelineRepository(db(), 'tbl');
    const rows = await tickets();
    const replyRows = await replies();
    const repliesOf = new Map<number, ReplyRow[]>();
    for (const r of replyRows) repliesOf.set(r.ticketid, [...(repliesOf.get(r.ticketid) ?? []), r]);
    for (const row of rows) {
      const events = await timeline.forSubject('ticket', row.ticketid);
      const createdEvent = events.find((e) => e.eventType === 'created');
      expect(createdEvent?.occurredAt.getTime()).toBe(hostToInstant(row.date, ZONE).getTime());
      const replyEvents = events.filter(
        (e) => e.eventType === 'staff_reply' || e.eventType === 'client_reply',
      );
      const expected = (repliesOf.get(row.ticketid) ?? []).map((r) => [
        r.id,
        r.admin === null ? 'client_reply' : 'staff_reply',
        hostToInstant(r.date, ZONE).getTime(),
      ]);
      expect(replyEvents.map((e) => [e.refId, e.eventType, e.occurredAt.getTime()])).toEqual(expected);
      // Status changes were stamped with the seed's clock, in order: the timeline ends where the ticket is.
      expect(await timeline.lastStatus('ticket', row.ticketid)).toBe(row.status);
      for (const e of events) expect(e.occurredAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
  });

  it('includes reopened tickets, reassignments and priority changes', async () => {
    const changes: { event_type: string; from_value: string | null; to_value: string | null }[] = await db()(
      'tblsla_vigil_timeline',
    ).select('event_type', 'from_value', 'to_value');
    expect(
      changes.filter((c) => c.event_type === 'status_changed' && c.from_value === '5').length,
    ).toBeGreaterThan(0);
    expect(
      changes.filter((c) => c.event_type === 'assignee_changed' && c.from_value !== '0').length,
    ).toBeGreaterThan(0);
    expect(changes.filter((c) => c.event_type === 'priority_changed').length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.event_type === 'department_changed').length).toBeGreaterThan(0);
  });

  it('adds nothing when setup runs again with seed', async () => {
    const tables = [
      'tbltickets',
      'tblticket_replies',
      'tblstaff',
      'tblclients',
      'tblcontacts',
      'tbldepartments',
      'tblroles',
      'tblcustomer_groups',
      'tblsla_vigil_timeline',
      'tblleads',
      'tblleads_status',
      'tblleads_sources',
      'tbllead_activity_log',
    ];
    const before = await Promise.all(tables.map((x) => count(x)));
    const result = await setupDevhost({
      databaseUrl: t.database.url,
      redisUrl: TEST_REDIS_URL,
      seed: true,
      now: NOW,
      loadModuleEntry: loadSourceModule,
    });
    expect(result).toEqual({ created: false, seeded: false });
    expect(await Promise.all(tables.map((x) => count(x)))).toEqual(before);
  });
});

describe('demo leads', () => {
  interface LeadRow {
    id: number;
    status: number;
    assigned: number;
    lost: number;
    junk: number;
    date_converted: string | null;
    client_id: number;
    dateadded: string;
    lastcontact: string | null;
    iso2: string | null;
    status_name: string;
  }
  const leads = (): Promise<LeadRow[]> =>
    db()('tblleads as l')
      .leftJoin('tblcountries as c', 'c.country_id', 'l.country')
      .join('tblleads_status as s', 's.id', 'l.status')
      .select('l.*', 'c.iso2', 's.name as status_name');

  it('has a sales team’s statuses and sources besides Perfex’s Customer, Google and Facebook', async () => {
    const statuses = await db()('tblleads_status').orderBy('statusorder').select('name', 'isdefault');
    expect(statuses).toEqual([
      { name: 'New', isdefault: 0 },
      { name: 'Contacted', isdefault: 0 },
      { name: 'Qualified', isdefault: 0 },
      { name: 'Proposal', isdefault: 0 },
      { name: 'Waiting on customer', isdefault: 0 },
      { name: 'On hold', isdefault: 0 },
      { name: 'Customer', isdefault: 1 },
    ]);
    expect(await db()('tblleads_sources').orderBy('id').pluck('name')).toEqual([
      'Google',
      'Facebook',
      'Website form',
      'Referral',
      'Trade show',
    ]);
  });

  it('creates 60 leads in India, the United States, Singapore, Germany and France', async () => {
    const rows = await leads();
    expect(rows).toHaveLength(60);
    const perMarket: Record<string, number> = {};
    for (const r of rows) perMarket[r.iso2 ?? 'none'] = (perMarket[r.iso2 ?? 'none'] ?? 0) + 1;
    expect(perMarket).toEqual({ IN: 16, US: 14, SG: 10, DE: 11, FR: 9 });
  });

  it('has leads in every state: new, contacted, qualified, proposal, waiting, on hold, lost, junk, converted, unassigned', async () => {
    const rows = await leads();
    const open = rows.filter((r) => !r.lost && !r.junk && !r.date_converted);
    const inStatus = (name: string) => open.filter((r) => r.status_name === name).length;
    expect({
      new: inStatus('New'),
      contacted: inStatus('Contacted'),
      qualified: inStatus('Qualified'),
      proposal: inStatus('Proposal'),
      waiting: inStatus('Waiting on customer'),
      onHold: inStatus('On hold'),
      lost: rows.filter((r) => r.lost).length,
      junk: rows.filter((r) => r.junk).length,
      converted: rows.filter((r) => r.date_converted).length,
    }).toEqual({
      new: 10,
      contacted: 10,
      qualified: 8,
      proposal: 6,
      waiting: 4,
      onHold: 3,
      lost: 7,
      junk: 5,
      converted: 7,
    });
    expect(open.filter((r) => r.assigned === 0).length).toBeGreaterThanOrEqual(4);
    // Converted leads have the isdefault status and a customer of their own.
    const converted = rows.filter((r) => r.date_converted);
    expect(new Set(converted.map((r) => r.status_name))).toEqual(new Set(['Customer']));
    expect(new Set(converted.map((r) => r.client_id)).size).toBe(converted.length);
    // Every lead someone worked on was contacted; untouched new leads were not.
    expect(open.filter((r) => r.status_name === 'New').every((r) => r.lastcontact === null)).toBe(true);
    expect(open.filter((r) => r.status_name !== 'New').every((r) => r.lastcontact !== null)).toBe(true);
  });

  it('dates every lead and its activity as wall clock within the month before now', async () => {
    const rows = await leads();
    for (const r of rows) {
      const at = hostToInstant(r.dateadded, ZONE).getTime();
      expect(at).toBeGreaterThanOrEqual(MONTH_AGO);
      expect(at).toBeLessThanOrEqual(NOW.getTime());
    }
    const log: { date: string }[] = await db()('tbllead_activity_log').select('date');
    expect(log.length).toBeGreaterThan(rows.length);
    for (const l of log) expect(hostToInstant(l.date, ZONE).getTime()).toBeLessThanOrEqual(NOW.getTime());
  });
});

describe('demo ticket plan', () => {
  const people: DemoPeople = {
    departments: [
      { id: 1, name: 'Support' },
      { id: 2, name: 'Billing' },
      { id: 3, name: 'Technical' },
    ],
    staffByDepartment: new Map([
      [1, [2, 3]],
      [2, [3, 4]],
      [3, [5]],
    ]),
    clients: [
      { userid: 1, company: 'A', vip: true, contacts: [{ id: 1, name: 'Ann A' }] },
      {
        userid: 2,
        company: 'B',
        vip: false,
        contacts: [
          { id: 2, name: 'Bo B' },
          { id: 3, name: 'Cy B' },
        ],
      },
    ],
    serviceIds: [1, 2, 3],
    staffIds: new Map(),
  };
  const plan = () => planTickets({ rng: new Random(7), people, now: NOW, zone: ZONE });

  it('is the same for the same now, chronological, and never later than now', () => {
    const events = plan();
    expect(plan()).toEqual(events);
    const times = events.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(MONTH_AGO);
  });
});

describe('live tickets (at risk now, whatever the hour the demo starts)', () => {
  const calendar = officeHours(ZONE);
  // Friday in office hours, Saturday night, Monday before opening (New York wall clock).
  const nows = ['2026-02-20T15:00:00Z', '2026-02-22T04:00:00Z', '2026-02-23T13:30:00Z'].map(
    (x) => new Date(x),
  );

  it('goes back exactly the business minutes asked for, to the second', () => {
    for (const now of nows) {
      for (const minutes of [51, 216, 422]) {
        const at = businessMinutesAgo(calendar, now, minutes);
        expect(at.getTime()).toBeLessThan(now.getTime());
        expect(Math.abs(businessMinutesBetween(calendar, at, now) - minutes)).toBeLessThan(1 / 30);
      }
    }
  });

  it('creates them before now, VIP ones minutes old, deterministic for the same now', () => {
    const people: DemoPeople = {
      departments: [
        { id: 1, name: 'Support' },
        { id: 2, name: 'Billing' },
        { id: 3, name: 'Technical' },
      ],
      staffByDepartment: new Map([
        [1, [2]],
        [2, [3]],
        [3, [4]],
      ]),
      clients: [
        { userid: 1, company: 'V', vip: true, contacts: [{ id: 1, name: 'V V' }] },
        { userid: 2, company: 'N', vip: false, contacts: [{ id: 2, name: 'N N' }] },
      ],
      serviceIds: [],
      staffIds: new Map(),
    };
    for (const now of nows) {
      const plan = () => planLiveTickets({ rng: new Random(1), people, now, zone: ZONE }, calendar);
      const events = plan();
      expect(plan()).toEqual(events);
      expect(
        events.every((e) => e.action.kind === 'create' && e.at.getTime() <= now.getTime() - 60_000),
      ).toBe(true);
      const vipAges = events
        .filter((e) => e.action.kind === 'create' && e.action.input.userid === 1)
        .map((e) => (now.getTime() - e.at.getTime()) / 60_000);
      expect(vipAges.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...vipAges)).toBeLessThanOrEqual(60);
    }
  });
});

describe('demo SLA configuration', () => {
  it('imports the demo policies before the history, so the demo shows every kind of SLA state', async () => {
    expect(await count('tblsla_vigil_policies', { subject: 'ticket' })).toBe(4);
    // One lead policy per market, a faster one for India's web forms, and a fallback.
    expect(await count('tblsla_vigil_policies', { subject: 'lead' })).toBe(7);
    const rows: { sla_state: string; n: number }[] = await db()('tblsla_vigil_subjects')
      .where('subject_type', 'ticket')
      .select('sla_state')
      .count({ n: '*' })
      .groupBy('sla_state');
    const states = Object.fromEntries(rows.map((r) => [r.sla_state, Number(r.n)]));
    for (const state of ['met', 'breached', 'paused']) expect(states[state]).toBeGreaterThan(0);
    expect(states.no_policy ?? 0).toBe(0);
    // The seeded leads reach the module through the lead hooks, each under its market's policy,
    // and the month leaves them in every state a sales manager looks for.
    const leadRows: { sla_state: string; n: number }[] = await db()('tblsla_vigil_subjects')
      .where('subject_type', 'lead')
      .select('sla_state')
      .count({ n: '*' })
      .groupBy('sla_state');
    const leadStates = Object.fromEntries(leadRows.map((r) => [r.sla_state, Number(r.n)]));
    expect(leadStates.no_policy ?? 0).toBe(0);
    for (const state of ['met', 'breached', 'on_track', 'paused'])
      expect(leadStates[state]).toBeGreaterThan(0);
    // A team that mostly keeps its windows: of the open leads with a running clock, few are breached.
    const open = await db()('tblsla_vigil_subjects as s')
      .join('tblleads as l', 'l.id', 's.subject_id')
      .where({ 's.subject_type': 'lead', 'l.lost': 0, 'l.junk': 0 })
      .whereNull('l.date_converted')
      .whereIn('s.sla_state', ['on_track', 'at_risk', 'breached'])
      .pluck('s.sla_state');
    const breachedOpen = open.filter((state: string) => state === 'breached').length;
    expect(breachedOpen).toBeGreaterThan(0);
    expect(breachedOpen / open.length).toBeLessThan(0.35);
    // Fresh leads wait for their first call with the hour still running.
    const freshNew = await db()('tblsla_vigil_subjects as s')
      .join('tblleads as l', 'l.id', 's.subject_id')
      .join('tblleads_status as st', 'st.id', 'l.status')
      .where({ 's.subject_type': 'lead', 'st.name': 'New', 'l.junk': 0 })
      .whereIn('s.sla_state', ['on_track', 'at_risk'])
      .count({ n: '*' });
    expect(Number((freshNew[0] as { n: number }).n)).toBeGreaterThan(0);
    const leadEscalations = await db()('tblsla_vigil_escalations')
      .where({ subject_type: 'lead', outcome: 'notified' })
      .count({ n: '*' });
    expect(Number((leadEscalations[0] as { n: number }).n)).toBeGreaterThan(0);
    expect(await count('tblsla_vigil_clocks')).toBeGreaterThan(600);
  });
});

describe('demo numbers and escalations', () => {
  let manager: AdminSession;
  beforeAll(async () => {
    manager = await loginAgent(t.devhost.app, 'manager@example.com', 'demo1234');
  });

  /** The dashboard's card value and the list's `?sla=` total, read off the pages as a manager sees them. */
  async function cardsAndList(): Promise<Record<string, { card: number; list: number }>> {
    const dashboard = (await manager.agent.get('/admin/sla_vigil')).text;
    const out: Record<string, { card: number; list: number }> = {};
    for (const state of ['breached', 'at_risk']) {
      const card = new RegExp(`data-kpi="${state}" data-value="(\\d+)"`).exec(dashboard)?.[1];
      const list = (await manager.agent.get(`/admin/tickets?sla=${state}`)).text;
      const total = /<small class="muted">(\d+) found<\/small>/.exec(list)?.[1];
      out[state] = { card: Number(card), list: Number(total) };
    }
    return out;
  }

  it('counts the same open tickets as Breached and At risk on the dashboard and in the list filter', async () => {
    clock.set(NOW);
    const now = await cardsAndList();
    expect(now.breached.card).toBe(now.breached.list);
    expect(now.at_risk.card).toBe(now.at_risk.list);
    // Believable: a few breached open tickets, some at risk right now (whatever hour the demo starts).
    expect(now.breached.card).toBeGreaterThanOrEqual(3);
    expect(now.breached.card).toBeLessThanOrEqual(25);
    expect(now.at_risk.card).toBeGreaterThanOrEqual(3);
    // The list's label says which set it counts (its badges also show closed tickets' past breaches).
    expect((await manager.agent.get('/admin/tickets?sla=breached')).text).toContain(
      '<option value="breached" selected>Breached (open tickets)</option>',
    );
  });

  it('names the policy of each escalation level on a ticket that changed policy mid-ladder', async () => {
    const [rows] = (await db().raw(
      `SELECT subject_id FROM tblsla_vigil_escalations WHERE subject_type = 'ticket'
       GROUP BY subject_id HAVING COUNT(DISTINCT policy_id) > 1 ORDER BY subject_id LIMIT 1`,
    )) as [{ subject_id: number }[]];
    expect(rows.length).toBe(1);
    const html = (await manager.agent.get(`/admin/tickets/ticket/${rows[0].subject_id}`)).text;
    const names = [...html.matchAll(/data-testid="sv-level-policy">\(([^)]+)\)/g)].map((m) => m[1]);
    expect(new Set(names).size).toBeGreaterThan(1);
  });

  it("counts the manager's team on the home page as the dashboard does, and says when the list is cut", async () => {
    clock.set(NOW);
    const now = await cardsAndList();
    const home = (await manager.agent.get('/admin')).text;
    const team = /data-testid="sv-my-risks-team-view">([\s\S]*?)<\/div>/.exec(home)?.[1] ?? '';
    const shown = [...team.matchAll(/<li data-ticket-id="(\d+)"/g)].length;
    // The manager's departments are all three: their team is every open ticket the cards count.
    const total = now.breached.card + now.at_risk.card;
    expect(shown).toBe(Math.min(total, 10));
    if (total > 10) expect(team).toContain(`The 10 most urgent of ${total}.`);
    else expect(team).not.toContain('most urgent of');
  });

  it('seeds a believable month: most targets met, on the dashboard and per policy', async () => {
    clock.set(NOW);
    const dashboard = (await manager.agent.get('/admin/sla_vigil')).text;
    const onTime = Number(/data-kpi="on_time" data-value="([\d.]+)"/.exec(dashboard)?.[1]);
    expect(onTime).toBeGreaterThanOrEqual(80);
    expect(onTime).toBeLessThanOrEqual(97);
    const perPolicy: { key: string; n: number; on_time: string }[] = (
      await db().raw(
        `SELECT p.\`key\`, COUNT(*) AS n, SUM(c.breached_at IS NULL) AS on_time
           FROM tblsla_vigil_clocks c JOIN tblsla_vigil_policies p ON p.id = c.policy_id
          WHERE c.settled_at IS NOT NULL AND p.subject = 'ticket' GROUP BY p.\`key\``,
      )
    )[0];
    expect(perPolicy.map((p) => p.key).sort()).toEqual(['billing', 'high-priority', 'standard', 'vip']);
    for (const p of perPolicy) {
      expect({ policy: p.key, finished: p.n > 20 }).toEqual({ policy: p.key, finished: true });
      expect({ policy: p.key, atLeast75: Number(p.on_time) / p.n >= 0.75 }).toEqual({
        policy: p.key,
        atLeast75: true,
      });
    }
  });

  it('has an escalation history: notified (unassigned tickets through the fallback), host actions, and mail in the outbox', async () => {
    const outcomes = await db()('tblsla_vigil_escalations').distinct('outcome').pluck('outcome');
    for (const o of ['notified', 'reassigned', 'priority_raised']) expect(outcomes).toContain(o);
    // Unassigned tickets' "notify the assignee" levels went to the department (issue 11, point 8).
    const fallbacks = await db()('tblsla_vigil_escalations')
      .where('details', 'like', '%"fallback"%')
      .count({ n: '*' });
    expect(Number((fallbacks[0] as { n: number }).n)).toBeGreaterThan(0);
    const lead = await db()('tblstaff').where('email', 'hannah.olsen@example.com').first();
    const manager = await db()('tblstaff').where('email', 'manager@example.com').first();
    const mailed = await db()('tblsla_vigil_outbox')
      .distinct('recipient_staff_id')
      .pluck('recipient_staff_id');
    expect(mailed).toEqual(expect.arrayContaining([lead.staffid, manager.staffid]));
    // The last day's mail waits for the demo's mailbox; older mail went out back then.
    const dayAgo = utcToSql(new Date(NOW.getTime() - 24 * 3600_000));
    const pending = db()('tblsla_vigil_outbox').where('state', 'pending');
    expect(await pending.clone().count({ n: '*' })).not.toEqual([{ n: 0 }]);
    expect(await pending.clone().where('created_at', '<', dayAgo).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await count('tblsla_vigil_outbox', { state: 'sent' })).toBeGreaterThan(0);
  });

  it('keeps escalating in the demo’s first minutes: notified, suppressed by the cooldown, reassigned', async () => {
    const later = new Date(NOW.getTime() + 15 * 60_000);
    clock.set(later);
    const sla = createModuleServices(t.devhost.host, { mailRoute: new NoMailRoute('test') });
    await sla.scanner.run(later);
    const fresh: { outcome: string; action_type: string; subject_id: number }[] = await db()(
      'tblsla_vigil_escalations',
    )
      .where('fired_at', '>', utcToSql(NOW))
      .select('outcome', 'action_type', 'subject_id');
    const outcomes = new Set(fresh.map((e) => e.outcome));
    for (const o of ['notified', 'suppressed', 'reassigned']) expect(outcomes).toContain(o);
    // The lead who was mailed about the breach minutes ago gets no second mail for that ticket.
    const suppressed = fresh.find((e) => e.outcome === 'suppressed')!;
    const held = await db()('tblsla_vigil_outbox').where({
      subject_id: suppressed.subject_id,
      state: 'suppressed',
    });
    expect(held.length).toBeGreaterThan(0);
    // Each new breach mailed someone: the outbox holds mail written by this scan.
    expect(
      await db()('tblsla_vigil_outbox')
        .where('created_at', '>', utcToSql(NOW))
        .whereNot('state', 'suppressed'),
    ).not.toHaveLength(0);
    // And the cards still agree with the list at the new moment.
    const counts = await cardsAndList();
    expect(counts.breached.card).toBe(counts.breached.list);
    expect(counts.at_risk.card).toBe(counts.at_risk.list);
  });
});
