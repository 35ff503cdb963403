import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { narrowestCell, overflowingElements, pageWidth, tableFit } from '../helpers/page-fit';
import { MutableClock } from '../../devhost/mutable-clock';
import { DEMO_PASSWORD } from '../../devhost/setup';
import { createModuleServices } from '../../src/wiring/module-services';
import { loginAgent } from '../helpers/admin-session';
import { leadLadderForm } from '../helpers/settings-html';

/**
 * The seeded demo walked through by the people who use it, at 1280 px and at 390 px: the
 * manager (View + Manage) on every page, an agent with "view own" on the pages an agent has,
 * a Spanish-speaking agent and a German-speaking manager. Each page must answer 200, never
 * scroll sideways, and (for the Spanish and German walks) show no English sentence of the
 * module where the locale has its own. Screenshots land in test/e2e/screenshots/tour/ so a
 * person can look at every page as each of them.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = path.join(__dirname, 'screenshots', 'tour');
const BASE = '/admin/sla_vigil';
const WIDTHS = [1280, 390] as const;

// Friday 2026-02-20, 11:00 in Berlin: mid-morning of the seeded month's last day.
const NOW = new Date('2026-02-20T10:00:00Z');
const CRON_MS = 5 * 60_000;
const clock = new MutableClock(NOW);
let t: TestDevhost;
let browser: Browser;
/** The oldest open ticket of the Support department (every persona below may open it): a past. */
let ticketId: number;
/** An open Support ticket whose clock runs now: "N business hours left, due ...". */
let runningId: number;
/** A lead under the tour's lead policy, for the lead view's SLA tab. */
let leadId: number;
/** A lead policy the manager saved through its form before the walk (markets, sources, windows, a ladder). */
const LEAD_POLICY = 'tour-leads';

interface Stop {
  name: string;
  url: () => string;
  /** Runs after loading, e.g. opens the SLA tab. */
  then?: (page: Page) => Promise<void>;
  /**
   * Tables that must show every column at each width: never wider than their container, and on
   * a phone (as cards) no cell squeezed narrower than NARROWEST px.
   */
  tables?: string[];
  /** A host page with none of the module on it (the devhost's mailbox). */
  hostOnly?: boolean;
}

/** A cell narrower than this wraps each word on its own line (the audit's details once did). */
const NARROWEST = 60;

const openSlaTab = async (page: Page) => {
  await page.click('label[data-tab=panel-sla_vigil]');
  await page.locator('[data-testid=sv-ticket-panel]').waitFor();
};

const openLeadSlaTab = async (page: Page) => {
  await page.click('label[data-tab=panel-sla_vigil]');
  await page.locator('[data-testid=sv-lead-panel]').waitFor();
};

/**
 * The monitor's script refreshes the rows at once when the tab comes back into view: the rows-only
 * answer must arrive, be swapped in (rows still there) and leave the "updated" note fresh.
 */
const refreshRows = (table: string) => async (page: Page) => {
  const answer = page.waitForResponse((r) => r.url().includes('partial=1'));
  await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
  const res = await answer;
  if (res.status() !== 200) throw new Error(`rows refresh: HTTP ${res.status()}`);
  await page.waitForFunction(
    `document.querySelector('${table} tbody tr[data-state]') !== null && !document.querySelector('[data-monitor-updated]').classList.contains('sv-stale')`,
  );
};

const HOST_STOPS: Stop[] = [
  { name: 'home', url: () => '/admin' },
  { name: 'ticket-list', url: () => '/admin/tickets' },
  { name: 'ticket-view', url: () => `/admin/tickets/ticket/${ticketId}`, then: openSlaTab },
  { name: 'ticket-view-running', url: () => `/admin/tickets/ticket/${runningId}`, then: openSlaTab },
];
const MANAGER_STOPS: Stop[] = [
  ...HOST_STOPS,
  {
    name: 'home-team',
    url: () => '/admin',
    then: (page) => page.click('[data-testid=sv-my-risks-tab-team]'),
  },
  { name: 'ticket-list-breached', url: () => '/admin/tickets?sla=breached' },
  { name: 'lead-list', url: () => '/admin/leads?sort=sla&dir=asc' },
  { name: 'lead-view', url: () => `/admin/leads/lead/${leadId}`, then: openLeadSlaTab },
  { name: 'dashboard', url: () => BASE },
  { name: 'monitor', url: () => `${BASE}/monitor`, tables: ['[data-testid=sv-monitor]'] },
  {
    name: 'monitor-leads',
    url: () => `${BASE}/monitor?subject=lead&sort=market`,
    then: refreshRows('[data-testid=sv-monitor-leads]'),
    tables: ['[data-testid=sv-monitor-leads]'],
  },
  { name: 'reports', url: () => `${BASE}/reports`, tables: ['[data-testid=sv-report-table]'] },
  {
    name: 'settings',
    url: () => `${BASE}/settings`,
    tables: [
      '[data-testid=sv-calendars-table]',
      '[data-testid=sv-policies-table]',
      '[data-testid=sv-lead-policies-table]',
    ],
  },
  { name: 'policy-form', url: () => `${BASE}/settings/policies/vip/edit` },
  { name: 'lead-policy-new', url: () => `${BASE}/settings/lead-policies/new` },
  { name: 'lead-policy-form', url: () => `${BASE}/settings/lead-policies/${LEAD_POLICY}/edit` },
  { name: 'calendar-form', url: () => `${BASE}/settings/calendars/office-hours/edit` },
  {
    name: 'rule-tester',
    url: () => `${BASE}/rule-tester?from=vip`,
    tables: ['[data-testid=sv-rt-open]', '[data-testid=sv-rt-history]'],
  },
  { name: 'audit', url: () => `${BASE}/audit`, tables: ['[data-testid=sv-audit-table]'] },
];

