import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs } from '../helpers/admin-session';
import {
  STAFF_PASSWORD,
  insertStaff,
  insertStaffPerAccessLevel,
  insertStaffWithCapabilities,
} from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';

/**
 * The dashboard's Leads section against a hand-computed fixture. Calendar: weekdays 09:00-17:00
 * UTC; one lead policy gives the "New" status a 120 business-minute window. Host zone UTC.
 * Mon 2026-03-02 09:00Z onward; the page is read at Tue 2026-03-03 12:00Z.
 *
 *   lead  market  source    created      left "New"           first action (business min)
 *   A     DE      Google    Mon 09:00    Mon 09:30 contacted   30
 *   B     DE      Referral  Mon 09:00    Mon 10:30 contacted   90
 *   C     DE      Google    Mon 16:00    Tue 09:50 contacted   60 + 50 = 110 (wall: 17 h 50)
 *   D     IN      Referral  Mon 09:00    Mon 09:10 lost        10
 *   H     IN      Google    Mon 09:00    Mon 09:40 contacted   40
 *   E, F  IN      Google / Referral, Mon 09:00, still New: due Mon 11:00, breached now
 *   G     DE      Google    Tue 09:00, still New: due Tue 11:00, breached now
 *   I     IN      Google    Mon 09:00 in "Contacted" (no window, so no clock: from the timeline),
 *                           lost Mon 09:20                                   20
 *
 * Per market: DE [30, 90, 110] mean 230/3 median 90; IN [10, 40, 20] mean 70/3 median 20.
 * Per source: Google [30, 110, 40, 20] mean 50 median 35; Referral [90, 10] mean 50 median 50.
 * Breached now: IN 2, DE 1.
 */
const clock = new MutableClock(new Date('2026-03-02T09:00:00Z'));
let t: TestDevhost;
const ids = {
  fresh: 0,
  contacted: 0,
  qualified: 0,
  google: 1,
  referral: 0,
  fair: 0,
  de: 0,
  india: 0,
  fr: 0,
  es: 0,
  zoe: 0,
  adam: 0,
};
const at = (iso: string) => clock.set(new Date(iso));

async function page(path: string, email = 'admin@example.com'): Promise<{ status: number; text: string }> {
  const res = await (await loginAs(t.devhost.app, email)).agent.get(path);
  return { status: res.status, text: res.text };
}

