/**
 * Lead SLAs through the Perfex module: `php -S` serves the Perfex stand-in (test/php/standin/,
 * written from PERFEX.md), which writes tblleads and fires Perfex's lead hooks with their
 * argument shapes; the real module forwards them over the signed bridge to a running service.
 * Each flow also runs through the devhost's lead model with in-process hooks on a twin lead at
 * the same instant, and the two leads' timelines and clocks must be equal. Perfex's lead list and
 * lead modal, rendered by the stand-in, get the module's badges, filter and tab from the service.
 */
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import type net from 'node:net';
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { startPhpStandin, type PhpStandin } from '../helpers/php-standin-server';
import { dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix } from '../helpers/test-database';
import { MutableClock } from '../../devhost/mutable-clock';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { ScanQueue } from '../../src/scan/scan-queue';
import { createBridgeApp } from '../../src/host/bridge/bridge-service';
import { BridgeAdminRegistry } from '../../src/host/bridge/bridge-admin';
import { createBridgeHost } from '../../src/host/bridge/bridge-host';
import { activate, deactivate } from '../../src/module-lifecycle';
import type { HostContext } from '../../src/host/host-context';

const SECRET = crypto.randomBytes(32).toString('hex');
const clock = new MutableClock(new Date('2026-04-06T08:00:00Z'));
const queuePrefix = testRedisPrefix();
const status = { fresh: 0, contacted: 0 };
let staff = 0;

let t: TestDevhost;
let services: ModuleServices;
let scanQueue: ScanQueue;
let server: Server;
let php: PhpStandin;
let bridgeHost: HostContext | undefined;
const admin = new BridgeAdminRegistry();

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  const db = t.devhost.db;
  [status.fresh] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [status.contacted] = await db('tblleads_status').insert({
    name: 'Contacted',
    statusorder: 2,
    color: '#f59e0b',
  });
  staff = (await db('tblstaff').first('staffid')).staffid as number;
  const parts = await createPerfexHostParts(db, 'tbl');
  const host = {
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    leads: new PerfexLeadGateway(db, 'tbl', parts.timezone),
    clock,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  };
  services = createModuleServices(host);
  await services.config.import({
    policies: [
      {
        key: 'leads',
        name: 'Every lead',
        subject: 'lead',
        match: {},
        targets: { status_time: { byStatus: { [String(status.fresh)]: { minutes: 60 } } } },
      },
    ],
  });
  scanQueue = new ScanQueue(TEST_REDIS_URL, queuePrefix);
  // PHP signs with its own time(): the bridge checks freshness on the real clock, while the
  // recorder dates events by the test's clock, as the devhost twin does.
  const realTime = { ...host, clock: { now: () => new Date() } };
  // As `sla-vigil serve` does: the module activated on the bridge host answers the lead screens.
  bridgeHost = createBridgeHost({
    service: realTime,
    admin,
    permissions: parts.permissions,
    options: parts.options,
    redisUrl: TEST_REDIS_URL,
    queuePrefix,
  });
  await activate(bridgeHost, services);
  const app = createBridgeApp({ host: realTime, services, scanQueue, redisUrl: TEST_REDIS_URL, admin });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const serviceUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await db('tbloptions').insert([
    { name: 'sla_vigil_secret', value: SECRET, autoload: 0 },
    { name: 'sla_vigil_service_url', value: serviceUrl, autoload: 1 },
  ]);
  php = await startPhpStandin(t.database.name);
}, 30_000);
afterAll(async () => {
  php?.stop();
  await new Promise((r) => server?.close(r));
  if (bridgeHost) await deactivate(bridgeHost);
  await scanQueue?.close();
  await services?.mailer.close();
  await t?.close();
  await dropRedisPrefix(queuePrefix);
});

const at = (iso: string) => clock.set(new Date(iso));

/** One Perfex lead flow or screen through php -S at the test's instant; the module must log nothing. */
async function perfex<T = { leadid?: number }>(route: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${php.url}/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Standin-Now': clock.now().toISOString() },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect({ route, status: res.status, text: res.ok ? '' : text, phpErr: res.ok ? '' : php.stderr() }).toEqual(
    {
      route,
      status: 200,
      text: '',
      phpErr: '',
    },
  );
  const answer = JSON.parse(text) as T & { log: string[] };
  expect({ route, log: answer.log }).toEqual({ route, log: [] });
  return answer;
}

const record = async (id: number) => ({
  events: (await services.timeline.forSubject('lead', id)).map((e) => `${e.eventType} ${e.source}`),
  clocks: (await services.leads.clockRepo.forSubjects([id])).map((c) => ({
    cycle: c.cycle,
    status: c.status,
    state: c.state,
    startedAt: c.startedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    metAt: c.metAt?.toISOString() ?? null,
  })),
});