/** Flattens a locale file to its sentences by key. */
function sentences(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: unknown, key: string) => {
    if (typeof node === 'string') out.set(key, node);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(v, key ? `${key}.${k}` : k);
  };
  walk(JSON.parse(fs.readFileSync(path.join(__dirname, '../../locales', file), 'utf8')), '');
  return out;
}

/**
 * English sentences of the module that the locale words differently: seeing one on a page in
 * that language means a string that was not translated. Short words and templates are left
 * out (names, "SLA", "OK" read the same in every language).
 */
function englishOnly(locale: 'de' | 'es'): Set<string> {
  const en = sentences('en.json');
  const other = sentences(`${locale}.json`);
  const out = new Set<string>();
  for (const [key, text] of en) {
    if (text.length < 6 || text.includes('{{') || !text.includes(' ')) continue;
    if (other.has(key) && other.get(key) !== text) out.add(text.trim());
  }
  return out;
}

/** The text of the module's own parts of the page (its pages, badges, tab and widget), line by line. */
function moduleTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const owned = (el) => el && el.closest('[class*="sv-"], [data-testid^="sv-"], [data-sla-state]');
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      if (text && owned(n.parentElement)) out.push(text);
    }
    return out;
  })()`);
}

async function login(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${t.devhost.url}/admin/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL('**/admin'), page.click('button[type=submit]')]);
  return page;
}

/** Visits each stop at each width: 200, no sideways scroll, no English left in `locale`. */
async function tour(who: string, email: string, stops: Stop[], locale?: 'de' | 'es'): Promise<void> {
  const page = await login(email);
  const english = locale ? englishOnly(locale) : new Set<string>();
  const problems: string[] = [];
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
      for (const stop of stops) {
        const res = await page.goto(`${t.devhost.url}${stop.url()}`);
        const where = `${who} ${stop.name} @${width}`;
        if (res?.status() !== 200) {
          problems.push(`${where}: HTTP ${res?.status()}`);
          continue;
        }
        await stop.then?.(page);
        const fit = await pageWidth(page);
        if (fit.document > fit.window)
          problems.push(
            `${where}: ${fit.document} px wide in ${fit.window}: ${(await overflowingElements(page)).join('; ')}`,
          );
        for (const table of stop.tables ?? []) {
          if ((await page.locator(table).count()) === 0) {
            problems.push(`${where}: no ${table}`);
            continue;
          }
          const box = await tableFit(page, table);
          if (box.table > box.container)
            problems.push(`${where}: ${table} is ${box.table} px wide in ${box.container}`);
          const narrowest = await narrowestCell(page, table);
          if (width < 600 && narrowest < NARROWEST)
            problems.push(`${where}: a cell of ${table} is ${Math.round(narrowest)} px wide`);
        }
        const texts = await moduleTexts(page);
        // Every stop shows some of the module (badge, tab, widget or page): none means it went missing.
        if (texts.length === 0 && !stop.hostOnly)
          problems.push(`${where}: none of the module is on the page`);
        if (locale) {
          const left = texts.filter((text) => english.has(text));
          if (left.length > 0) problems.push(`${where}: English left: ${[...new Set(left)].join(' | ')}`);
          expect(await page.locator('[lang]').first().getAttribute('lang')).toBeTruthy();
        }
        await page.screenshot({ path: path.join(SHOTS, `${who}-${stop.name}-${width}.png`), fullPage: true });
      }
    }
  } finally {
    await page.context().close();
  }
  expect(problems).toEqual([]);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Browser tests need chromium at ${CHROMIUM}: apt-get install chromium`);
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t = await startTestDevhost({
    seed: true,
    now: NOW,
    timezone: 'Europe/Berlin',
    clock,
    listen: true,
    cronIntervalMs: CRON_MS,
  });
  // The host's cron waits for the last test (the first minute after a restart).
  t.devhost.cron.stop();
  const support = await t.devhost.db('tbldepartments').where('name', 'Support').first();
  const open = await t.devhost
    .db('tbltickets')
    .where({ department: support.departmentid })
    .whereNot('status', 5)
    .orderBy('ticketid')
    .select('ticketid');
  expect(open.length).toBeGreaterThan(0);
  ticketId = open[0].ticketid;
  const running = await t.devhost
    .db('tblsla_vigil_clocks')
    .whereIn(
      'subject_id',
      open.map((o: { ticketid: number }) => o.ticketid),
    )
    .whereIn('state', ['on_track', 'at_risk'])
    .whereNull('met_at')
    .orderBy('due_at')
    .first('subject_id');
  expect(running).toBeDefined();
  runningId = running.subject_id;
  await saveLeadPolicy();
}, 300_000);

