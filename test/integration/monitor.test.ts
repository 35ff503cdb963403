import { insertStaff } from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAgent, type AdminSession } from '../helpers/admin-session';
import { NOW, insertPicture, insertTicket, slaConfig, type Picture } from '../helpers/sla-dashboard-fixtures';
import { ConfigService } from '../../src/services/config-service';
import { AuditLog } from '../../src/store/audit-log';

let t: TestDevhost;
let picture: Picture;
let admin: AdminSession;
const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

async function addStaff(email: string, capabilities: string[]): Promise<void> {
  const staffId = await insertStaff(t.devhost.db, email, 'pw123456');
  for (const capability of capabilities) {
    await t.devhost
      .db('tblstaff_permissions')
      .insert({ staff_id: staffId, feature: 'sla_vigil', capability });
  }
}

const login = (email: string) =>
  loginAgent(t.devhost.app, email, email === 'admin@example.com' ? 'demo1234' : 'pw123456');

/** Ticket ids of the rows, in order. */
async function ids(query = ''): Promise<number[]> {
  const res = await admin.agent.get(`/admin/sla_vigil/monitor${query ? `?${query}` : ''}`);
  expect(res.status).toBe(200);
  return [...res.text.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock: { now: () => NOW } });
  await addStaff('viewer@x.test', ['view']);
  await addStaff('manager@x.test', ['manage']);
  await addStaff('agent@x.test', []);
  const clock = { now: () => NOW };
  await new ConfigService(t.devhost.db, 'tbl', clock, new AuditLog(t.devhost.db, 'tbl', clock)).import(
    slaConfig(),
    1,
  );
  const [policy] = await t.devhost.db('tblsla_vigil_policies').pluck('id');
  picture = await insertPicture(t.devhost.db, policy);
  // 25 more open tickets without a policy (#101-#125), the last one with a hostile subject.
  for (let i = 101; i <= 125; i++) {
    await insertTicket(t.devhost.db, {
      id: i,
      subject: i === 125 ? XSS : `Filler ${i}`,
      department: picture.departments.billing,
    });
  }
  admin = await login('admin@example.com');
});
afterAll(() => t.close());

describe('monitor access', () => {
  it.each([
    ['admin@example.com', 200],
    ['manager@x.test', 200],
    ['viewer@x.test', 200],
    ['agent@x.test', 403],
  ])('%s gets %i (page and rows)', async (email, status) => {
    const session = await login(email);
    const res = await session.agent.get('/admin/sla_vigil/monitor');
    expect(res.status).toBe(status);
    expect(res.text.includes('data-testid="sv-monitor"')).toBe(status === 200);
    expect((await session.agent.get('/admin/sla_vigil/monitor?partial=1')).status).toBe(status);
  });
});