it('created, kanban drag, edit form (status and owner), lost: the forwarded lead records what the in-process one does', async () => {
  const leads = t.devhost.leads;
  const input = { name: 'Ravi Kumar', company: 'Kumar Textiles', status: status.fresh, source: 1 };
  at('2026-04-06T08:00:00Z');
  const a = await leads.create(input);
  const b = Number((await perfex('admin/leads/add', input)).leadid);
  expect(b).toBeGreaterThan(a);
  const created = await record(b);
  expect(created.events).toEqual(['created hook']);
  expect(created.clocks).toEqual([
    {
      cycle: 1,
      status: status.fresh,
      state: 'on_track',
      startedAt: '2026-04-06T08:00:00.000Z',
      dueAt: '2026-04-06T09:00:00.000Z',
      metAt: null,
    },
  ]);
  expect(await record(b)).toEqual(await record(a));

  at('2026-04-06T08:20:00Z');
  await leads.changeStatus(a, { status: status.contacted });
  await perfex('admin/leads/update_lead_status', { leadid: String(b), status: String(status.contacted) });
  expect(await record(b)).toEqual(await record(a));

  at('2026-04-06T08:40:00Z');
  await leads.update(a, { status: status.fresh, assigned: staff });
  await perfex(`admin/leads/update/${b}`, { status: String(status.fresh), assigned: String(staff) });
  expect(await record(b)).toEqual(await record(a));
  expect((await record(b)).clocks.map((c) => `${c.cycle}:${c.state}`)).toEqual([
    '1:met',
    // Each stay is a cycle: New (1), Contacted (2, no target), New again (3).
    '3:on_track',
  ]);

  at('2026-04-06T09:00:00Z');
  await leads.markLost(a);
  await perfex(`admin/leads/mark_as_lost/${b}`);
  const lost = await record(b);
  expect(lost).toEqual(await record(a));
  expect(lost.events.at(-1)).toBe('lost hook');
});

it('junk and delete are forwarded by id; a deleted lead keeps no clock', async () => {
  at('2026-04-07T08:00:00Z');
  const input = { name: 'Spam Bot', status: status.fresh, source: 1 };
  const a = await t.devhost.leads.create(input);
  const b = Number((await perfex('admin/leads/add', input)).leadid);
  at('2026-04-07T08:10:00Z');
  await t.devhost.leads.markJunk(a);
  await perfex(`admin/leads/mark_as_junk/${b}`);
  const junk = await record(b);
  expect(junk).toEqual(await record(a));
  expect(junk.events).toEqual(['created hook', 'junk hook']);
  expect(junk.clocks.map((c) => `${c.cycle}:${c.state}`)).toEqual(['1:met']);

  const c = Number(
    (await perfex('admin/leads/add', { name: 'Gone', status: status.fresh, source: 1 })).leadid,
  );
  at('2026-04-07T08:20:00Z');
  await perfex(`admin/leads/delete/${c}`);
  const deleted = await record(c);
  expect(deleted.events.slice(0, 2)).toEqual(['created hook', 'deleted hook']);
  expect(deleted.clocks).toEqual([]);
});

describe("Perfex's lead screens through the module", () => {
  let named: number;
  let other: number;
  /** Staff 1, an administrator, as the stand-in's lead screens are signed in. */
  const viewer = 1;
  const tablePage = (body: { ids: number[]; sla_state?: string }) =>
    perfex<{ rows: Record<string, string[]> }>('admin/leads/table', body).then((a) => a.rows);

  beforeAll(async () => {
    at('2026-04-08T08:00:00Z');
    const input = { name: "Asha O'Neil & <Co>", company: 'Asha Exports', status: status.fresh, source: 1 };
    named = Number((await perfex('admin/leads/add', input)).leadid);
    other = Number((await perfex('admin/leads/add', { ...input, name: 'Bo Berg' })).leadid);
    at('2026-04-08T08:10:00Z');
    await perfex('admin/leads/update_lead_status', {
      leadid: String(other),
      status: String(status.contacted),
    });
  });

  it("puts the service's badge into the cell showing the lead's name", async () => {
    const column = admin.leadListColumns.get('sla_vigil');
    const expected = await column?.render([named, other], viewer, 'en');
    const rows = await tablePage({ ids: [named, other] });
    expect(Object.keys(rows).map(Number)).toEqual([named, other]);
    for (const id of [named, other]) {
      const badge = expected?.get(id) ?? '';
      expect(badge).toContain('data-sla-state="');
      // The stand-in's cells: checkbox, #, the name link with its row options, company.
      expect(rows[String(id)][2].endsWith(`</div> ${badge}`)).toBe(true);
      expect(rows[String(id)].filter((cell) => cell.includes('data-sla-state'))).toHaveLength(1);
    }
    expect(rows[String(named)][2]).toContain('Asha O&#039;Neil &amp; &lt;Co&gt;</a>');
  });

  it("filters the lead list by SLA state through the module's rule (table_leads_rules)", async () => {
    const badges =
      (await admin.leadListColumns.get('sla_vigil')?.render([named, other], viewer, 'en')) ?? new Map();
    const state = (id: number) => /data-sla-state="([a-z_]+)"/.exec(badges.get(id) ?? '')?.[1];
    for (const shown of new Set([state(named), state(other), 'breached', 'paused'])) {
      const rows = await tablePage({ ids: [named, other], sla_state: shown });
      expect({ shown, ids: Object.keys(rows).map(Number) }).toEqual({
        shown,
        ids: [named, other].filter((id) => state(id) === shown),
      });
    }
  });

  it('adds the SLA tab to the lead modal, and nothing on the "new lead" form', async () => {
    const modal = await perfex<{ tabs: string; content: string }>(`admin/leads/lead/${named}`);
    expect(modal.tabs).toBe(
      '<li role="presentation"><a href="#sla_vigil_lead" aria-controls="sla_vigil_lead" role="tab" data-toggle="tab">SLA</a></li>',
    );
    const panel = await admin.leadPanels.get('sla_vigil')?.render(named, viewer, 'en');
    expect(panel).toContain('data-testid="sv-lead-panel"');
    // The service renders at the real time: only the countdown's server clock differs.
    const serverNow = (html: string | undefined) => html?.replace(/&#34;serverNow&#34;:\d+/, 'serverNow');
    expect(serverNow(modal.content)).toBe(
      serverNow(`<div role="tabpanel" class="tab-pane" id="sla_vigil_lead">${panel}</div>`),
    );
    expect(await perfex<{ tabs: string; content: string }>('admin/leads/lead')).toMatchObject({
      tabs: '',
      content: '',
    });
  });
});
