import crypto from 'node:crypto';
import request from 'supertest';
import pino from 'pino';
import type { Knex } from 'knex';
import { createDb } from '../../src/store/db';
import { setupDevhost } from '../../devhost/setup';
import { loadSourceModule } from '../helpers/devhost-fixture';
import {
  createTestDatabase,
  dropRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../helpers/test-database';
import { insertStaff, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { startBridgeService, type RunningService } from '../../src/host/bridge/bridge-service';
import { signBridgeAnswer, signBridgeRequest } from '../../src/host/bridge/bridge-signature';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';

/**
 * The module's pages as the PHP controller asks for them (bridge-contract addendum): a running
 * `serve` answers signed requests carrying the staff member, their Perfex language and Perfex's
 * CSRF field with page fragments for Perfex's layout.
 */

const SECRET = crypto.randomBytes(32).toString('hex');
/** Perfex's CodeIgniter defaults: the token's field name and a hash. */
const CSRF_NAME = 'csrf_token_name';
const CSRF_HASH = crypto.randomBytes(16).toString('hex');

let database: TestDatabase;
let db: Knex;
let service: RunningService;
let services: ModuleServices;
let base: string;
let adminId: number;
let managerId: number;
let noAccessId: number;
let viewOwnId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  await setupDevhost({
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    loadModuleEntry: loadSourceModule,
  });
  db = createDb(database.url);
  await db('tbloptions').insert({ name: 'sla_vigil_secret', value: SECRET, autoload: 0 });
  adminId = await insertStaff(db, 'boss@x.test', STAFF_PASSWORD, { admin: 1 });
  managerId = await insertStaffWithCapabilities(db, 'manager@x.test', STAFF_PASSWORD, ['manage']);
  noAccessId = await insertStaffWithCapabilities(db, 'agent@x.test', STAFF_PASSWORD, []);
  viewOwnId = await insertStaffWithCapabilities(db, 'own@x.test', STAFF_PASSWORD, ['view_own']);
  service = await startBridgeService(
    {
      databaseUrl: database.url,
      redisUrl: TEST_REDIS_URL,
      smtpUrl: 'smtp://127.0.0.1:9',
      port: 0,
      tablePrefix: 'tbl',
    },
    '127.0.0.1',
  );
  base = `http://127.0.0.1:${service.port}`;
  const parts = await createPerfexHostParts(db, 'tbl');
  services = createModuleServices({
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock: { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  });
});

afterAll(async () => {
  await service?.close();
  await services?.mailer.close();
  await db?.destroy();
  if (service) await dropRedisPrefix(service.queuePrefix);
  await database?.drop();
});

interface PageRequest {
  method?: 'GET' | 'POST';
  /** Path under the service with the browser's own query, e.g. `/admin/sla_vigil/monitor?state=breached&sort=due`. */
  path: string;
  staff?: number;
  lang?: string;
  body?: string;
  /** Overrides, for refusals. */
  secret?: string;
  nonce?: string;
  timestamp?: string;
  unsigned?: boolean;
  headers?: Record<string, string>;
}

/** What the PHP controller sends: the query with the four `_sv_*` parameters appended, all of it signed. */
function signedPath(path: string, staff: number, lang: string): string {
  const extra = new URLSearchParams({
    _sv_staff: String(staff),
    _sv_lang: lang,
    _sv_csrf_name: CSRF_NAME,
    _sv_csrf_hash: CSRF_HASH,
  }).toString();
  return `${path}${path.includes('?') ? '&' : '?'}${extra}`;
}

function page(r: PageRequest) {
  const method = r.method ?? 'GET';
  const full = signedPath(r.path, r.staff ?? adminId, r.lang ?? 'english');
  const body = r.body ?? '';
  const timestamp = r.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = r.nonce ?? crypto.randomBytes(16).toString('hex');
  const signature = signBridgeRequest(r.secret ?? SECRET, { method, path: full, timestamp, nonce, body });
  let req = method === 'GET' ? request(base).get(full) : request(base).post(full);
  if (!r.unsigned)
    req = req
      .set('X-SLA-Vigil-Timestamp', timestamp)
      .set('X-SLA-Vigil-Nonce', nonce)
      .set('X-SLA-Vigil-Signature', signature);
  for (const [name, value] of Object.entries(r.headers ?? {})) req = req.set(name, value);
  if (method === 'POST') req = req.set('Content-Type', 'application/x-www-form-urlencoded').send(body);
  return req;
}

function expectFragment(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['x-sla-vigil-fragment']).toBe('1');
  expect(res.text).not.toMatch(/<html|<body|<!doctype/i);
}

