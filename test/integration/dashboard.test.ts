import { insertStaffPerAccessLevel } from '../helpers/host-fixtures';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import {
  H,
  NOW,
  ago,
  insertPicture,
  insertTicket,
  slaConfig,
  type Picture,
} from '../helpers/sla-dashboard-fixtures';
import { ConfigService } from '../../src/engine/config-service';
import { DashboardService } from '../../src/store/read/dashboard-service';
import { AuditLog } from '../../src/store/audit-log';

let t: TestDevhost;

const login = (email: string): Promise<AdminSession> => loginAs(t.devhost.app, email);

/** The finished / on time / compliance cells of a page's report total row. */
function reportTotal(html: string): { finished: number; onTime: number; compliance: string } {
  const total = /<tr[^>]*>\s*<t[hd][^>]*>Total<\/t[hd]>([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
  const cells = [...total.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1].trim());
  return { finished: Number(cells[0]), onTime: Number(cells[1]), compliance: cells[3] };
}

/** The trend table's [compliance, finished, breaches] for one local day. */
const trendRow = (html: string, day: string): string[] | undefined =>
  new RegExp(
    `<tr data-day="${day}"><th scope="row">[^<]*</th><td>([^<]*)</td><td>(\\d+)</td><td>(\\d+)</td></tr>`,
  )
    .exec(html)
    ?.slice(1);

async function page(path = '/admin/sla_vigil', email = 'admin@example.com'): Promise<string> {
  const res = await (await login(email)).agent.get(path);
  expect(res.status).toBe(200);
  return res.text;
}

const kpi = (html: string, name: string): string | undefined =>
  new RegExp(`data-kpi="${name}" data-value="([^"]*)"`).exec(html)?.[1];

/** `data-id` / `data-count` pairs of a ranking list, in order. */
function ranking(html: string, testId: string): [number, number][] {
  const list = new RegExp(`data-testid="${testId}">([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? '';
  return [...list.matchAll(/data-id="(\d+)" data-count="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock: { now: () => NOW } });
  await insertStaffPerAccessLevel(t.devhost.db);
});
afterAll(() => t.close());

describe('dashboard access', () => {
  it.each([
    ['admin@example.com', 200],
    ['manager@x.test', 200],
    ['viewer@x.test', 200],
    ['agent@x.test', 403],
  ])('%s gets %i', async (email, status) => {
    const res = await (await login(email)).agent.get('/admin/sla_vigil');
    expect(res.status).toBe(status);
    expect(res.text.includes('data-testid="sv-kpis"')).toBe(status === 200);
  });
});

describe('a fresh install', () => {
  it('walks admins and managers to the first calendar and policy; view-only staff are told to ask', async () => {
    for (const email of ['admin@example.com', 'manager@x.test']) {
      const html = await page('/admin/sla_vigil', email);
      expect(html).toContain('data-testid="sv-onboarding"');
      expect(html).toContain('href="/admin/sla_vigil/settings/calendars/new"');
      expect(html).toContain('href="/admin/sla_vigil/settings/policies/new"');
      expect(html).not.toContain('data-testid="sv-onboarding-ask"');
    }
    const viewer = await page('/admin/sla_vigil', 'viewer@x.test');
    expect(viewer).toContain('data-testid="sv-onboarding"');
    expect(viewer).toContain('data-testid="sv-onboarding-ask"');
    expect(viewer).not.toContain('/settings/calendars/new');
    expect(viewer).not.toContain('/settings/policies/new');
  });

  it('shows empty states, not errors', async () => {
    const html = await page();
    expect(kpi(html, 'on_time')).toBe('');
    expect(kpi(html, 'open_under_sla')).toBe('0');
    expect(html).toContain('data-testid="sv-activity-empty"');
    expect(html).toContain('data-testid="sv-top-departments-empty"');
  });
});

describe('with configuration and tickets', () => {
  let picture: Picture;

  beforeAll(async () => {
    const importedAt = { now: () => ago(0.5 * H) };
    const config = new ConfigService(
      t.devhost.db,
      'tbl',
      importedAt,
      new AuditLog(t.devhost.db, 'tbl', importedAt),
    );
    await config.import(slaConfig(), 1);
    const [policy] = await t.devhost.db('tblsla_vigil_policies').pluck('id');
    picture = await insertPicture(t.devhost.db, policy);
  });

  it('hides the onboarding once a calendar and a policy exist', async () => {
    expect(await page()).not.toContain('data-testid="sv-onboarding"');
    expect(await page('/admin/sla_vigil', 'viewer@x.test')).not.toContain('data-testid="sv-onboarding"');
  });

  it('scores on-time % over the chosen period', async () => {
    // A target counts when it is settled: met in time, or breached (when it breached). Deleted
    // #11 does not count. 7 days: #3, #4, #12 (twice) in time; #1 and #8 resolution, #5 next
    // response, #9 (twice) and #10 breached -> 4 of 10.
    expect(kpi(await page('/admin/sla_vigil?period=7'), 'on_time')).toBe('40.0');
    // 30 days adds #1's first response (in time): 5 of 11.
    const month = await page('/admin/sla_vigil?period=30');
    expect(kpi(month, 'on_time')).toBe('45.5');
    expect(month).toContain('5 of 11 finished targets met in time');
    // 90 days adds #8's first response, breached 41 days ago: 5 of 12.
    expect(kpi(await page('/admin/sla_vigil?period=90'), 'on_time')).toBe('41.7');
  });

  it('counts open tickets only: under SLA, breached, at risk, no policy', async () => {
    const html = await page();
    expect(kpi(html, 'open_under_sla')).toBe('6');
    // #1, #8 and #2 (its stored state is stale but its due time has passed); closed #9, merged
    // #10 and deleted #11 have breached running clocks and must not count.
    expect(kpi(html, 'breached')).toBe('3');
    expect(kpi(html, 'at_risk')).toBe('1');
    expect(kpi(html, 'no_policy')).toBe('2');
    // Each card's sub-line describes its own number.
    const subLine = (name: string) =>
      new RegExp(`data-kpi="${name}"[\\s\\S]*?<span class="sv-muted">([^<]*)</span>`).exec(html)?.[1];
    expect(subLine('open_under_sla')).toBe('open tickets a policy covers');
    expect(subLine('breached')).toBe('open tickets past a due time');
    expect(subLine('at_risk')).toBe('open tickets past the warning');
    expect(html).toContain('href="/admin/sla_vigil/monitor?state=no_policy"');
    expect(html).toContain('href="/admin/sla_vigil/monitor?state=breached"');
    // The cards wear the state colours.
    expect(html).toMatch(/data-kpi="breached"[^>]*border-left-color:#b91c1c/);
    expect(html).toMatch(/data-kpi="at_risk"[^>]*border-left-color:#b45309/);
  });

  it('ranks departments by breaches in the period and agents by overdue open tickets', async () => {
    const { support, sales, billing } = picture.departments;
    const week = await page('/admin/sla_vigil?period=7');
    expect(ranking(week, 'sv-top-departments')).toEqual([
      [support, 3],
      [billing, 2],
      [sales, 1],
    ]);
    // 90 days: Sales catches up with Billing; the tie goes to the lower department id.
    expect(ranking(await page('/admin/sla_vigil?period=90'), 'sv-top-departments')).toEqual([
      [support, 3],
      [sales, 2],
      [billing, 2],
    ]);
    expect(week).toContain(`href="/admin/sla_vigil/monitor?department=${support}"`);
    expect(ranking(week, 'sv-top-agents')).toEqual([
      [picture.staff.alice, 2],
      [picture.staff.bob, 1],
    ]);
    expect(week).toContain(`href="/admin/sla_vigil/monitor?agent=${picture.staff.alice}&amp;state=breached"`);
  });

  it('merges escalations, breaches and config changes into one timeline, newest first, with deep links', async () => {
    const html = await page();
    const items = [
      ...html.matchAll(/class="sv-timeline-item[^"]*" data-kind="(\w+)"(?: data-ticket-id="(\d+)")?/g),
    ].map((m) => `${m[1]}${m[2] ? `#${m[2]}` : ''}`);
    expect(items).toEqual([
      'config',
      'breach#10',
      'escalation#1',
      'breach#1',
      'breach#9',
      'breach#9',
      'escalation#8',
      'breach#8',
      'breach#5',
      'breach#8',
    ]);
    expect(html).toContain('href="/admin/tickets/ticket/10"');
    expect(html).toContain('Configuration imported by');
    expect(html).toMatch(/<a href="\/admin\/sla_vigil\/settings">Configuration imported/);
    expect(html).toContain('Escalation level 2 (Resolution): raise the priority, priority raised');
    // View-only staff cannot open settings: the change is listed without a link.
    const viewer = await page('/admin/sla_vigil', 'viewer@x.test');
    expect(viewer).toContain('Configuration imported by');
    expect(viewer).not.toContain('href="/admin/sla_vigil/settings"');
  });

  describe('the activity timeline filtered and paged', () => {
    /** The timeline's lines as `kind#ticket` (config lines without a ticket). */
    const lines = (html: string): string[] =>
      [...html.matchAll(/class="sv-timeline-item[^"]*" data-kind="(\w+)"(?: data-ticket-id="(\d+)")?/g)].map(
        (m) => `${m[1]}${m[2] ? `#${m[2]}` : ''}`,
      );
    /** [instant, kind-rowId] per line, in page order. */
    const keyed = (html: string): [string, string][] =>
      [
        ...html.matchAll(
          /<li class="sv-timeline-item[^"]*"[^>]* data-key="([\w-]+)">\s*<time datetime="([^"]+)"/g,
        ),
      ].map((m) => [m[2], m[1]]);

    it('shows only the chosen kind, in the same order as the whole timeline', async () => {
      expect(lines(await page('/admin/sla_vigil?activity=escalation'))).toEqual([
        'escalation#1',
        'escalation#8',
      ]);
      expect(lines(await page('/admin/sla_vigil?activity=breach'))).toEqual([
        'breach#10',
        'breach#1',
        'breach#9',
        'breach#9',
        'breach#8',
        'breach#5',
        'breach#8',
      ]);
      const config = await page('/admin/sla_vigil?activity=config&period=7');
      expect(lines(config)).toEqual(['config']);
      // The chosen filter is marked, and the other filters keep the period.
      expect(config).toMatch(/data-kind="config" aria-current="true"/);
      expect(config).toContain(
        'href="/admin/sla_vigil?period=7&amp;trend=30&amp;activity=breach#sv-activity-heading"',
      );
      // Ten lines in all: one page, no pager.
      expect(config).not.toContain('data-testid="sv-activity-pager"');
    });

    it('pages newest first: page 2 continues page 1 without overlap or gap, ties broken by id', async () => {
      // 25 more configuration changes, a dozen of them at the same instant (ties across the page end).
      const audit = (at: Date) => new AuditLog(t.devhost.db, 'tbl', { now: () => at });
      for (let i = 0; i < 12; i++)
        await audit(ago(0.25 * H)).write({ action: 'config.save_settings', staffId: 1 });
      for (let i = 0; i < 13; i++)
        await audit(ago((i + 1) * 0.01 * H)).write({ action: 'config.save_settings', staffId: 1 });
      const first = await page('/admin/sla_vigil');
      expect(first).toContain('data-testid="sv-activity-pager"');
      expect(first).toContain(
        'href="/admin/sla_vigil?period=30&amp;trend=30&amp;page=2#sv-activity-heading"',
      );
      expect(first).not.toContain('rel="prev"');
      const second = await page('/admin/sla_vigil?page=2');
      expect(second).toContain(
        'href="/admin/sla_vigil?period=30&amp;trend=30#sv-activity-heading" rel="prev"',
      );
      expect(second).not.toContain('rel="next"');
      const one = keyed(first);
      const two = keyed(second);
      expect(one).toHaveLength(20);
      expect(two).toHaveLength(15);
      const all = [...one, ...two];
      // Every one of the 35 lines once: no overlap, no gap.
      expect(new Set(all.map(([, key]) => key)).size).toBe(35);
      // Newest first; equal instants: newer row id first.
      for (let i = 1; i < all.length; i++) {
        const [atBefore, keyBefore] = all[i - 1];
        const [at, key] = all[i];
        expect(atBefore >= at).toBe(true);
        if (atBefore === at && keyBefore.startsWith('config-') && key.startsWith('config-'))
          expect(Number(keyBefore.slice(7))).toBeGreaterThan(Number(key.slice(7)));
      }
      // Filtered pages page the same way: the 26 changes, in the whole timeline's order.
      const changes = all.filter(([, key]) => key.startsWith('config-'));
      expect(changes).toHaveLength(26);
      const filtered = [
        ...keyed(await page('/admin/sla_vigil?activity=config')),
        ...keyed(await page('/admin/sla_vigil?activity=config&page=2')),
      ];
      expect(filtered).toEqual(changes);
    });

    it('answers 422 naming the field for a bad kind or page', async () => {
      const session = await login('admin@example.com');
      for (const [query, field] of [
        ['activity=emails', 'activity'],
        ['page=0', 'page'],
        ['page=two', 'page'],
        ['page=101', 'page'],
      ]) {
        const res = await session.agent.get(`/admin/sla_vigil?${query}`);
        expect(res.status).toBe(422);
        expect(res.text).toContain(
          `<p class="sv-field-error" data-field="${field}">Invalid value for &#34;${field}&#34;`,
        );
      }
    });
  });

  it('draws one point per local day for 30 and 90 days, with Berlin days across the DST change', async () => {
    const month = await page('/admin/sla_vigil?trend=30');
    const svg = /<svg class="sv-trend-chart"[\s\S]*?<\/svg>/.exec(month)?.[0] ?? '';
    expect(svg).toContain('<title id="sv-trend-title">');
    expect(svg.match(/data-day="/g)).toHaveLength(30);
    expect(svg).toContain('data-day="2026-03-02"');
    expect(svg).toContain('data-day="2026-03-31"');
    const quarter = await page('/admin/sla_vigil?trend=90');
    expect(
      (/<svg class="sv-trend-chart"[\s\S]*?<\/svg>/.exec(quarter)?.[0] ?? '').match(/data-day="/g),
    ).toHaveLength(90);
    // The table: finished / breaches per Berlin day. #12 met at 23:30 UTC on the 28th (00:30 on
    // the 29th in Berlin) and at 22:30 UTC on the 30th (00:30 on the 31st, now CEST).
    const row = (day: string) =>
      new RegExp(
        `<tr data-day="${day}"><th scope="row">[^<]*</th><td>([^<]*)</td><td>(\\d+)</td><td>(\\d+)</td></tr>`,
      )
        .exec(month)
        ?.slice(1);
    // The 31st: #12's resolution in time; #1's and #10's resolution and #9's two targets breached.
    expect(row('2026-03-31')).toEqual(['20 %', '5', '4']);
    expect(row('2026-03-30')).toEqual(['0 %', '1', '1']);
    expect(row('2026-03-29')).toEqual(['100 %', '2', '0']);
    expect(row('2026-03-28')).toEqual(['100 %', '1', '0']);
    // #5's next response counts on the day it breached (the 25th), not when its cycle ended.
    expect(row('2026-03-25')).toEqual(['0 %', '1', '1']);
    // A day with nothing finished has no share: "no data" in the table and in the chart, never 0 %.
    expect(row('2026-03-26')).toEqual(['no data', '0', '0']);
    expect(svg).toMatch(/data-day="2026-03-26" data-compliance="none">[\s\S]*?<title>no data<\/title>/);
    const emptyDay = /<g class="sv-trend-day" data-day="2026-03-26"[^>]*>[\s\S]*?<\/g>/.exec(svg)?.[0] ?? '';
    expect(emptyDay).toContain('sv-no-data');
    expect(emptyDay).not.toContain('<circle');
    // Both axes are named, and the days with their zone.
    const axes = [...svg.matchAll(/<text class="sv-axis-name"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(axes).toEqual(['On time %', 'Breaches', 'Day (Europe/Berlin)']);
  });

  it('answers 422 naming the field for a bad period, trend or unknown parameter', async () => {
    const session = await login('admin@example.com');
    for (const [query, field] of [
      ['period=14', 'period'],
      ['trend=7', 'trend'],
      ['color=red', 'color'],
    ]) {
      const res = await session.agent.get(`/admin/sla_vigil?${query}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain(`Invalid value for &#34;${field}&#34;`);
      expect(res.text).toContain('sv-field-error');
    }
  });

  // Last in this block: it adds tickets #13 and #14, which the counts above do not know about.
  describe('the same 30 local days as the report', () => {
    beforeAll(async () => {
      // Closed #13, both targets met in time, around the first of the 30 Berlin days
      // (2026-03-02 00:00 CET = 2026-03-01T23:00Z): one a minute before it, one at it.
      await insertTicket(t.devhost.db, {
        id: 13,
        subject: 'Just before the period',
        department: picture.departments.support,
        status: 5,
        policyId: picture.policyId,
        clocks: [
          {
            metric: 'first_response',
            state: 'met',
            due: new Date('2026-03-02T08:00:00Z'),
            met: new Date('2026-03-01T22:59:00Z'),
          },
          {
            metric: 'resolution',
            state: 'met',
            due: new Date('2026-03-02T08:00:00Z'),
            met: new Date('2026-03-01T23:00:00Z'),
          },
        ],
      });
      // Deleted #14 breached on 20 March: neither page counts it.
      await insertTicket(t.devhost.db, {
        id: 14,
        subject: 'Deleted in the period',
        department: picture.departments.support,
        deleted: true,
        policyId: picture.policyId,
        clocks: [
          {
            metric: 'resolution',
            state: 'breached',
            due: new Date('2026-03-20T12:00:00Z'),
            breached: new Date('2026-03-20T12:00:00Z'),
          },
        ],
      });
    });

    it('has the on-time % the report totals for those days: deleted tickets out, merged in', async () => {
      const dashboard = await page('/admin/sla_vigil?period=30');
      const report = reportTotal(await page('/admin/sla_vigil/reports?from=2026-03-02&to=2026-03-31'));
      // 5 of 11 as before, plus #13's resolution met at the first local midnight of the period;
      // its first response a minute earlier is on 1 March in Berlin. Deleted #14's breach is not
      // counted; merged #10's is.
      expect(report).toEqual({ finished: 12, onTime: 6, compliance: '50' });
      expect(Number(kpi(dashboard, 'on_time'))).toBe(Number(report.compliance));
      expect(dashboard).toContain(`${report.onTime} of ${report.finished} finished targets met in time`);
    });
  });
});

describe('a host in a half-hour or quarter-hour zone', () => {
  // 2026-03-03 17:30 in India (+5:30), 17:45 in Nepal (+5:45).
  const NOW_IST = new Date('2026-03-03T12:00:00Z');
  let k: TestDevhost;

  beforeAll(async () => {
    k = await startTestDevhost({ timezone: 'Asia/Kolkata', clock: { now: () => NOW_IST } });
    const [department] = await k.devhost.db('tbldepartments').insert({ name: 'Support' });
    // One closed ticket per settled target, around local midnights (times in UTC).
    const settled: [string, 'met' | 'breached'][] = [
      ['2026-02-01T18:20:00Z', 'met'], // IST 1 Feb 23:50 (before the 30 days) | NPT 2 Feb 00:05
      ['2026-02-01T18:40:00Z', 'breached'], // IST 2 Feb 00:10 (the first day) | NPT 2 Feb 00:25
      ['2026-03-02T18:14:00Z', 'met'], // IST 2 Mar 23:44 | NPT 2 Mar 23:59
      ['2026-03-02T18:15:00Z', 'breached'], // IST 2 Mar 23:45 | NPT 3 Mar 00:00
      ['2026-03-02T18:29:00Z', 'met'], // IST 2 Mar 23:59 | NPT 3 Mar 00:14
      ['2026-03-02T18:30:00Z', 'met'], // IST 3 Mar 00:00 | NPT 3 Mar 00:15
      ['2026-03-02T18:45:00Z', 'breached'], // IST 3 Mar 00:15 | NPT 3 Mar 00:30
    ];
    for (const [i, [at, outcome]] of settled.entries()) {
      const when = new Date(at);
      await insertTicket(k.devhost.db, {
        id: 1 + i,
        subject: `Settled ${at}`,
        department,
        status: 5,
        clocks: [
          outcome === 'met'
            ? { metric: 'resolution', state: 'met', due: new Date(when.getTime() + H), met: when }
            : { metric: 'resolution', state: 'breached', due: when, breached: when },
        ],
      });
    }
  });
  afterAll(() => k.close());

  it('counts each target on its Indian day, at midnight exactly', async () => {
    const res = await (await loginAs(k.devhost.app, ADMIN_EMAIL)).agent.get('/admin/sla_vigil?trend=30');
    expect(res.status).toBe(200);
    expect(trendRow(res.text, '2026-02-02')).toEqual(['0 %', '1', '1']);
    expect(trendRow(res.text, '2026-03-02')).toEqual(['66.7 %', '3', '1']);
    expect(trendRow(res.text, '2026-03-03')).toEqual(['50 %', '2', '1']);
    expect(res.text).not.toContain('data-day="2026-02-01"');
  });

  it('counts each target on its Nepali day, at midnight exactly', async () => {
    const trend = await new DashboardService(k.devhost.db, 'tbl').trend(NOW_IST, 'Asia/Kathmandu', 30);
    const day = (d: string) => trend.find((p) => p.day === d);
    expect(trend[0].day).toBe('2026-02-02');
    expect(day('2026-02-02')).toMatchObject({ finished: 2, onTime: 1, breaches: 1 });
    expect(day('2026-03-02')).toMatchObject({ finished: 1, onTime: 1, breaches: 0 });
    expect(day('2026-03-03')).toMatchObject({ finished: 4, onTime: 2, breaches: 2 });
    expect(trend.reduce((n, p) => n + p.finished, 0)).toBe(7);
  });
});
