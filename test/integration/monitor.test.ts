import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import request from 'supertest';
import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { NOW, insertPicture, insertTicket, slaConfig, type Picture } from '../helpers/sla-dashboard-fixtures';
import { ConfigService } from '../../src/engine/config-service';
import { AuditLog } from '../../src/store/audit-log';
import { DashboardService } from '../../src/store/read/dashboard-service';
import { PerfexTicketGateway } from '../../src/host/perfex/perfex-ticket-gateway';
import { SEARCH_LIMIT } from '../../src/web/pages/monitor-page';

let t: TestDevhost;
let picture: Picture;
let admin: AdminSession;
const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

/** Ticket ids of the rows, in order. */
async function ids(query = ''): Promise<number[]> {
  const res = await admin.agent.get(`/admin/sla_vigil/monitor${query ? `?${query}` : ''}`);
  expect(res.status).toBe(200);
  return [...res.text.matchAll(/<tr data-ticket-id="(\d+)"/g)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock: { now: () => NOW } });
  await insertStaffPerAccessLevel(t.devhost.db);
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
    expect(row(1)).toContain('Tue 31 Mar 10:00');
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
    // 10:00 UTC is 12:00 in Berlin; to the minute, worded like every date of the module, and
    // URI-encoded (a header carries no "März"); monitor.js decodes it.
    expect(decodeURIComponent(res.headers['x-sla-vigil-updated'])).toBe('Tue 31 Mar 12:00');
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
    expect(html).toMatch(/data-testid="sv-monitor-updated"[^>]*>updated Tue 31 Mar 12:00</);
    // The note the script shows when a refresh fails, in the staff member's language.
    expect(html).toContain(
      'data-stale-text="could not refresh (has your session expired?) — reload the page"',
    );
    expect((await admin.agent.get('/admin/sla_vigil/assets/monitor.js')).status).toBe(200);
  });

  it('an expired session answers the rows request with a redirect to the login page', async () => {
    // No session cookie: what the script's fetch meets once the session has expired.
    const res = await request(t.devhost.app).get('/admin/sla_vigil/monitor?partial=1');
    expect([301, 302, 303]).toContain(res.status);
    expect(res.headers.location).toMatch(/\/admin\/login/);
    expect(res.headers['x-sla-vigil-updated']).toBeUndefined();
  });

  describe('the browser script (assets/monitor.js)', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../assets/monitor.js'), 'utf8');
    const ROWS = '<tr data-ticket-id="1"><td>old row</td></tr>';

    interface FakeResponse {
      ok: boolean;
      status: number;
      redirected: boolean;
      headers: { get(name: string): string | null };
      text(): Promise<string>;
    }
    const response = (
      body: string,
      headers: Record<string, string> = {},
      extra: Partial<FakeResponse> = {},
    ): FakeResponse => ({
      ok: true,
      status: 200,
      redirected: false,
      headers: { get: (name) => headers[name] ?? null },
      text: () => Promise.resolve(body),
      ...extra,
    });

    /** Runs the script against a minimal page: the table body, the note and the total. */
    function monitorPage(answer: () => Promise<FakeResponse>) {
      const attrs: Record<string, string> = {
        'data-template': 'updated {time}',
        'data-stale-text': 'could not refresh — reload the page',
      };
      const classes = new Set<string>();
      const body = { innerHTML: ROWS };
      const note = {
        textContent: 'updated 12:00:00',
        getAttribute: (name: string) => attrs[name] ?? null,
        classList: { add: (c: string) => classes.add(c), remove: (c: string) => classes.delete(c) },
      };
      const total = { textContent: '33' };
      const table = { getAttribute: () => '30000', querySelector: () => body, parentNode: { scrollLeft: 0 } };
      const nodes: Record<string, unknown> = {
        '[data-monitor-refresh]': table,
        '[data-monitor-updated]': note,
        '[data-monitor-total]': total,
      };
      const doc = {
        hidden: false,
        querySelector: (sel: string) => nodes[sel] ?? null,
        addEventListener() {},
      };
      let start: ((d: typeof doc) => void) | undefined;
      let tick: (() => void) | undefined;
      const window = {
        SlaVigil: { register: (fn: (d: typeof doc) => void) => (start = fn) },
        location: { pathname: '/admin/sla_vigil/monitor', search: '?state=breached' },
        setInterval: (fn: () => void) => (tick = fn),
        scrollX: 0,
        scrollY: 0,
        scrollTo() {},
      };
      const urls: string[] = [];
      const fetch = (url: string) => {
        urls.push(url);
        return answer();
      };
      vm.runInNewContext(source, { window, fetch });
      start?.(doc);
      const refresh = async () => {
        tick?.();
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      };
      return { refresh, body, note, classes, total, urls };
    }

    it('swaps the rows, the time and the total after a good answer', async () => {
      const p = monitorPage(() =>
        Promise.resolve(
          response('<tr data-ticket-id="2"></tr>', {
            'X-Sla-Vigil-Updated': encodeURIComponent('Di., 31. März, 12:01'),
            'X-Sla-Vigil-Total': '1',
          }),
        ),
      );
      await p.refresh();
      expect(p.urls).toEqual(['/admin/sla_vigil/monitor?state=breached&partial=1']);
      expect(p.body.innerHTML).toBe('<tr data-ticket-id="2"></tr>');
      expect(p.note.textContent).toBe('updated Di., 31. März, 12:01');
      expect(p.total.textContent).toBe('1');
    });

    it.each([
      [
        'the login page after a redirect',
        () => Promise.resolve(response('<!doctype html><form>login', {}, { redirected: true })),
      ],
      ['a 200 without the monitor header', () => Promise.resolve(response('<!doctype html>proxy page'))],
      ['an error status', () => Promise.resolve(response('oops', {}, { ok: false, status: 500 }))],
      ['a network failure', () => Promise.reject(new Error('offline'))],
    ])('keeps the rows and says to reload after %s, then recovers', async (_name, failure) => {
      let answer: () => Promise<FakeResponse> = failure;
      const p = monitorPage(() => answer());
      await p.refresh();
      expect(p.body.innerHTML).toBe(ROWS);
      expect(p.note.textContent).toBe('could not refresh — reload the page');
      expect(p.classes.has('sv-stale')).toBe(true);
      expect(p.total.textContent).toBe('33');
      // The next tick tries again.
      answer = () =>
        Promise.resolve(response('<tr data-ticket-id="3"></tr>', { 'X-Sla-Vigil-Updated': '12:01:00' }));
      await p.refresh();
      expect(p.body.innerHTML).toBe('<tr data-ticket-id="3"></tr>');
      expect(p.note.textContent).toBe('updated 12:01:00');
      expect(p.classes.has('sv-stale')).toBe(false);
    });
  });
});

