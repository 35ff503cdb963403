/**
 * A Perfex installed in a sub-folder (https://example.com/crm/): PHP sends the path of its
 * admin_url() with every signed request (`_sv_base` in a page's query, `admin_base` in the
 * fragment bodies), and every link the service renders for Perfex lands under it: the pages and
 * the monitor's rows, the list badges, the ticket tab, the home widget and the target of a 303.
 * A base that is not a plain absolute path is refused with 422 naming the field.
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { startBridgeOverDevhost, type BridgeOverDevhost } from '../helpers/bridge-over-devhost';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { insertStaff, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { dropRedisPrefix, testRedisPrefix } from '../helpers/test-database';
import { signBridgeRequest } from '../../src/host/bridge/bridge-signature';

const SECRET = crypto.randomBytes(32).toString('hex');
const CRM = '/crm/admin/';
const root = path.join(__dirname, '..', '..');
// Near the real time: PHP signs its requests with it (the round trips at the end).
const clock = new MutableClock(new Date(Date.now() - 2 * 3600_000));

let t: TestDevhost;
let bridge: BridgeOverDevhost | undefined;
let app: Express;
let serviceUrl: string;
let boss: number;
const queuePrefix = testRedisPrefix();
const ticket: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  const [support] = await db('tbldepartments').insert({ name: 'Support' });
  boss = await insertStaff(db, 'boss@x.test', STAFF_PASSWORD, { admin: 1 });
  const services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'all',
        name: 'All',
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 240 } },
        pauseStatusIds: [4],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  ticket.late = await t.devhost.tickets.create({
    subject: 'Late',
    message: 'm',
    department: support,
    admin: 1,
    assigned: boss,
  });
  clock.set(new Date());
  await services.scanner.run(clock.now());
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });

  bridge = await startBridgeOverDevhost(t, clock, queuePrefix, { listen: true });
  app = bridge.app;
  serviceUrl = bridge.url;
});

afterAll(async () => {
  await bridge?.close();
  await dropRedisPrefix(queuePrefix);
  await t?.close();
});

function signed(method: 'GET' | 'POST', path: string, body: string) {
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const nonce = crypto.randomBytes(16).toString('hex');
  const signature = signBridgeRequest(SECRET, { method, path, timestamp, nonce, body });
  const req = method === 'GET' ? request(app).get(path) : request(app).post(path);
  return req
    .set('X-SLA-Vigil-Timestamp', timestamp)
    .set('X-SLA-Vigil-Nonce', nonce)
    .set('X-SLA-Vigil-Signature', signature);
}

/** A page as the PHP controller asks for it, with `_sv_base` as the last of its parameters. */
function page(path: string, base: string | string[] | null, form?: Record<string, string>) {
  const own = new URLSearchParams({ _sv_staff: String(boss), _sv_lang: 'english', _sv_csrf_name: 'csrf' });
  for (const value of base === null ? [] : [base].flat()) own.append('_sv_base', value);
  const full = `${path}${path.includes('?') ? '&' : '?'}${own.toString()}`;
  if (!form) return signed('GET', full, '');
  const body = new URLSearchParams(form).toString();
  return signed('POST', full, body).set('Content-Type', 'application/x-www-form-urlencoded').send(body);
}

function fragment(route: string, body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  return signed('POST', route, raw).set('Content-Type', 'application/json').send(raw);
}

/** Every URL in an href, src or action attribute. */
function links(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]);
}

/** Every absolute path among the links is under the base. */
function expectUnder(html: string, base: string): void {
  const paths = links(html).filter((l) => l.startsWith('/'));
  expect(paths.length).toBeGreaterThan(0);
  expect(paths.filter((p) => !p.startsWith(base))).toEqual([]);
}