/** A lead table's rows: [id, leads, mean, median]. */
function table(html: string, testId: string): number[][] {
  const body = new RegExp(`data-testid="${testId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [
    ...body.matchAll(/data-id="(\d+)" data-leads="(\d+)" data-mean="([^"]+)" data-median="([^"]+)"/g),
  ].map((m) => m.slice(1).map(Number));
}

function ranking(html: string, testId: string): [number, number][] {
  const list = new RegExp(`data-testid="${testId}">([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? '';
  return [...list.matchAll(/data-id="(\d+)" data-count="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  await insertStaffPerAccessLevel(t.devhost.db);
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [ids.contacted] = await db('tblleads_status').insert({
    name: 'Contacted',
    statusorder: 2,
    color: '#f59e0b',
  });
  [ids.qualified] = await db('tblleads_status').insert({
    name: 'Qualified',
    statusorder: 3,
    color: '#16a34a',
  });
  [ids.referral] = await db('tblleads_sources').insert({ name: 'Referral' });
  // Only the monitor's leads below come from the fair (and only they live in France and Spain).
  [ids.fair] = await db('tblleads_sources').insert({ name: 'Trade <b>fair</b>' });
  const country = async (iso2: string) => (await db('tblcountries').where('iso2', iso2).first()).country_id;
  [ids.india, ids.de, ids.fr, ids.es] = await Promise.all(['IN', 'DE', 'FR', 'ES'].map(country));
  ids.zoe = await insertStaff(db, 'zoe.zimmer@x.test', STAFF_PASSWORD);
  ids.adam = await insertStaff(db, 'adam.arndt@x.test', STAFF_PASSWORD);
  await insertStaffWithCapabilities(db, 'own@x.test', STAFF_PASSWORD, ['view_own']);
  await createModuleServices(t.devhost.host).config.import({
    calendars: [{ key: 'office', name: 'Office', timezone: 'UTC', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'leads',
        name: 'Every lead',
        subject: 'lead',
        match: {},
        calendar: 'office',
        targets: { status_time: { byStatus: { [String(ids.fresh)]: { minutes: 120 } } } },
      },
      {
        key: 'france',
        name: 'France',
        subject: 'lead',
        match: { countryIds: [ids.fr] },
        calendar: 'office',
        targets: {
          status_time: {
            byStatus: { [String(ids.fresh)]: { minutes: 60 }, [String(ids.qualified)]: { minutes: 180 } },
          },
        },
      },
      // A ticket policy: the lead monitor's policy filter does not offer it.
      { key: 'tickets', name: 'Ticket policy', match: {}, targets: { resolution: { minutes: 480 } } },
    ],
  });
});
afterAll(() => t.close());

const newLead = (country: number, source: number): Promise<number> =>
  t.devhost.leads.create({ name: 'Lead', status: ids.fresh, source, country });
const contact = (id: number) => t.devhost.leads.changeStatus(id, { status: ids.contacted });

it('hides the Leads section while the module has seen no lead', async () => {
  const { text } = await page('/admin/sla_vigil');
  expect(text).not.toContain('data-testid="sv-leads"');
});

describe('with leads in two markets and two sources', () => {
  beforeAll(async () => {
    at('2026-03-02T09:00:00Z');
    const a = await newLead(ids.de, ids.google);
    const b = await newLead(ids.de, ids.referral);
    const d = await newLead(ids.india, ids.referral);
    const h = await newLead(ids.india, ids.google);
    await newLead(ids.india, ids.google); // E
    await newLead(ids.india, ids.referral); // F
    const i = await t.devhost.leads.create({
      name: 'Lead',
      status: ids.contacted,
      source: ids.google,
      country: ids.india,
    });
    at('2026-03-02T09:10:00Z');
    await t.devhost.leads.markLost(d);
    at('2026-03-02T09:20:00Z');
    await t.devhost.leads.markLost(i);
    at('2026-03-02T09:30:00Z');
    await contact(a);
    at('2026-03-02T09:40:00Z');
    await contact(h);
    at('2026-03-02T10:30:00Z');
    await contact(b);
    at('2026-03-02T16:00:00Z');
    const c = await newLead(ids.de, ids.google);
    at('2026-03-03T09:00:00Z');
    await newLead(ids.de, ids.google); // G
    at('2026-03-03T09:50:00Z');
    await contact(c);
    at('2026-03-03T12:00:00Z');
  });

  it('counts the open leads in breach now per market', async () => {
    const { text } = await page('/admin/sla_vigil');
    expect(text).toContain('data-testid="sv-leads"');
    expect(ranking(text, 'sv-leads-breached')).toEqual([
      [ids.india, 2],
      [ids.de, 1],
    ]);
    expect(text).toContain('India');
    expect(text).toContain('Germany');
  });

  it('gives the mean and median time to first action per market and per source, in business minutes', async () => {
    const { text } = await page('/admin/sla_vigil?period=7');
    const byMarket = new Map(table(text, 'sv-leads-by-market').map((r) => [r[0], r.slice(1)]));
    expect(byMarket.get(ids.de)).toEqual([3, 230 / 3, 90]);
    expect(byMarket.get(ids.india)).toEqual([3, 70 / 3, 20]);
    expect(byMarket.size).toBe(2);
    const bySource = new Map(table(text, 'sv-leads-by-source').map((r) => [r[0], r.slice(1)]));
    expect(bySource.get(ids.google)).toEqual([4, 50, 35]);
    expect(bySource.get(ids.referral)).toEqual([2, 50, 50]);
    expect(bySource.size).toBe(2);
  });

  it("draws the leads' compliance trend apart from the tickets' (first stays settled per day)", async () => {
    const { text } = await page('/admin/sla_vigil?trend=30');
    const row = (testId: string, day: string) =>
      new RegExp(
        `data-testid="${testId}">[\\s\\S]*?<tr data-day="${day}"><th scope="row">[^<]*</th><td>([^<]*)</td><td>(\\d+)</td>`,
      )
        .exec(text)
        ?.slice(1);
    // Monday: A, B, D, H left "New" on time; Tuesday: C (due Tue 10:00, left 09:50).
    expect(row('sv-leads-trend-table', '2026-03-02')).toEqual(['100 %', '4']);
    expect(row('sv-leads-trend-table', '2026-03-03')).toEqual(['100 %', '1']);
    // The tickets' trend counts no lead.
    expect(row('sv-trend-table', '2026-03-02')?.[1]).toBe('0');
  });

  it('shows the section to view-only staff and refuses staff without the view permission', async () => {
    const viewer = await page('/admin/sla_vigil', 'viewer@x.test');
    expect(viewer.status).toBe(200);
    expect(viewer.text).toContain('data-testid="sv-leads"');
    expect((await page('/admin/sla_vigil', 'agent@x.test')).status).toBe(403);
  });

  it('lists the open leads on the monitor with ?subject=lead, most urgent first, linked to the host lead', async () => {
    const { status, text } = await page('/admin/sla_vigil/monitor?subject=lead');
    expect(status).toBe(200);
    expect(text).toContain('data-testid="sv-monitor-leads"');
    // Open: E, F (due Mon 11:00), G (due Tue 11:00), then A, B, C, H (contacted: no window, no clock).
    const rows = [...text.matchAll(/data-lead-id="(\d+)" data-state="([a-z_]+)"/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(rows).toHaveLength(7);
    expect(text).toMatch(/Open leads: <strong data-monitor-total data-testid="sv-monitor-total">7<\/strong>/);
    expect(rows.slice(0, 3).map((r) => r[1])).toEqual(['breached', 'breached', 'breached']);
    const [first] = rows[0] as [number, string];
    expect(text).toContain(`href="/admin/leads/index/${first}"`);
    expect(text).toContain('aria-current="page">Leads</a>');
    // The ticket monitor offers the switch.
    expect((await page('/admin/sla_vigil/monitor')).text).toContain(
      'href="/admin/sla_vigil/monitor?subject=lead"',
    );
  });

  it('refuses an unknown subject with a 422 naming the field', async () => {
    const { status, text } = await page('/admin/sla_vigil/monitor?subject=deal');
    expect(status).toBe(422);
    expect(text).toContain('Invalid value for &#34;subject&#34;');
  });
});

/**
 * The lead monitor's filters and sorts against hand-computed leads, read Tue 2026-03-03 12:00Z
 * (weekdays 09:00-17:00 UTC; warning at 80 % of a window). All come from the trade fair, which
 * no lead above does, so `source=fair` shows exactly these:
 *
 *   lead  market  status     owner  policy      window from      due    state now
 *   M5    none    New        Adam   Every lead  Tue 09:00 +120   11:00  breached
 *   M4    France  Qualified  Zoe    France      Tue 09:30 +180   12:30  at risk (warn 11:54)
 *   M6    Spain   Contacted  Zoe    Every lead  New 10:00-10:15  —      met (nothing runs now)
 *   M1    France  New        Zoe    France      Tue 10:30 +60    11:30  breached
 *   M3    Germany New        —      Every lead  Tue 11:30 +120   13:30  on track
 *   M2    France  New        Adam   France      Tue 11:45 +60    12:45  on track
 *
 * Ids go in creation order: M5 < M4 < M6 < M1 < M3 < M2.
 */
describe('the lead monitor', () => {
  const m = { m1: 0, m2: 0, m3: 0, m4: 0, m5: 0, m6: 0 };
  const base = '/admin/sla_vigil/monitor?subject=lead';

  /** Lead ids of the monitor's rows, in order. */
  async function leadIds(query: string): Promise<number[]> {
    const { status, text } = await page(`${base}&source=${ids.fair}&${query}`);
    expect(status).toBe(200);
    return [...text.matchAll(/<tr data-lead-id="(\d+)"/g)].map((r) => Number(r[1]));
  }

  beforeAll(async () => {
    const lead = (country: number, status: number, assigned: number) =>
      t.devhost.leads.create({ name: 'Fair <i>lead</i>', status, source: ids.fair, country, assigned });
    at('2026-03-03T09:00:00Z');
    m.m5 = await lead(0, ids.fresh, ids.adam);
    m.m4 = await lead(ids.fr, ids.fresh, ids.zoe);
    at('2026-03-03T09:30:00Z');
    await t.devhost.leads.changeStatus(m.m4, { status: ids.qualified });
    at('2026-03-03T10:00:00Z');
    m.m6 = await lead(ids.es, ids.fresh, ids.zoe);
    at('2026-03-03T10:15:00Z');
    await t.devhost.leads.changeStatus(m.m6, { status: ids.contacted });
    at('2026-03-03T10:30:00Z');
    m.m1 = await lead(ids.fr, ids.fresh, ids.zoe);
    at('2026-03-03T11:30:00Z');
    m.m3 = await lead(ids.de, ids.fresh, 0);
    at('2026-03-03T11:45:00Z');
    m.m2 = await lead(ids.fr, ids.fresh, ids.adam);
    at('2026-03-03T12:00:00Z');
  });

  it('lists them most urgent first by default: earliest due, nothing running last', async () => {
    const { m1, m2, m3, m4, m5, m6 } = m;
    expect(await leadIds('')).toEqual([m5, m1, m4, m2, m3, m6]);
    const { text } = await page(`${base}&source=${ids.fair}`);
    const row = (id: number) => new RegExp(`<tr data-lead-id="${id}"[\\s\\S]*?</tr>`).exec(text)?.[0] ?? '';
    expect(row(m5)).toContain('data-state="breached"');
    expect(row(m5)).toContain('<td data-label="Market">—</td>');
    expect(row(m4)).toContain('data-state="at_risk"');
    expect(row(m4)).toContain('Time in Qualified');
    expect(row(m1)).toContain('30m overdue');
    expect(row(m1)).toContain('Zoe Zimmer');
    expect(row(m1)).toContain('France');
    expect(row(m3)).toContain('Unassigned');
    expect(row(m3)).toContain('Every lead');
    expect(row(m6)).toContain('data-state="met"');
    // Host data is escaped.
    expect(row(m1)).toContain('Fair &lt;i&gt;lead&lt;/i&gt;');
    expect(row(m1)).toContain('Trade &lt;b&gt;fair&lt;/b&gt;');
    expect(text).not.toContain('<i>lead</i>');
    expect(text).toMatch(/data-monitor-total data-testid="sv-monitor-total">6</);
  });

  it('filters by SLA state, market, source, owner, status and lead policy', async () => {
    const { m1, m2, m3, m4, m5, m6 } = m;
    const policy = async (key: string) =>
      Number((await t.devhost.db('tblsla_vigil_policies').where({ key }).first()).id);
    expect(await leadIds('state=breached')).toEqual([m5, m1]);
    expect(await leadIds('state=at_risk')).toEqual([m4]);
    expect(await leadIds('state=on_track')).toEqual([m2, m3]);
    expect(await leadIds('state=met')).toEqual([m6]);
    expect(await leadIds('state=paused')).toEqual([]);
    expect(await leadIds(`market=${ids.fr}`)).toEqual([m1, m4, m2]);
    expect(await leadIds('market=0')).toEqual([m5]);
    expect(await leadIds(`owner=${ids.zoe}`)).toEqual([m1, m4, m6]);
    expect(await leadIds('owner=0')).toEqual([m3]);
    expect(await leadIds(`status=${ids.fresh}`)).toEqual([m5, m1, m2, m3]);
    expect(await leadIds(`status=${ids.qualified}`)).toEqual([m4]);
    expect(await leadIds(`policy=${await policy('france')}`)).toEqual([m1, m4, m2]);
    expect(await leadIds(`policy=${await policy('leads')}`)).toEqual([m5, m3, m6]);
    expect(await leadIds(`state=breached&owner=${ids.adam}`)).toEqual([m5]);
    // An empty form field means "all".
    expect(await leadIds('state=&market=&owner=&status=&policy=')).toHaveLength(6);
    // The source filter itself: Google's open lead (G, in New since Tue 09:00) and none of these.
    const google = await page(`${base}&source=${ids.google}`);
    const googleIds = [...google.text.matchAll(/<tr data-lead-id="(\d+)"/g)].map((r) => Number(r[1]));
    expect(googleIds.length).toBeGreaterThan(0);
    expect(googleIds.filter((id) => Object.values(m).includes(id))).toEqual([]);
  });

  it("lists what the dashboard's breached-per-market ranking counts, where its links lead", async () => {
    const { text } = await page('/admin/sla_vigil');
    const breaches = ranking(text, 'sv-leads-breached');
    // India 2, then Germany, France and no market 1 each (M1 and M5 among them).
    expect(breaches.map((b) => b[1])).toEqual([2, 1, 1, 1]);
    expect(breaches.map((b) => b[0])).toEqual(expect.arrayContaining([ids.fr, 0]));
    for (const [market, count] of breaches) {
      const href = `/admin/sla_vigil/monitor?subject=lead&amp;state=breached&amp;market=${market}`;
      expect(text).toContain(`href="${href}"`);
      const listed = await page(href.replaceAll('&amp;', '&'));
      expect([...listed.text.matchAll(/<tr data-lead-id="/g)]).toHaveLength(count);
    }
  });

  it('offers lead policies only, the open leads markets and every owner with Unassigned', async () => {
    const { text } = await page(base);
    const options = (name: string) =>
      [
        ...(new RegExp(`<select name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(text)?.[1] ?? '').matchAll(
          /<option value="([^"]*)"[^>]*>([^<]*)</g,
        ),
      ].map((o) => o[2]);
    expect(options('policy')).toEqual(['All', 'Every lead', 'France']);
    expect(options('market')).toEqual(['All', 'France', 'Germany', 'India', 'Spain', 'No market']);
    expect(options('owner').slice(0, 2)).toEqual(['All', 'Unassigned']);
    expect(options('owner')).toEqual(expect.arrayContaining(['Adam Arndt', 'Zoe Zimmer']));
    expect(options('status')).toEqual(['All', 'New', 'Contacted', 'Qualified']);
    expect(options('state')).toEqual([
      'All',
      'Breached',
      'At risk',
      'On track',
      'Paused',
      'Met',
      'No policy',
    ]);
    expect(options('sort')).toEqual(['Time left', 'Due', 'Lead #', 'Status', 'Market', 'Owner']);
    expect(text).toContain('<input type="hidden" name="subject" value="lead">');
  });

  it('sorts by time left, due, lead, status (pipeline order), market and owner (by name), both ways', async () => {
    const { m1, m2, m3, m4, m5, m6 } = m;
    expect(await leadIds('sort=time_left&dir=desc')).toEqual([m3, m2, m4, m1, m5, m6]);
    expect(await leadIds('sort=due')).toEqual([m5, m1, m4, m2, m3, m6]);
    expect(await leadIds('sort=due&dir=desc')).toEqual([m3, m2, m4, m1, m5, m6]);
    expect(await leadIds('sort=lead')).toEqual([m5, m4, m6, m1, m3, m2]);
    expect(await leadIds('sort=lead&dir=desc')).toEqual([m2, m3, m1, m6, m4, m5]);
    // New, Contacted, Qualified (statusorder); the most urgent first within a status.
    expect(await leadIds('sort=status')).toEqual([m5, m1, m2, m3, m6, m4]);
    expect(await leadIds('sort=status&dir=desc')).toEqual([m4, m6, m5, m1, m2, m3]);
    // France, Germany, Spain, then no market.
    expect(await leadIds('sort=market')).toEqual([m1, m4, m2, m3, m6, m5]);
    expect(await leadIds('sort=market&dir=desc')).toEqual([m5, m6, m3, m1, m4, m2]);
    // Adam Arndt, Zoe Zimmer, then unassigned.
    expect(await leadIds('sort=owner')).toEqual([m5, m2, m1, m4, m6, m3]);
    expect(await leadIds('sort=owner&dir=desc')).toEqual([m3, m1, m4, m6, m5, m2]);
  });

  it('links each sortable header to its sort, turning the direction of the current one', async () => {
    const { text } = await page(`${base}&sort=market`);
    expect(text).toMatch(/<th scope="col" aria-sort="ascending"><a href="[^"]*sort=market&amp;dir=desc"/);
    for (const column of ['lead', 'status', 'owner', 'due', 'time_left'])
      expect(text).toContain(`sort=${column}&amp;dir=asc" data-sort="${column}"`);
  });

  it('pages, and partial=1 answers only the rows of the same filters with the total and the time', async () => {
    const { m1, m5 } = m;
    expect(await leadIds('per=25&page=2')).toEqual([]);
    const page1 = await page(`${base}&page=1`);
    expect(page1.text).toContain('data-monitor-refresh="30000"');
    expect(page1.text).toContain('<script src="/admin/sla_vigil/assets/monitor.js" defer></script>');
    expect(page1.text).toMatch(/data-testid="sv-monitor-updated"[^>]*>updated Tue 3 Mar 12:00</);
    const session = await loginAs(t.devhost.app, 'admin@example.com');
    const res = await session.agent.get(`${base}&source=${ids.fair}&state=breached&partial=1`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['x-sla-vigil-total']).toBe('2');
    expect(decodeURIComponent(res.headers['x-sla-vigil-updated'])).toBe('Tue 3 Mar 12:00');
    expect([...res.text.matchAll(/<tr data-lead-id="(\d+)"/g)].map((r) => Number(r[1]))).toEqual([m5, m1]);
    expect(res.text).not.toMatch(/<html|<table|<thead|<form|sv-subnav/);
    expect(res.text).toContain('Fair &lt;i&gt;lead&lt;/i&gt;');
  });

  it.each([
    ['state=late', 'state'],
    ['market=abc', 'market'],
    ['market=-1', 'market'],
    ['source=0', 'source'],
    ['owner=x', 'owner'],
    ['status=1.5', 'status'],
    ['policy=abc', 'policy'],
    ['sort=ticket', 'sort'],
    ['dir=up', 'dir'],
    ['per=30', 'per'],
    ['page=0', 'page'],
    // The ticket filters are not the leads'.
    ['department=1', 'department'],
    ['metric=resolution', 'metric'],
  ])('%s -> 422 naming %s (page and rows)', async (query, field) => {
    const res = await page(`${base}&${query}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`Invalid value for &#34;${field}&#34;`);
    expect(res.text).toContain('data-testid="sv-monitor-invalid"');
    expect(res.text).toContain('Some filters are invalid; correct them to see the leads.');
    const partial = await page(`${base}&${query}&partial=1`);
    expect(partial.status).toBe(422);
    expect(partial.text).toContain(`"${field}"`);
  });

  it('marks the offending control and keeps what was chosen', async () => {
    const { text } = await page(`${base}&market=abc&owner=${ids.zoe}`);
    expect(text).toMatch(/<select name="market" class="sv-invalid" aria-invalid="true"/);
    expect(text).toContain(`<option value="${ids.zoe}" selected>Zoe Zimmer</option>`);
  });

  it.each([
    ['viewer@x.test', 200],
    ['own@x.test', 403],
    ['agent@x.test', 403],
  ])('needs the view capability: %s gets %i (page and rows)', async (email, status) => {
    expect((await page(base, email)).status).toBe(status);
    expect((await page(`${base}&partial=1`, email)).status).toBe(status);
  });

  it('speaks German and Spanish', async () => {
    const db = t.devhost.db;
    for (const [lang, words] of [
      ['german', ['SLA-Status', 'Zuständig', 'Kein Markt', 'Offene Leads']],
      ['spanish', ['Estado del SLA', 'Responsable', 'Sin mercado', 'Leads abiertos']],
    ] as const) {
      await db('tblstaff').where({ email: 'viewer@x.test' }).update({ default_language: lang });
      const { text } = await page(base, 'viewer@x.test');
      for (const word of words) expect(text).toContain(word);
    }
    await db('tblstaff').where({ email: 'viewer@x.test' }).update({ default_language: null });
  });
});