describe('module pages through the signed proxy', () => {
  it('answers the dashboard and the monitor as fragments with their title, no layout', async () => {
    const dashboard = await page({ path: '/admin/sla_vigil' });
    expectFragment(dashboard, 200);
    expect(decodeURIComponent(dashboard.headers['x-sla-vigil-title'])).toBe('SLA Vigil');
    expect(dashboard.text).toContain('class="sv-subnav"');
    expect(dashboard.text).not.toContain('devhost');

    const monitor = await page({ path: '/admin/sla_vigil/monitor' });
    expectFragment(monitor, 200);
    expect(decodeURIComponent(monitor.headers['x-sla-vigil-title'])).toBe('Monitor');
  });

  it("speaks the staff member's Perfex language", async () => {
    const res = await page({ path: '/admin/sla_vigil', lang: 'german' });
    expectFragment(res, 200);
    expect(res.text).toContain('Übersicht');
    expect(res.text).toContain('>Prüfprotokoll<');
    expect(res.text).not.toContain('>Reports<');
    const monitor = await page({ path: '/admin/sla_vigil/monitor', lang: 'german' });
    expect(decodeURIComponent(monitor.headers['x-sla-vigil-title'])).toBe('Monitor');
    const reports = await page({ path: '/admin/sla_vigil/reports', lang: 'german' });
    expect(decodeURIComponent(reports.headers['x-sla-vigil-title'])).toBe('Berichte');
    // Headers are Latin-1: a title beyond ASCII travels URL-encoded.
    const audit = await page({ path: '/admin/sla_vigil/audit', lang: 'german' });
    expect(audit.headers['x-sla-vigil-title']).toBe('Pr%C3%BCfprotokoll');
  });

  it('strips the _sv_* parameters before the routes: the strict monitor query takes the rest', async () => {
    const res = await page({ path: '/admin/sla_vigil/monitor?state=breached&sort=due' });
    expectFragment(res, 200);
    expect(res.text).not.toContain('_sv_');
    // The monitor still refuses a parameter of its own making, so the stripping is not a blanket pass.
    const bad = await page({ path: '/admin/sla_vigil/monitor?colour=red' });
    expect(bad.status).toBe(422);
  });

  it.each([
    ['unsigned', { unsigned: true }],
    ['bad_signature', { secret: 'f'.repeat(64) }],
    ['stale', { timestamp: String(Math.floor(Date.now() / 1000) - 301) }],
  ])('refuses a request that is %s with 401 and no page', async (reason, override) => {
    const res = await page({ path: '/admin/sla_vigil', ...override });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: reason });
    expect(res.headers['x-sla-vigil-fragment']).toBeUndefined();
  });

  it('refuses a replayed request', async () => {
    const nonce = crypto.randomBytes(16).toString('hex');
    expect((await page({ path: '/admin/sla_vigil', nonce })).status).toBe(200);
    const again = await page({ path: '/admin/sla_vigil', nonce });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ error: 'replayed' });
  });

  it('refuses a changed identity: the staff id is part of what is signed', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(16).toString('hex');
    const signedFor = signedPath('/admin/sla_vigil', noAccessId, 'english');
    const signature = signBridgeRequest(SECRET, {
      method: 'GET',
      path: signedFor,
      timestamp,
      nonce,
      body: '',
    });
    const res = await request(base)
      .get(signedPath('/admin/sla_vigil', adminId, 'english'))
      .set('X-SLA-Vigil-Timestamp', timestamp)
      .set('X-SLA-Vigil-Nonce', nonce)
      .set('X-SLA-Vigil-Signature', signature);
    expect(res.status).toBe(401);
  });

  it('answers view own with 403 for the dashboard, monitor and reports, and serves it the assets', async () => {
    for (const path of ['/admin/sla_vigil', '/admin/sla_vigil/monitor', '/admin/sla_vigil/reports']) {
      const res = await page({ path, staff: viewOwnId });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.text).toContain('data-testid="sv-forbidden"');
    }
    const asset = await page({ path: '/admin/sla_vigil/assets/countdown.js', staff: viewOwnId });
    expect(asset.status).toBe(200);
    expect((await page({ path: '/admin/sla_vigil/assets/countdown.js', staff: noAccessId })).status).toBe(
      403,
    );
  });

  it("answers a staff member without the capability with Perfex's 403 fragment", async () => {
    const res = await page({ path: '/admin/sla_vigil/monitor', staff: noAccessId });
    expectFragment(res, 403);
    expect(res.text).toContain('data-testid="sv-forbidden"');
  });

  it("saves general settings from the form posted with Perfex's CSRF field, then redirects by path", async () => {
    const form = await page({ path: '/admin/sla_vigil/settings', staff: managerId });
    expectFragment(form, 200);
    expect(form.text).toContain(`<input type="hidden" name="${CSRF_NAME}" value="${CSRF_HASH}">`);
    expect(form.text).not.toContain('name="_csrf"');

    const body = new URLSearchParams({
      [CSRF_NAME]: CSRF_HASH,
      cooldownMinutes: '45',
      defaultWarnAtPercent: '60',
      scanIntervalMinutes: '5',
      defaultPauseStatusIds: '4',
    }).toString();
    // PHP forwards no Origin of its own; a browser's that slipped through changes nothing either.
    const res = await page({
      method: 'POST',
      path: '/admin/sla_vigil/settings/general',
      staff: managerId,
      body,
      headers: { Origin: 'https://crm.example.com' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/sla_vigil/settings?saved=settings#general');
    const stored = await services.config.load();
    expect(stored.settings).toMatchObject({
      cooldownMinutes: 45,
      defaultWarnAtPercent: 60,
      defaultPauseStatusIds: [4],
    });
  });

  it('passes the monitor rows, assets and JSON answers through as they are', async () => {
    const rows = await page({ path: '/admin/sla_vigil/monitor?partial=1' });
    expect(rows.status).toBe(200);
    expect(rows.headers['x-sla-vigil-fragment']).toBeUndefined();
    const asset = await page({ path: '/admin/sla_vigil/assets/sla-vigil.css' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/css/);
    const api = await page({ path: '/admin/sla_vigil/api/tickets/999999' });
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    expect(api.headers['x-sla-vigil-fragment']).toBeUndefined();
  });

  it('refuses a second staff id smuggled in by the browser', async () => {
    const res = await page({ path: `/admin/sla_vigil?_sv_staff=${adminId}`, staff: noAccessId });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: expect.any(String), field: '_sv_staff' });
  });

  it('passes the report CSV through with its Content-Type and Content-Disposition', async () => {
    const res = await page({
      path: '/admin/sla_vigil/reports/export.csv?from=2026-03-01&to=2026-03-10',
    }).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect(res.headers['x-sla-vigil-fragment']).toBeUndefined();
  });

  it('signs every answer for the nonce of its request (page, redirect, CSV); a refusal is not signed', async () => {
    /** Raw bytes, whatever the type. */
    const bytes = (res: request.Response, callback: (err: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    };
    const answers = [
      { path: '/admin/sla_vigil/monitor' },
      { path: '/admin/sla_vigil/reports/export.csv?from=2026-03-01&to=2026-03-10' },
      { path: '/admin/sla_vigil/no-such-page' },
    ];
    for (const one of answers) {
      const nonce = crypto.randomBytes(16).toString('hex');
      const res = await page({ ...one, nonce })
        .buffer(true)
        .parse(bytes);
      const body = res.body as Buffer;
      expect(res.headers['x-sla-vigil-answer-signature']).toBe(
        signBridgeAnswer(SECRET, { nonce, status: res.status, body }),
      );
      expect(res.headers['content-length']).toBe(String(body.length));
      // Bound to the nonce: the same answer is not valid for another request.
      expect(res.headers['x-sla-vigil-answer-signature']).not.toBe(
        signBridgeAnswer(SECRET, { nonce: 'f'.repeat(32), status: res.status, body }),
      );
    }
    const refused = await page({ path: '/admin/sla_vigil', unsigned: true });
    expect(refused.status).toBe(401);
    expect(refused.headers['x-sla-vigil-answer-signature']).toBeUndefined();
  });
});
