import type { Knex } from 'knex';
import { BENCH_OFFICE, benchServices, openBenchDatabase } from '../../bench/bench-host';
import { loadTicketMix } from '../../bench/ticket-mix';
import { benchLeadPolicy, loadLeads, seedLeadPipeline } from '../../bench/bench-leads';
import type { BenchLeadPipeline } from '../../bench/lead-mix';
import { LeadMonitorService, openLeadOf } from '../../src/store/read/lead-monitor-service';
import { utcToSql } from '../../src/store/datetime';
import { selectRows } from '../../src/store/read/sla-sql';
import {
  TICKET_LIST_STATES,
  ticketSortKeySql,
  ticketSortKeySqlFromClocks,
  ticketStateIsSql,
  ticketStateIsSqlFromClocks,
} from '../../src/store/read/ticket-state-sql';
import {
  idOrder,
  dueOrder,
  monitorRows,
  monitorRowsFromClocks,
  rankOrder,
  timeLeftOrder,
  type MonitorQuery,
} from '../../src/store/read/monitor-query';
import { openSubjectOf } from '../../src/store/read/sla-sql';
import { rebuildUrgency } from '../../src/store/urgency-repository';
import { ListFilterForms } from '../../src/store/read/list-filter-form';
import { windowEnd } from '../../src/sla/forecast/breach-forecast';

/**
 * The urgency columns on the subject rows (urgency-repository.ts) against the clocks they summarise:
 * what the incremental path keeps equals a rebuild from scratch after scans, hooks, policy edits,
 * ticks and deletions; and the list's filter and sort and the monitor read from them give exactly
 * the rows, order and counts the clock aggregations give, at instants where due and warning times
 * passed since the last tick. Data: the mix of bench/pages.ts at 3 000 tickets, and 800 leads of
 * bench/lead-mix.ts under the benchmarks' lead policy.
 */
