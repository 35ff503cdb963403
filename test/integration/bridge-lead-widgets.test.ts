/**
 * The lead list's badges, the lead's SLA tab and the lead list's "SLA state" filter as the Perfex
 * module asks for them: the service's bridge, activated on the devhost's database (Perfex's lead
 * tables) with the devhost's clock, answers exactly what the devhost's own lead list and lead view
 * show, scoped for view own; the filter's condition, asked for by the real PHP module (php-cli,
 * `table_leads_rules`) and run on `tblleads`, selects exactly the leads whose badge shows the state.
 * PHP signs with the real time, so "now" (S) is the real time and the windows count in minutes: an
 * around-the-clock India policy gives "New" 10 minutes (warning at 80%); Waiting pauses it.
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
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { loginAs } from '../helpers/admin-session';
import { dropRedisPrefix, testRedisPrefix } from '../helpers/test-database';
import { signBridgeRequest } from '../../src/host/bridge/bridge-signature';
import { TICKET_LIST_STATES } from '../../src/store/read/ticket-state-sql';
import { sqlTime } from '../../src/store/read/sla-sql';

const SECRET = crypto.randomBytes(32).toString('hex');
const root = path.join(__dirname, '..', '..');
const MINUTE = 60_000;
const clock = new MutableClock();
let start: number;
const at = (offsetMinutes: number) => clock.set(new Date(start + offsetMinutes * MINUTE));

let t: TestDevhost;
let bridge: BridgeOverDevhost | undefined;
let app: Express;
let serviceUrl: string;
const queuePrefix = testRedisPrefix();
const ids = { fresh: 0, waiting: 0, india: 0, de: 0 };
const staff = { mgr: 0, own: 0, nobody: 0 };
const lead: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  [ids.fresh] = await db('tblleads_status').insert({ name: 'New & <hot>', statusorder: 1, color: '#2563eb' });
  [ids.waiting] = await db('tblleads_status').insert({ name: 'Waiting', statusorder: 3, color: '#64748b' });
  ids.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  ids.de = (await db('tblcountries').where('iso2', 'DE').first()).country_id;
  staff.mgr = await insertStaffWithCapabilities(db, 'mara.manager@x.test', STAFF_PASSWORD, ['view']);
  staff.own = await insertStaffWithCapabilities(db, 'otto.own@x.test', STAFF_PASSWORD, ['view_own'], {
    default_language: 'german',
  });
  staff.nobody = await insertStaffWithCapabilities(db, 'nico.nobody@x.test', STAFF_PASSWORD, []);
  const services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'india',
        name: 'India leads',
        subject: 'lead',
        match: { countryIds: [ids.india] },
        targets: { status_time: { byStatus: { [String(ids.fresh)]: { minutes: 10 } } } },
        pauseStatusIds: [ids.waiting],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  start = Math.floor(Date.now() / 1000) * 1000;
  const create = async (key: string, offset: number, extra: Record<string, unknown> = {}) => {
    at(offset);
    lead[key] = await t.devhost.leads.create({
      name: `${key} lead`,
      status: ids.fresh,
      source: 1,
      country: ids.india,
      assigned: staff.mgr,
      ...extra,
    });
  };
  await create('breached', -20, { assigned: staff.own }); // due at S - 10
  await create('atRisk', -9, { assigned: staff.own }); // warned at S - 1, due at S + 1
  await create('onTrack', -2);
  await create('paused', -5);
  at(-4);
  await t.devhost.leads.changeStatus(lead.paused, { status: ids.waiting });
  await create('met', -5);
  at(-4);
  await t.devhost.leads.markLost(lead.met);
  await create('noPolicy', -3, { country: ids.de });
  at(0);
  await services.scanner.run(clock.now());
  // Written without a hook (an import): after the last scan: not seen by the module yet, no policy.
  [lead.unseen] = await t.devhost.leads.importWithoutHooks([
    { name: 'unseen lead', status: ids.fresh, source: 1, country: ids.india, assigned: staff.mgr },
  ]);
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

const allIds = () => Object.values(lead);
const name = (id: number) => Object.keys(lead).find((k) => lead[k] === id);

/** A POST as the PHP module signs it, at the service's clock. */
function post(route: string, body: unknown, { unsigned = false } = {}) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const nonce = crypto.randomBytes(16).toString('hex');
  const signature = signBridgeRequest(SECRET, { method: 'POST', path: route, timestamp, nonce, body: raw });
  let req = request(app).post(route).set('Content-Type', 'application/json');
  if (!unsigned)
    req = req
      .set('X-SLA-Vigil-Timestamp', timestamp)
      .set('X-SLA-Vigil-Nonce', nonce)
      .set('X-SLA-Vigil-Signature', signature);
  return req.send(raw);
}

async function badges(staffId: number, leadIds: number[], language = 'english') {
  const res = await post('/bridge/lead-list', { staff_id: staffId, language, lead_ids: leadIds });
  expect(res.status).toBe(200);
  return (res.body as { badges: Record<string, string> }).badges;
}

