import { MutableClock } from '../../devhost/mutable-clock';
import {
  insertStaffPerAccessLevel,
  insertStaffWithCapabilities,
  STAFF_PASSWORD,
} from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { readCsv } from '../helpers/csv-reader';
import { mondayCalendarForm } from '../helpers/settings-html';

/**
 * The audit log page over rows written straight into the log (host zone Europe/Berlin):
 * 60 automatic escalations on 2026-03-02 (ticket 100 + i, one minute apart), 3 configuration
 * changes by staff 1 on 2026-03-05, and one row whose details try HTML and a formula.
 */

let t: TestDevhost;

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

const minute = (base: string, n: number) =>
  new Date(new Date(base).getTime() + n * 60_000).toISOString().replace('T', ' ').replace('Z', '');

beforeAll(async () => {
  t = await startTestDevhost({
    timezone: 'Europe/Berlin',
    clock: new MutableClock(new Date('2026-03-15T12:00:00Z')),
  });
  await insertStaffPerAccessLevel(t.devhost.db, 'nobody@x.test');
  const log = 'tblsla_vigil_audit_log';
  await t.devhost.db(log).insert(
    Array.from({ length: 60 }, (_, i) => ({
      action: 'escalation.notified',
      staff_id: null,
      subject_type: 'ticket',
      subject_id: 100 + i,
      details: JSON.stringify({ metric: 'resolution', level: 1, recipients: [1, 2] }),
      created_at: minute('2026-03-02T08:00:00Z', i),
    })),
  );
  await t.devhost.db(log).insert(
    ['p1', 'p2', 'p3'].map((key, i) => ({
      action: 'config.save_policy',
      staff_id: 1,
      details: JSON.stringify({ key }),
      created_at: minute('2026-03-05T10:00:00Z', i),
    })),
  );
  await t.devhost.db(log).insert({
    action: 'escalation.action_failed',
    staff_id: null,
    subject_type: 'ticket',
    subject_id: 7,
    details: JSON.stringify({ error: '<img src=x onerror=alert(1)>', note: '=HYPERLINK("http://x")' }),
    // 2026-03-09 23:30 UTC = 2026-03-10 00:30 in Berlin.
    created_at: '2026-03-09 23:30:00.000',
  });
});
afterAll(() => t.close());

const rowIds = (html: string): string[] => [...html.matchAll(/data-audit-id="(\d+)"/g)].map((m) => m[1]);
const actions = (html: string): string[] => [...html.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1]);

