import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { insertStaffWithCapabilities } from '../helpers/host-fixtures';
import { readCsv } from '../helpers/csv-reader';
import { narrowestCell, pageWidth, tableFit, withinViewportWidth } from '../helpers/page-fit';
import { MutableClock } from '../../devhost/mutable-clock';
import { main as cli } from '../../src/cli';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

/**
 * The manager's day in a real browser: set up a calendar and a policy through the settings
 * forms, watch a ticket's SLA in its panel and in the ticket list, see it breach after a
 * `sla-vigil scan --once --now`, and export the compliance report. Screenshots of the
 * dashboard, monitor, ticket list and ticket view land in test/e2e/screenshots/.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SCREENSHOTS = path.join(__dirname, 'screenshots');
const BASE = '/admin/sla_vigil';

// Tue 2026-03-03 09:30 in Berlin: the office is open, so the new ticket's clocks run.
const clock = new MutableClock(new Date('2026-03-03T08:30:00Z'));
let t: TestDevhost;
let browser: Browser;
let page: Page;
let support: number;
let ticketId: number;
const savedUrl = process.env.DATABASE_URL;

const shoot = (name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
const go = async (url: string) => {
  const res = await page.goto(`${t.devhost.url}${url}`);
  expect(res?.status()).toBe(200);
};
/** Submits the page's main form and waits for the redirect a successful save makes. */
const save = async (button: string, urlAfter: string) => {
  await Promise.all([page.waitForURL(urlAfter), page.click(button)]);
};
const listBadge = () =>
  page.locator(`tr[data-ticket-id="${ticketId}"] td[data-column=sla_vigil] [data-sla-state]`).first();

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Browser tests need chromium at ${CHROMIUM}: apt-get install chromium`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t = await startTestDevhost({ listen: true, timezone: 'Europe/Berlin', clock });
  process.env.DATABASE_URL = t.database.url;
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  await insertStaffWithCapabilities(db, 'mia.manager@x.test', 'manager-pass', ['manage']);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  process.env.DATABASE_URL = savedUrl;
  await browser?.close();
  await t?.close();
});

describe('the manager sets up SLAs and watches a ticket breach', () => {
  it('logs in and is walked to the first calendar and policy', async () => {
    await go('/admin/login');
    await page.fill('input[name=email]', 'mia.manager@x.test');
    await page.fill('input[name=password]', 'manager-pass');
    await Promise.all([page.waitForURL('**/admin'), page.click('button[type=submit]')]);
    await go(BASE);
    await page.locator('[data-testid=sv-onboarding]').waitFor();
  });

  it('creates a calendar through the form', async () => {
    await page.click('a[href="/admin/sla_vigil/settings/calendars/new"]');
    await page.fill('input[name=key]', 'berlin-office');
    await page.fill('input[name=name]', 'Berlin office');
    await page.selectOption('select[name=timezone]', 'Europe/Berlin');
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri']) {
      await page.fill(`input[name="week.${day}.0.start"]`, '09:00');
      await page.fill(`input[name="week.${day}.0.end"]`, '17:00');
    }
    await save('.sv-form button.sv-button--primary', `**${BASE}/settings?saved=calendar:berlin-office*`);
  });

  it('creates a policy through the form', async () => {
    await go(`${BASE}/settings/policies/new`);
    await page.fill('input[name=key]', 'support');
    await page.fill('input[name=name]', 'Support hours');
    await page.selectOption('select[name=calendar]', 'berlin-office');
    await page.selectOption('select[name="match.departmentIds"]', String(support));
    await page.fill('input[name="targets.first_response.amount"]', '1');
    await page.selectOption('select[name="targets.first_response.unit"]', 'hours');
    await page.fill('input[name="targets.resolution.amount"]', '8');
    await page.selectOption('select[name="targets.resolution.unit"]', 'hours');
    await save('.sv-form button.sv-button--primary', `**${BASE}/settings?saved=policy:support*`);
    await expect(page.locator('body').textContent()).resolves.toContain('Support hours');
  });

  it('creates a lead policy through its form: a market found by typing, a status window, a lead ladder', async () => {
    const db = t.devhost.db;
    const [newStatus] = await db('tblleads_status').insert({
      name: 'New',
      statusorder: 1,
      color: '#000',
      isdefault: 0,
    });
    const germany = (await db('tblcountries').where('short_name', 'Germany').first()).country_id;
    const mia = (await db('tblstaff').where('email', 'mia.manager@x.test').first()).staffid;
    await go(`${BASE}/settings`);
    await Promise.all([
      page.waitForURL('**/lead-policies/new'),
      page.click('[data-testid=sv-new-lead-policy]'),
    ]);
    await page.fill('input[name=key]', 'dach-leads');
    await page.fill('input[name=name]', 'DACH leads');
    await page.selectOption('select[name=calendar]', 'berlin-office');
    // 249 countries: typing narrows the list to the ones that contain the text.
    await page.fill('[data-choice-filter=sv-countryIds]', 'germ');
    await expect(page.locator('#sv-countryIds option:not([hidden])').allTextContents()).resolves.toEqual([
      'Germany',
    ]);
    await page.selectOption('select[name="match.countryIds"]', String(germany));
    await page.fill(`input[name="targets.status_time.${newStatus}.amount"]`, '1');
    await page.selectOption('select[name="escalations.0.metric"]', 'status_time');
    await page.selectOption('select[name="escalations.0.trigger"]', 'after_due');
    await page.fill('input[name="escalations.0.minutes"]', '30');
    await page.selectOption('select[name="escalations.0.action"]', 'reassign_staff');
    // Only the select the action needs is shown; a lead row has no priority at all.
    await expect(page.locator('[data-level="0"] [data-target-field=staffId]').isVisible()).resolves.toBe(
      true,
    );
    await expect(page.locator('[data-level="0"] [data-target-field=departmentId]').isVisible()).resolves.toBe(
      false,
    );
    await expect(page.locator('select[name="escalations.0.priorityId"]').count()).resolves.toBe(0);
    await page.selectOption('select[name="escalations.0.staffId"]', String(mia));
    await save('.sv-form button.sv-button--primary', `**${BASE}/settings?saved=policy:dach-leads*`);
    const row = page.locator('[data-testid=sv-lead-policies] tr[data-policy=dach-leads]');
    await expect(row.locator('[data-testid=sv-policy-applies]').textContent()).resolves.toBe(
      'Market Germany',
    );
    await expect(row.locator('[data-testid=sv-policy-targets]').textContent()).resolves.toBe(
      'Time in New 1 business h',
    );
  });

  it('opens a ticket and sees its SLA panel', async () => {
    const [contactUser] = await t.devhost
      .db('tblclients')
      .insert({ company: 'Acme', datecreated: '2026-01-01' });
    const [contactid] = await t.devhost.db('tblcontacts').insert({
      userid: contactUser,
      firstname: 'Cora',
      lastname: 'Client',
      email: 'cora@acme.test',
      datecreated: '2026-01-01 00:00:00',
    });
    ticketId = await t.devhost.tickets.create({
      subject: 'VPN drops every hour',
      message: 'Since Monday.',
      department: support,
      contactid,
    });
    await go(`/admin/tickets/ticket/${ticketId}`);
    await page.click('label[data-tab=panel-sla_vigil]');
    const panel = page.locator('[data-testid=sv-ticket-panel]');
    await panel.waitFor({ state: 'visible' });
    await expect(panel.textContent()).resolves.toContain('Support hours');
    const firstResponse = panel.locator('tr[data-metric=first_response]');
    await expect(
      firstResponse.locator('[data-sla-state]').first().getAttribute('data-sla-state'),
    ).resolves.toBe('on_track');
    // Due at 10:30 Berlin: the business time left on the calendar and the wall-clock due time.
    const leftDue = firstResponse.locator('[data-testid=sv-left-due]');
    await expect(leftDue.locator('time').getAttribute('datetime')).resolves.toBe('2026-03-03T09:30:00.000Z');
    await expect(leftDue.textContent()).resolves.toMatch(
      /^\s*1 business hour left,\s+due Tue 3 Mar 10:30\s*$/,
    );
    // Metrics in the order they happen: first response, then resolution.
    await expect(
      panel.locator('tr[data-metric]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-metric'))),
    ).resolves.toEqual(['first_response', 'resolution']);
    // The header shows the SLA badge next to the status.
    await expect(
      page.locator('[data-testid=ticket-head-badge] [data-sla-state]').getAttribute('data-sla-state'),
    ).resolves.toBe('on_track');
    await shoot('ticket-view');
    // At phone width each clock is a card: nothing sticks out sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
      390,
    );
    await shoot('ticket-view-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('sees the list badge go from on track to breached after a scan with --now', async () => {
    await go('/admin/tickets');
    await expect(listBadge().getAttribute('data-sla-state')).resolves.toBe('on_track');
    await expect(listBadge().textContent()).resolves.toMatch(/left/);

    // 11:00 Berlin: half an hour past the first-response target. The host's cron would scan now.
    clock.set(new Date('2026-03-03T10:00:00Z'));
    await cli(['node', 'sla-vigil', 'scan', '--once', '--now', '2026-03-03T10:00:00Z']);

    await go('/admin/tickets');
    await expect(listBadge().getAttribute('data-sla-state')).resolves.toBe('breached');
    await expect(listBadge().textContent()).resolves.toContain('30m overdue');
    // The list's SLA filter reads what the scan stored.
    await go('/admin/tickets?sla=breached');
    await expect(page.locator(`tr[data-ticket-id="${ticketId}"]`).count()).resolves.toBe(1);
    await go('/admin/tickets?sla=on_track');
    await expect(page.locator(`tr[data-ticket-id="${ticketId}"]`).count()).resolves.toBe(0);
    await go('/admin/tickets');
    await shoot('ticket-list');
    // At 1280 px every column fits beside the open sidebar: no cut column, no menu button.
    const list = await tableFit(page, '[data-testid=tickets-table]');
    expect(list.table).toBeLessThanOrEqual(list.container);
    await expect(page.locator('[data-testid=menu-toggle]').isVisible()).resolves.toBe(false);
    await expect(page.locator('#admin-nav').isVisible()).resolves.toBe(true);
  });

  it('fits a phone: the list badge is in view and the sidebar folds behind a menu button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await go('/admin/tickets');
      const width = await pageWidth(page);
      expect(width.document).toBeLessThanOrEqual(width.window);
      await expect(
        withinViewportWidth(page, `tr[data-ticket-id="${ticketId}"] [data-sla-state]`),
      ).resolves.toBe(true);
      const toggle = page.locator('[data-testid=menu-toggle]');
      const nav = page.locator('#admin-nav');
      await expect(toggle.getAttribute('aria-controls')).resolves.toBe('admin-nav');
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(nav.isVisible()).resolves.toBe(false);
      await shoot('ticket-list-phone');
      await toggle.click();
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
      await expect(nav.isVisible()).resolves.toBe(true);
      await shoot('menu-open-phone');
      await toggle.click();
      await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(nav.isVisible()).resolves.toBe(false);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows the breach on the dashboard and the monitor', async () => {
    await go(BASE);
    await expect(page.locator('[data-testid=sv-onboarding]').count()).resolves.toBe(0);
    await expect(page.getAttribute('[data-testid=sv-kpis] [data-kpi=breached]', 'data-value')).resolves.toBe(
      '1',
    );
    await shoot('dashboard');
    await go(`${BASE}/monitor`);
    await expect(
      page.locator(`[data-ticket-id="${ticketId}"] [data-sla-state=breached]`).count(),
    ).resolves.toBe(1);
    await shoot('monitor');
  });

  it('sets up an on-call rota in its editor and sees who is on call now, at 1280 and 390 px', async () => {
    await go(`${BASE}/settings`);
    await Promise.all([page.waitForURL('**/settings/on-call'), page.click('[data-testid=sv-on-call-link]')]);
    await Promise.all([page.waitForURL('**/on-call/new'), page.click('[data-testid=sv-new-rota]')]);
    await page.fill('input[name=key]', 'support-nights');
    await page.fill('input[name=name]', 'Support nights');
    await page.selectOption('select[name=departmentId]', { label: 'Support' });
    await page.selectOption('select[name=fallbackStaffId]', { label: 'Mia Manager' });
    await page.selectOption('select[name=timezone]', 'Europe/Berlin');
    await page.fill('input[name=startsAt]', '2026-02-23');
    await page.fill('input[name=handover]', '09:00');
    await page.selectOption('select[name="order.0"]', { label: 'Ada Admin' });
    await page.selectOption('select[name="order.1"]', { label: 'Mia Manager' });
    await save('[data-testid=sv-save-rota]', '**/settings/on-call?saved=support-nights');
    const now = page.locator('tr[data-rota=support-nights] [data-testid=sv-on-call-now]');
    await expect(now.textContent()).resolves.toMatch(/Ada Admin|Mia Manager/);
    await expect(
      page.locator('tr[data-rota=support-nights] [data-testid=sv-handovers] li').count(),
    ).resolves.toBe(3);
    await shoot('on-call');
    await page.click('tr[data-rota=support-nights] [data-testid=sv-edit-rota]');
    await page.locator('[data-testid=sv-rota-now]').waitFor();
    await expect(page.inputValue('select[name="order.1"]')).resolves.not.toBe('');
    // Only the chosen kind of rotation shows its fields.
    await page.check('[data-testid=sv-type-ranges]');
    await expect(page.isVisible('[data-testid=sv-ranges]')).resolves.toBe(true);
    await expect(page.isVisible('select[name="order.0"]')).resolves.toBe(false);
    await page.check('[data-testid=sv-type-weekly]');
    await expect(page.isVisible('[data-testid=sv-ranges]')).resolves.toBe(false);
    await shoot('on-call-rota');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const phone = await pageWidth(page);
      expect(phone.document).toBeLessThanOrEqual(phone.window);
      await shoot('on-call-rota-phone');
      await go(`${BASE}/settings/on-call`);
      const list = await tableFit(page, '[data-testid=sv-rotas-table]');
      expect(list.table).toBeLessThanOrEqual(list.container);
      await shoot('on-call-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('forecasts the resolution breach on the dashboard and the monitor, at 1280 and 390 px', async () => {
    // 11:00 Berlin on Tuesday: the resolution's 8 business hours from 09:30 end Wednesday 09:30
    // (7.5 h on Tuesday, 0.5 h on Wednesday), 22.5 wall-clock hours from now: within 24 h only.
    await go(BASE);
    const totals = page.locator('[data-testid=sv-forecast-totals]');
    await expect(
      totals.locator('[data-window]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-value'))),
    ).resolves.toEqual(['0', '0', '1']);
    const departments = page.locator('[data-testid=sv-forecast-departments]');
    await expect(departments.locator(`tr[data-id="${support}"]`).getAttribute('data-24h')).resolves.toBe('1');
    await expect(page.locator('[data-testid=sv-forecast]').textContent()).resolves.toContain(
      'Paused clocks do not run',
    );
    await page.locator('[data-testid=sv-forecast]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-forecast.png') });
    const wide = await tableFit(page, '[data-testid=sv-forecast-agents]');
    expect(wide.table).toBeLessThanOrEqual(wide.container);

    await go(`${BASE}/monitor`);
    const strip = page.locator('[data-testid=sv-forecast-strip]');
    await expect(strip.locator('[data-forecast-count]').allTextContents()).resolves.toEqual(['0', '0', '1']);
    await shoot('monitor-forecast');
    // The strip's 24 h count narrows the list to the ticket that will breach.
    await Promise.all([
      page.waitForURL('**breach_within=24h*'),
      strip.locator('[data-window="24h"]').click(),
    ]);
    await expect(page.locator('[data-testid=sv-monitor] tbody tr[data-ticket-id]').count()).resolves.toBe(1);
    await expect(page.locator('select[name=breach_within]').inputValue()).resolves.toBe('24h');

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await go(BASE);
      const phone = await pageWidth(page);
      expect(phone.document).toBeLessThanOrEqual(phone.window);
      const cards = await tableFit(page, '[data-testid=sv-forecast-departments]');
      expect(cards.table).toBeLessThanOrEqual(cards.container);
      expect(await narrowestCell(page, '[data-testid=sv-forecast-departments]')).toBeGreaterThanOrEqual(60);
      await page.locator('[data-testid=sv-forecast]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-forecast-phone.png') });
      await go(`${BASE}/monitor?breach_within=24h`);
      const monitor = await pageWidth(page);
      expect(monitor.document).toBeLessThanOrEqual(monitor.window);
      await expect(withinViewportWidth(page, '[data-testid=sv-forecast-strip]')).resolves.toBe(true);
      await shoot('monitor-forecast-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('exports the report CSV with the rows the page shows', async () => {
    await go(`${BASE}/reports?from=2026-03-01&to=2026-03-31&group=policy`);
    await expect(page.locator('[data-testid=sv-report-table]').textContent()).resolves.toContain(
      'Support hours',
    );
    await shoot('reports');
    const report = await tableFit(page, '[data-testid=sv-report-table]');
    expect(report.table).toBeLessThanOrEqual(report.container);
    // On a phone each group is a card of labelled figures: nothing cut off, no column squeezed.
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await pageWidth(page);
    expect(phone.document).toBeLessThanOrEqual(phone.window);
    const cards = await tableFit(page, '[data-testid=sv-report-table]');
    expect(cards.table).toBeLessThanOrEqual(cards.container);
    expect(await narrowestCell(page, '[data-testid=sv-report-table]')).toBeGreaterThanOrEqual(60);
    await shoot('reports-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=sv-export-report]'),
    ]);
    const rows = readCsv(fs.readFileSync(await download.path(), 'utf8'));
    const supportRow = rows.find((r) => r.some((cell) => cell === 'Support hours'));
    expect(supportRow).toBeDefined();
    // One clock finished in March, the first response, and it breached: 0 % on time.
    expect(rows[0].length).toBe(supportRow?.length);
    expect(supportRow).toContain('1');

    const [tickets] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=sv-export-tickets]'),
    ]);
    const ticketRows = readCsv(fs.readFileSync(await tickets.path(), 'utf8'));
    // Only clocks that finished in the range: the breached first response, not the running resolution.
    expect(ticketRows.slice(1)).toEqual([
      [
        String(ticketId),
        'VPN drops every hour',
        'Acme',
        'Support',
        '',
        'Support hours',
        'First response',
        '1',
        '2026-03-03 09:30',
        '2026-03-03 10:30',
        '',
        '2026-03-03 10:30',
        'Breached',
        'Customer SLA',
      ],
    ]);
  });
});

describe('the rule tester', () => {
  it('shows its results beside the draft form without cutting a column at 1280 px', async () => {
    await go(`${BASE}/rule-tester?from=support`);
    await page.click('[data-testid=sv-rt-submit]');
    await page.locator('[data-testid=sv-rt-history]').waitFor();
    for (const table of ['[data-testid=sv-rt-open]', '[data-testid=sv-rt-history]']) {
      const fit = await tableFit(page, table);
      expect(fit.table).toBeLessThanOrEqual(fit.container);
    }
    await shoot('rule-tester');
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await pageWidth(page);
    expect(phone.document).toBeLessThanOrEqual(phone.window);
    // As cards: the state badges and "Governed by" stay on screen.
    for (const table of ['[data-testid=sv-rt-open]', '[data-testid=sv-rt-history]']) {
      const fit = await tableFit(page, table);
      expect(fit.table).toBeLessThanOrEqual(fit.container);
      expect(await narrowestCell(page, table)).toBeGreaterThanOrEqual(60);
    }
    await shoot('rule-tester-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('webhook settings', () => {
  it('adds an endpoint, presses "Send test" and sees the receiver\'s answer, at 1280 and 390 px', async () => {
    const secret = 'browser-secret-0123456789';
    const receiver = await startWebhookReceiver(secret, [{ status: 200, body: '{"ok":true}' }]);
    try {
      await go(`${BASE}/settings`);
      await Promise.all([
        page.waitForURL(`**${BASE}/settings/webhooks`),
        page.click('[data-testid=sv-webhooks-link]'),
      ]);
      await page.click('[data-testid=sv-new-webhook]');
      await page.fill('#sv-key', 'team-chat');
      await page.fill('#sv-name', 'Team chat');
      await page.fill('#sv-url', receiver.url);
      await page.selectOption('#sv-format', 'slack');
      await page.fill('#sv-secret', secret);
      await page.check('input[name=allowPrivateAddress]');
      await save('[data-testid=sv-webhook-save]', `**${BASE}/settings/webhooks?saved=team-chat`);
      await expect(page.locator('[data-testid=sv-webhook-secret]').innerText()).resolves.toMatch(/set/);
      await Promise.all([page.waitForLoadState('load'), page.click('[data-testid=sv-webhook-send-test]')]);
      await expect(page.locator('[data-testid=sv-webhook-test-status]').innerText()).resolves.toContain(
        '200',
      );
      await expect(page.locator('[data-testid=sv-webhook-test-answer]').innerText()).resolves.toBe(
        '{"ok":true}',
      );
      expect(receiver.posts).toHaveLength(1);
      expect(receiver.posts[0].verified).toBe(true);
      expect(await page.content()).not.toContain(secret);
      const fit = await tableFit(page, '[data-testid=sv-webhooks-table]');
      expect(fit.table).toBeLessThanOrEqual(fit.container);
      await shoot('webhook-settings');
      await page.setViewportSize({ width: 390, height: 844 });
      const phone = await pageWidth(page);
      expect(phone.document).toBeLessThanOrEqual(phone.window);
      await shoot('webhook-settings-phone');
      // The edit form fits a phone too, and shows the secret only as "set".
      await go(`${BASE}/settings/webhooks/team-chat/edit`);
      await expect(page.locator('#sv-secret').inputValue()).resolves.toBe('');
      await page.locator('[data-testid=sv-webhook-secret-set]').waitFor();
      const form = await pageWidth(page);
      expect(form.document).toBeLessThanOrEqual(form.window);
      await shoot('webhook-form-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
    } finally {
      await receiver.close();
    }
  });
});

describe('an agent with view own, and the manager’s team view', () => {
  let agent: Page;

  beforeAll(async () => {
    const db = t.devhost.db;
    const agentId = await insertStaffWithCapabilities(db, 'ada.agent@x.test', 'agent-pass', ['view_own']);
    const managerId = (await db('tblstaff').where('email', 'mia.manager@x.test').first()).staffid as number;
    await db('tblstaff_departments').insert([
      { staffid: agentId, departmentid: support },
      { staffid: managerId, departmentid: support },
    ]);
    await db('tbltickets').where('ticketid', ticketId).update({ assigned: agentId });
    await cli(['node', 'sla-vigil', 'scan', '--once', '--now', '2026-03-03T10:00:00Z']);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    agent = await context.newPage();
    await agent.goto(`${t.devhost.url}/admin/login`);
    await agent.fill('input[name=email]', 'ada.agent@x.test');
    await agent.fill('input[name=password]', 'agent-pass');
    await Promise.all([agent.waitForURL('**/admin'), agent.click('button[type=submit]')]);
  });

  it('sees the clock of their ticket on the home page, in the list and in the SLA tab, but no dashboard', async () => {
    const widget = agent.locator('[data-testid=sv-my-risks]');
    await expect(
      widget
        .locator(`li[data-ticket-id="${ticketId}"] [data-sla-state]`)
        .first()
        .getAttribute('data-sla-state'),
    ).resolves.toBe('breached');
    await expect(widget.locator('[data-testid=sv-my-risks-tab-team]').count()).resolves.toBe(0);
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'agent-home.png'), fullPage: true });
    await agent.setViewportSize({ width: 390, height: 844 });
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'agent-home-phone.png'), fullPage: true });
    await agent.setViewportSize({ width: 1280, height: 900 });
    await agent.goto(`${t.devhost.url}/admin/tickets`);
    await expect(
      agent
        .locator(`tr[data-ticket-id="${ticketId}"] td[data-column=sla_vigil] [data-sla-state]`)
        .first()
        .getAttribute('data-sla-state'),
    ).resolves.toBe('breached');
    await expect(agent.locator('[data-menu=sla_vigil]').count()).resolves.toBe(0);
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'agent-ticket-list.png'), fullPage: true });
    await agent.goto(`${t.devhost.url}/admin/tickets/ticket/${ticketId}`);
    await agent.click('label[data-tab=panel-sla_vigil]');
    await agent.locator('[data-testid=sv-ticket-panel]').waitFor({ state: 'visible' });
    await agent.screenshot({ path: path.join(SCREENSHOTS, 'agent-ticket-view.png'), fullPage: true });
    const dashboard = await agent.goto(`${t.devhost.url}${BASE}`);
    expect(dashboard?.status()).toBe(403);
  });

  it('the manager switches My SLA risks to My team and sees the department’s breached ticket', async () => {
    await go('/admin');
    const widget = page.locator('[data-testid=sv-my-risks]');
    await expect(widget.locator('[data-testid=sv-my-risks-team]').isVisible()).resolves.toBe(false);
    await widget.locator('[data-testid=sv-my-risks-tab-team]').click();
    const team = widget.locator('[data-testid=sv-my-risks-team]');
    await expect(team.isVisible()).resolves.toBe(true);
    await expect(team.locator(`li[data-ticket-id="${ticketId}"]`).count()).resolves.toBe(1);
    await expect(team.locator('[data-testid=sv-my-risks-assignee]').first().textContent()).resolves.toBe(
      'Ada Agent',
    );
    await shoot('manager-home-team');
  });
});

describe('the manager watches a German lead breach its window in New', () => {
  let late: number;
  let fresh: number;
  const leadBadge = (id: number) =>
    page.locator(`tr[data-lead-id="${id}"] td[data-column=sla_vigil] [data-sla-state]`).first();
  const listedLeads = () =>
    page
      .locator('[data-testid=leads-table] tbody tr[data-lead-id]')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-lead-id'))));

  beforeAll(async () => {
    const db = t.devhost.db;
    // The DACH policy saved through its form above: New at most 1 business hour, Germany only.
    const newStatus = (await db('tblleads_status').where('name', 'New').first()).id as number;
    const germany = (await db('tblcountries').where('short_name', 'Germany').first()).country_id as number;
    const lead = { status: newStatus, source: 1, country: germany, assigned: 0 };
    // 09:30 Berlin: due 10:30, so at 11:00 half an hour overdue; 10:45: due 11:45, on track.
    late = await t.devhost.leads.create({
      ...lead,
      name: 'Greta Late',
      email: 'greta@x.test',
      date: new Date('2026-03-03T08:30:00Z'),
    });
    fresh = await t.devhost.leads.create({
      ...lead,
      name: 'Felix Fresh',
      email: 'felix@x.test',
      date: new Date('2026-03-03T09:45:00Z'),
    });
    await cli(['node', 'sla-vigil', 'scan', '--once', '--now', '2026-03-03T10:00:00Z']);
  });

  it('sees each lead’s badge in the lead list, filters the breached one and sorts by urgency', async () => {
    await go('/admin/leads');
    await expect(leadBadge(late).getAttribute('data-sla-state')).resolves.toBe('breached');
    await expect(leadBadge(late).textContent()).resolves.toContain('30m overdue');
    await expect(leadBadge(fresh).getAttribute('data-sla-state')).resolves.toBe('on_track');
    await expect(leadBadge(fresh).textContent()).resolves.toContain('45m left');

    // The SLA filter is one of the list's own selects; the form submits it like the others.
    await page.selectOption('select[data-column-filter=sla_vigil]', 'breached');
    await Promise.all([
      page.waitForURL('**/admin/leads?*sla=breached*'),
      page.click('form.filters button[type=submit]'),
    ]);
    expect(await listedLeads()).toEqual([late]);

    // Sorting by the SLA column puts the breached lead before the one still on track.
    await go('/admin/leads');
    await Promise.all([page.waitForURL('**sort=sla**'), page.click('th[data-column=sla_vigil] a')]);
    const order = await listedLeads();
    expect(order.indexOf(late)).toBeLessThan(order.indexOf(fresh));
    await shoot('lead-list');
  });

  it('opens the lead’s SLA tab: the window, why the policy applies, and the countdown', async () => {
    await go(`/admin/leads/lead/${late}`);
    await page.click('label[data-tab=panel-sla_vigil]');
    const panel = page.locator('[data-testid=sv-lead-panel]');
    await panel.waitFor({ state: 'visible' });
    await expect(panel.textContent()).resolves.toContain('DACH leads');
    await expect(panel.locator('[data-testid=sv-policy-match]').textContent()).resolves.toContain('Germany');
    const row = panel.locator('tr[data-metric=status_time]').first();
    await expect(row.locator('[data-sla-state]').first().getAttribute('data-sla-state')).resolves.toBe(
      'breached',
    );
    await expect(row.textContent()).resolves.toContain('New');
    // The countdown and the wall-clock due time (10:30 Berlin) both point at the due instant.
    const leftDue = row.locator('[data-testid=sv-left-due]');
    await expect(leftDue.locator('time[data-sv-countdown]').textContent()).resolves.toBe('30m overdue');
    await expect(leftDue.textContent()).resolves.toContain('due Tue 3 Mar 10:30');
    await expect(
      leftDue.locator('time').evaluateAll((times) => times.map((el) => el.getAttribute('datetime'))),
    ).resolves.toEqual(['2026-03-03T09:30:00.000Z', '2026-03-03T09:30:00.000Z']);
    await shoot('lead-view');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(
      390,
    );
    await shoot('lead-view-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