describe('the list', () => {
  it('shows every open ticket, most urgent first: overdue, then by due time, paused, then no clock', async () => {
    // 8 open of the picture (closed #9, #12, merged #10 and deleted #11 are not listed) + 25.
    const res = await admin.agent.get('/admin/sla_vigil/monitor');
    expect(res.text).toMatch(/data-testid="sv-monitor-total">33</);
    expect(await ids()).toEqual([8, 1, 2, 3, 4, 5, 6, 7, ...range(101, 117)]);
  });

  it('pages by 25, 50 or 100', async () => {
    expect(await ids('page=2')).toEqual(range(118, 125));
    expect(await ids('per=50')).toHaveLength(33);
    const res = await admin.agent.get('/admin/sla_vigil/monitor');
    expect(res.text).toContain('data-testid="sv-pager"');
    expect(res.text).toContain('href="/admin/sla_vigil/monitor?page=2"');
    expect(await ids('page=3')).toEqual([]);
  });

  it('shows the most urgent clock with time left or overdue, names and the state badge', async () => {
    const html = (await admin.agent.get('/admin/sla_vigil/monitor')).text;
    const row = (id: number) => new RegExp(`<tr data-ticket-id="${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
    expect(row(1)).toContain('href="/admin/tickets/ticket/1"');
    expect(row(1)).toContain('Server down');
    expect(row(1)).toContain('2h overdue');
    expect(row(1)).toContain('data-sla-state="breached"');
    expect(row(1)).toContain('Resolution');
    expect(row(1)).toContain('Alice Agent');
    expect(row(1)).toContain('Standard &lt;i&gt;SLA&lt;/i&gt;');
    // Due times in the host zone: 08:00 UTC is 10:00 in Berlin.
    expect(row(1)).toContain('2026-03-31 10:00');
    // #2's stored state is stale (on track) but its due time has passed.
    expect(row(2)).toContain('data-sla-state="breached"');
    expect(row(2)).toContain('30m overdue');
    expect(row(3)).toContain('50m left');
    expect(row(3)).toContain('data-sla-state="at_risk"');
    expect(row(3)).toContain('ACME &lt;b&gt;bold&lt;/b&gt;');
    expect(row(3)).toContain('High');
    expect(row(4)).toContain('Unassigned');
    expect(row(5)).toContain('data-sla-state="paused"');
    expect(row(6)).toContain('data-sla-state="no_policy"');
  });

  it('filters by state, department, priority, agent, policy and metric', async () => {
    const { sales } = picture.departments;
    expect(await ids('state=breached')).toEqual([8, 1, 2]);
    expect(await ids('state=at_risk')).toEqual([3]);
    expect(await ids('state=no_policy&per=100')).toEqual([6, 7, ...range(101, 125)]);
    expect(await ids(`department=${sales}`)).toEqual([8, 3, 4]);
    expect(await ids('priority=3')).toEqual([3]);
    expect(await ids(`agent=${picture.staff.alice}`)).toEqual([1, 2, 6]);
    expect(await ids(`agent=0&state=on_track`)).toEqual([4]);
    expect(await ids(`policy=${picture.policyId}`)).toEqual([8, 1, 2, 3, 4, 5]);
    expect(await ids('metric=first_response')).toEqual([2]);
    // An empty form field means "all".
    expect(await ids('state=&department=&metric=')).toHaveLength(25);
  });

  it('sorts by time left, due time and ticket id, both ways', async () => {
    expect(await ids(`policy=${picture.policyId}&sort=time_left`)).toEqual([8, 1, 2, 3, 4, 5]);
    // By due time the paused #5 (due in 1 h) comes before #4 (due in 2 h).
    expect(await ids(`policy=${picture.policyId}&sort=due`)).toEqual([8, 1, 2, 3, 5, 4]);
    expect(await ids(`policy=${picture.policyId}&sort=due&dir=desc`)).toEqual([4, 5, 3, 2, 1, 8]);
    expect(await ids(`policy=${picture.policyId}&sort=ticket&dir=desc`)).toEqual([8, 5, 4, 3, 2, 1]);
    expect(await ids(`policy=${picture.policyId}&sort=ticket`)).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it('searches by ticket id or subject text, open tickets only', async () => {
    // #9 "Closed printer case" matches too, but it is closed.
    expect(await ids('q=printer')).toEqual([3]);
    expect(await ids('q=%234')).toEqual([4]);
    // A number finds that ticket and the subjects containing it ("Filler 108").
    expect(await ids('q=8')).toEqual([8, 108, 118]);
    expect(await ids('q=nothing-like-this')).toEqual([]);
    // LIKE wildcards are literal.
    expect(await ids('q=%25')).toEqual([]);
    expect(await ids('q=printer&state=breached')).toEqual([]);
  });

  it('escapes ticket subjects', async () => {
    const html = (await admin.agent.get('/admin/sla_vigil/monitor?page=2')).text;
    expect(html).toContain(
      '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });
});

describe('refresh', () => {
  it('partial=1 answers only the rows of the same filters, with the time of the update', async () => {
    const res = await admin.agent.get('/admin/sla_vigil/monitor?state=breached&partial=1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    // 10:00 UTC is 12:00 in Berlin.
    expect(res.headers['x-sla-vigil-updated']).toBe('12:00:00');
    expect(res.headers['x-sla-vigil-total']).toBe('3');
    expect([...res.text.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([8, 1, 2]);
    expect(res.text).not.toMatch(/<html|<table|<thead|sv-subnav|<form/);
    const xss = await admin.agent.get('/admin/sla_vigil/monitor?page=2&partial=1');
    expect(xss.text).toContain('&lt;script&gt;');
    expect(xss.text).not.toContain('<script>alert');
  });

  it('the page loads the refresh script, marks the table for it and shows when it was updated', async () => {
    const html = (await admin.agent.get('/admin/sla_vigil/monitor')).text;
    expect(html).toContain('<script src="/admin/sla_vigil/assets/monitor.js" defer></script>');
    expect(html).toContain('data-monitor-refresh="30000"');
    expect(html).toMatch(/data-testid="sv-monitor-updated"[^>]*>updated 12:00:00</);
    expect((await admin.agent.get('/admin/sla_vigil/assets/monitor.js')).status).toBe(200);
  });
});

describe('invalid parameters', () => {
  it.each([
    ['per=30', 'per'],
    ['page=0', 'page'],
    ['state=late', 'state'],
    ['department=abc', 'department'],
    ['metric=speed', 'metric'],
    ['sort=subject', 'sort'],
    ['dir=up', 'dir'],
    ['colour=red', 'colour'],
  ])('%s -> 422 naming %s', async (query, field) => {
    const res = await admin.agent.get(`/admin/sla_vigil/monitor?${query}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`Invalid value for &#34;${field}&#34;`);
    expect(res.text).toContain('sv-field-error');
    const partial = await admin.agent.get(`/admin/sla_vigil/monitor?${query}&partial=1`);
    expect(partial.status).toBe(422);
    expect(partial.text).toContain(`"${field}"`);
  });

  it('marks the offending control', async () => {
    const res = await admin.agent.get('/admin/sla_vigil/monitor?per=30');
    expect(res.text).toMatch(/<select name="per" class="sv-invalid"/);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