describe('/admin/sla_vigil/audit', () => {
  it.each([
    ['admin@example.com', 200],
    ['manager@x.test', 200],
    ['viewer@x.test', 403],
    ['nobody@x.test', 403],
  ])('%s gets %i on the page and the download', async (email, status) => {
    const session = await login(email);
    for (const path of ['', '/export.csv']) {
      const res = await session.agent.get(`/admin/sla_vigil/audit${path}`);
      expect([path, res.status]).toEqual([path, status]);
      if (status === 403) expect(res.text).toContain('data-testid="sv-forbidden"');
    }
  });

  it('lists 50 entries a page, newest first, with a pager', async () => {
    const admin = await login('admin@example.com');
    const first = await admin.agent.get('/admin/sla_vigil/audit');
    expect(first.status).toBe(200);
    expect(first.text).toContain('64 entries');
    expect(actions(first.text).slice(0, 5)).toEqual([
      'escalation.action_failed',
      'config.save_policy',
      'config.save_policy',
      'config.save_policy',
      'escalation.notified',
    ]);
    expect(rowIds(first.text)).toHaveLength(50);
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('href="/admin/sla_vigil/audit?page=2" rel="next"');
    const second = await admin.agent.get('/admin/sla_vigil/audit?page=2');
    expect(rowIds(second.text)).toHaveLength(14);
    expect(new Set([...rowIds(first.text), ...rowIds(second.text)]).size).toBe(64);
    // The oldest escalation (ticket 100) is last.
    expect(second.text.lastIndexOf('#100<')).toBeGreaterThan(second.text.lastIndexOf('#101<'));
  });

  it('shows details readably and escaped, staff by name, automatic actions as System', async () => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get('/admin/sla_vigil/audit?ticket=7');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('<dt>Error</dt><dd>&lt;img src=x onerror=alert(1)&gt;</dd>');
    // A key the module does not write keeps its stored name.
    expect(res.text).toContain('<dt>note</dt>');
    expect(res.text).toContain('Escalation: action failed');
    // "System" fits the By column at 1280 px; the longer wording is its tooltip.
    expect(res.text).toContain(
      '<td data-label="By"><span title="System (no staff member)">System</span></td>',
    );
    const config = await admin.agent.get('/admin/sla_vigil/audit?action=config.save_policy');
    expect(config.text).toContain('<dt>Key</dt><dd>p3</dd>');
    expect(config.text).toContain('<td data-label="By">Ada Admin</td>');
  });

  it.each([
    ['action=config.save_policy', 3],
    ['staff=system', 61],
    ['staff=1', 3],
    ['ticket=105', 1],
    ['from=2026-03-05&to=2026-03-05', 3],
    // Berlin days: the 23:30 UTC row on 03-09 belongs to 03-10.
    ['from=2026-03-10', 1],
    ['to=2026-03-09', 63],
    ['action=escalation.notified&from=2026-03-03', 0],
  ])('filter %s -> %i entries, on the page and in the CSV', async (query, count) => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get(`/admin/sla_vigil/audit?${query}`);
    expect(res.status).toBe(200);
    expect(rowIds(res.text)).toHaveLength(Math.min(count, 50));
    if (count === 0) expect(res.text).toContain('data-testid="sv-audit-empty"');
    const csv = await admin.agent.get(`/admin/sla_vigil/audit/export.csv?${query}`).buffer(true);
    expect(csv.status).toBe(200);
    expect(readCsv(csv.text)).toHaveLength(count + 1);
  });

  it('the CSV has every filtered row (not only the page), newest first, neutralised', async () => {
    const admin = await login('admin@example.com');
    const res = await admin.agent.get('/admin/sla_vigil/audit/export.csv').buffer(true);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="sla-audit-.*\.csv"$/);
    const [header, ...rows] = readCsv(res.text);
    expect(header).toEqual(['When (Europe/Berlin)', 'Action', 'By', 'Subject type', 'Subject ID', 'Details']);
    expect(rows).toHaveLength(64);
    expect(rows[0]).toEqual([
      '2026-03-10 00:30',
      'Escalation: action failed',
      'System (no staff member)',
      'ticket',
      '7',
      'Error: <img src=x onerror=alert(1)>; note: =HYPERLINK("http://x")',
    ]);
    expect(rows[63].slice(0, 5)).toEqual([
      '2026-03-02 09:00',
      'Escalation: notified',
      'System (no staff member)',
      'ticket',
      '100',
    ]);
    expect(rows[63][5]).toBe('Metric: Resolution; Level: 1; Recipients: Ada Admin, Viewer Staff');
  });

  it('a details value that starts like a formula is neutralised in the CSV', async () => {
    await t.devhost.db('tblsla_vigil_audit_log').insert({
      action: 'config.import',
      staff_id: 1,
      details: JSON.stringify('=2+5'),
      created_at: '2026-03-01 12:00:00.000',
    });
    const admin = await login('admin@example.com');
    const res = await admin.agent.get('/admin/sla_vigil/audit/export.csv?action=config.import').buffer(true);
    expect(readCsv(res.text)[1][5]).toBe(`'=2+5`);
    expect(readCsv(res.text)[1][1]).toBe('Configuration imported');
  });

  it('labels the detail keys and names metrics in the viewer language, on the page and in the CSV', async () => {
    await insertStaffWithCapabilities(t.devhost.db, 'de.manager@x.test', STAFF_PASSWORD, ['manage'], {
      default_language: 'german',
    });
    const de = await login('de.manager@x.test');
    const page = await de.agent.get('/admin/sla_vigil/audit?ticket=105').expect(200);
    expect(page.text).toContain('<dt>Kennzahl</dt><dd>Lösung</dd><dt>Stufe</dt><dd>1</dd>');
    expect(page.text).toContain('<dt>Empfänger</dt><dd>Ada Admin, Viewer Staff</dd>');
    const csv = await de.agent.get('/admin/sla_vigil/audit/export.csv?ticket=105').buffer(true);
    expect(readCsv(csv.text)[1][5]).toBe('Kennzahl: Lösung; Stufe: 1; Empfänger: Ada Admin, Viewer Staff');
  });

  it.each([
    ['ticket=abc', 'ticket', 'Enter a ticket number (digits only).'],
    ['staff=bob', 'staff', 'Choose a staff member from the list.'],
    ['from=2026-03-10&to=2026-03-01', 'from', 'The start date must not be after the end date.'],
    ['to=2026-13-01', 'to', 'Enter a date as YYYY-MM-DD.'],
    ['page=0', 'page', 'Page must be a whole number from 1.'],
    ['from=0001-01-01', 'from', 'Enter a date between the years 2000 and 2100.'],
    ['to=9999-12-31', 'to', 'Enter a date between the years 2000 and 2100.'],
  ])('invalid %s -> 422 with the message next to the field', async (query, field, message) => {
    const admin = await login('admin@example.com');
    for (const path of ['', '/export.csv']) {
      const res = await admin.agent.get(`/admin/sla_vigil/audit${path}?${query}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain(`data-field="${field}">${message}</span>`);
      expect(res.text).not.toContain('data-testid="sv-audit-table"');
    }
  });
});

describe('names instead of ids', () => {
  const BASE = '/admin/sla_vigil/settings';

  it('shows staff, policy, calendar and the host names, in the details and in what a change changed', async () => {
    const db = t.devhost.db;
    const [support] = await db('tbldepartments').insert({ name: 'Support' });
    const [acme] = await db('tblclients').insert({ company: 'Acme GmbH', datecreated: '2026-01-01' });
    const [hosting] = await db('tblservices').insert({ name: 'Web hosting' });
    const admin = await login('admin@example.com');
    await admin.agent.get('/admin');
    const calendar = await admin.post(`${BASE}/calendars`, mondayCalendarForm('office', 'Office hours'));
    expect(calendar.status).toBe(303);
    const policy = (extra: Record<string, unknown>) => ({
      key: 'vip',
      name: 'VIP support',
      active: '1',
      calendar: '',
      'match.priorityIds': ['3'],
      'targets.resolution.amount': '8',
      'targets.resolution.unit': 'hours',
      'targets.resolution.warnType': '',
      'targets.resolution.warnValue': '',
      pauseStatusIds: ['4'],
      ...extra,
    });
    expect((await admin.post(`${BASE}/policies`, policy({}))).status).toBe(303);
    const edited = await admin.post(
      `${BASE}/policies/vip`,
      policy({
        calendar: 'office',
        'match.departmentIds': [String(support)],
        'match.clientIds': [String(acme)],
        'match.serviceIds': [String(hosting)],
        'escalations.0.metric': 'resolution',
        'escalations.0.trigger': 'at_due',
        'escalations.0.action': 'notify_staff',
        'escalations.0.staffId': '1',
        'escalations.0.unassigned': '1',
        passedLevels: 'fire',
      }),
    );
    expect(edited.status).toBe(303);
    await db('tblsla_vigil_audit_log').insert({
      action: 'escalation.notified',
      staff_id: null,
      subject_type: 'ticket',
      subject_id: 999,
      details: JSON.stringify({ policy: 'vip', metric: 'resolution', level: 1, recipients: [1] }),
      created_at: '2026-03-14 12:00:00.000',
    });

    const page = await admin.agent.get('/admin/sla_vigil/audit?action=config.save_policy').expect(200);
    const text = page.text.replace(/&#34;/g, '"').replace(/&amp;/g, '&');
    expect(text).toContain('<dt>Policy</dt><dd>VIP support (vip)</dd>');
    for (const line of [
      'Calendar: added Office hours',
      'Match › Departments: added Support',
      'Match › Clients: added Acme GmbH',
      'Match › Services: added Web hosting',
      'Escalation levels › #1 › Action › Staff member: added Ada Admin',
      'Escalation levels › #1 › Condition › Only while unassigned: added yes',
    ])
      expect(text).toContain(`>${line}</li>`);
    // The first save spelled the policy out, with its names.
    expect(text).toContain('>Match › Priorities: added High</li>');
    expect(text).toContain('>Pause statuses: added On Hold</li>');
    expect(text).not.toMatch(/Departments: added \d/);

    const escalation = await admin.agent.get('/admin/sla_vigil/audit?ticket=999').expect(200);
    expect(escalation.text).toContain('<dt>Policy</dt><dd>VIP support</dd>');
    expect(escalation.text).toContain('<dt>Recipients</dt><dd>Ada Admin</dd>');
    const csv = await admin.agent.get('/admin/sla_vigil/audit/export.csv?ticket=999').buffer(true);
    expect(readCsv(csv.text)[1][5]).toBe(
      'Policy: VIP support; Metric: Resolution; Level: 1; Recipients: Ada Admin',
    );
  });
});

describe('details in words, long changes folded, rows as cards on a phone', () => {
  it('an escalation that went to the fallback says to whom and why, with names, not JSON', async () => {
    const db = t.devhost.db;
    const [billing] = await db('tbldepartments').insert({ name: 'Billing' });
    const escalation = (ticket: number, fallback: Record<string, unknown>) => ({
      action: 'escalation.notified',
      staff_id: null,
      subject_type: 'ticket',
      subject_id: ticket,
      details: JSON.stringify({ metric: 'resolution', level: 1, recipients: [1], suppressed: [], fallback }),
      created_at: '2026-03-14 13:00:00.000',
    });
    await db('tblsla_vigil_audit_log').insert([
      escalation(2001, { type: 'department', departmentId: billing, reason: 'unassigned' }),
      escalation(2002, { type: 'staff', staffId: 1, reason: 'assignee_unreachable' }),
    ]);
    const admin = await login('admin@example.com');
    const department = await admin.agent.get('/admin/sla_vigil/audit?ticket=2001').expect(200);
    expect(department.text).toContain(
      '<dt>Fallback</dt><dd>sent to the department Billing instead: no assignee</dd>',
    );
    expect(department.text).not.toMatch(/\{(&#34;|")/);
    const staff = await admin.agent.get('/admin/sla_vigil/audit?ticket=2002').expect(200);
    expect(staff.text).toContain(
      '<dd>sent to Ada Admin instead: the assignee cannot be emailed (inactive or no email address)</dd>',
    );
    const csv = await admin.agent.get('/admin/sla_vigil/audit/export.csv?ticket=2001').buffer(true);
    expect(readCsv(csv.text)[1][5]).toContain(
      'Fallback: sent to the department Billing instead: no assignee',
    );

    await insertStaffWithCapabilities(db, 'es.manager@x.test', STAFF_PASSWORD, ['manage'], {
      default_language: 'spanish',
    });
    const es = await login('es.manager@x.test');
    const spanish = await es.agent.get('/admin/sla_vigil/audit?ticket=2001').expect(200);
    expect(spanish.text).toContain('enviado al departamento Billing en su lugar: sin persona asignada');
  });

  it('a long change (an import) is folded behind "N changes — show", empty parts are left out, the CSV has it all', async () => {
    const policy = (key: string, minutes: number) => ({
      key,
      name: `Policy ${key}`,
      active: true,
      match: {},
      calendar: null,
      targets: { resolution: { minutes } },
      pauseStatusIds: [],
      escalations: [],
    });
    const after = { policies: ['a', 'b', 'c', 'd'].map((k, i) => policy(k, 60 * (i + 1))) };
    await t.devhost.db('tblsla_vigil_audit_log').insert([
      {
        action: 'config.import',
        staff_id: 1,
        details: JSON.stringify({ before: { policies: [] }, after }),
        created_at: '2026-03-14 14:00:00.000',
      },
      {
        action: 'config.save_settings',
        staff_id: 1,
        details: JSON.stringify({
          before: { cooldownMinutes: 30, unassignedFallback: 'department', unassignedFallbackStaffId: null },
          after: { cooldownMinutes: 60, unassignedFallback: 'staff', unassignedFallbackStaffId: 1 },
        }),
        created_at: '2026-03-14 14:01:00.000',
      },
    ]);
    const admin = await login('admin@example.com');
    const res = await admin.agent
      .get('/admin/sla_vigil/audit?from=2026-03-14&to=2026-03-14&staff=1')
      .expect(200);
    const html = res.text;
    // Four policies of four readable fields each (key, name, active, minutes): 16 lines, folded.
    expect(html).toContain(
      '<details class="sv-audit-more" data-testid="sv-audit-more"><summary>16 changes — show</summary>',
    );
    expect(html).toContain('Policies › #4 › Targets › Resolution › Minutes: added 240</li>');
    // "Match: added {}", "Calendar: added —", "Pause statuses: added —" say nothing.
    expect(html.match(/[^>]*(Match|Calendar|Pause statuses|Escalation levels): added[^<]*/g)).toBeNull();
    // A short change stays open.
    expect(html.match(/<details class="sv-audit-more"/g)).toHaveLength(1);
    expect(html).toContain('Escalation cooldown (minutes): 30 → 60</li>');
    expect(html.replace(/&#39;/g, "'")).toContain(
      "When a ticket has no assignee to notify: the ticket's department → a named staff member</li>",
    );
    expect(html).toContain('Fallback staff member: added Ada Admin</li>');
    const csv = await admin.agent
      .get('/admin/sla_vigil/audit/export.csv?from=2026-03-14&to=2026-03-14&action=config.import')
      .buffer(true);
    expect(readCsv(csv.text)[1][5].split('; ')).toHaveLength(16);
  });

  it('marks the table for phone cards: each cell but the time says what it is', async () => {
    const admin = await login('admin@example.com');
    const html = (await admin.agent.get('/admin/sla_vigil/audit?ticket=2001').expect(200)).text;
    expect(html).toContain('class="sv-table sv-card-table" data-testid="sv-audit-table"');
    for (const label of ['Action', 'By', 'Subject', 'Details'])
      expect(html).toContain(`data-label="${label}"`);
  });
});
