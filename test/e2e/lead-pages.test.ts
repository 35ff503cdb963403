import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { insertStaff } from '../helpers/host-fixtures';
import { pageWidth, tableFit, withinViewportWidth } from '../helpers/page-fit';

/**
 * The devhost's lead pages in a real browser at a 1280 px laptop and a 390 px phone: nothing
 * scrolls sideways, the list's columns (a module's included) fit at 1280 px, and on the phone
 * each lead is a card with its status and the module's cell in view. Screenshots land in
 * test/e2e/screenshots/leads/.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = path.join(__dirname, 'screenshots', 'leads');
const clock = new MutableClock(new Date('2026-03-03T08:30:00Z'));
let t: TestDevhost;
let browser: Browser;
let leadId: number;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Browser tests need chromium at ${CHROMIUM}: apt-get install chromium`);
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  t = await startTestDevhost({ listen: true, timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  const [fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  const [waiting] = await db('tblleads_status').insert({
    name: 'Waiting on customer',
    statusorder: 5,
    color: '#64748b',
  });
  const [tradeShow] = await db('tblleads_sources').insert({ name: 'Trade show' });
  const owner = await insertStaff(db, 'maximilian.schneider-hoffmann@x.test', 'pw123456');
  const countries: number[] = await db('tblcountries')
    .whereIn('iso2', ['DE', 'IN', 'US', 'SG', 'FR', 'GB'])
    .pluck('country_id');
  for (let i = 0; i < 25; i++) {
    // Long names, companies and countries: the widest a real list gets.
    const id = await t.devhost.leads.create({
      name: i % 3 === 0 ? `Maximiliane Alexandra Schwarzenberger-Lindqvist ${i}` : `Lea Roy ${i}`,
      company: i % 2 === 0 ? 'Rheinland Maschinenbau und Anlagentechnik GmbH & Co. KG' : 'Provence Bio',
      email: `lead${i}@x.example`,
      status: i % 2 === 0 ? waiting : fresh,
      source: i % 4 === 0 ? tradeShow : 1,
      country: countries[i % countries.length],
      assigned: i % 5 === 0 ? 0 : owner,
      date: new Date(clock.now().getTime() - (25 - i) * 3_600_000),
    });
    if (i % 4 === 1) await t.devhost.leads.markContacted(id, owner);
    if (i === 7) await t.devhost.leads.markLost(id);
    if (i === 9) await t.devhost.leads.convert(id);
    leadId = id;
  }
  // A module's cell, as wide as an SLA badge.
  t.devhost.admin.addLeadListColumn({
    key: 'sla',
    title: 'SLA',
    render: async (ids) =>
      new Map(
        ids.map((id) => [id, `<span class="label" data-sla-state="at_risk">2h 15m left in New</span>`]),
      ),
  });
  t.devhost.admin.addLeadPanel({ key: 'sla', title: 'SLA', render: async () => '<p>Lead clock</p>' });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function login(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${t.devhost.url}/admin/login`);
  await page.fill('input[name=email]', 'admin@example.com');
  await page.fill('input[name=password]', 'demo1234');
  await Promise.all([page.waitForURL('**/admin'), page.click('button[type=submit]')]);
  return page;
}

describe('lead pages fit a laptop and a phone', () => {
  it.each([1280, 390])('at %i px: list, lead and new-lead form never scroll sideways', async (width) => {
    const page = await login();
    try {
      await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
      const problems: string[] = [];
      for (const [name, url] of [
        ['list', '/admin/leads'],
        ['list-filtered', '/admin/leads?state=open&sort=name&dir=asc'],
        ['lead', `/admin/leads/lead/${leadId}`],
        ['new', '/admin/leads/add'],
      ]) {
        const res = await page.goto(`${t.devhost.url}${url}`);
        if (res?.status() !== 200) problems.push(`${name}: HTTP ${res?.status()}`);
        const fit = await pageWidth(page);
        if (fit.document > fit.window) problems.push(`${name}: ${fit.document} px wide in ${fit.window}`);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
        // What a person sees first, without scrolling.
        await page.screenshot({ path: path.join(SHOTS, `${name}-${width}-first-screen.png`) });
      }
      expect(problems).toEqual([]);

      // The lead's form controls stay inside their panel (a long staff name in a select once pushed them out).
      await page.goto(`${t.devhost.url}/admin/leads/lead/${leadId}`);
      const spilled = await page.evaluate<string[]>(`(() => {
        const out = [];
        for (const el of document.querySelectorAll('.panel input, .panel select')) {
          const panel = el.closest('.panel').getBoundingClientRect();
          const box = el.getBoundingClientRect();
          if (box.width > 0 && box.right > panel.right + 0.5) out.push(el.name);
        }
        return out;
      })()`);
      expect(spilled).toEqual([]);

      await page.goto(`${t.devhost.url}/admin/leads`);
      if (width === 1280) {
        // Every column, the module's included, shows without scrolling the table.
        const fit = await tableFit(page, '[data-testid=leads-table]');
        expect(fit.table).toBeLessThanOrEqual(fit.container);
      } else {
        // A card per lead: its name, status and the module's cell are in view.
        for (const selector of [
          'tbody tr:first-child td.subject',
          'tbody tr:first-child td.status-cell',
          'tbody tr:first-child td.module-cell',
        ])
          expect({ selector, inView: await withinViewportWidth(page, selector) }).toEqual({
            selector,
            inView: true,
          });
      }
    } finally {
      await page.context().close();
    }
  });
});
