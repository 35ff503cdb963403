import type { Knex } from 'knex';
import { createDb } from '../../src/store/db';
import { migrateLatest } from '../../src/store/migrator';
import { utcFromSql, utcToSql } from '../../src/store/datetime';
import {
  liveState,
  mostUrgent,
  stateRank,
  ticketState,
  type LiveState,
  type RunningClock,
  type StoredSubjectState,
} from '../../src/sla/clocks/live-state';
import { EFFECTIVE_STATE, selectRows } from '../../src/store/read/sla-sql';
import {
  TICKET_LIST_STATES,
  ticketRankSql,
  ticketSortKeySql,
  ticketSortKeySqlFromClocks,
  ticketStateIsSql,
  ticketStateIsSqlFromClocks,
  ticketStateSql,
  urgentDueSql,
} from '../../src/store/read/ticket-state-sql';
import { rebuildUrgency } from '../../src/store/urgency-repository';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * The JS definition of "a ticket's SLA state now" (live-state.ts: the badge, the panel and the
 * widget) against its SQL twin (sla-sql.ts / ticket-state-sql.ts: the list's filter and sort, the
 * monitor, the dashboard), run on MariaDB over one table of cases. If either side changes alone,
 * this fails.
 */
const NOW = new Date('2026-03-03T12:00:00.000Z');
const min = (m: number) => new Date(NOW.getTime() + m * 60_000);

interface ClockCase {
  metric: string;
  state: string;
  /** Minutes from now. */
  due: number;
  warn: number;
  met?: boolean;
  ended?: boolean;
}

/** One clock: [name, stored state, due and warn in minutes from now, the state it has now]. */
const CLOCK_CASES: [string, ClockCase, LiveState][] = [
  [
    'paused, provisional due passed',
    { metric: 'resolution', state: 'paused', due: -120, warn: -180 },
    'paused',
  ],
  ['paused, warning passed', { metric: 'resolution', state: 'paused', due: 30, warn: -10 }, 'paused'],
  ['paused, all ahead', { metric: 'resolution', state: 'paused', due: 300, warn: 200 }, 'paused'],
  [
    'stored breached, due moved ahead',
    { metric: 'resolution', state: 'breached', due: 60, warn: 30 },
    'breached',
  ],
  [
    'stale on track, due passed',
    { metric: 'first_response', state: 'on_track', due: -30, warn: -40 },
    'breached',
  ],
  [
    'on track, due exactly now',
    { metric: 'first_response', state: 'on_track', due: 0, warn: -10 },
    'breached',
  ],
  ['stale at risk, due passed', { metric: 'resolution', state: 'at_risk', due: -1, warn: -60 }, 'breached'],
  ['stored at risk, warning ahead', { metric: 'resolution', state: 'at_risk', due: 90, warn: 30 }, 'at_risk'],
  ['on track, warning exactly now', { metric: 'resolution', state: 'on_track', due: 60, warn: 0 }, 'at_risk'],
  [
    'stale on track, warning passed',
    { metric: 'resolution', state: 'on_track', due: 60, warn: -5 },
    'at_risk',
  ],
  ['on track', { metric: 'resolution', state: 'on_track', due: 60, warn: 5 }, 'on_track'],
];

interface TicketCase {
  name: string;
  /** Undefined: the module has not seen the ticket. */
  subject?: StoredSubjectState;
  clocks: ClockCase[];
  state: string;
  /** The due time (minutes from now) of the clock the badge shows; null when none runs. */
  due: number | null;
}

const policy = (slaState: string): StoredSubjectState => ({ policyId: 1, slaState });

