import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { DEFAULT_SETTINGS, type SlaConfig } from '../../src/sla/config';
import { supportPolicy, WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { insertStaff } from '../helpers/host-fixtures';
import { tableFit } from '../helpers/page-fit';

/**
 * The admin flow in a real browser: a staff member opens a ticket for a client through the
 * devhost's forms and finds the module's parts (SLA tab, list column, dashboard, menu)
 * showing it; a staff member without the module's permission sees none of it.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOTS = path.resolve(__dirname, '../../.tmp');

// Tue 2026-03-03 09:30 Europe/Berlin: inside office hours, so the new ticket's clocks run.
const clock = new MutableClock(new Date('2026-03-03T08:30:00Z'));
let t: TestDevhost;
let browser: Browser;
let support: number;
let contactId: number;

const office = WEEKDAYS_9_TO_5;

function slaConfig(department: number): SlaConfig {
  return {
    calendars: [
      { key: 'berlin-office', name: 'Berlin office', timezone: 'Europe/Berlin', week: office, holidays: [] },
    ],
    policies: [supportPolicy(department)],
    settings: DEFAULT_SETTINGS,
  };
}

async function login(context: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${t.devhost.url}/admin/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL('**/admin'), page.click('button[type=submit]')]);
  return page;
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `e2e-${name}.png`), fullPage: true });

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Browser tests need Debian's chromium at ${CHROMIUM}: run \`apt-get install chromium\` (as root)`,
    );
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // One after the other, so afterAll can close whichever started when the other fails.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t = await startTestDevhost({ listen: true, timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  const [billing] = await db('tbldepartments').insert({ name: 'Billing' });
  const [userid] = await db('tblclients').insert({
    company: 'Acme GmbH',
    datecreated: '2026-01-01 00:00:00',
  });
  [contactId] = await db('tblcontacts').insert({
    userid,
    firstname: 'Cora',
    lastname: 'Client',
    email: 'cora@acme.test',
    datecreated: '2026-01-01 00:00:00',
  });
  await insertStaff(db, 'sam@example.com', 'agent-pass', { firstname: 'Sam', lastname: 'Agent' });
  // Neighbours in the list, so its SLA column shows more than one state: one opened yesterday
  // morning and never answered (breached), one late yesterday (at risk by 09:30), one in a
  // department without a policy. A scan at "now" moves their clocks on.
  const services = createModuleServices(t.devhost.host);
  await services.config.import(slaConfig(support));
  const open = async (iso: string, subject: string, department: number) => {
    clock.set(new Date(iso));
    await t.devhost.tickets.create({ subject, message: subject, department, contactid: contactId });
  };
  await open('2026-03-02T08:00:00Z', 'Invoice PDF is blank', support);
  await open('2026-03-02T15:40:00Z', 'Printer jams on duplex', support);
  await open('2026-03-02T16:00:00Z', 'Change billing address', billing);
  clock.set(new Date('2026-03-03T08:30:00Z'));
  await services.scanner.run(clock.now());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('admin flow in the browser', () => {
  let ticketId: number;

  it('an admin opens a ticket for a contact; SLA tab, list column and dashboard show it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await login(context, 'admin@example.com', 'demo1234');
      await page.goto(`${t.devhost.url}/admin/tickets`);
      await page.click('.page-head >> text=New ticket');
      await page.waitForURL('**/admin/tickets/add');

      await page.check('input[name=opened_by][value=contact]');
      await page.selectOption('select[name=contactid]', String(contactId));
      await page.selectOption('select[name=department]', String(support));
      await page.fill('input[name=subject]', 'VPN drops every hour');
      await page.fill('textarea[name=message]', 'Since Monday the VPN disconnects every hour.');
      await Promise.all([
        page.waitForURL('**/admin/tickets/ticket/*'),
        page.click('button:has-text("Open ticket")'),
      ]);

      ticketId = Number(/\/admin\/tickets\/ticket\/(\d+)/.exec(page.url())?.[1]);
      expect(ticketId).toBeGreaterThan(0);
      await expect(page.textContent('[data-testid=flash]')).resolves.toContain(`Ticket #${ticketId} created`);

      // The module's tab: the created event from the hook and the ticket's clock state.
      await page.click('label[data-tab=panel-sla_vigil]');
      const panel = page.locator('[data-testid=sv-ticket-panel]');
      await panel.locator('[data-event=created]').waitFor({ state: 'visible' });
      await expect(panel.locator('[data-sla-state]').first().getAttribute('data-sla-state')).resolves.toBe(
        'on_track',
      );
      await expect(panel.locator('tr[data-metric]').count()).resolves.toBeGreaterThanOrEqual(2);
      await screenshot(page, 'ticket-sla-tab');

      // Back to the list: the new row has its SLA badge.
      await Promise.all([page.waitForURL('**/admin/tickets'), page.click('text=‹ Back to tickets')]);
      const badge = page.locator(
        `tr[data-ticket-id="${ticketId}"] td[data-column=sla_vigil] [data-sla-state]`,
      );
      await expect(badge.getAttribute('data-sla-state')).resolves.toBe('on_track');
      const states = await page
        .locator('td[data-column=sla_vigil] [data-sla-state]')
        .evaluateAll((badges) => badges.map((b) => b.getAttribute('data-sla-state')));
      expect(states.sort()).toEqual(['at_risk', 'breached', 'no_policy', 'on_track']);
      await screenshot(page, 'ticket-list');
      // Every column fits at 1280 px, the four SLA states' badges included.
      const list = await tableFit(page, '[data-testid=tickets-table]');
      expect(list.table).toBeLessThanOrEqual(list.container);

      // The module's page through its menu item.
      await Promise.all([page.waitForURL('**/admin/sla_vigil'), page.click('[data-menu=sla_vigil]')]);
      // The new ticket and its two Support neighbours are open under SLA; the Billing one has no policy.
      await expect(
        page.getAttribute('[data-testid=sv-kpis] [data-kpi=open_under_sla]', 'data-value'),
      ).resolves.toBe('3');
      await screenshot(page, 'dashboard');
    } finally {
      await context.close();
    }

    const rows = await t.devhost
      .db('tblsla_vigil_timeline')
      .where({ subject_type: 'ticket', subject_id: ticketId, event_type: 'created' })
      .select('source');
    expect(rows).toEqual([{ source: 'hook' }]);
  }, 30_000);

  it('on a phone without script the menu stays open and the menu button, which would do nothing, is hidden', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    });
    try {
      const page = await login(context, 'admin@example.com', 'demo1234');
      await page.goto(`${t.devhost.url}/admin/tickets`);
      await expect(page.locator('#admin-nav').isVisible()).resolves.toBe(true);
      await expect(page.locator('[data-testid=menu-toggle]').isVisible()).resolves.toBe(false);
      await expect(
        page.evaluate<number>('document.documentElement.scrollWidth'),
      ).resolves.toBeLessThanOrEqual(390);
      await screenshot(page, 'ticket-list-phone-no-script');
    } finally {
      await context.close();
    }
  }, 20_000);

  it('a staff member without sla_vigil permission gets no menu item and a 403', async () => {
    const context = await browser.newContext();
    try {
      const page = await login(context, 'sam@example.com', 'agent-pass');
      await expect(page.locator('[data-testid=staff-name]').textContent()).resolves.toContain('Sam Agent');
      await expect(page.locator('[data-menu=sla_vigil]').count()).resolves.toBe(0);
      const res = await page.goto(`${t.devhost.url}/admin/sla_vigil`);
      expect(res?.status()).toBe(403);
      // The refusal is a page in the admin layout (sidebar kept), saying what is missing.
      await expect(page.locator('[data-testid=sv-forbidden]').textContent()).resolves.toContain(
        'You do not have permission to view SLA Vigil.',
      );
      await expect(page.locator('[data-testid=staff-name]').count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  }, 20_000);
});