describe('search among the tickets the monitor watches', () => {
  const gateway = () => new PerfexTicketGateway(t.devhost.db, 'tbl', 'Europe/Berlin');
  /** Host tickets only (no module rows): enough for what the search finds. */
  async function hostTickets(from: number, count: number, subject: string, status: number): Promise<void> {
    await t.devhost.db('tbltickets').insert(
      Array.from({ length: count }, (_, i) => ({
        ticketid: from + i,
        subject: `${subject} ${from + i}`,
        message: 'm',
        department: picture.departments.support,
        priority: 2,
        status,
        userid: 0,
        date: '2026-03-01 09:00:00',
        ticketkey: `k${from + i}`,
      })),
    );
  }

  it('finds an old open match behind more than SEARCH_LIMIT newer closed ones', async () => {
    await insertTicket(t.devhost.db, {
      id: 300,
      subject: 'Crowded word, still open',
      department: picture.departments.support,
    });
    await hostTickets(2000, SEARCH_LIMIT + 1, 'Crowded word', 5);
    expect(await ids('q=crowded')).toEqual([300]);
    const html = (await admin.agent.get('/admin/sla_vigil/monitor?q=crowded')).text;
    expect(html).not.toContain('data-testid="sv-search-capped"');
  });

  it('leaves closed and merged tickets out in the host, before the limit', async () => {
    const watched = { excludeStatus: [5], excludeMerged: true };
    // #9 is closed, #10 merged into #1.
    expect(await gateway().searchTicketIds('printer', 10)).toEqual([9, 3]);
    expect(await gateway().searchTicketIds('printer', 10, watched)).toEqual([3]);
    expect(await gateway().searchTicketIds('merged away', 10)).toEqual([10]);
    expect(await gateway().searchTicketIds('merged away', 10, watched)).toEqual([]);
  });

  it('says so on the page only when more than SEARCH_LIMIT open tickets match', async () => {
    await hostTickets(5000, SEARCH_LIMIT, 'Bulkcap', 1);
    const exactly = (await admin.agent.get('/admin/sla_vigil/monitor?q=bulkcap')).text;
    expect(exactly).not.toContain('data-testid="sv-search-capped"');
    await hostTickets(5000 + SEARCH_LIMIT, 1, 'Bulkcap', 1);
    const over = (await admin.agent.get('/admin/sla_vigil/monitor?q=bulkcap')).text;
    expect(over).toContain(
      `data-testid="sv-search-capped">· more than ${SEARCH_LIMIT} open tickets match: showing the ${SEARCH_LIMIT} newest; refine the search to see the others`,
    );
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

/**
 * The monitor reads a ticket's state as the host list's badge and SLA filter do (one definition:
 * src/sla/clocks/live-state.ts): the worst live state of its running clocks, then the earliest due.
 */
describe('the same SLA state as the host list', () => {
  const H = 3_600_000;
  const ago = (ms: number) => new Date(NOW.getTime() - ms);
  const ahead = (ms: number) => new Date(NOW.getTime() + ms);
  const OURS = [401, 402, 403, 404, 405];
  const STATES = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'];
  const rowOf = (html: string, id: number) =>
    new RegExp(`<tr data-ticket-id="${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

  beforeAll(async () => {
    const db = t.devhost.db;
    const { support } = picture.departments;
    const p = picture.policyId;
    const add = (
      id: number,
      subject: string,
      clocks: Parameters<typeof insertTicket>[1]['clocks'],
      status = 1,
    ) => insertTicket(db, { id, subject, department: support, policyId: p, status, clocks });
    // On Hold; the due time stored when the pause began has passed, which means nothing while paused.
    await add(
      401,
      'Paused past its provisional due',
      [{ metric: 'resolution', state: 'paused', due: ago(2 * H) }],
      4,
    );
    // Resolution is at risk (due in 2 h); the next response, on track, is due sooner (in 1 h).
    await add(402, 'At risk behind a sooner clock', [
      { metric: 'resolution', state: 'on_track', due: ahead(2 * H), warn: ago(H / 6) },
      { metric: 'next_response', state: 'on_track', due: ahead(H), warn: ahead(H / 2) },
    ]);
    // First response met late, resolution on track: the stored summary says breached.
    await add(403, 'Late first answer, on track now', [
      { metric: 'first_response', state: 'breached', due: ago(3 * H), breached: ago(3 * H), met: ago(2 * H) },
      { metric: 'resolution', state: 'on_track', due: ahead(3 * H) },
    ]);
    // Nothing runs: the stored summary decides (met; breached when a met cycle was late).
    await add(404, 'Everything met', [
      { metric: 'first_response', state: 'met', due: ahead(H), met: ago(H) },
    ]);
    await add(405, 'Met late, nothing running', [
      { metric: 'first_response', state: 'breached', due: ago(5 * H), breached: ago(5 * H), met: ago(4 * H) },
    ]);
    for (const [id, state] of [
      [403, 'breached'],
      [404, 'met'],
      [405, 'breached'],
    ] as const) {
      await db('tblsla_vigil_subjects').where({ subject_id: id }).update({ sla_state: state });
    }
  });
  afterAll(async () => {
    const db = t.devhost.db;
    await db('tbltickets').whereIn('ticketid', OURS).delete();
    await db('tblsla_vigil_subjects').whereIn('subject_id', OURS).delete();
    await db('tblsla_vigil_clocks').whereIn('subject_id', OURS).delete();
  });

  it('a paused clock past its provisional due is paused, not breached', async () => {
    const html = (await admin.agent.get('/admin/sla_vigil/monitor?state=paused')).text;
    expect(rowOf(html, 401)).toContain('data-sla-state="paused"');
    expect(await ids('state=breached')).not.toContain(401);
  });

  it('the worst state wins over an earlier due time, and the row shows that clock', async () => {
    expect(await ids('state=at_risk')).toContain(402);
    expect(await ids('state=on_track')).not.toContain(402);
    const row = rowOf((await admin.agent.get('/admin/sla_vigil/monitor?state=at_risk')).text, 402);
    expect(row).toContain('data-sla-state="at_risk"');
    expect(row).toContain('Resolution');
    expect(row).not.toContain('Next response');
  });

  it('a late cycle already met does not make a running ticket breached; with nothing running it does', async () => {
    expect(await ids('state=on_track')).toContain(403);
    expect(await ids('state=breached')).not.toContain(403);
    expect(await ids('state=met')).toContain(404);
    expect(await ids('state=breached')).toContain(405);
  });

  it('for every state, lists exactly the open tickets whose list badge and list filter say so', async () => {
    const open = await ids('per=100');
    expect(open).toEqual(expect.arrayContaining(OURS));
    const column = t.devhost.admin.columns.get('sla_vigil');
    if (!column?.listQuery) throw new Error('SLA column not registered');
    const staff = await t.devhost.db('tblstaff').where({ email: 'admin@example.com' }).first();
    const cells = await column.render(open, Number(staff.staffid));
    const badge = new Map(open.map((id) => [id, /data-sla-state="(\w+)"/.exec(cells.get(id) ?? '')?.[1]]));
    for (const state of STATES) {
      const monitor = (await ids(`state=${state}&per=100&sort=ticket`)).sort((a, b) => a - b);
      const badged = open.filter((id) => badge.get(id) === state).sort((a, b) => a - b);
      const qb = t.devhost
        .db('tbltickets as t')
        .whereIn('t.ticketid', open)
        .orderBy('t.ticketid')
        .pluck('t.ticketid');
      column.listQuery.apply(qb, 't.ticketid', { filter: state });
      const filtered = ((await qb) as number[]).map(Number);
      expect({ state, monitor }).toEqual({ state, monitor: badged });
      expect({ state, filtered }).toEqual({ state, filtered: badged });
    }
  });

  it('counts on the dashboard what the monitor lists for each live state (its KPIs link there)', async () => {
    const card = await new DashboardService(t.devhost.db, 'tbl').scorecard(NOW, 'Europe/Berlin', 30);
    const total = async (state: string) =>
      Number(
        (await admin.agent.get(`/admin/sla_vigil/monitor?partial=1&state=${state}`)).headers[
          'x-sla-vigil-total'
        ],
      );
    expect({
      breached: card.breached,
      at_risk: card.atRisk,
      on_track: card.onTrack,
      paused: card.paused,
      no_policy: card.noPolicy,
    }).toEqual({
      breached: await total('breached'),
      at_risk: await total('at_risk'),
      on_track: await total('on_track'),
      paused: await total('paused'),
      no_policy: await total('no_policy'),
    });
    expect(card.breached).toBeGreaterThan(0);
  });
});

describe('monitor totals without a state filter (counted from the subjects alone)', () => {
  const STATES = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'];
  const total = async (query: string) =>
    Number(
      (await admin.agent.get(`/admin/sla_vigil/monitor?partial=1&${query}`)).headers['x-sla-vigil-total'],
    );

  it.each([
    ['no filter', ''],
    ['a department', () => `department=${picture.departments.support}`],
    ['unassigned', () => 'agent=0'],
  ])('%s: the total is the sum of the per-state totals', async (_name, query) => {
    const q = typeof query === 'function' ? query() : query;
    let sum = 0;
    for (const state of STATES) sum += await total(`${q}&state=${state}`);
    expect(await total(q)).toBe(sum);
    expect(sum).toBeGreaterThan(0);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