describe('pages under /crm/admin/', () => {
  it('the dashboard links its pages, assets and forms under the base', async () => {
    const res = await page('/admin/sla_vigil', CRM);
    expect(res.status).toBe(200);
    expectUnder(res.text, CRM);
    expect(links(res.text)).toEqual(
      expect.arrayContaining([
        '/crm/admin/sla_vigil',
        '/crm/admin/sla_vigil/monitor',
        '/crm/admin/sla_vigil/settings',
        '/crm/admin/sla_vigil/assets/sla-vigil.css',
      ]),
    );
  });

  it("the monitor and its refreshed rows link Perfex's ticket under the base", async () => {
    const monitor = await page('/admin/sla_vigil/monitor', CRM);
    expect(monitor.status).toBe(200);
    expectUnder(monitor.text, CRM);
    expect(links(monitor.text)).toContain(`/crm/admin/tickets/ticket/${ticket.late}`);
    const rows = await page('/admin/sla_vigil/monitor?partial=1', CRM);
    expect(rows.status).toBe(200);
    expect(rows.headers['content-type']).toMatch(/^text\/html/);
    expect(links(rows.text)).toContain(`/crm/admin/tickets/ticket/${ticket.late}`);
    expectUnder(rows.text, CRM);
  });

  it('a saved form redirects (303) under the base', async () => {
    const res = await page('/admin/sla_vigil/settings/general', CRM, {
      cooldownMinutes: '45',
      defaultWarnAtPercent: '60',
      scanIntervalMinutes: '5',
      defaultPauseStatusIds: '4',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/crm/admin/sla_vigil/settings?saved=settings#general');
  });

  it('without a base (the devhost, an older module) the links stay under /admin/', async () => {
    const res = await page('/admin/sla_vigil', null);
    expect(res.status).toBe(200);
    expectUnder(res.text, '/admin/');
    expect(links(res.text)).toContain('/admin/sla_vigil/monitor');
    const root = await page('/admin/sla_vigil', '/');
    expect(links(root.text)).toContain('/sla_vigil/monitor');
  });

  it.each([
    ['https://evil.example/admin/'],
    ['//evil.example/admin/'],
    ['/crm/admin'],
    ['crm/admin/'],
    ['/crm/../admin/'],
    ['/crm/%2e%2E/admin/'],
    ['/crm//admin/'],
    ['/cr"m/admin/'],
    ['/crm admin/'],
    [''],
  ])('refuses the base %j with 422 naming _sv_base', async (bad) => {
    const res = await page('/admin/sla_vigil', bad);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('_sv_base');
  });

  it('refuses two bases', async () => {
    const res = await page('/admin/sla_vigil', [CRM, '/admin/']);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('_sv_base');
  });
});

describe('fragments under /crm/admin/', () => {
  it('the ticket tab loads its script under the base', async () => {
    const res = await fragment('/bridge/ticket-panel', {
      staff_id: boss,
      language: 'english',
      ticket_id: ticket.late,
      admin_base: CRM,
    });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('data-testid="sv-ticket-panel"');
    expectUnder(res.body.html as string, CRM);
    expect(res.body.html).not.toContain('"/admin/');
  });

  it("the home widget links Perfex's ticket and the monitor under the base", async () => {
    const res = await fragment('/bridge/widget/my-risks', {
      staff_id: boss,
      language: 'english',
      admin_base: CRM,
    });
    expect(res.status).toBe(200);
    expect(links(res.body.html as string)).toEqual(
      expect.arrayContaining([`/crm/admin/tickets/ticket/${ticket.late}`, '/crm/admin/sla_vigil/monitor']),
    );
    expectUnder(res.body.html as string, CRM);
  });

  it('the list badge is the same badge, with nothing pointing outside the base', async () => {
    const body = { staff_id: boss, language: 'english', ticket_ids: [ticket.late] };
    const crm = await fragment('/bridge/ticket-list', { ...body, admin_base: CRM });
    const root = await fragment('/bridge/ticket-list', body);
    expect(crm.status).toBe(200);
    const badge = (crm.body as { badges: Record<string, string> }).badges[String(ticket.late)];
    expect(badge).toContain('data-sla-state="breached"');
    expect(links(badge).filter((l) => l.startsWith('/') && !l.startsWith(CRM))).toEqual([]);
    expect(badge).toBe((root.body as { badges: Record<string, string> }).badges[String(ticket.late)]);
  });

  it('refuses a wrong admin_base with 422 naming it', async () => {
    for (const [route, body] of [
      ['/bridge/ticket-list', { staff_id: boss, language: 'english', ticket_ids: [1] }],
      ['/bridge/ticket-panel', { staff_id: boss, language: 'english', ticket_id: 1 }],
      ['/bridge/widget/my-risks', { staff_id: boss, language: 'english' }],
    ] as const) {
      for (const bad of ['http://evil.example/admin/', '/crm/../admin/', '/crm', 7]) {
        const res = await fragment(route, { ...body, admin_base: bad });
        expect(res.status).toBe(422);
        expect(res.body.field).toBe('admin_base');
      }
    }
  });
});

/** The module's controller (or the home widget) run by php-cli for a Perfex whose admin is `adminUrl`. */
function php(args: string[], adminUrl: string): Promise<Record<string, unknown>> {
  const env = {
    ...process.env,
    SLA_VIGIL_SERVICE_URL: serviceUrl,
    SLA_VIGIL_SECRET: SECRET,
    PERFEX_ADMIN_URL: adminUrl,
    PERFEX_STAFF_ID: String(boss),
  };
  return new Promise((resolve, reject) => {
    execFile(
      'php',
      ['test/php/open-page.php', ...args],
      { cwd: root, env, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`php failed (apt-get install php-cli php-curl): ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

describe('round trip: the PHP module of a Perfex at https://example.com/crm/', () => {
  const adminUrl = 'https://example.com/crm/admin/';

  it('shows the monitor with its links under /crm/admin/', async () => {
    const answer = await php(['GET', 'admin/sla_vigil/monitor'], adminUrl);
    expect(answer.log).toEqual([]);
    expect(answer.status).toBe(200);
    const html = answer.output as string;
    expect(links(html)).toContain(`/crm/admin/tickets/ticket/${ticket.late}`);
    expectUnder(html, CRM);
  });

  it("follows the service's 303 to admin_url() of the saved page", async () => {
    const form = new URLSearchParams({
      cooldownMinutes: '30',
      defaultWarnAtPercent: '70',
      scanIntervalMinutes: '5',
      defaultPauseStatusIds: '4',
    }).toString();
    const answer = await php(['POST', 'admin/sla_vigil/settings/general', '', form], adminUrl);
    expect(answer.log).toEqual([]);
    expect(answer.redirects).toEqual([`${adminUrl}sla_vigil/settings?saved=settings#general`]);
  });

  it('prints the home widget with its links under /crm/admin/', async () => {
    const answer = await php(['WIDGET'], adminUrl);
    expect(answer.log).toEqual([]);
    const widget = answer.widget as { html: string };
    expect(links(widget.html)).toContain(`/crm/admin/tickets/ticket/${ticket.late}`);
    expectUnder(widget.html, CRM);
  });
});