/** Saves a lead policy through the lead policy form, as a manager would, for the walk to open. */
async function saveLeadPolicy(): Promise<void> {
  const db = t.devhost.db;
  const statuses: { id: number }[] = await db('tblleads_status').where('isdefault', 0).orderBy('statusorder');
  const sources: { id: number }[] = await db('tblleads_sources').orderBy('id');
  const countries: { country_id: number }[] = await db('tblcountries').whereIn('iso2', ['DE', 'IN', 'US']);
  const manager = await db('tblstaff').where('email', 'manager@example.com').first();
  const session = await loginAgent(t.devhost.app, 'manager@example.com', DEMO_PASSWORD);
  await session.agent.get('/admin');
  const windows = Object.fromEntries(
    statuses.slice(0, 3).flatMap((s, i) => [
      [`targets.status_time.${s.id}.amount`, String(i + 1)],
      [`targets.status_time.${s.id}.unit`, 'hours'],
      [`targets.status_time.${s.id}.warnType`, i === 0 ? 'percent' : ''],
      [`targets.status_time.${s.id}.warnValue`, i === 0 ? '50' : ''],
    ]),
  );
  const res = await session.post(`${BASE}/settings/lead-policies`, {
    key: LEAD_POLICY,
    name: 'Leads in our markets',
    active: '1',
    calendar: 'office-hours',
    'match.countryIds': countries.map((c) => String(c.country_id)),
    'match.sourceIds': sources.slice(0, 2).map((s) => String(s.id)),
    'match.assignedIds': String(manager.staffid),
    ...windows,
    ...leadLadderForm(manager.staffid),
    passedLevels: 'skip',
  });
  expect(res.status).toBe(303);
  // A new lead in one of its markets, from one of its sources, owned by the manager: under it.
  leadId = await t.devhost.leads.create({
    name: 'Tour lead',
    company: 'Tour GmbH',
    status: statuses[0].id,
    source: sources[0].id,
    country: countries[0].country_id,
    assigned: manager.staffid,
  });
  const subject = await db('tblsla_vigil_subjects')
    .where({ subject_type: 'lead', subject_id: leadId })
    .first();
  expect(subject.policy_id).not.toBeNull();
}

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('every page as the people who use it, on a desk and on a phone', () => {
  it(
    'the manager (View + Manage) in English',
    () => tour('manager', 'manager@example.com', MANAGER_STOPS),
    180_000,
  );

  it('an agent with "view own" in English sees the host pages and not the dashboards', async () => {
    await tour('agent', 'agent@example.com', HOST_STOPS);
    const page = await login('agent@example.com');
    const res = await page.goto(`${t.devhost.url}${BASE}`);
    expect(res?.status()).toBe(403);
    await page.context().close();
  }, 120_000);

  it(
    'a Spanish-speaking agent',
    () => tour('agent-es', 'sofia.martinez@example.com', HOST_STOPS, 'es'),
    120_000,
  );

  it('a German-speaking manager on every page', async () => {
    await t.devhost
      .db('tblstaff')
      .where('email', 'manager@example.com')
      .update({ default_language: 'german' });
    try {
      await tour('manager-de', 'manager@example.com', MANAGER_STOPS, 'de');
    } finally {
      await t.devhost
        .db('tblstaff')
        .where('email', 'manager@example.com')
        .update({ default_language: 'english' });
    }
  }, 180_000);

  it("the administrator reads the demo's escalation mail in the devhost mailbox", async () => {
    // A quarter of an hour on, the live tickets climb their ladders and mail the lead and manager.
    const later = new Date(NOW.getTime() + 15 * 60_000);
    clock.set(later);
    await createModuleServices(t.devhost.host).scanner.run(later);
    const mails = await t.devhost.mailbox.list();
    expect(mails.length).toBeGreaterThan(0);
    await tour('admin', 'admin@example.com', [
      { name: 'mailbox', url: () => '/admin/mailbox', hostOnly: true },
      { name: 'mail', url: () => `/admin/mailbox/${mails[0].id}`, hostOnly: true },
    ]);
  }, 120_000);

  it('after a restart the pages say when the first scan runs, not that scans are missing', async () => {
    clock.set(new Date(NOW.getTime() + 60 * 60_000));
    t.devhost.cron.start();
    try {
      await tour('manager', 'manager@example.com', [
        {
          name: 'dashboard-first-minute',
          url: () => BASE,
          then: (page) => page.locator('[data-testid=sv-first-scan]').waitFor(),
        },
      ]);
    } finally {
      t.devhost.cron.stop();
    }
  }, 60_000);
});
