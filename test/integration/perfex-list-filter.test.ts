/**
 * "SLA state" in Perfex's own ticket-list filter: the PHP module (php-cli against the Perfex
 * stand-in) asks the real service for the rule's SQL condition, and that condition, run on the
 * real MariaDB tables, selects exactly the tickets whose list badge (the service's
 * /bridge/ticket-list answer) shows that state, at three moments.
 * PHP signs with the real time, so the moments stay within the bridge's clock tolerance of it
 * (S - 3 min, S, S + 3 min) and the policy counts in minutes.
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
import { insertOpenTickets, insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { dropRedisPrefix, testRedisPrefix } from '../helpers/test-database';
import { signBridgeRequest } from '../../src/host/bridge/bridge-signature';
import { TICKET_LIST_STATES } from '../../src/store/read/ticket-state-sql';
import { sqlTime } from '../../src/store/read/sla-sql';
import en from '../../locales/en.json';
import de from '../../locales/de.json';
import es from '../../locales/es.json';

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
let viewer: number;
const queuePrefix = testRedisPrefix();
const ticket: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'UTC', clock });
  const db = t.devhost.db;
  const [support] = await db('tbldepartments').insert({ name: 'Support' });
  viewer = await insertStaffWithCapabilities(db, 'vera.viewer@x.test', STAFF_PASSWORD, ['view']);
  const services = createModuleServices(t.devhost.host);
  await services.config.import({
    calendars: [],
    policies: [
      {
        key: 'high',
        name: 'High',
        match: { priorityIds: [3] },
        calendar: null,
        targets: {
          first_response: { minutes: 5, warnBeforeMinutes: 2 },
          resolution: { minutes: 30 },
        },
        pauseStatusIds: [4],
        escalations: [],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  start = Math.floor(Date.now() / 1000) * 1000;
  const create = async (key: string, offset: number, extra: Record<string, unknown> = {}) => {
    at(offset);
    ticket[key] = await t.devhost.tickets.create({
      subject: key,
      message: 'm',
      department: support,
      priority: 3,
      admin: 1,
      ...extra,
    });
  };
  const reply = async (key: string, offset: number, status: number) => {
    at(offset);
    await t.devhost.tickets.reply(ticket[key], { message: 'on it', admin: 1, status });
  };
  await create('late', -20); // first response overdue at every moment
  await create('turning', -6); // at risk at S-3, then breached
  await create('fresh', -4); // on track at S-3, at risk at S, breached at S+3
  await create('waiting', -10);
  await reply('waiting', -9, 4); // On Hold pauses the resolution
  await create('answered', -10);
  await reply('answered', -9, 2); // resolution running, on track
  await create('closed', -15);
  await reply('closed', -14, 5); // met
  await create('low', -10, { priority: 1 }); // no policy matches
  at(-3);
  await insertOpenTickets(db, 1, support, sqlTime(clock.now())); // never seen by the module
  const newest = (await db('tbltickets').max('ticketid as id').first()) as { id: number };
  ticket.unseen = newest.id;
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

/** A POST as the PHP module signs it, at the service's clock. */
function post(route: string, body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(clock.now().getTime() / 1000));
  const nonce = crypto.randomBytes(16).toString('hex');
  const signature = signBridgeRequest(SECRET, { method: 'POST', path: route, timestamp, nonce, body: raw });
  return request(app)
    .post(route)
    .set('Content-Type', 'application/json')
    .set('X-SLA-Vigil-Timestamp', timestamp)
    .set('X-SLA-Vigil-Nonce', nonce)
    .set('X-SLA-Vigil-Signature', signature)
    .send(raw);
}

interface PhpRule {
  label: string;
  options: { value: string; label: string }[];
  conditions: Record<string, string>;
  log: string[];
}

