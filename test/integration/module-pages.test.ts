import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { supportPolicy, WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';

/**
 * Every module route for the four kinds of staff (host admin, manage role, view role, no
 * permission), and a ticket whose subject and client name are XSS attempts, read back on
 * every page and in the CSVs.
 */

const SUBJECT_XSS = '<script>alert("sv-subject")</script> Printer';
const CLIENT_XSS = '<img src=x onerror=alert("sv-client")> GmbH';
const ESCAPED_SUBJECT = '&lt;script&gt;alert(&#34;sv-subject&#34;)&lt;/script&gt; Printer';
const ESCAPED_CLIENT = '&lt;img src=x onerror=alert(&#34;sv-client&#34;)&gt; GmbH';

// Tue 2026-03-03 09:00 Berlin the ticket is opened; the scan runs Wed 12:00, long after every target.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let ticketId: number;
const sessions: Record<Role, AdminSession> = {} as Record<Role, AdminSession>;

type Role = 'admin' | 'manager' | 'viewer' | 'nobody';
const ROLES: Role[] = ['admin', 'manager', 'viewer', 'nobody'];

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  const [support] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: CLIENT_XSS, datecreated: '2026-01-01 00:00:00' });
  const [contactid] = await db('tblcontacts').insert({
    userid,
    firstname: 'Cora',
    lastname: 'Client',
    email: 'cora@x.test',
    datecreated: '2026-01-01 00:00:00',
  });
  await insertStaffPerAccessLevel(db, 'nobody@x.test');
  const services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [
      { key: 'berlin-office', name: 'Berlin office', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 },
    ],
    policies: [supportPolicy(support)],
  });
  const admin = await db('tblstaff').where('email', 'admin@example.com').first();
  ticketId = await t.devhost.tickets.create({
    subject: SUBJECT_XSS,
    message: 'm',
    department: support,
    contactid,
    assigned: admin.staffid,
  });
  clock.set(new Date('2026-03-04T11:00:00Z'));
  await services.scanner.run(clock.now());
  sessions.admin = await loginAs(t.devhost.app, ADMIN_EMAIL);
  for (const role of ['manager', 'viewer', 'nobody'] as const) {
    sessions[role] = await loginAs(t.devhost.app, `${role}@x.test`);
  }
}, 60_000);
afterAll(() => t.close());

const VIEW = [200, 200, 200, 403];
const MANAGE = [200, 200, 403, 403];

/** Every GET route of the module and what each role gets (admin, manager, viewer, nobody). */
const ROUTES: [string, number[]][] = [
  ['/admin/sla_vigil', VIEW],
  ['/admin/sla_vigil/?period=90', VIEW],
  ['/admin/sla_vigil/monitor', VIEW],
  ['/admin/sla_vigil/monitor?partial=1', VIEW],
  ['/admin/sla_vigil/reports', VIEW],
  ['/admin/sla_vigil/reports/export.csv', VIEW],
  ['/admin/sla_vigil/reports/tickets.csv', VIEW],
  ['/admin/sla_vigil/assets/sla-vigil.js', VIEW],
  ['/admin/sla_vigil/api/tickets/1', VIEW],
  ['/admin/sla_vigil/settings', MANAGE],
  ['/admin/sla_vigil/settings/calendars/new', MANAGE],
  ['/admin/sla_vigil/settings/calendars/berlin-office/edit', MANAGE],
  ['/admin/sla_vigil/settings/policies/new', MANAGE],
  ['/admin/sla_vigil/settings/policies/support-default/edit', MANAGE],
  ['/admin/sla_vigil/settings/export', MANAGE],
  ['/admin/sla_vigil/rule-tester', MANAGE],
  ['/admin/sla_vigil/rule-tester?from=support-default', MANAGE],
  ['/admin/sla_vigil/audit', MANAGE],
  ['/admin/sla_vigil/audit/export.csv', MANAGE],
  ['/admin/sla_vigil/api/config', MANAGE],
];

/** State-changing routes: view and no permission get 403 (with a valid CSRF token) and change nothing. */
const WRITES = [
  '/admin/sla_vigil/settings/general',
  '/admin/sla_vigil/settings/import',
  '/admin/sla_vigil/settings/calendars',
  '/admin/sla_vigil/settings/calendars/berlin-office',
  '/admin/sla_vigil/settings/calendars/berlin-office/delete',
  '/admin/sla_vigil/settings/policies',
  '/admin/sla_vigil/settings/policies/support-default',
  '/admin/sla_vigil/settings/policies/support-default/delete',
  '/admin/sla_vigil/settings/policies/support-default/move',
  '/admin/sla_vigil/rule-tester',
];

