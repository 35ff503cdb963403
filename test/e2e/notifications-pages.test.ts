import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { insertStaff, insertStaffWithCapabilities } from '../helpers/host-fixtures';
import { overflowingElements, pageWidth, withinViewportWidth } from '../helpers/page-fit';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

/**
 * The bell in a real browser: a ticket breaches, the scan rings the host's bell for the Support
 * department, the agent sees the unread count in the top bar, opens the list, follows the entry to
 * the ticket and the count drops. Then the manager sends a daily digest now from the Digests page
 * and it arrives in the devhost's mailbox. Screenshots at 1280 and 390 px land in
 * test/e2e/screenshots/ (notifications-*).
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SCREENSHOTS = path.join(__dirname, 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

// Tue 2026-03-03 09:00 in Berlin.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let browser: Browser;
const ids = { support: 0, agent: 0, colleague: 0, manager: 0, first: 0, second: 0, third: 0 };
// One unbroken word wider than a phone: the list must wrap it, not scroll sideways.
const LONG = `Error-at-https://vpn.example.com/${'tunnel/'.repeat(8)}reconnect`;
/** The bell names a subject as the email's subject line does: a long one is cut short. */
const LONG_START = LONG.slice(0, 60);

async function login(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(`${t.devhost.url}/admin/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'secret-pass');
  await Promise.all([page.waitForURL('**/admin'), page.click('button[type=submit]')]);
  return page;
}

async function go(page: Page, url: string): Promise<void> {
  const res = await page.goto(`${t.devhost.url}${url}`);
  expect(res?.status()).toBe(200);
}

/** Screenshots at desktop and phone width; at 390 px nothing may push the page sideways. */
async function shootBothWidths(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  try {
    const fit = await pageWidth(page);
    if (fit.document > fit.window)
      throw new Error(
        `${name}: ${fit.document} px wide in ${fit.window}: ${(await overflowingElements(page)).join('; ')}`,
      );
    await expect(withinViewportWidth(page, '[data-testid=bell]')).resolves.toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}

const bellCount = (page: Page) => page.locator('[data-testid=bell-count]');

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Browser tests need chromium at ${CHROMIUM}: apt-get install chromium`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t = await startTestDevhost({ listen: true, timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [ids.support] = await db('tbldepartments').insert({ name: 'Support' });
  ids.agent = await insertStaffWithCapabilities(db, 'ana.agent@x.test', 'secret-pass', ['view']);
  ids.colleague = await insertStaffWithCapabilities(db, 'ben.backup@x.test', 'secret-pass', ['view']);
  ids.manager = await insertStaffWithCapabilities(db, 'mia.manager@x.test', 'secret-pass', ['manage']);
  // The devhost's mailbox is the host administrator's page.
  await insertStaff(db, 'olga.owner@x.test', 'secret-pass', { admin: 1 });
  await db('tblstaff_departments').insert([
    { staffid: ids.agent, departmentid: ids.support },
    { staffid: ids.colleague, departmentid: ids.support },
  ]);
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [ids.support] },
        calendar: null,
        targets: { first_response: { minutes: 60 } },
        escalations: [
          {
            metric: 'first_response',
            trigger: { type: 'at_due' },
            action: { type: 'notify_department', departmentId: ids.support },
          },
        ],
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await services?.mailer.close();
  await browser?.close();
  await t?.close();
});

describe('the bell', () => {
  it('rings for the breaches a scan finds and delivers', async () => {
    for (const [key, subject] of [
      ['first', 'VPN drops every hour'],
      ['second', 'Printer <b>jammed</b>'],
      ['third', LONG],
    ] as const)
      ids[key] = await t.devhost.tickets.create({
        subject,
        message: 'Since Monday.',
        department: ids.support,
        admin: 1,
        assigned: ids.agent,
      });
    // 10:00 Berlin: the first responses are due; the scan decides and delivers.
    clock.set(new Date('2026-03-03T09:00:00Z'));
    await services.scanner.run(clock.now());
    const entries = await t.devhost.db('tblnotifications').where('touserid', ids.agent).select();
    expect(entries).toHaveLength(3);
  });

  it('shows the agent the unread count in the top bar, at desktop and phone width', async () => {
    const page = await login('ana.agent@x.test');
    await go(page, '/admin');
    await expect(bellCount(page).textContent()).resolves.toBe('3');
    await expect(page.locator('[data-testid=bell]').getAttribute('aria-label')).resolves.toBe(
      'Notifications (3 unread)',
    );
    await shootBothWidths(page, 'notifications-bell');
    await page.context().close();
  });

  it('lists the entries; opening one lands on its ticket and the count drops', async () => {
    const page = await login('ana.agent@x.test');
    await go(page, '/admin');
    await Promise.all([page.waitForURL('**/admin/notifications'), page.click('[data-testid=bell]')]);
    const items = page.locator('[data-testid=notification-list] li.notification');
    await expect(items.count()).resolves.toBe(3);
    await expect(page.locator('[data-testid=notification-list] li.unread').count()).resolves.toBe(3);
    // Each entry names its ticket; markup in a subject is shown as text, never rendered.
    const texts = await items.locator('a').allTextContents();
    expect(texts.join('\n')).toContain('VPN drops every hour');
    expect(texts.join('\n')).toContain('Printer <b>jammed</b>');
    expect(texts.join('\n')).toContain(LONG_START);
    await expect(page.locator('[data-testid=notification-list] b').count()).resolves.toBe(0);
    await shootBothWidths(page, 'notifications-list');

    const entry = items.filter({ hasText: 'VPN drops every hour' }).locator('a');
    await Promise.all([page.waitForURL(`**/admin/tickets/ticket/${ids.first}`), entry.click()]);
    await expect(page.locator('body').textContent()).resolves.toContain('VPN drops every hour');
    await expect(bellCount(page).textContent()).resolves.toBe('2');
    await shootBothWidths(page, 'notifications-ticket');

    // Back on the list, the opened entry reads as read; the others still as unread.
    await go(page, '/admin/notifications');
    await expect(
      page.locator('[data-testid=notification-list] li.unread a').allTextContents(),
    ).resolves.toEqual([
      expect.stringContaining(LONG_START),
      expect.stringContaining('Printer <b>jammed</b>'),
    ]);
    await expect(
      page.locator('[data-testid=notification-list] li:not(.unread) a').textContent(),
    ).resolves.toContain('VPN drops every hour');
    // The colleague's own bell is untouched by the agent's reading.
    const colleague = await t.devhost
      .db('tblnotifications')
      .where({ touserid: ids.colleague, isread: 0 })
      .count({ n: '*' });
    expect(Number(colleague[0].n)).toBe(3);
    await page.context().close();
  });

  it('shows 99+ for more than 99 unread, and the top bar still fits a phone', async () => {
    // Perfex's own entries (a task assigned, a comment) fill the colleague's bell.
    await t.devhost.db('tblnotifications').insert(
      Array.from({ length: 120 }, (_, i) => ({
        date: '2026-03-03 08:00:00',
        description: `Task ${i + 1} was assigned to you`,
        touserid: ids.colleague,
        link: 'tickets',
      })),
    );
    const page = await login('ben.backup@x.test');
    await go(page, '/admin');
    await expect(bellCount(page).textContent()).resolves.toBe('99+');
    await expect(page.locator('[data-testid=bell]').getAttribute('aria-label')).resolves.toBe(
      'Notifications (123 unread)',
    );
    await shootBothWidths(page, 'notifications-bell-99');
    await page.setViewportSize(PHONE);
    await expect(withinViewportWidth(page, '[data-testid=bell-count]')).resolves.toBe(true);
    await page.context().close();
  });

  it('shows no count once everything is read', async () => {
    const page = await login('ana.agent@x.test');
    await go(page, '/admin/notifications');
    await Promise.all([page.waitForURL('**/admin/notifications'), page.click('[data-testid=mark-all-read]')]);
    await expect(bellCount(page).count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=bell]').getAttribute('aria-label')).resolves.toBe(
      'Notifications (0 unread)',
    );
    await page.context().close();
  });
});

