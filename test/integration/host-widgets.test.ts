import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertOpenTickets, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs, type AdminSession } from '../helpers/admin-session';

/**
 * What SLA Vigil shows inside the host's own pages: the ticket-list badge (with SLA filter and
 * sort), the ticket view's SLA panel and the "My SLA risks" widget on the admin home. A 24x7
 * policy in a UTC host keeps the arithmetic readable; "now" is Tue 2026-03-03 08:00 UTC.
 */
const NOW = '2026-03-03T08:00:00Z';
const clock = new MutableClock(new Date('2026-03-03T03:00:00Z'));
const at = (iso: string) => clock.set(new Date(iso));
const XSS = '<img src=x onerror=alert(1)>';

let t: TestDevhost;
let services: ModuleServices;
let support: number;
const staff: Record<string, number> = {};
const ticket: Record<string, number> = {};

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

async function create(subject: string, iso: string, extra: Record<string, unknown> = {}): Promise<number> {
  at(iso);
  return t.devhost.tickets.create({
    subject,
    message: 'm',
    department: support,
    priority: 3,
    admin: 1,
    assigned: staff.ana,
    ...extra,
  });
}

async function reply(id: number, iso: string, status?: number): Promise<void> {
  at(iso);
  await t.devhost.tickets.reply(id, { message: 'on it', admin: 1, status });
}