describe('every module route, by role', () => {
  it.each(ROUTES)('GET %s', async (path, expected) => {
    for (const [i, role] of ROLES.entries()) {
      const res = await sessions[role].agent.get(path);
      expect({ role, status: res.status }).toEqual({ role, status: expected[i] });
      // A forbidden page is a page in the admin layout (or JSON for API callers), never a crash.
      if (res.status === 403 && !path.includes('/api/')) {
        expect(res.text).toContain('data-testid="sv-forbidden"');
      }
    }
  });

  it.each(WRITES)('POST %s is forbidden without manage and changes nothing', async (path) => {
    const services = createModuleServices(t.devhost.host);
    const before = JSON.stringify(await services.config.export());
    for (const role of ['viewer', 'nobody'] as const) {
      const res = await sessions[role].post(path, { name: 'Hijacked', key: 'hijacked', direction: 'up' });
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
      // Refused for the permission (the page in the admin layout), not for the CSRF token.
      expect(res.text).toContain('data-testid="sv-forbidden"');
    }
    expect(JSON.stringify(await services.config.export())).toBe(before);
  });

  it('writes without the CSRF token are refused even for an admin', async () => {
    const res = await sessions.admin.agent
      .post('/admin/sla_vigil/settings/general')
      .type('form')
      .send({ cooldownMinutes: '5' });
    expect(res.status).toBe(403);
  });

  it('the menu and the sub-navigation show only what a person may open', async () => {
    const page = async (role: Role) => (await sessions[role].agent.get('/admin/tickets')).text;
    const module = async (role: Role) => (await sessions[role].agent.get('/admin/sla_vigil')).text;
    expect(await page('viewer')).toContain('data-menu="sla_vigil"');
    expect(await page('viewer')).not.toContain('data-menu="sla_vigil_settings"');
    expect(await page('manager')).toContain('data-menu="sla_vigil_settings"');
    expect(await page('nobody')).not.toContain('data-menu="sla_vigil');
    const viewerNav = await module('viewer');
    for (const slug of ['dashboard', 'monitor', 'reports']) expect(viewerNav).toContain(`data-nav="${slug}"`);
    for (const slug of ['settings', 'rule_tester', 'audit'])
      expect(viewerNav).not.toContain(`data-nav="${slug}"`);
    const managerNav = await module('manager');
    for (const slug of ['settings', 'rule_tester', 'audit'])
      expect(managerNav).toContain(`data-nav="${slug}"`);
  });
});

