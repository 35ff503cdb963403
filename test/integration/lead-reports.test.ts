import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs } from '../helpers/admin-session';
import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { readCsv } from '../helpers/csv-reader';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

/**
 * The reports page's lead view against a hand-computed fixture. One lead policy, no calendar
 * (wall-clock minutes): "New" and "Contacted" each get a 60-minute window; "Qualified" none.
 * Host zone UTC, all on Mon 2026-03-02; read at 12:00Z.
 *
 *   lead  market  owner     New window                        Contacted window
 *   A     DE      manager   09:00-09:30 met (30)              09:30-10:10 met (40)
 *   B     DE      viewer    09:00, breached 10:00             10:20-11:00 met (40)
 *                           (left it late at 10:20)
 *   C     IN      manager   09:00-09:50 met (50)              09:50, breached 10:50 (still there)
 *   D     IN      nobody    09:00, breached 10:00 (still there)
 *
 * Per market: DE 4 finished, 3 on time, 1 breached, 75 %; IN 3, 1, 2, 33.3 %.
 * Per owner: manager 4, 3, 1, 75 %, minutes [30, 40, 50] median 40 p90 48; viewer 2, 1, 1, 50 %;
 * nobody 1, 0, 1, 0 %.
 */
const clock = new MutableClock(new Date('2026-03-02T09:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
const ids = { fresh: 0, contacted: 0, qualified: 0, source: 0, de: 0, india: 0, manager: 0, viewer: 0 };
const at = (iso: string) => clock.set(new Date(iso));
const RANGE = 'from=2026-03-02&to=2026-03-02';

async function get(path: string, email = 'admin@example.com') {
  return (await loginAs(t.devhost.app, email)).agent.get(path).buffer(true);
}

/** The report table's cells, header first and the total last. */
function shownTable(html: string): string[][] {
  const table = /data-testid="sv-report-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].trim()),
  );
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  await insertStaffPerAccessLevel(t.devhost.db, 'nobody@x.test');
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
  [ids.source] = await db('tblleads_sources').insert({ name: '=HYPERLINK("x")' });
  ids.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  ids.de = (await db('tblcountries').where('iso2', 'DE').first()).country_id;
  ids.manager = (await db('tblstaff').where('email', 'manager@x.test').first()).staffid;
  ids.viewer = (await db('tblstaff').where('email', 'viewer@x.test').first()).staffid;
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'leads',
        name: 'Every lead',
        subject: 'lead',
        match: {},
        calendar: null,
        targets: {
          status_time: {
            byStatus: { [String(ids.fresh)]: { minutes: 60 }, [String(ids.contacted)]: { minutes: 60 } },
          },
        },
      },
    ],
  });
  const lead = (country: number, assigned?: number): Promise<number> =>
    t.devhost.leads.create({ name: 'Lead', status: ids.fresh, source: ids.source, country, assigned });
  const move = (id: number, status: number) => t.devhost.leads.changeStatus(id, { status });
  const scan = () => services.scanner.run(clock.now());

  at('2026-03-02T09:00:00Z');
  const a = await lead(ids.de, ids.manager);
  const b = await lead(ids.de, ids.viewer);
  const c = await lead(ids.india, ids.manager);
  await lead(ids.india); // D
  at('2026-03-02T09:30:00Z');
  await move(a, ids.contacted);
  at('2026-03-02T09:50:00Z');
  await move(c, ids.contacted);
  at('2026-03-02T10:05:00Z');
  await scan();
  at('2026-03-02T10:10:00Z');
  await move(a, ids.qualified);
  at('2026-03-02T10:20:00Z');
  await move(b, ids.contacted);
  at('2026-03-02T11:00:00Z');
  await move(b, ids.qualified);
  at('2026-03-02T12:00:00Z');
  await scan();
});
afterAll(() => t.close());