const stateOf = (html: string | undefined) => /data-sla-state="([a-z_]+)"/.exec(html ?? '')?.[1] ?? 'none';

/** The SLA cell of one row of the devhost's lead list. */
function slaCell(html: string, id: number): string | undefined {
  const row = new RegExp(`<tr data-lead-id="${id}">[\\s\\S]*?</tr>`).exec(html)?.[0];
  if (row === undefined) return undefined;
  return /<td data-column="sla_vigil"[^>]*>([\s\S]*?)<\/td>/.exec(row)?.[1] ?? '';
}

describe('POST /bridge/lead-list', () => {
  it("answers the devhost lead list's own badges for a page of ids, one per state", async () => {
    const answer = await badges(staff.mgr, allIds());
    expect(Object.keys(answer).map(Number).sort()).toEqual([...allIds()].sort());
    expect(
      Object.fromEntries(Object.entries(lead).map(([k, id]) => [k, stateOf(answer[String(id)])])),
    ).toEqual({
      breached: 'breached',
      atRisk: 'at_risk',
      onTrack: 'on_track',
      paused: 'paused',
      met: 'met',
      noPolicy: 'no_policy',
      unseen: 'no_policy',
    });
    expect(answer[String(lead.breached)]).toContain('title="Time in New &amp; &lt;hot&gt;: due');
    const list = (await (await loginAs(t.devhost.app, 'mara.manager@x.test')).agent.get('/admin/leads')).text;
    for (const id of allIds())
      expect({ id, html: answer[String(id)] }).toEqual({ id, html: slaCell(list, id) });
  });

  it('speaks the language PHP names, as the German-speaking staff member sees their own leads', async () => {
    const german = await badges(staff.own, allIds(), 'german');
    expect(german[String(lead.breached)]).toContain('überfällig');
    const list = (await (await loginAs(t.devhost.app, 'otto.own@x.test')).agent.get('/admin/leads')).text;
    for (const id of allIds())
      expect({ id, html: german[String(id)] }).toEqual({ id, html: slaCell(list, id) });
  });

  it('fills view own the badges of the leads assigned to them, a grey dash elsewhere', async () => {
    const answer = await badges(staff.own, allIds());
    expect(stateOf(answer[String(lead.breached)])).toBe('breached');
    expect(stateOf(answer[String(lead.atRisk)])).toBe('at_risk');
    for (const key of ['onTrack', 'paused', 'met', 'noPolicy', 'unseen'])
      expect(answer[String(lead[key])]).toMatch(/^<span class="sv-not-yours"[^>]*>–<\/span>$/);
  });

  it('answers {} for staff without View own, and for an empty page', async () => {
    expect(await badges(staff.nobody, allIds())).toEqual({});
    expect(await badges(staff.mgr, [])).toEqual({});
  });

  it('refuses wrong bodies with 422 naming the field', async () => {
    const cases: [unknown, string][] = [
      [
        { staff_id: staff.mgr, language: 'english', lead_ids: Array.from({ length: 501 }, (_, i) => i + 1) },
        'lead_ids',
      ],
      [{ staff_id: staff.mgr, language: 'english', lead_ids: ['1'] }, 'lead_ids.0'],
      [{ staff_id: 0, language: 'english', lead_ids: [1] }, 'staff_id'],
      [{ staff_id: staff.mgr, language: '<b>', lead_ids: [1] }, 'language'],
      [{ staff_id: staff.mgr, language: 'english' }, 'lead_ids'],
      // The ticket list's field is not the lead list's.
      [{ staff_id: staff.mgr, language: 'english', lead_ids: [1], ticket_ids: [1] }, 'ticket_ids'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/bridge/lead-list', body);
      expect({ field, status: res.status, got: res.body.field }).toEqual({ field, status: 422, got: field });
    }
  });

  it('refuses unsigned requests to the three lead routes with 401', async () => {
    const bodies: [string, unknown][] = [
      ['/bridge/lead-list', { staff_id: staff.mgr, language: 'english', lead_ids: allIds() }],
      ['/bridge/lead-panel', { staff_id: staff.mgr, language: 'english', lead_id: lead.paused }],
      ['/bridge/lead-list-filter', { state: 'breached' }],
    ];
    for (const [route, body] of bodies) {
      const res = await post(route, body, { unsigned: true });
      expect({ route, status: res.status, body: res.body }).toEqual({
        route,
        status: 401,
        body: { error: 'unsigned' },
      });
    }
  });
});

describe('POST /bridge/lead-panel', () => {
  const panel = (staffId: number, leadId: number, language = 'english') =>
    post('/bridge/lead-panel', { staff_id: staffId, language, lead_id: leadId });

  it("answers the lead's SLA tab, as the devhost's lead view shows it", async () => {
    const res = await panel(staff.mgr, lead.paused);
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('SLA');
    expect(res.body.html).toContain('data-testid="sv-lead-panel"');
    expect(res.body.html).toContain('data-metric="status_time"');
    expect(res.body.html).toContain('data-testid="sv-paused-now"');
    const devhostPanel = t.devhost.admin.leadPanels.get('sla_vigil');
    expect(res.body.html).toBe(await devhostPanel?.render(lead.paused, staff.mgr));
    expect((await panel(staff.mgr, lead.paused, 'german')).body.html).toContain('Pausiert');
  });

  it('answers view own the tab of their own leads only, and nothing without a grant', async () => {
    expect((await panel(staff.own, lead.breached)).body.html).toContain('data-testid="sv-lead-panel"');
    expect((await panel(staff.own, lead.onTrack)).body).toEqual({ title: null, html: '' });
    expect((await panel(staff.nobody, lead.onTrack)).body).toEqual({ title: null, html: '' });
    // A lead that does not exist (deleted meanwhile) shows no tab either.
    expect((await panel(staff.mgr, 2_000_000_000)).body).toEqual({ title: null, html: '' });
  });

  it('refuses wrong bodies with 422 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ staff_id: staff.mgr, language: 'english', lead_id: 0 }, 'lead_id'],
      [{ staff_id: staff.mgr, language: 'english', lead_id: '5' }, 'lead_id'],
      [{ staff_id: staff.mgr, language: 'english' }, 'lead_id'],
      [{ staff_id: staff.mgr, language: 'english', ticket_id: 5 }, 'lead_id'],
      [{ staff_id: staff.mgr, language: 'english', lead_id: 5, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/bridge/lead-panel', body);
      expect({ field, status: res.status, got: res.body.field }).toEqual({ field, status: 422, got: field });
    }
  });
});

interface PhpRule {
  label: string;
  options: { value: string; label: string }[];
  conditions: Record<string, string>;
  log: string[];
}

/** The module's lead-list rule as PHP builds it, with the condition of each state asked for twice. */
function phpLeadRule(states: readonly string[]): Promise<PhpRule> {
  const env = {
    ...process.env,
    SLA_VIGIL_SERVICE_URL: serviceUrl,
    SLA_VIGIL_SECRET: SECRET,
    SLA_VIGIL_LIST: 'leads',
  };
  return new Promise((resolve, reject) => {
    execFile(
      'php',
      ['test/php/list-filter.php', ...states],
      { cwd: root, env, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`php failed (apt-get install php-cli php-curl): ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as PhpRule);
      },
    );
  });
}

/** Our leads that a WHERE condition selects in Perfex's leads table, as Perfex's list would query it. */
async function selected(condition: string): Promise<number[]> {
  const [rows] = (await t.devhost.db.raw(
    `SELECT id FROM tblleads WHERE id IN (${allIds().join(',')}) AND (${condition}) ORDER BY id`,
  )) as unknown as [{ id: number }[]];
  return rows.map((r) => r.id);
}

describe('POST /bridge/lead-list-filter', () => {
  it("selects, for every state, exactly the leads whose badge shows it (through PHP's table_leads_rules)", async () => {
    at(0);
    const shown = await badges(staff.mgr, allIds());
    const rule = await phpLeadRule(TICKET_LIST_STATES);
    expect(rule.log).toEqual([]);
    expect(rule.options.map((o) => o.label)).toContain('Breached (open leads)');
    for (const state of TICKET_LIST_STATES) {
      const condition = rule.conditions[state];
      // The moment inlined as a quoted value (no policy never depends on it).
      if (state !== 'no_policy') expect(condition).toContain(`'${sqlTime(clock.now())}'`);
      expect(condition).toContain('`tblleads`.`id`');
      const expected = allIds()
        .filter((id) => stateOf(shown[String(id)]) === state)
        .sort((a, b) => a - b);
      expect({ state, leads: (await selected(condition)).map(name) }).toEqual({
        state,
        leads: expected.map(name),
      });
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it("is the lead list's condition, not the ticket list's", async () => {
    const leadCondition = (await post('/bridge/lead-list-filter', { state: 'breached' })).body
      .condition as string;
    const ticketCondition = (await post('/bridge/ticket-list-filter', { state: 'breached' })).body
      .condition as string;
    expect(leadCondition).toContain("subject_type = 'lead'");
    expect(ticketCondition).not.toContain('tblleads');
    expect(await selected(leadCondition)).toEqual([lead.breached]);
  });

  it('refuses an unknown state or an extra field with 422 naming it', async () => {
    for (const [body, field] of [
      [{ state: 'nonsense' }, 'state'],
      [{ state: "breached' OR 1=1 -- " }, 'state'],
      [{}, 'state'],
      [{ state: 'breached', sql: '1=1' }, 'sql'],
    ] as const) {
      const res = await post('/bridge/lead-list-filter', body);
      expect({ field, status: res.status, got: res.body.field }).toEqual({ field, status: 422, got: field });
    }
  });
});