describe('the scan-health banner', () => {
  const banner = async () => {
    const html = (await sessions.viewer.agent.get('/admin/sla_vigil/monitor')).text;
    const match = /data-testid="sv-cron-banner" data-cause="([a-z_]+)">([\s\S]*?)<\/div>/.exec(html);
    return match ? { cause: match[1], text: match[2].replace(/\s+/g, ' ') } : null;
  };
  const heartbeats = () => t.devhost.db('tblsla_vigil_heartbeats');

  it('judges the last finished scan, not the cron tick, and names the cause', async () => {
    const services = createModuleServices(t.devhost.host);
    const now = clock.now();
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    await heartbeats().delete();
    expect(await banner()).toMatchObject({
      cause: 'never',
      text: expect.stringContaining('No scan has run yet'),
    });

    // A cron that ticks while no scan ever finishes (no worker) is no longer "healthy".
    await services.heartbeats.beat('cron_tick', ago(0));
    expect(await banner()).toMatchObject({
      cause: 'no_scan',
      text: expect.stringContaining('last at Wed 4 Mar 12:00, Europe/Berlin'),
    });

    // A recent scan is healthy with or without a host cron (worker --every).
    await heartbeats().where('name', 'cron_tick').delete();
    await services.heartbeats.beat('scan_finished', ago(2));
    expect(await banner()).toBeNull();
    await services.heartbeats.beat('scan_finished', ago(4));
    expect(await banner()).toMatchObject({
      cause: 'late',
      text: expect.stringContaining('The last scan finished at Wed 4 Mar 11:56 (Europe/Berlin)'),
    });
    // Scans every 5 minutes are not late after 4: the banner follows the saved setting.
    const { settings } = await services.config.export();
    await services.config.saveSettings({ ...settings, scanIntervalMinutes: 5 }, null);
    expect(await banner()).toBeNull();
    await services.config.saveSettings(settings, null);

    // The cron ticks, but the scans fail: the banner says so, with the last error (escaped).
    await services.heartbeats.beat('scan_finished', ago(2));
    await services.heartbeats.beat('cron_tick', ago(0));
    await services.heartbeats.beat('scan_failed', ago(1), { error: "Table 'tbltickets' <doesn't> exist" });
    expect(await banner()).toMatchObject({
      cause: 'scans_failing',
      text: expect.stringContaining(
        'SLA scans are failing.</strong> The last scan failed at Wed 4 Mar 11:59 (Europe/Berlin): Table &#39;tbltickets&#39; &lt;doesn&#39;t&gt; exist',
      ),
    });
    await services.heartbeats.beat('redis_unreachable', ago(0), { error: 'connect ECONNREFUSED' });
    expect(await banner()).toMatchObject({
      cause: 'redis_unreachable',
      text: expect.stringContaining('Redis is unreachable'),
    });

    // The next finished scan clears both.
    await services.heartbeats.beat('scan_finished', ago(0));
    await heartbeats()
      .whereIn('name', ['redis_unreachable', 'scan_failed'])
      .update({ last_at: '2026-03-04 10:00:00' });
    expect(await banner()).toBeNull();
  });

  it('is localised', async () => {
    const services = createModuleServices(t.devhost.host);
    const later = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000);
    await services.heartbeats.beat('redis_unreachable', later(1), { error: 'x' });
    await t.devhost.db('tblstaff').where('email', ADMIN_EMAIL).update({ default_language: 'german' });
    const de = await loginAs(t.devhost.app, ADMIN_EMAIL);
    const html = (await de.agent.get('/admin/sla_vigil/monitor')).text;
    await t.devhost.db('tblstaff').where('email', ADMIN_EMAIL).update({ default_language: 'english' });
    await services.heartbeats.beat('scan_finished', later(2));
    expect(html).toContain('Redis ist nicht erreichbar');
  });
});

describe('a ticket subject and a client name that are XSS attempts', () => {
  /** Pages that show the ticket's subject (and, where noted, its client). */
  const SHOWING: [string, { client: boolean }][] = [
    ['/admin', { client: false }],
    ['/admin/tickets', { client: false }],
    ['/admin/tickets?sort=sla', { client: false }],
    ['/admin/sla_vigil/monitor', { client: true }],
    ['/admin/sla_vigil/monitor?partial=1', { client: true }],
    ['/admin/sla_vigil/rule-tester?from=support-default', { client: false }],
  ];

  it.each(SHOWING)('%s shows them as text', async (path, { client }) => {
    const html = (await sessions.admin.agent.get(path)).text;
    expect(html).toContain(ESCAPED_SUBJECT);
    if (client) expect(html).toContain(ESCAPED_CLIENT);
    expect(html).not.toContain('<script>alert("sv-subject")');
    expect(html).not.toContain('<img src=x onerror=alert("sv-client")');
  });

  it('the ticket view (with the SLA panel) shows them as text', async () => {
    const html = (await sessions.admin.agent.get(`/admin/tickets/ticket/${ticketId}`)).text;
    expect(html).toContain('data-testid="sv-ticket-panel"');
    expect(html).not.toContain('<script>alert("sv-subject")');
  });

  it.each(ROUTES.filter(([path]) => !path.includes('/api/') && !path.endsWith('.js')))(
    'no page renders them as markup: %s',
    async (path) => {
      const body = (await sessions.admin.agent.get(path)).text;
      if (path.endsWith('.csv')) return; // CSVs are checked below: there the raw text is the point.
      expect(body).not.toContain('<script>alert("sv-subject")');
      expect(body).not.toContain('<img src=x onerror=alert("sv-client")');
    },
  );

  it('the ticket CSV carries them as plain text cells', async () => {
    const csv = (
      await sessions.admin.agent.get('/admin/sla_vigil/reports/tickets.csv?from=2026-03-01&to=2026-03-31')
    ).text;
    expect(csv).toContain(SUBJECT_XSS.replace(/"/g, '""'));
    expect(csv).toContain(CLIENT_XSS.replace(/"/g, '""'));
  });
});