/** The module's rule as PHP builds it, with the condition of each state asked for twice. */
function phpRule(states: readonly string[], language = 'english'): Promise<PhpRule> {
  const env = {
    ...process.env,
    SLA_VIGIL_SERVICE_URL: serviceUrl,
    SLA_VIGIL_SECRET: SECRET,
    SLA_VIGIL_LANGUAGE: language,
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

/** The state each ticket's badge shows now, from the service's list answer. */
async function badgeStates(): Promise<Map<number, string>> {
  const ids = Object.values(ticket);
  const res = await post('/bridge/ticket-list', { staff_id: viewer, language: 'english', ticket_ids: ids });
  expect(res.status).toBe(200);
  const badges = (res.body as { badges: Record<string, string> }).badges;
  return new Map(
    ids.map((id) => [id, /data-sla-state="([a-z_]+)"/.exec(badges[String(id)] ?? '')?.[1] ?? 'none']),
  );
}

/** The ids of our tickets that a WHERE condition selects in Perfex's tickets table. */
async function selected(condition: string): Promise<number[]> {
  const [rows] = (await t.devhost.db.raw(
    `SELECT ticketid FROM tbltickets WHERE ticketid IN (${Object.values(ticket).join(',')}) AND (${condition}) ORDER BY ticketid`,
  )) as unknown as [{ ticketid: number }[]];
  return rows.map((r) => r.ticketid);
}

const name = (id: number) => Object.keys(ticket).find((k) => ticket[k] === id);

describe.each([
  ['S - 3 min', -3],
  ['S', 0],
  ['S + 3 min', 3],
])('at %s', (_label, offset) => {
  it('selects, for every state, exactly the tickets whose badge shows it', async () => {
    at(offset);
    const badges = await badgeStates();
    const rule = await phpRule(TICKET_LIST_STATES);
    expect(rule.log).toEqual([]);
    for (const state of TICKET_LIST_STATES) {
      const condition = rule.conditions[state];
      // A literal condition: the moment is inlined as a quoted value, correlated on Perfex's table
      // (no policy never depends on the moment: no due or warning time can pass into it).
      if (state !== 'no_policy') expect(condition).toContain(`'${sqlTime(clock.now())}'`);
      expect(condition).toContain('`tbltickets`.`ticketid`');
      const expected = [...badges].filter(([, shown]) => shown === state).map(([id]) => id);
      expect({ state, tickets: (await selected(condition)).map(name) }).toEqual({
        state,
        tickets: expected.sort((a, b) => a - b).map(name),
      });
    }
    // Every ticket has a badge, and the states cover every fixture.
    expect([...badges.values()]).not.toContain('none');
  });
});

it('the moments tell the states apart (the fixtures are not trivially equal)', async () => {
  const states = async (offset: number) => {
    at(offset);
    const badges = await badgeStates();
    return Object.fromEntries(Object.entries(ticket).map(([k, id]) => [k, badges.get(id)]));
  };
  expect(await states(-3)).toEqual({
    late: 'breached',
    turning: 'at_risk',
    fresh: 'on_track',
    waiting: 'paused',
    answered: 'on_track',
    closed: 'met',
    low: 'no_policy',
    unseen: 'no_policy',
  });
  expect(await states(0)).toMatchObject({ turning: 'breached', fresh: 'at_risk' });
  expect(await states(3)).toMatchObject({ turning: 'breached', fresh: 'breached' });
});

it('offers the badge states with the labels of the service, in English, German and Spanish', async () => {
  at(0);
  for (const [language, locale] of [
    ['english', en],
    ['german', de],
    ['spanish', es],
  ] as const) {
    const rule = await phpRule([], language);
    expect(rule.options).toEqual(
      TICKET_LIST_STATES.map((value) => ({ value, label: locale.list_filter[value] })),
    );
  }
});

it('refuses an unknown state with 422 naming the field; PHP then matches nothing and logs it', async () => {
  at(0);
  for (const body of [{ state: 'nonsense' }, { state: "breached' OR 1=1 -- " }, {}]) {
    const res = await post('/bridge/ticket-list-filter', body);
    expect(res.status).toBe(422);
    expect(res.body.field).toBe('state');
  }
  const extra = await post('/bridge/ticket-list-filter', { state: 'breached', sql: '1=1' });
  expect(extra.status).toBe(422);
  expect(extra.body.field).toBe('sql');
  const rule = await phpRule(['nonsense']);
  expect(rule.conditions.nonsense).toBe('1 = 0');
  expect(rule.log.join('\n')).toContain('422');
  expect(await selected(rule.conditions.nonsense)).toEqual([]);
});
