import type { Knex } from 'knex';
import pino from 'pino';
import { createHostTables } from '../../devhost/schema';
import { createDb } from '../../src/store/db';
import { migrateLatest } from '../../src/store/migrator';
import { utcToSql } from '../../src/store/datetime';
import { createTranslator } from '../../src/i18n/translator';
import { HOST_CONTRACT_VERSION, type HostContext } from '../../src/host/host-context';
import { PerfexTicketGateway } from '../../src/host/perfex/perfex-ticket-gateway';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';
import { createTicketListColumn } from '../../src/web/ticket-list-column';
import { createLeadListColumn } from '../../src/web/lead-list-column';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { referenceLeadCells, referenceTicketCells } from '../helpers/reference-list-badges';

/**
 * The list badges after issue 14's speed-up (phrase cache, compiled date format, index hint) say
 * byte for byte what the first renderer said (test/helpers/reference-list-badges.ts), over a
 * seeded mix of every case a badge has: each stored and live state, paused past its due, met and
 * ended clocks, internal clocks, no policy, unseen subjects, lead status windows (with status names
 * that look like markup and i18next syntax, and a status the host deleted), due times minutes to
 * months away and in another year, in en, de and es (and the viewer's own language), in zones with
 * and without DST, on DST change days and at a year's end.
 */

const TICKETS = 240;
const LEADS = 80;
const METRICS = ['first_response', 'next_response', 'resolution'];
const STORED = ['on_track', 'at_risk', 'breached', 'paused'];
const STATUSES = [
  { id: 2, name: 'New' },
  { id: 3, name: 'Contacted <b>"&\'' },
  { id: 4, name: 'Qualified {{status}} $t(states.met)' },
];

/** mulberry32: the same fixture on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Minutes from now: mostly within days, some months away (crossing a year's end from the "now"s below). */
function offsetMinutes(r: () => number): number {
  const scale = r() < 0.2 ? 200_000 : r() < 0.5 ? 10_000 : 600;
  return Math.round((r() * 2 - 1) * scale + (r() < 0.1 ? r() : 0));
}

let db: TestDatabase;
let knex: Knex;
const translator = createTranslator();
let staffId = 0;

const NOWS = [
  new Date('2026-03-29T00:30:00.000Z'), // Europe's spring change
  new Date('2026-11-01T05:59:30.000Z'), // America's autumn change, mid-minute
  new Date('2026-12-31T23:10:00.000Z'), // a year's end (in UTC; past it east of Greenwich)
  new Date('2026-06-15T12:00:00.000Z'),
];
const ZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Australia/Lord_Howe', 'Asia/Kolkata'];

beforeAll(async () => {
  db = await createTestDatabase();
  knex = createDb(db.url, { min: 0, max: 3 });
  await createHostTables(knex, 'tbl');
  await migrateLatest(knex, 'tbl');
  [staffId] = await knex('tblstaff').insert({
    email: 'viewer@test.example',
    firstname: 'Vi',
    lastname: 'Ewer',
    password: 'x',
    datecreated: '2026-01-01 00:00:00',
    active: 1,
    default_language: 'german',
  });
  await knex('tblleads_status').insert(STATUSES.map((s, i) => ({ ...s, statusorder: i + 1, isdefault: 0 })));

  const r = random(20261206);
  const anchor = NOWS[0];
  const at = (minutes: number) => utcToSql(new Date(anchor.getTime() + minutes * 60_000));
  const subjects: Record<string, unknown>[] = [];
  const clocks: Record<string, unknown>[] = [];
  const add = (kind: 'ticket' | 'lead', id: number) => {
    const roll = r();
    if (roll < 0.05) return; // never seen
    const noPolicy = roll < 0.15;
    subjects.push({
      subject_type: kind,
      subject_id: id,
      status: 1,
      priority: 2,
      department: 1,
      assigned: 0,
      userid: 0,
      policy_id: noPolicy ? null : 1,
      sla_state: noPolicy ? 'no_policy' : ['met', 'breached', 'on_track', 'paused'][Math.floor(r() * 4)],
      created_at: at(-5000),
      updated_at: at(-5000),
    });
    if (noPolicy || roll < 0.25) return; // nothing runs: the stored summary shows
    const count = 1 + Math.floor(r() * 3);
    for (let i = 0; i < count; i++) {
      const due = offsetMinutes(r);
      const lead = kind === 'lead';
      clocks.push({
        subject_type: kind,
        subject_id: id,
        metric: lead ? (r() < 0.85 ? 'status_time' : 'custom_metric') : METRICS[i],
        cycle: lead ? i + 1 : 1,
        scope: r() < 0.1 ? 'internal' : 'customer',
        status: lead ? [2, 3, 4, 99][Math.floor(r() * 4)] : null,
        policy_id: 1,
        target_minutes: 60,
        started_at: at(-5000),
        due_at: at(due),
        warn_at: at(due - Math.floor(r() * 600)),
        met_at: r() < 0.1 ? at(-10) : null,
        ended_at: r() < 0.05 ? at(-5) : null,
        state: STORED[Math.floor(r() * STORED.length)],
        updated_at: at(-5000),
      });
    }
  };
  for (let id = 1; id <= TICKETS; id++) add('ticket', id);
  for (let id = 1; id <= LEADS; id++) add('lead', id);
  await knex.batchInsert('tblsla_vigil_subjects', subjects, 200);
  await knex.batchInsert('tblsla_vigil_clocks', clocks, 200);
}, 60_000);

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