describe('/admin/sla_vigil/reports?subject=lead', () => {
  it('gives compliance per market', async () => {
    const res = await get(`/admin/sla_vigil/reports?subject=lead&${RANGE}&group=market`);
    expect(res.status).toBe(200);
    const [header, ...rows] = shownTable(res.text);
    expect(header).toEqual([
      'Market',
      'Finished windows',
      'Met on time',
      'Breached',
      'Compliance %',
      'Median (business min)',
      'P90 (business min)',
    ]);
    // B's New window was left late: its 80 minutes count in the spread, as the ticket reports do.
    expect(rows).toEqual([
      ['Germany', '4', '3', '1', '75', '40', '68'],
      ['India', '3', '1', '2', '33.3', '50', '50'],
      ['Total', '7', '4', '3', '57.1', '40', '68'],
    ]);
    expect(res.text).toContain('data-testid="sv-report-subject"');
  });

  it('gives compliance per owner, the unassigned lead as its own row', async () => {
    const res = await get(`/admin/sla_vigil/reports?subject=lead&${RANGE}&group=owner`);
    const [, ...rows] = shownTable(res.text);
    const name = async (id: number) => {
      const s = await t.devhost.db('tblstaff').where('staffid', id).first();
      return `${s.firstname} ${s.lastname}`;
    };
    const byLabel = new Map(rows.map((r) => [r[0], r.slice(1)]));
    expect(byLabel.get(await name(ids.manager))).toEqual(['4', '3', '1', '75', '40', '48']);
    expect(byLabel.get(await name(ids.viewer))).toEqual(['2', '1', '1', '50', '60', '76']);
    expect(byLabel.get('Unassigned')).toEqual(['1', '0', '1', '0', '—', '—']);
    expect(byLabel.get('Total')).toEqual(['7', '4', '3', '57.1', '40', '68']);
    expect(rows).toHaveLength(4);
  });

  it('export.csv holds the same table with names, formula cells neutralised', async () => {
    for (const group of ['market', 'owner', 'status', 'source']) {
      const query = `subject=lead&${RANGE}&group=${group}`;
      const shown = shownTable((await get(`/admin/sla_vigil/reports?${query}`)).text);
      const res = await get(`/admin/sla_vigil/reports/export.csv?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const csv = readCsv(res.text);
      if (group === 'source') {
        expect(csv[1][0]).toBe(`'=HYPERLINK("x")`);
        expect(csv.slice(1, 2).map((r) => r.slice(1))).toEqual([['7', '4', '3', '57.1', '40', '68']]);
      } else {
        expect(csv).toEqual(shown);
      }
    }
    const status = readCsv(
      (await get(`/admin/sla_vigil/reports/export.csv?subject=lead&${RANGE}&group=status`)).text,
    );
    expect(status.slice(1, 3)).toEqual([
      ['Contacted', '3', '2', '1', '66.7', '40', '40'],
      ['New', '4', '2', '2', '50', '50', '74'],
    ]);
  });

  it('answers 422 naming the field for an unknown subject or group', async () => {
    const subject = await get(`/admin/sla_vigil/reports?subject=deal&${RANGE}`);
    expect(subject.status).toBe(422);
    expect(subject.text).toContain('data-field="subject"');
    const group = await get(`/admin/sla_vigil/reports/export.csv?subject=lead&${RANGE}&group=department`);
    expect(group.status).toBe(422);
    expect(group.text).toContain('data-field="group"');
  });

  it('needs the view capability, as the ticket reports', async () => {
    for (const path of ['', '/export.csv']) {
      const res = await get(`/admin/sla_vigil/reports${path}?subject=lead&${RANGE}`, 'nobody@x.test');
      expect(res.status).toBe(403);
    }
    expect((await get(`/admin/sla_vigil/reports?subject=lead&${RANGE}`, 'viewer@x.test')).status).toBe(200);
  });
});

describe('/admin/sla_vigil/reports/leads.csv', () => {
  it('lists every finished window a row each, with the lead, its market, source, owner and the status it timed', async () => {
    const res = await get(`/admin/sla_vigil/reports/leads.csv?subject=lead&${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('sla-lead-windows-2026-03-02-2026-03-02.csv');
    const [header, ...rows] = readCsv(res.text);
    expect(header).toEqual([
      'Lead',
      'Name',
      'Company',
      'Market',
      'Source',
      'Owner',
      'Policy',
      'Status window',
      'Stay',
      'Started (UTC)',
      'Due (UTC)',
      'Left the status (UTC)',
      'Breached (UTC)',
      'State',
    ]);
    // The seven windows the grouped report counts (the fixture's table above), one row each.
    expect(rows).toHaveLength(7);
    const manager = await t.devhost.db('tblstaff').where('staffid', ids.manager).first();
    const byLead = (market: string, status: string) =>
      rows.filter((r) => r[3] === market && r[7] === status).map((r) => [r[5], r[9], r[10], r[11], r[12]]);
    // A: New 09:00-09:30 met; C: Contacted from 09:50, breached 10:50 and still there.
    expect(byLead('Germany', 'New')).toContainEqual([
      `${manager.firstname} ${manager.lastname}`,
      '2026-03-02 09:00',
      '2026-03-02 10:00',
      '2026-03-02 09:30',
      '',
    ]);
    expect(byLead('India', 'Contacted')).toEqual([
      [
        `${manager.firstname} ${manager.lastname}`,
        '2026-03-02 09:50',
        '2026-03-02 10:50',
        '',
        '2026-03-02 10:50',
      ],
    ]);
    // D has no owner; the source's formula is neutralised in every row.
    expect(rows.filter((r) => r[5] === '')).toHaveLength(1);
    expect(new Set(rows.map((r) => r[4]))).toEqual(new Set([`'=HYPERLINK("x")`]));
    expect(new Set(rows.map((r) => r[6]))).toEqual(new Set(['Every lead']));
  });

  it('is linked from the lead report, and refuses a bad range and staff without view', async () => {
    const page = await get(`/admin/sla_vigil/reports?subject=lead&${RANGE}`);
    expect(page.text).toContain(`href="/admin/sla_vigil/reports/leads.csv?subject=lead&amp;from=2026-03-02`);
    const bad = await get('/admin/sla_vigil/reports/leads.csv?subject=lead&from=2026-03-05&to=2026-03-01');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('data-field="from"');
    expect((await get(`/admin/sla_vigil/reports/leads.csv?${RANGE}`, 'nobody@x.test')).status).toBe(403);
  });
});
