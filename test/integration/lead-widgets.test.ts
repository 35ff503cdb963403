import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs, type AdminSession } from '../helpers/admin-session';

/**
 * The lead list's SLA column on the devhost: a badge per state ("Time in New" in its title), the
 * SLA filter and sort, view own scoping, and one query on the module's tables per page. An
 * around-the-clock India policy gives New 60 minutes (warning at 80%); Waiting pauses it.
 */
const clock = new MutableClock(new Date('2026-03-03T06:00:00Z'));
const at = (iso: string) => clock.set(new Date(iso));
const NOW = '2026-03-03T08:00:00Z';
let t: TestDevhost;
let services: ModuleServices;
const ids = { fresh: 0, waiting: 0, india: 0, de: 0, mgr: 0, own: 0 };
const lead: Record<string, number> = {};
const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

function create(name: string, iso: string, extra: Record<string, unknown> = {}): Promise<number> {
  at(iso);
  return t.devhost.leads.create({
    name,
    status: ids.fresh,
    source: 1,
    country: ids.india,
    assigned: ids.mgr,
    ...extra,
  });
}

function listedIds(html: string): number[] {
  return [...html.matchAll(/<tr data-lead-id="(\d+)">/g)].map((m) => Number(m[1]));
}

function slaCell(html: string, id: number): string {
  const row = new RegExp(`<tr data-lead-id="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
  return /<td data-column="sla_vigil"[^>]*>([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New & <hot>', statusorder: 1, color: '#2563eb' });
  [ids.waiting] = await db('tblleads_status').insert({ name: 'Waiting', statusorder: 3, color: '#64748b' });
  ids.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  ids.de = (await db('tblcountries').where('iso2', 'DE').first()).country_id;
  ids.mgr = await insertStaffWithCapabilities(db, 'mara.manager@x.test', STAFF_PASSWORD, ['view']);
  ids.own = await insertStaffWithCapabilities(db, 'otto.own@x.test', STAFF_PASSWORD, ['view_own']);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'india',
        name: 'India leads',
        subject: 'lead',
        match: { countryIds: [ids.india] },
        targets: { status_time: { byStatus: { [String(ids.fresh)]: { minutes: 60 } } } },
        pauseStatusIds: [ids.waiting],
        escalations: [
          { metric: 'status_time', trigger: { type: 'at_due' }, action: { type: 'notify_assignee' } },
        ],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  lead.breached = await create('Breached lead', '2026-03-03T06:00:00Z', { assigned: ids.own });
  lead.atRisk = await create('At risk lead', '2026-03-03T07:10:00Z', { assigned: ids.own });
  lead.onTrack = await create('On track lead', '2026-03-03T07:50:00Z');
  lead.paused = await create('Paused lead', '2026-03-03T07:00:00Z');
  await t.devhost.leads.changeStatus(lead.paused, { status: ids.waiting });
  lead.met = await create('Met lead', '2026-03-03T07:55:00Z');
  await t.devhost.leads.markLost(lead.met);
  lead.noPolicy = await create('German lead', '2026-03-03T07:56:00Z', { country: ids.de });
  at(NOW);
  await services.scanner.run(clock.now());
});
afterAll(() => t.close());

const ours = () => new Set(Object.values(lead));
async function shown(session: AdminSession, query: string) {
  const res = await session.agent.get(`/admin/leads${query}`);
  expect(res.status).toBe(200);
  return { ids: listedIds(res.text).filter((id) => ours().has(id)), html: res.text };
}

describe('lead list SLA column', () => {
  it('shows a badge per state with time left or overdue, "Time in <status>" in its title, escaped', async () => {
    const { html } = await shown(await login('mara.manager@x.test'), '');
    const state = (id: number) => /data-sla-state="(\w+)"/.exec(slaCell(html, id))?.[1];
    expect(state(lead.breached)).toBe('breached');
    expect(state(lead.atRisk)).toBe('at_risk');
    expect(state(lead.onTrack)).toBe('on_track');
    expect(state(lead.paused)).toBe('paused');
    expect(state(lead.met)).toBe('met');
    expect(state(lead.noPolicy)).toBe('no_policy');
    expect(slaCell(html, lead.breached)).toContain('>1h overdue<');
    expect(slaCell(html, lead.atRisk)).toContain('>10m left<');
    expect(slaCell(html, lead.breached)).toContain('title="Time in New &amp; &lt;hot&gt;: due');
    expect(slaCell(html, lead.paused)).toContain('title="Time in New &amp; &lt;hot&gt;: Paused"');
    expect(html).not.toContain('<hot>');
  });

  it('sorts by urgency and filters by state (open leads under a policy for the live states)', async () => {
    const mara = await login('mara.manager@x.test');
    const order = [lead.breached, lead.atRisk, lead.onTrack, lead.paused, lead.met, lead.noPolicy];
    expect((await shown(mara, '?sort=sla&dir=asc')).ids).toEqual(order);
    expect((await shown(mara, '?sort=sla&dir=desc')).ids).toEqual([...order].reverse());
    const { ids: breached, html } = await shown(mara, '?sla=breached');
    expect(breached).toEqual([lead.breached]);
    expect(html).toContain('data-column-filter="sla_vigil"');
    expect(html).toContain('Breached (open leads)');
    expect((await shown(mara, '?sla=paused')).ids).toEqual([lead.paused]);
    expect((await shown(mara, '?sla=met')).ids).toEqual([lead.met]);
    expect((await shown(mara, '?sla=no_policy')).ids).toEqual([lead.noPolicy]);
  });

  it('view own: badges on the leads assigned to them, a grey dash elsewhere, no filter or sort', async () => {
    const { html } = await shown(await login('otto.own@x.test'), '');
    expect(slaCell(html, lead.breached)).toContain('data-sla-state="breached"');
    expect(slaCell(html, lead.atRisk)).toContain('data-sla-state="at_risk"');
    for (const id of [lead.onTrack, lead.paused, lead.met, lead.noPolicy]) {
      expect(slaCell(html, id)).toContain('title="Not your lead: its SLA shows to its owner">–</span>');
      expect(slaCell(html, id)).not.toContain('data-sla-state');
    }
    expect(html).not.toContain('data-column-filter="sla_vigil"');
    expect(html).not.toContain('data-sort="sla"');
  });

  it('costs one query on the module tables for a page of leads, for view and for view own', async () => {
    const db = t.devhost.db;
    const page: number[] = [];
    for (let i = 0; i < 30; i++)
      page.push(await create(`Bulk ${i}`, NOW, { assigned: i % 2 ? ids.own : ids.mgr }));
    const column = t.devhost.admin.leadListColumns.get('sla_vigil');
    if (!column) throw new Error('lead SLA column not registered');
    for (const staffId of [ids.mgr, ids.own]) {
      const sqls: string[] = [];
      const listener = (q: { sql: string }) => sqls.push(q.sql);
      db.on('query', listener);
      let cells: Map<number, string>;
      try {
        cells = await column.render(page, staffId);
      } finally {
        db.removeListener('query', listener);
      }
      expect(cells.size).toBe(30);
      expect(sqls.filter((sql) => sql.includes('sla_vigil'))).toHaveLength(1);
      // Two permission checks each, language, statuses and (view own) the page's leads: none grows with the page.
      expect(sqls.length).toBeLessThanOrEqual(8);
    }
    await db('tblleads').whereIn('id', page).delete();
  });
});

describe('lead SLA tab', () => {
  const panelOf = (html: string) =>
    /<div class="sv-panel" data-testid="sv-lead-panel"[\s\S]*?<\/ol>\s*<\/div>|<div class="sv-panel" data-testid="sv-lead-panel"[\s\S]*$/.exec(
      html,
    )?.[0] ?? '';

  it('shows the policy and why, the status window, paused, escalations and the named timeline, escaped', async () => {
    const mara = await login('mara.manager@x.test');
    const res = await mara.agent.get(`/admin/leads/lead/${lead.paused}`);
    expect(res.status).toBe(200);
    const panel = panelOf(res.text);
    expect(panel).toContain('<strong>India leads</strong>');
    expect(panel).toContain('market India');
    expect(panel).toContain('Time in New &amp; &lt;hot&gt;');
    expect(panel).not.toContain('<hot>');
    expect(panel).toContain('data-metric="status_time"');
    expect(panel).toMatch(/data-sla-state="paused"/);
    expect(panel).toContain('data-testid="sv-paused-now"');
    expect(panel).toContain('data-testid="sv-no-escalations"');
    expect(panel).toContain('New &amp; &lt;hot&gt; → Waiting');
    expect(panel).toContain('No escalation has fired for this lead.');
  });

  it('lists the escalation that fired on a breached window, by its status', async () => {
    const res = await (await login('mara.manager@x.test')).agent.get(`/admin/leads/lead/${lead.breached}`);
    const panel = panelOf(res.text);
    expect(panel).toContain('data-testid="sv-escalations"');
    expect(panel).toMatch(/<tr data-level="1" data-outcome="\w+">/);
    expect(panel).toContain('Notify the assignee');
    expect(panel).toMatch(/data-label="Metric">Time in New &amp; &lt;hot&gt;</);
  });

  it('reads the owner change by name and the due time of a running window', async () => {
    at(NOW);
    await t.devhost.leads.update(lead.onTrack, { assigned: ids.own });
    const res = await (await login('mara.manager@x.test')).agent.get(`/admin/leads/lead/${lead.onTrack}`);
    const panel = panelOf(res.text);
    expect(panel).toContain('Mara Manager → Otto Own');
    expect(panel).toContain('data-sv-countdown');
    expect(panel).toContain('due Tue 3 Mar 08:50');
  });

  it('view own: the tab on their own lead only; none for staff without access', async () => {
    const otto = await login('otto.own@x.test');
    expect((await otto.agent.get(`/admin/leads/lead/${lead.breached}`)).text).toContain('sv-lead-panel');
    expect((await otto.agent.get(`/admin/leads/lead/${lead.paused}`)).text).not.toContain('sv-lead-panel');
  });
});