const N = 3000;
const LEADS = 800;
let pipeline: BenchLeadPipeline;
const NOW = new Date('2026-04-01T08:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
/** Since the last write: nothing passed, warnings passed, dues passed, days later. */
const INSTANTS = [0, 25, 90, 60 * 7, 60 * 30, 60 * 24 * 4];

let db: Knex;
let close: () => Promise<void>;
const staff: number[] = [];

const URGENCY_COLUMNS = [
  'subject_type',
  'subject_id',
  'urgency_rank',
  'urgency_due',
  'urgency_metric',
  'urgency_cycle',
  'urgency_breach_at',
  'urgency_risk_at',
  'urgency_changes_at',
  'list_rank',
  'monitor_group',
];

async function urgencySnapshot(): Promise<unknown[]> {
  return db('tblsla_vigil_subjects').select(URGENCY_COLUMNS).orderBy(['subject_type', 'subject_id']);
}

/** What the incremental path kept equals a rebuild from the clocks. */
async function expectRebuildEqual(): Promise<void> {
  const kept = await urgencySnapshot();
  expect(kept.length).toBeGreaterThan(0);
  await rebuildUrgency(db, 'tbl', 'ticket');
  await rebuildUrgency(db, 'tbl', 'lead');
  expect(await urgencySnapshot()).toEqual(kept);
}

async function scanAt(minutes: number): Promise<void> {
  const { services } = await benchServices(db, at(minutes));
  await services.scanner.run(at(minutes));
}

beforeAll(async () => {
  ({ db, close } = await openBenchDatabase(`slav_test_urgency_${process.pid}`));
  // bench/pages.ts's ticket mix: ages over 40 days, replies early and late, on hold, a department
  // no policy covers, five assignees and none.
  const mix = await loadTicketMix(db, N, NOW);
  staff.push(...mix.staff);
  pipeline = await seedLeadPipeline(db, staff);
  await loadLeads(db, LEADS, pipeline, { from: new Date(NOW.getTime() - 40 * 24 * 3600_000), to: NOW });
  const { services } = await benchServices(db, NOW);
  await services.config.import(config(480));
  await services.scanner.run(NOW);
}, 120_000);

afterAll(async () => {
  await close();
});

function config(firstResponse: number) {
  return {
    calendars: [BENCH_OFFICE],
    policies: [
      benchLeadPolicy(pipeline, 'office'),
      {
        key: 'standard',
        name: 'Standard',
        position: 10,
        match: { priorityIds: [1, 2], departmentIds: [1, 2, 3, 4] },
        targets: { first_response: { minutes: firstResponse }, resolution: { minutes: 7200 } },
      },
      {
        key: 'urgent-first-response',
        name: 'Urgent: first response only',
        position: 20,
        match: { priorityIds: [3], departmentIds: [1, 2, 3, 4] },
        targets: { first_response: { minutes: firstResponse } },
      },
    ],
  };
}

/** Every list filter and the sort, from the urgency columns and from the clocks, at `now`. */
async function expectListsEqual(now: Date, kind: 'ticket' | 'lead' = 'ticket'): Promise<void> {
  const [table, id] = kind === 'ticket' ? ['tbltickets', 't.ticketid'] : ['tblleads', 't.id'];
  const ids = async (
    where: { sql: string; bindings: Knex.Value[] } | null,
    key: typeof ticketSortKeySql,
    dir: 'ASC' | 'DESC' = 'ASC',
  ) => {
    const k = key('tbl', id, now, kind);
    return (
      await selectRows<{ id: unknown }>(
        db,
        `SELECT ${id} AS id FROM ${table} t ${where ? `WHERE ${where.sql}` : ''} ORDER BY ${k.sql} ${dir}, ${id} ${dir}`,
        [...(where?.bindings ?? []), ...k.bindings],
      )
    ).map((r) => Number(r.id));
  };
  const sorted = await ids(null, ticketSortKeySql);
  expect(sorted).toEqual(await ids(null, ticketSortKeySqlFromClocks));
  expect(await ids(null, ticketSortKeySql, 'DESC')).toEqual(
    await ids(null, ticketSortKeySqlFromClocks, 'DESC'),
  );
  const [{ n }] = await db(table).count({ n: '*' });
  expect(sorted).toHaveLength(Number(n));
  let matched = 0;
  for (const state of TICKET_LIST_STATES) {
    const fromClocks = await ids(
      ticketStateIsSqlFromClocks('tbl', id, now, state, kind),
      ticketSortKeySqlFromClocks,
    );
    // Both forms of the filter (the list picks one by the state's share), sorted by the kept key.
    for (const form of ['semijoin', 'probe'] as const) {
      const rows = await ids(ticketStateIsSql('tbl', id, now, state, kind, form), ticketSortKeySql);
      expect([state, form, rows]).toEqual([state, form, fromClocks]);
    }
    matched += fromClocks.length;
  }
  expect(matched).toBeGreaterThan(Number(n) / 2);
}

/**
 * The monitor's pages (first and deep), sorts, state filters and column filters, from the urgency
 * columns, the covering index and the kept counts, and from the clocks: the same rows, order and
 * total.
 */
async function expectMonitorEqual(now: Date, kind: 'ticket' | 'lead' = 'ticket'): Promise<void> {
  const base = (over: Partial<MonitorQuery>): MonitorQuery => ({
    subjectType: kind,
    open: kind === 'ticket' ? openSubjectOf : openLeadOf,
    columns:
      kind === 'ticket'
        ? ['department', 'priority', 'assigned', 'userid']
        : ['status', 'country', 'source', 'assigned'],
    equals: [],
    order: timeLeftOrder('asc'),
    page: 1,
    perPage: 25,
    ...over,
  });
  const [policy] = await db('tblsla_vigil_policies').where('subject', kind).orderBy('id').pluck('id');
  const states = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'] as const;
  // Each column filter the list offers, alone and with a state.
  const filters: MonitorQuery['equals'][] =
    kind === 'ticket'
      ? [
          [['department', 2]],
          [['department', 5]],
          [['priority', 3]],
          [['assigned', 0]],
          [['policy_id', Number(policy)]],
          [['subject_id', [3, 8, 13, 21, 400, 1200, 2999]]],
          [
            ['assigned', staff[1]],
            ['department', [1, 2]],
          ],
        ]
      : [
          [['status', pipeline.statuses.waiting]],
          [['country', 0]],
          [['country', pipeline.countries.slice(0, 2)]],
          [['source', pipeline.sources[1]]],
          [['assigned', 0]],
          [['policy_id', Number(policy)]],
        ];
  const cases: MonitorQuery[] = [];
  for (const dir of ['asc', 'desc'] as const) {
    const timeLeft = { order: timeLeftOrder(dir) };
    for (const page of [1, 3, 40, 200]) cases.push(base({ ...timeLeft, page }));
    for (const page of [2, 40]) {
      cases.push(base({ order: dueOrder(dir), page }));
      cases.push(base({ order: idOrder(dir), page }));
    }
    for (const state of states) cases.push(base({ ...timeLeft, state, page: 2 }));
    cases.push(base({ ...timeLeft, state: 'breached', page: 30 }));
    for (const equals of filters) {
      cases.push(base({ ...timeLeft, equals, page: 2 }));
      cases.push(base({ order: idOrder(dir), equals, page: 1 }));
    }
    if (kind === 'lead') {
      const byStatus = Object.values(pipeline.statuses);
      cases.push(base({ order: rankOrder('status', byStatus, dir), page: 3 }));
      cases.push(base({ order: rankOrder('country', [], dir), page: 10 }));
    }
  }
  for (const equals of filters)
    for (const state of states) cases.push(base({ equals, state, page: state === 'breached' ? 3 : 1 }));
  // The breach windows (from the subjects' breach_at range, or their clocks), each with the
  // filters, the states, the sorts and deep pages.
  for (const window of ['1h', '4h', '24h'] as const) {
    const breachBy = windowEnd(window, now);
    for (const page of [1, 2, 9]) cases.push(base({ breachBy, page }));
    for (const dir of ['asc', 'desc'] as const) {
      cases.push(base({ breachBy, order: timeLeftOrder(dir), page: 2 }));
      cases.push(base({ breachBy, order: dueOrder(dir), page: 1 }));
      cases.push(base({ breachBy, order: idOrder(dir), page: 3 }));
    }
    for (const state of states) cases.push(base({ breachBy, state, page: 1 }));
    cases.push(base({ breachBy, state: 'on_track', page: 4 }));
    for (const equals of filters) {
      cases.push(base({ breachBy, equals, page: 1 }));
      cases.push(base({ breachBy, equals, state: 'at_risk', page: 1 }));
    }
    if (kind === 'lead')
      cases.push(
        base({ breachBy, order: rankOrder('status', Object.values(pipeline.statuses), 'asc'), page: 2 }),
      );
    // A page past the end: no rows, the same total.
    cases.push(base({ breachBy, page: 500 }));
  }
  if (kind === 'lead') {
    // The market filter's options from the kept counts: the open leads' markets.
    const open = await selectRows<{ country: number | null }>(
      db,
      `SELECT DISTINCT COALESCE(s.country, 0) AS country FROM tblsla_vigil_subjects s WHERE ${openLeadOf('s')}`,
      [],
    );
    const markets = await new LeadMonitorService(db, 'tbl').markets();
    const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
    expect(sorted(markets)).toEqual(sorted(open.map((r) => Number(r.country))));
  }
  for (const q of cases) {
    const fromRows = await monitorRows(db, 'tbl', q, now);
    const fromClocks = await monitorRowsFromClocks(db, 'tbl', q, now);
    expect([q, fromRows]).toEqual([q, fromClocks]);
  }
}

describe('subject urgency', () => {
  it("picks the semi-join for the mix's rare states and the probe for its common ones", async () => {
    const forms = new ListFilterForms(db, 'tbl', { now: () => NOW });
    // Before the shares are read: the probe, whose cost the host's list bounds.
    expect(forms.formFor('lead', 'at_risk')).toBe('probe');
    await forms.read('ticket');
    // 48 % breached, 21 % on track; 4 % at risk, 7 % met (bench/pages.ts's mix).
    expect(forms.formFor('ticket', 'breached')).toBe('probe');
    expect(forms.formFor('ticket', 'on_track')).toBe('probe');
    expect(forms.formFor('ticket', 'at_risk')).toBe('semijoin');
    expect(forms.formFor('ticket', 'met')).toBe('semijoin');
  });

  it('after the first scan: the kept urgency is a rebuild; lists and monitor equal the clocks at every instant', async () => {
    await expectRebuildEqual();
    // Later instants hold subjects whose stored urgency is out of date (read from their clocks).
    const stale = async (m: number) =>
      Number(
        (
          await db('tblsla_vigil_subjects')
            .where('urgency_changes_at', '<=', utcToSql(at(m)))
            .count({ n: '*' })
        )[0].n,
      );
    expect(await stale(0)).toBe(0);
    // The scan built the rollups: the monitor's totals come from its kept counts.
    expect(await db('tblsla_vigil_rollup_meta').pluck('id')).toEqual([1]);
    expect(await stale(90)).toBeGreaterThan(0);
    for (const m of INSTANTS) {
      for (const kind of ['ticket', 'lead'] as const) {
        await expectListsEqual(at(m), kind);
        await expectMonitorEqual(at(m), kind);
      }
    }
  }, 1_200_000);

  it('after hooks, a tick, a policy edit, deletions and a reconcile: still a rebuild, still equal', async () => {
    // Hooks at +20 minutes: a staff reply, a client reply, a status change, a deletion.
    const { services } = await benchServices(db, at(20));
    const [replyId] = await db('tblticket_replies').insert({
      ticketid: 8,
      date: utcToSql(at(20)),
      message: 'r',
      admin: staff[0],
      contactid: 0,
    });
    await services.recorder.replyAdded({ id: 8, replyid: replyId, admin: staff[0] });
    const [clientReply] = await db('tblticket_replies').insert({
      ticketid: 13,
      date: utcToSql(at(20)),
      message: 'c',
      admin: null,
      contactid: 1,
    });
    await services.recorder.replyAdded({ id: 13, replyid: clientReply, admin: null });
    await db('tbltickets').where('ticketid', 21).update({ status: 4 });
    await services.recorder.statusChanged({ id: 21, status: 4 });
    await db('tbltickets').where('ticketid', 30).delete();
    await services.recorder.ticketDeleted(30);
    await expectRebuildEqual();

    // A tick two hours on moves stored states (warnings and dues passed).
    await scanAt(120);
    await expectRebuildEqual();
    for (const m of [120, 200]) {
      for (const kind of ['ticket', 'lead'] as const) {
        await expectListsEqual(at(m), kind);
        await expectMonitorEqual(at(m), kind);
      }
    }

    // A policy edit recomputes every subject; changes without hooks are reconciled.
    await services.config.import(config(240));
    await db('tbltickets').whereIn('ticketid', [40, 41]).delete();
    await db('tbltickets').where('ticketid', 50).update({ status: 5 });
    // Leads changed without hooks (the reconcile finds them): moved on, lost, deleted.
    await db('tblleads').whereIn('id', [3, 4, 5]).update({ status: pipeline.statuses.contacted });
    await db('tblleads').where('id', 6).update({ lost: 1 });
    await db('tblleads').where('id', 7).delete();
    await scanAt(150);
    await expectRebuildEqual();
    for (const m of [150, 60 * 9]) {
      for (const kind of ['ticket', 'lead'] as const) {
        await expectListsEqual(at(m), kind);
        await expectMonitorEqual(at(m), kind);
      }
    }

    // A ticket whose most urgent clock is at risk but due after the 1 h window while its other
    // clock, on track, is due within it: the window's row is the on-track clock, not the stored
    // urgency (the mix has none such at these instants). Its stored rank stays at risk.
    const t150 = at(150);
    const [twoClocks] = await selectRows<{ subject_id: number }>(
      db,
      `SELECT s.subject_id FROM tblsla_vigil_subjects s
         JOIN tblsla_vigil_clocks c ON c.subject_type = s.subject_type AND c.subject_id = s.subject_id
        WHERE s.subject_type = 'ticket' AND s.urgency_rank = 1 AND c.met_at IS NULL AND c.ended_at IS NULL
          AND c.scope = 'customer'
        GROUP BY s.subject_id HAVING COUNT(*) = 2 ORDER BY s.subject_id LIMIT 1`,
      [],
    );
    const clocks = db('tblsla_vigil_clocks').where({
      subject_type: 'ticket',
      subject_id: twoClocks.subject_id,
      scope: 'customer',
    });
    const [riskId, trackId] = await clocks
      .clone()
      .whereNull('met_at')
      .whereNull('ended_at')
      .orderBy('id')
      .pluck('id');
    const minutesAfter = (m: number) => utcToSql(new Date(t150.getTime() + m * 60_000));
    await db('tblsla_vigil_clocks')
      .where('id', riskId)
      .update({ state: 'at_risk', due_at: minutesAfter(300), warn_at: minutesAfter(-10) });
    await db('tblsla_vigil_clocks')
      .where('id', trackId)
      .update({ state: 'on_track', due_at: minutesAfter(40), warn_at: minutesAfter(30) });
    await rebuildUrgency(db, 'tbl', 'ticket');
    const [crafted] = await db('tblsla_vigil_subjects').where({
      subject_type: 'ticket',
      subject_id: twoClocks.subject_id,
    });
    expect([crafted.urgency_rank, crafted.list_rank]).toEqual([1, 1]);
    await expectMonitorEqual(t150, 'ticket');

    // A host change the reconcile wrote (dirty) before the recompute that follows it: the row
    // moved (department, assignee, closed, a lead's status) but its kept counts did not yet.
    await db('tblsla_vigil_subjects')
      .where('subject_type', 'ticket')
      .whereIn('subject_id', [60, 61, 62])
      .update({ department: 2, assigned: 0, computed_version: -1 });
    await db('tblsla_vigil_subjects')
      .where({ subject_type: 'ticket', subject_id: 63 })
      .update({ status: 5, computed_version: -1 });
    await db('tblsla_vigil_subjects')
      .where('subject_type', 'lead')
      .whereIn('subject_id', [10, 11])
      .update({ status: pipeline.statuses.waiting, computed_version: -1 });
    // A lead moved to a market no other lead has, and one ended: the market filter's options move.
    await db('tblsla_vigil_subjects')
      .where({ subject_type: 'lead', subject_id: 12 })
      .update({ country: 99_999, computed_version: -1 });
    await db('tblsla_vigil_subjects')
      .where({ subject_type: 'lead', subject_id: 14 })
      .update({ ended: 'lost', computed_version: -1 });
    for (const m of [150, 60 * 9]) {
      for (const kind of ['ticket', 'lead'] as const) await expectMonitorEqual(at(m), kind);
    }
  }, 1_200_000);
});