const TICKET_CASES: TicketCase[] = [
  {
    name: 'at risk beats an on-track clock due sooner',
    subject: policy('at_risk'),
    clocks: [
      { metric: 'next_response', state: 'on_track', due: 30, warn: 15 },
      { metric: 'resolution', state: 'on_track', due: 60, warn: -5 },
    ],
    state: 'at_risk',
    due: 60,
  },
  {
    name: 'a paused clock past its provisional due ranks after an on-track one',
    subject: policy('paused'),
    clocks: [
      { metric: 'resolution', state: 'paused', due: -60, warn: -90 },
      { metric: 'next_response', state: 'on_track', due: 120, warn: 100 },
    ],
    state: 'on_track',
    due: 120,
  },
  {
    name: 'only paused',
    subject: policy('paused'),
    clocks: [{ metric: 'resolution', state: 'paused', due: -60, warn: -90 }],
    state: 'paused',
    due: -60,
  },
  {
    name: 'two breaches: the earlier due',
    subject: policy('breached'),
    clocks: [
      { metric: 'first_response', state: 'breached', due: -10, warn: -20 },
      { metric: 'resolution', state: 'on_track', due: -60, warn: -120 },
    ],
    state: 'breached',
    due: -60,
  },
  {
    name: 'first response met late, resolution on track (stored summary: breached)',
    subject: policy('breached'),
    clocks: [
      { metric: 'first_response', state: 'breached', due: -100, warn: -110, met: true },
      { metric: 'resolution', state: 'on_track', due: 150, warn: 90 },
    ],
    state: 'on_track',
    due: 150,
  },
  {
    name: 'an ended breach does not count; the running paused clock does',
    subject: policy('breached'),
    clocks: [
      { metric: 'next_response', state: 'breached', due: -500, warn: -560, ended: true },
      { metric: 'resolution', state: 'paused', due: 40, warn: 20 },
    ],
    state: 'paused',
    due: 40,
  },
  {
    name: 'equal due times: the metric decides',
    subject: policy('on_track'),
    clocks: [
      { metric: 'resolution', state: 'on_track', due: 45, warn: 30 },
      { metric: 'first_response', state: 'on_track', due: 45, warn: 30 },
    ],
    state: 'on_track',
    due: 45,
  },
  { name: 'nothing runs, all met', subject: policy('met'), clocks: [], state: 'met', due: null },
  {
    name: 'closed, its last cycle breached',
    subject: policy('breached'),
    clocks: [{ metric: 'resolution', state: 'breached', due: -50, warn: -60, met: true }],
    state: 'breached',
    due: null,
  },
  {
    name: 'no policy',
    subject: { policyId: null, slaState: 'no_policy' },
    clocks: [],
    state: 'no_policy',
    due: null,
  },
  { name: 'not seen yet', clocks: [], state: 'no_policy', due: null },
];

let db: TestDatabase;
let knex: Knex;

beforeAll(async () => {
  db = await createTestDatabase();
  knex = createDb(db.url, { min: 0, max: 2 });
  await migrateLatest(knex, 'tbl');
});
afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

function clockRow(subjectId: number, c: ClockCase, cycle = 1) {
  const ts = utcToSql(min(-1000));
  return {
    subject_type: 'ticket',
    subject_id: subjectId,
    metric: c.metric,
    cycle,
    policy_id: 1,
    target_minutes: 60,
    started_at: ts,
    due_at: utcToSql(min(c.due)),
    warn_at: utcToSql(min(c.warn)),
    met_at: c.met ? utcToSql(min(-1)) : null,
    ended_at: c.ended ? utcToSql(min(-1)) : null,
    state: c.state,
    updated_at: ts,
  };
}

function subjectRow(subjectId: number, s: StoredSubjectState) {
  const ts = utcToSql(min(-1000));
  return {
    subject_type: 'ticket',
    subject_id: subjectId,
    status: 1,
    priority: 2,
    department: 1,
    assigned: 0,
    userid: 0,
    policy_id: s.policyId,
    sla_state: s.slaState,
    created_at: ts,
    updated_at: ts,
  };
}

const asRunning = (c: ClockCase): RunningClock => ({
  metric: c.metric,
  state: c.state,
  dueAt: min(c.due),
  warnAt: min(c.warn),
});

describe('a running clock’s state now: liveState (JS) = EFFECTIVE_STATE (SQL)', () => {
  it.each(CLOCK_CASES)('%s', async (_name, c, expected) => {
    expect(liveState(asRunning(c), NOW)).toBe(expected);
    await knex('tblsla_vigil_clocks').delete();
    await knex('tblsla_vigil_clocks').insert(clockRow(1, c));
    const at = utcToSql(NOW);
    const [row] = await selectRows<{ s: string }>(
      knex,
      `SELECT ${EFFECTIVE_STATE} AS s FROM tblsla_vigil_clocks c`,
      [at, at],
    );
    expect(row.s).toBe(expected);
  });
});

