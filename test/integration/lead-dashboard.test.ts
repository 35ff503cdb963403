import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs } from '../helpers/admin-session';
import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
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
const ids = { fresh: 0, contacted: 0, google: 1, referral: 0, de: 0, india: 0 };
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
  [ids.referral] = await db('tblleads_sources').insert({ name: 'Referral' });
  ids.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  ids.de = (await db('tblcountries').where('iso2', 'DE').first()).country_id;
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
    expect(text).toMatch(/Open leads: <strong data-testid="sv-monitor-total">7<\/strong>/);
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