describe('the Digests page', () => {
  const DIGESTS = '/admin/sla_vigil/settings/digests';

  it('loads for the manager and "send now" puts the chosen agent\'s digest in the mailbox', async () => {
    const page = await login('mia.manager@x.test');
    await go(page, DIGESTS);
    await page.locator('[data-testid=sv-digest-send]').waitFor();
    await shootBothWidths(page, 'notifications-digests');

    const before = (await t.devhost.mailbox.list()).length;
    await page.selectOption('select[name=kind]', 'daily');
    await page.selectOption('select[name=staffIds]', [String(ids.agent)]);
    await Promise.all([
      page.waitForURL(`**${DIGESTS}?sent=1`),
      page.click('[data-testid=sv-digest-send-button]'),
    ]);
    await expect(page.locator('[data-testid=sv-notice]').isVisible()).resolves.toBe(true);
    // The delivery job's turn (a worker runs it after each scan).
    await services.deliveries.sendDue(clock.now());

    const all = await t.devhost.mailbox.list();
    const mails = all.slice(0, all.length - before);
    expect(mails.map((m) => m.rcpt_to)).toEqual(['ana.agent@x.test']);
    const [digest] = mails;
    expect(digest.subject).toBe('[SLA digest] 3 items need you today');
    expect(digest.html).toContain(`/admin/tickets/ticket/${ids.first}`);
    expect(digest.html).toContain(`/admin/tickets/ticket/${ids.second}`);

    await page.context().close();

    // The host administrator finds it in the devhost's mailbox and opens it.
    const admin = await login('olga.owner@x.test');
    await go(admin, '/admin/mailbox');
    const row = admin.locator(`[data-testid=mailbox-table] tr[data-message-id="${digest.id}"]`);
    await expect(row.textContent()).resolves.toContain('[SLA digest] 3 items need you today');
    await go(admin, `/admin/mailbox/${digest.id}`);
    await admin.screenshot({ path: path.join(SCREENSHOTS, 'notifications-digest-mail.png'), fullPage: true });
    await admin.context().close();
  });
});