describe('a ticket’s state now and the clock it shows: ticketState (JS) = ticketStateSql (SQL)', () => {
  beforeAll(async () => {
    await knex('tblsla_vigil_clocks').delete();
    for (const [i, tc] of TICKET_CASES.entries()) {
      const id = i + 1;
      if (tc.subject) await knex('tblsla_vigil_subjects').insert(subjectRow(id, tc.subject));
      for (const c of tc.clocks) await knex('tblsla_vigil_clocks').insert(clockRow(id, c));
    }
    // The urgency columns the list reads, written from these clocks as the module writes them.
    await rebuildUrgency(knex, 'tbl', 'ticket');
  });

  it('the urgency columns give each state filter the rows the clocks give, due and warning times passed or not', async () => {
    const ids = [...TICKET_CASES.keys()].map((i) => i + 1).concat(TICKET_CASES.length + 1);
    const from = `(${ids.map(() => 'SELECT ? AS ticketid').join(' UNION ALL ')}) t`;
    for (const state of TICKET_LIST_STATES) {
      const matching = async (part: { sql: string; bindings: Knex.Value[] }) =>
        (
          await selectRows<{ ticketid: unknown }>(
            knex,
            `SELECT t.ticketid FROM ${from} WHERE ${part.sql} ORDER BY t.ticketid`,
            [...ids, ...part.bindings],
          )
        ).map((r) => Number(r.ticketid));
      const expected = await matching(ticketStateIsSqlFromClocks('tbl', 't.ticketid', NOW, state));
      for (const form of ['semijoin', 'probe'] as const)
        expect([
          state,
          form,
          await matching(ticketStateIsSql('tbl', 't.ticketid', NOW, state, 'ticket', form)),
        ]).toEqual([state, form, expected]);
    }
    // And the sort key is the clocks' key, value for value.
    const fromRows = ticketSortKeySql('tbl', 't.ticketid', NOW);
    const fromClocks = ticketSortKeySqlFromClocks('tbl', 't.ticketid', NOW);
    const keys = await selectRows<{ a: unknown; b: string }>(
      knex,
      `SELECT ${fromRows.sql} AS a, ${fromClocks.sql} AS b FROM ${from}`,
      [...fromRows.bindings, ...fromClocks.bindings, ...ids],
    );
    for (const k of keys) expect(BigInt(String(k.a))).toBe(integerSortKey(k.b));
  });

  it.each(TICKET_CASES.map((tc, i) => [tc.name, i + 1, tc] as const))('%s', async (_name, id, tc) => {
    const running = tc.clocks.filter((c) => !c.met && !c.ended).map(asRunning);
    const js = ticketState(running, tc.subject, NOW);
    expect(js).toBe(tc.state);
    expect(mostUrgent(running, NOW)?.dueAt ?? null).toEqual(tc.due === null ? null : min(tc.due));

    // The host's query shape: a ticket id column, the module's state as correlated subqueries.
    const state = ticketStateSql('tbl', 't.ticketid', NOW);
    const rank = ticketRankSql('tbl', 't.ticketid', NOW);
    const due = urgentDueSql('tbl', 't.ticketid', NOW);
    const [row] = await selectRows<{ state: string; rank: unknown; due: string | Date | null }>(
      knex,
      `SELECT ${state.sql} AS state, ${rank.sql} AS \`rank\`, ${due.sql} AS due FROM (SELECT ? AS ticketid) t`,
      [...state.bindings, ...rank.bindings, ...due.bindings, id],
    );
    expect(row.state).toBe(js);
    expect(Number(row.rank)).toBe(stateRank(js));
    expect(row.due === null ? null : utcFromSql(row.due)).toEqual(tc.due === null ? null : min(tc.due));
  });

  it('the list’s one sort key orders the tickets as rank, then due (none running: last of its rank)', async () => {
    const unseen = TICKET_CASES.length + 1; // no subject row, no clocks: no policy
    const expected = [
      ...TICKET_CASES.map((tc, i) => ({ id: i + 1, rank: stateRank(tc.state), due: tc.due })),
      { id: unseen, rank: stateRank('no_policy'), due: null },
    ]
      .sort((a, b) => a.rank - b.rank || (a.due ?? Infinity) - (b.due ?? Infinity) || a.id - b.id)
      .map((r) => r.id);
    const key = ticketSortKeySql('tbl', 't.ticketid', NOW);
    const ids = [...TICKET_CASES.keys()].map((i) => i + 1).concat(unseen);
    const rows = await selectRows<{ ticketid: unknown }>(
      knex,
      `SELECT t.ticketid FROM (${ids.map(() => 'SELECT ? AS ticketid').join(' UNION ALL ')}) t ORDER BY ${key.sql} ASC, t.ticketid ASC`,
      [...ids, ...key.bindings],
    );
    expect(rows.map((r) => Number(r.ticketid))).toEqual(expected);
  });
});

/** MILLISECONDS from year 0 to 1970 as MariaDB's TO_SECONDS counts them (TO_SECONDS('1970-01-01') * 1000). */
const EPOCH_MS_FROM_YEAR_0 = 62_167_219_200_000n;

/**
 * The clocks' text key (rank digit, then 'YYYY-MM-DD HH:MM:SS.ffffff') as the integer the kept
 * key is (rank * 10^15 + due in milliseconds since year 0): the same order, value for value.
 */
function integerSortKey(text: string): bigint {
  const [date, time] = text.slice(1).split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi, sec] = time.split(':');
  const utc = Date.UTC(y, mo - 1, d, Number(h), Number(mi), Math.floor(Number(sec)));
  const ms = Math.round((Number(sec) % 1) * 1000);
  return BigInt(text[0]) * 1_000_000_000_000_000n + EPOCH_MS_FROM_YEAR_0 + BigInt(utc) + BigInt(ms);
}