/** Ticket ids in the order a rendered list shows them. */
function listedIds(html: string): number[] {
  return [...html.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
}

/** The SLA tab's own HTML, without the host page around it (the host has its own date format). */
function panelOf(html: string): string {
  return /data-testid="sv-ticket-panel"[\s\S]*?<\/ol>/.exec(html)?.[0] ?? '';
}

/** The SLA cell of one row. */
function slaCell(html: string, id: number): string {
  const row = new RegExp(`<tr data-ticket-id="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  return /<td data-column="sla_vigil"[^>]*>([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  const [other] = await db('tbldepartments').insert({ name: 'Sales' });
  staff.ana = await insertStaffWithCapabilities(t.devhost.db, 'ana.agent@x.test', STAFF_PASSWORD, ['view']);
  staff.oli = await insertStaffWithCapabilities(t.devhost.db, 'oli.other@x.test', STAFF_PASSWORD, ['view']);
  staff.leo = await insertStaffWithCapabilities(t.devhost.db, 'leo.lead@x.test', STAFF_PASSWORD, ['view'], {
    default_language: 'german',
  });
  staff.mia = await insertStaffWithCapabilities(t.devhost.db, 'mia.manager@x.test', STAFF_PASSWORD, [
    'manage',
  ]);
  staff.nico = await insertStaffWithCapabilities(t.devhost.db, 'nico.nobody@x.test', STAFF_PASSWORD, []);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'support-high',
        name: 'Support high',
        match: { departmentIds: [support], priorityIds: [3] },
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 240, warnBeforeMinutes: 60 } },
        pauseStatusIds: [4],
        escalations: [
          { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
        ],
      },
      {
        // Medium priority: the first response warns long before it is due, resolution only just,
        // so a ticket can be at risk on one clock while another one, on track, is due sooner.
        key: 'support-medium',
        name: 'Support medium',
        match: { departmentIds: [support], priorityIds: [2] },
        calendar: null,
        targets: {
          first_response: { minutes: 120, warnBeforeMinutes: 90 },
          resolution: { minutes: 100, warnBeforeMinutes: 10 },
        },
        pauseStatusIds: [4],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });

  // In time order, so every hook sees its own instant.
  ticket.a = await create('Breached twice', '2026-03-03T03:00:00Z'); // first response due 04:00
  ticket.g = await create(XSS, '2026-03-03T04:00:00Z'); // first response due 05:00
  ticket.e = await create('Met and closed', '2026-03-03T06:00:00Z');
  await reply(ticket.e, '2026-03-03T06:10:00Z');
  at('2026-03-03T06:20:00Z');
  await t.devhost.tickets.changeStatus(ticket.e, { status: 5 });
  ticket.d = await create('Waiting on customer', '2026-03-03T07:00:00Z');
  await reply(ticket.d, '2026-03-03T07:10:00Z', 4); // On Hold pauses resolution from 07:10
  ticket.b = await create('Almost due', '2026-03-03T07:10:00Z'); // first response due 08:10, warn 07:58
  ticket.h = await create('Someone else', '2026-03-03T07:15:00Z', { assigned: staff.oli });
  ticket.c = await create('Answered', '2026-03-03T07:50:00Z');
  await reply(ticket.c, '2026-03-03T07:55:00Z', 2); // resolution due 11:50
  ticket.f = await create('No policy here', '2026-03-03T07:56:00Z', { department: other });
  at(NOW);
  await services.scanner.run(clock.now());
});
afterAll(() => t.close());

describe('ticket-list badge', () => {
  it('shows time left, overdue, paused, met and no policy, coloured by state', async () => {
    const admin = await login('admin@example.com');
    const html = (await admin.agent.get('/admin/tickets')).text;
    const expected: [string, string, string][] = [
      ['a', 'breached', '4h overdue'],
      ['g', 'breached', '3h overdue'],
      ['b', 'at_risk', '10m left'],
      ['c', 'on_track', '3h 50m left'],
      ['d', 'paused', 'paused'],
      ['e', 'met', 'Met'],
      ['f', 'no_policy', 'No policy'],
    ];
    for (const [key, state, text] of expected) {
      const cell = slaCell(html, ticket[key]);
      expect(cell).toContain(`data-sla-state="${state}"`);
      expect(cell).toContain(`>${text}</span>`);
    }
    // The badge's title names the clock it shows and its due time (host zone).
    expect(slaCell(html, ticket.b)).toContain('title="First response: due Tue 3 Mar 08:10"');
  });

  it('speaks the staff member’s language', async () => {
    const leo = await login('leo.lead@x.test');
    const html = (await leo.agent.get('/admin/tickets')).text;
    expect(slaCell(html, ticket.a)).toContain('>4 Std. überfällig<');
    expect(slaCell(html, ticket.b)).toContain('>noch 10 Min.<');
    expect(slaCell(html, ticket.d)).toContain('>pausiert<');
    expect(slaCell(html, ticket.e)).toContain('>Eingehalten<');
  });

  it('costs one query on the module tables for a page of 100 tickets', async () => {
    const db = t.devhost.db;
    const [dept] = await db('tbldepartments').insert({ name: 'Bulk' });
    const before = Number((await db('tbltickets').max({ id: 'ticketid' }))[0].id);
    await insertOpenTickets(db, 100, dept, '2026-03-03 07:00:00');
    await services.scanner.run(clock.now());
    const ids = (await db('tbltickets').where('ticketid', '>', before).pluck('ticketid')) as number[];
    expect(ids).toHaveLength(100);
    const column = t.devhost.admin.columns.get('sla_vigil');
    if (!column) throw new Error('SLA column not registered');

    const sqls: string[] = [];
    const listener = (q: { sql: string }) => sqls.push(q.sql);
    db.on('query', listener);
    let cells: Map<number, string>;
    try {
      cells = await column.render(ids, staff.ana);
    } finally {
      db.removeListener('query', listener);
    }
    expect(cells.size).toBe(100);
    expect(sqls.filter((sql) => sql.includes('sla_vigil'))).toHaveLength(1);
    // The host's own lookups (permission, ticket access scope, language) do not grow with the page either.
    expect(sqls.length).toBeLessThanOrEqual(5);
    await db('tbltickets').whereIn('ticketid', ids).delete();
    await db('tblsla_vigil_subjects').whereIn('subject_id', ids).delete();
    await db('tblsla_vigil_clocks').whereIn('subject_id', ids).delete();
  });

  it('escapes the subject and leaves cells empty for staff without view', async () => {
    const nico = await login('nico.nobody@x.test');
    const html = (await nico.agent.get('/admin/tickets')).text;
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('data-sla-state=');
  });
});

describe('ticket list filtered and sorted by SLA state', () => {
  const ours = () => new Set(Object.values(ticket));
  const shown = async (query: string) => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get(`/admin/tickets${query}`);
    expect(res.status).toBe(200);
    return { ids: listedIds(res.text).filter((id) => ours().has(id)), html: res.text };
  };

  it('sorts by urgency: breached, at risk, on track, paused, met, no policy; then by due time', async () => {
    const { ids, html } = await shown('?sort=sla&dir=asc');
    expect(ids).toEqual([ticket.a, ticket.g, ticket.b, ticket.h, ticket.c, ticket.d, ticket.e, ticket.f]);
    // The header links to the other direction (desc is the list's default, so it is left out).
    expect(html).toContain(
      '<th data-column="sla_vigil" data-sort="sla" class="sorted"><a href="/admin/tickets?sort=sla">SLA ▲</a>',
    );
    expect((await shown('?sort=sla&dir=desc')).ids).toEqual(
      [ticket.a, ticket.g, ticket.b, ticket.h, ticket.c, ticket.d, ticket.e, ticket.f].reverse(),
    );
  });

  it('filters by state, with the other filters and paging counts', async () => {
    const breached = await shown('?sla=breached&sort=ticketid&dir=asc');
    expect(breached.ids).toEqual([ticket.a, ticket.g]);
    expect(breached.html).toContain('2 found');
    expect(breached.html).toMatch(/<option value="breached" selected>Breached \(open tickets\)<\/option>/);
    expect((await shown('?sla=at_risk&assigned=' + staff.ana)).ids).toEqual([ticket.b]);
    expect((await shown('?sla=paused')).ids).toEqual([ticket.d]);
    expect((await shown('?sla=no_policy')).ids).toEqual([ticket.f]);
    expect((await shown('?sla=met')).ids).toEqual([ticket.e]);
  });

  it('rejects unknown SLA filter values and sort keys with 422', async () => {
    const admin = await login('admin@example.com');
    expect((await admin.agent.get('/admin/tickets?sla=late')).status).toBe(422);
    expect((await admin.agent.get('/admin/tickets?sort=sla_state')).status).toBe(422);
  });

  it('labels the filter in the staff member’s language', async () => {
    const leo = await login('leo.lead@x.test');
    const html = (await leo.agent.get('/admin/tickets')).text;
    expect(html).toMatch(
      /<select name="sla"[^>]*>[\s\S]*<option value="breached" >Verletzt \(offene Tickets\)<\/option>/,
    );
  });
});

describe('ticket view SLA panel', () => {
  it('shows every clock with a live countdown, the policy and why, and the escalation history', async () => {
    const ana = await login('ana.agent@x.test');
    const html = (await ana.agent.get(`/admin/tickets/ticket/${ticket.a}`)).text;
    expect(html).toContain('<script src="/admin/sla_vigil/assets/countdown.js" defer></script>');
    expect(html).toContain('data-sv-countdown-templates="{&#34;days&#34;:&#34;{n}d&#34;');
    expect(html).toMatch(
      /<time data-sv-countdown datetime="2026-03-03T04:00:00.000Z" data-sla-state="breached">4h overdue<\/time>/,
    );
    expect(html).toMatch(
      /<time data-sv-countdown datetime="2026-03-03T07:00:00.000Z" data-sla-state="breached">1h overdue<\/time>/,
    );
    expect(html).toContain('<strong>Support high</strong>');
    expect(html).toContain('Applies because of: department Support, priority High');
    expect(html).toMatch(/<li>started Tue 3 Mar 03:00 \(UTC\); 1 hour → due Tue 3 Mar 04:00<\/li>/);
    // Each running clock: the time left (live, around the clock) and the wall-clock due time.
    expect(html).toMatch(
      /4h overdue<\/time>,\s*<time datetime="2026-03-03T04:00:00.000Z"[^>]*>due Tue 3 Mar 04:00<\/time>/,
    );
    // The resolution ladder fired at the due time: notify the assignee, once.
    expect(html).toMatch(
      /<tr data-level="1" data-outcome="notified">[\s\S]*?Resolution[\s\S]*?Notify the assignee[\s\S]*?Tue 3 Mar 08:00[\s\S]*?Notified/,
    );
    expect(html).toContain('SLA timeline');
    // Metrics in the order they happen: first response before resolution.
    expect([...html.matchAll(/<tr data-metric="(\w+)"/g)].map((m) => m[1])).toEqual([
      'first_response',
      'resolution',
    ]);
    // Sources in words people use, real arrows, one date format (the staff member's language).
    expect(html).toContain('(recorded live)');
    expect(html).not.toMatch(/\((hook|reconcile)\)/);
    expect(html).not.toContain('-&gt;');
    expect(panelOf(html)).toContain('sv-timeline');
    expect(panelOf(html)).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
  });

  it('shows paused time and the current pause; a met clock has no countdown', async () => {
    const ana = await login('ana.agent@x.test');
    const html = (await ana.agent.get(`/admin/tickets/ticket/${ticket.d}`)).text;
    const resolution = /<tr data-metric="resolution" data-cycle="1">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(resolution).toContain('data-paused-minutes="50"');
    // The pause reason is the status the ticket sits in now.
    expect(resolution).toMatch(/50m\s*<br><small data-testid="sv-paused-now">paused now: On Hold<\/small>/);
    expect(resolution).toContain('<span data-sla-state="paused">paused</span>');
    expect(resolution).not.toContain('data-sv-countdown');
    const first = /<tr data-metric="first_response" data-cycle="1">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(first).toContain('data-sla-state="met"');
    expect(first).not.toContain('data-sv-countdown');
    expect(html).toContain('No escalation has fired for this ticket.');
  });

  it('escapes the subject, speaks German, and is absent without view', async () => {
    const leo = await login('leo.lead@x.test');
    const html = (await leo.agent.get(`/admin/tickets/ticket/${ticket.g}`)).text;
    expect(html).not.toContain(XSS);
    expect(html).toContain('Gilt wegen: Abteilung Support, Priorität High');
    expect(html).toContain('>3 Std. überfällig</time>');
    // The engine's explanation in German words and German dates, not the API's English.
    expect(html).toMatch(
      /<li>gestartet Di\., 3\. März, \d\d:\d\d \(UTC\); 1 Stunde → fällig Di\., 3\. März, \d\d:\d\d<\/li>/,
    );
    expect(html).not.toContain('<li>started ');
    // German dates everywhere on the tab (due, escalations, timeline), German sources.
    expect(html).toMatch(/fällig Di\., 3\. März, 05:00<\/time>/);
    expect(html).toContain('(live erfasst)');
    // The module's pages too: German dates in the monitor, German date pickers in the reports.
    const monitor = (await leo.agent.get('/admin/sla_vigil/monitor')).text;
    expect(monitor).toMatch(/<time datetime="[^"]+">Di\., 3\. März, \d\d:\d\d<\/time>/);
    expect(monitor).not.toMatch(/>\d{4}-\d\d-\d\d \d\d:\d\d</);
    const reports = (await leo.agent.get('/admin/sla_vigil/reports')).text;
    expect(reports).toContain('<input type="date" lang="de" id="sv-from"');
    expect(panelOf(html)).toContain('sv-timeline');
    expect(panelOf(html)).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
    const nico = await login('nico.nobody@x.test');
    expect((await nico.agent.get(`/admin/tickets/ticket/${ticket.a}`)).text).not.toContain('sv-ticket-panel');
  });

  it('shows the SLA badge in the ticket header, next to the status, for staff who may see it', async () => {
    const ana = await login('ana.agent@x.test');
    const html = (await ana.agent.get(`/admin/tickets/ticket/${ticket.a}`)).text;
    const heading = /<h1>[\s\S]*?<\/h1>/.exec(html)?.[0] ?? '';
    expect(heading).toMatch(
      /data-status="\d+">[^<]*<\/span> <span class="ticket-head-badge" data-testid="ticket-head-badge" data-module="sla_vigil"><span class="sv-badge sv-badge--breached"/,
    );
    const nico = await login('nico.nobody@x.test');
    expect((await nico.agent.get(`/admin/tickets/ticket/${ticket.a}`)).text).not.toContain(
      'ticket-head-badge',
    );
  });

  it('serves the countdown script to staff who see the panel', async () => {
    const ana = await login('ana.agent@x.test');
    const res = await ana.agent.get('/admin/sla_vigil/assets/countdown.js');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-sv-countdown');
  });
});

describe('"My SLA risks" on the admin home', () => {
  const widget = (html: string) =>
    /<section class="panel module-widget" data-widget="sla_vigil_my_risks">[\s\S]*?<\/section>/.exec(
      html,
    )?.[0];

  it('lists only my open at-risk and breached tickets, most urgent first, linked and escaped', async () => {
    const ana = await login('ana.agent@x.test');
    const res = await ana.agent.get('/admin');
    expect(res.status).toBe(200);
    const html = widget(res.text) ?? '';
    const ids = [...html.matchAll(/<li data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([ticket.a, ticket.g, ticket.b]);
    expect(html).toContain(`<a href="/admin/tickets/ticket/${ticket.b}"`);
    expect(html).toContain('#' + ticket.g + ' &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(XSS);
    expect(html).toMatch(/data-sla-state="at_risk"[^>]*>At risk<\/span>/);
    expect(html).toContain('>10m left</time>');
  });

  it('shows an empty state and its title in the staff member’s language', async () => {
    const leo = await login('leo.lead@x.test');
    const html = widget((await leo.agent.get('/admin')).text) ?? '';
    expect(html).toContain('Keines Ihrer offenen Tickets ist gefährdet oder verletzt.');
    expect(html).toContain('<h2 class="panel-title">Meine SLA-Risiken</h2>');
    expect(html).not.toContain('My SLA risks');
    const ana = await login('ana.agent@x.test');
    expect(widget((await ana.agent.get('/admin')).text)).toContain(
      '<h2 class="panel-title">My SLA risks</h2>',
    );
  });

  it('is hidden from staff without view; manage alone sees it', async () => {
    const nico = await login('nico.nobody@x.test');
    const home = await nico.agent.get('/admin');
    expect(home.status).toBe(200);
    expect(widget(home.text)).toBeUndefined();
    const mia = await login('mia.manager@x.test');
    expect(widget((await mia.agent.get('/admin')).text)).toContain('data-testid="sv-my-risks"');
    const admin = await login('admin@example.com');
    expect(widget((await admin.agent.get('/admin')).text)).toContain('data-testid="sv-my-risks-empty"');
  });

  it('goes away when the module is deactivated', async () => {
    const ana = await login('ana.agent@x.test');
    await t.devhost.loader.deactivate('sla_vigil');
    try {
      const home = await ana.agent.get('/admin');
      expect(home.status).toBe(200);
      expect(widget(home.text)).toBeUndefined();
      // Without the module the list has no SLA filter or sort; asking for one is a bad request.
      expect((await ana.agent.get('/admin/tickets?sort=sla')).status).toBe(422);
    } finally {
      await t.devhost.loader.activate('sla_vigil');
    }
    expect(widget((await ana.agent.get('/admin')).text)).toBeDefined();
  });
});

describe('access to the pages these parts live in', () => {
  it.each([
    ['admin@example.com', true],
    ['mia.manager@x.test', true],
    ['ana.agent@x.test', true],
    ['nico.nobody@x.test', false],
  ])('%s: home opens; the SLA column, filter and sort only with access (%s)', async (email, sees) => {
    const session = await login(email);
    expect((await session.agent.get('/admin')).status).toBe(200);
    const list = await session.agent.get('/admin/tickets?sort=sla&sla=breached');
    // Without access the list has no SLA sort key: asking for it is a bad request, as for any unknown sort.
    expect(list.status).toBe(sees ? 200 : 422);
    expect(list.text.includes('data-sla-state="breached"')).toBe(sees);
    expect(list.text.includes('data-column="sla_vigil"')).toBe(sees);
  });
});

/**
 * One meaning of "this ticket's SLA state now" (src/sla/clocks/live-state.ts) on every surface:
 * the list's badge, its filter and sort, the "My SLA risks" widget and the monitor. These tests
 * move the clock on, so they run last.
 */
describe('one SLA state everywhere', () => {
  const STATES = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'];
  const RANK = new Map(STATES.map((state, i) => [state, i]));
  const badgeState = (html: string, id: number) => /data-sla-state="(\w+)"/.exec(slaCell(html, id))?.[1];
  const widgetIds = (html: string) =>
    [
      ...(/data-widget="sla_vigil_my_risks">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '').matchAll(
        /<li data-ticket-id="(\d+)"/g,
      ),
    ].map((m) => Number(m[1]));
  const monitorRow = (html: string, id: number) =>
    new RegExp(`<tr data-ticket-id="${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  const monitorIds = (html: string) =>
    [...html.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));

  /** Every row's badge; `?sla=X` lists exactly the rows whose badge says X; sort=sla follows rank. */
  async function expectFilterMatchesBadges(): Promise<Map<number, string>> {
    const admin = await login('admin@example.com');
    const all = (await admin.agent.get('/admin/tickets?sort=ticketid&dir=asc')).text;
    const badges = new Map(listedIds(all).map((id) => [id, badgeState(all, id) ?? 'missing']));
    expect(badges.size).toBeGreaterThanOrEqual(Object.keys(ticket).length);
    for (const state of STATES) {
      const res = await admin.agent.get(`/admin/tickets?sla=${state}&sort=ticketid&dir=asc`);
      expect(res.status).toBe(200);
      const expected = [...badges].filter(([, badge]) => badge === state).map(([id]) => id);
      expect({ state, ids: listedIds(res.text) }).toEqual({ state, ids: expected });
    }
    const sorted = listedIds((await admin.agent.get('/admin/tickets?sort=sla&dir=asc')).text);
    const ranks = sorted.map((id) => RANK.get(badges.get(id) ?? '') ?? -1);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    return badges;
  }

  it('a first response met late with resolution on track is on track, in the badge and the filter', async () => {
    await reply(ticket.b, '2026-03-03T08:30:00Z'); // first response was due 08:10
    at('2026-03-03T08:31:00Z');
    await services.scanner.run(clock.now());
    // The subject's stored summary counts the late cycle; the ticket's state now does not.
    const stored = await t.devhost.db('tblsla_vigil_subjects').where({ subject_id: ticket.b }).first();
    expect(stored.sla_state).toBe('breached');
    const badges = await expectFilterMatchesBadges();
    expect(badges.get(ticket.b)).toBe('on_track');
    const admin = await login('admin@example.com');
    expect(listedIds((await admin.agent.get('/admin/tickets?sla=on_track')).text)).toContain(ticket.b);
    expect(listedIds((await admin.agent.get('/admin/tickets?sla=breached')).text)).not.toContain(ticket.b);
    const monitor = (await admin.agent.get('/admin/sla_vigil/monitor?partial=1&state=on_track')).text;
    expect(monitorIds(monitor)).toContain(ticket.b);
    const ana = await login('ana.agent@x.test');
    expect(widgetIds((await ana.agent.get('/admin')).text)).not.toContain(ticket.b);
  });

  it('at risk on one clock beats on track on a clock due sooner, on every surface', async () => {
    ticket.i = await create('Two clocks', '2026-03-03T08:31:00Z', { priority: 2 });
    // 40 minutes on: first response (due 10:31, warns from 09:01) is at risk; resolution (due
    // 10:11, warns from 10:01) is on track and due sooner.
    at('2026-03-03T09:11:00Z');
    await services.scanner.run(clock.now());
    const badges = await expectFilterMatchesBadges();
    expect(badges.get(ticket.i)).toBe('at_risk');
    const admin = await login('admin@example.com');
    const list = (await admin.agent.get('/admin/tickets')).text;
    expect(slaCell(list, ticket.i)).toContain('title="First response: due Tue 3 Mar 10:31"');
    expect(slaCell(list, ticket.i)).toContain('>1h 20m left</span>');
    const monitor = (await admin.agent.get('/admin/sla_vigil/monitor?partial=1&state=at_risk')).text;
    expect(monitorIds(monitor)).toContain(ticket.i);
    expect(monitorRow(monitor, ticket.i)).toContain('data-sla-state="at_risk"');
    expect(monitorRow(monitor, ticket.i)).toContain('First response');
    const onTrack = (await admin.agent.get('/admin/sla_vigil/monitor?partial=1&state=on_track')).text;
    expect(monitorIds(onTrack)).not.toContain(ticket.i);
    const ana = await login('ana.agent@x.test');
    const home = (await ana.agent.get('/admin')).text;
    expect(widgetIds(home)).toContain(ticket.i);
    expect(/data-widget="sla_vigil_my_risks">[\s\S]*?<\/section>/.exec(home)?.[0]).toMatch(
      new RegExp(`<li data-ticket-id="${ticket.i}"[\\s\\S]*?data-sla-state="at_risk"`),
    );
  });

  it('a paused clock whose provisional due has passed stays paused on every surface', async () => {
    // Ticket d is On Hold since 07:10; the due time stored then (11:00) is long gone by 13:00.
    at('2026-03-03T13:00:00Z');
    await services.scanner.run(clock.now());
    const stored = await t.devhost
      .db('tblsla_vigil_clocks')
      .where({ subject_id: ticket.d, metric: 'resolution' })
      .first();
    expect(stored.state).toBe('paused');
    expect(new Date(`${String(stored.due_at).replace(' ', 'T')}Z`).getTime()).toBeLessThan(
      clock.now().getTime(),
    );
    const badges = await expectFilterMatchesBadges();
    expect(badges.get(ticket.d)).toBe('paused');
    const admin = await login('admin@example.com');
    expect(slaCell((await admin.agent.get('/admin/tickets')).text, ticket.d)).toContain('>paused</span>');
    expect(listedIds((await admin.agent.get('/admin/tickets?sla=paused')).text)).toContain(ticket.d);
    expect(listedIds((await admin.agent.get('/admin/tickets?sla=breached')).text)).not.toContain(ticket.d);
    const monitor = (await admin.agent.get('/admin/sla_vigil/monitor?partial=1')).text;
    expect(monitorRow(monitor, ticket.d)).toContain('data-sla-state="paused"');
    const breached = (await admin.agent.get('/admin/sla_vigil/monitor?partial=1&state=breached')).text;
    expect(monitorIds(breached)).not.toContain(ticket.d);
    // The widget lists only at-risk and breached tickets: a paused one is not among them.
    const ana = await login('ana.agent@x.test');
    const ids = widgetIds((await ana.agent.get('/admin')).text);
    expect(ids).toContain(ticket.a);
    expect(ids).not.toContain(ticket.d);
  });
});