/** The host as the columns see it: Perfex's gateways on the test database, a viewer who sees everything. */
function hostAt(zone: string, now: Date): HostContext {
  return {
    contractVersion: HOST_CONTRACT_VERSION,
    db: knex,
    tablePrefix: 'tbl',
    timezone: zone,
    tickets: new PerfexTicketGateway(knex, 'tbl', zone),
    permissions: {
      register: () => () => undefined,
      can: () => Promise.resolve(true),
      ticketScope: () => Promise.resolve({ all: true }),
      staffDepartments: () => Promise.resolve([]),
    },
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
  } as unknown as HostContext;
}

const ticketIds = Array.from({ length: TICKETS + 5 }, (_, i) => i + 1); // the last five: never seen
const leadIds = Array.from({ length: LEADS + 5 }, (_, i) => i + 1);

const CASES = ZONES.flatMap((zone) =>
  NOWS.flatMap((now) =>
    [undefined, 'en', 'de', 'es'].map((lang) => [zone, now.toISOString(), lang] as const),
  ),
);

describe('list badges equal the first renderer’s, byte for byte', () => {
  it.each(CASES)('tickets in %s at %s, language %s', async (zone, nowIso, lang) => {
    const now = new Date(nowIso);
    const column = createTicketListColumn(hostAt(zone, now), translator);
    const cells = await column.render(ticketIds, staffId, lang);
    const expected = await referenceTicketCells(
      { db: knex, translator, zone, now, lang: lang ?? 'de' },
      ticketIds,
    );
    expect([...cells]).toEqual([...expected]);
  });

  it.each(CASES)('leads in %s at %s, language %s', async (zone, nowIso, lang) => {
    const now = new Date(nowIso);
    const leads = new PerfexLeadGateway(knex, 'tbl', zone);
    const column = createLeadListColumn(hostAt(zone, now), leads, translator);
    const cells = await column.render(leadIds, staffId, lang);
    const expected = await referenceLeadCells(
      { db: knex, translator, zone, now, lang: lang ?? 'de' },
      leadIds,
      await leads.listLeadStatuses(),
    );
    expect([...cells]).toEqual([...expected]);
  });

  it('the fixture has every kind of badge', async () => {
    const cells = [
      ...(
        await createTicketListColumn(hostAt('UTC', NOWS[0]), translator).render(ticketIds, staffId, 'en')
      ).values(),
    ].join('\n');
    for (const state of ['on_track', 'at_risk', 'breached', 'paused', 'met', 'no_policy'])
      expect(cells).toContain(`data-sla-state="${state}"`);
    expect(cells).toMatch(/overdue/);
    expect(cells).toMatch(/left/);
    expect(cells).toMatch(/ 20\d\d \d\d:\d\d/); // a due time in another year shows its year
  });
});
