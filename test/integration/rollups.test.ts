import type { Knex } from 'knex';
import pino from 'pino';
import { BENCH_OFFICE, openBenchDatabase } from '../../bench/bench-host';
import { benchLeadPolicy, loadLeads, seedLeadPipeline } from '../../bench/bench-leads';
import type { BenchLeadPipeline } from '../../bench/lead-mix';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';
import { LeadDashboardService } from '../../src/store/read/lead-dashboard-service';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { DashboardService } from '../../src/store/read/dashboard-service';
import { RollupDashboardService } from '../../src/store/read/rollup-dashboard-service';
import { RollupReads } from '../../src/store/rollups/rollup-reads';
import { loadTicketMix } from '../../bench/ticket-mix';
import { ReportQueries, type ClockRange } from '../../src/store/read/report-queries';
import { REPORT_GROUPS, ReportService, type ReportGroupBy } from '../../src/store/read/report-service';
import { OutcomeTally } from '../../src/sla/stats/clock-outcomes';
import { businessMinutesBetween } from '../../src/sla/calendar';
import { rebuildUrgency } from '../../src/store/urgency-repository';
import { utcToSql } from '../../src/store/datetime';

/**
 * The dashboard's rollups: what the writers keep equals a rebuild from scratch after hooks,
 * reconciles, scan ticks, policy edits and deletions; and every dashboard number read from them
 * equals today's query over the clocks (DashboardService, the reference) on the benchmark's mix.
 */
const ZONE = 'Europe/Berlin';
const N = 3000;
const H = 3600_000;
/** Wednesday 2026-04-01 08:00 UTC, as bench/pages.ts (Berlin is on summer time since 29 March). */
const START = new Date('2026-04-01T08:00:00Z');

let db: Knex;
let close: () => Promise<void>;
let services: ModuleServices;
let now = START;
let departments: number[];
let staff: number[];
let pipeline: BenchLeadPipeline;
const LEADS = 600;
const T = (name: string) => `tblsla_vigil_${name}`;

function policies(resolutionMinutes: number) {
  const supported = departments.slice(0, 4);
  return {
    calendars: [BENCH_OFFICE],
    policies: [
      benchLeadPolicy(pipeline, BENCH_OFFICE.key),
      {
        key: 'standard',
        name: 'Standard',
        position: 10,
        match: { departmentIds: supported, priorityIds: [1, 2] },
        targets: { first_response: { minutes: 480 }, resolution: { minutes: resolutionMinutes } },
        internalTargets: [
          { team: { departmentId: departments[0] }, targets: { first_response: { minutes: 240 } } },
        ],
      },
      {
        key: 'urgent-first-response',
        name: 'Urgent: first response only',
        position: 20,
        match: { departmentIds: supported, priorityIds: [3] },
        targets: { first_response: { minutes: 480 } },
      },
    ],
  };
}

/** Every rollup row, in key order (day rows that sum to nothing are no contribution). */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const rows = async (sql: string) => ((await db.raw(sql)) as unknown as [unknown[]])[0];
  return {
    settled: await rows(
      `SELECT clock_id, subject_type, subject_id, scope, metric, policy_id, department, assigned,
              DATE_FORMAT(day, '%Y-%m-%d') AS day, breached FROM ${T('rollup_settled')} ORDER BY clock_id`,
    ),
    days: await rows(
      `SELECT subject_type, scope, DATE_FORMAT(day, '%Y-%m-%d') AS day, department, assigned, metric, policy_id,
              finished, on_time, breaches
         FROM ${T('rollup_days')} WHERE finished <> 0 OR on_time <> 0 OR breaches <> 0
        ORDER BY subject_type, scope, day, department, assigned, metric, policy_id`,
    ),
    live: await rows(`SELECT * FROM ${T('rollup_live')} ORDER BY subject_type, subject_id`),
    // The monitor's counts per filter group (groups whose members all left count nothing).
    monitor: await rows(
      `SELECT * FROM ${T('rollup_monitor')} WHERE n <> 0
        ORDER BY subject_type, department, assigned, priority, policy_id, status, country, source, list_rank`,
    ),
  };
}

/** What the writers kept equals a build from scratch (which then replaces it). */
async function expectRebuildEqual(): Promise<void> {
  const kept = await snapshot();
  expect(kept.live.length).toBeGreaterThan(0);
  await services.rollups.rebuild(ZONE, now);
  expect(kept).toEqual(await snapshot());
}

/** Every dashboard number from the rollups equals the clock queries', at `at`, for each scope. */
async function expectSameNumbers(at: Date): Promise<void> {
  expect(await new RollupReads(db, 'tbl').readyFor(ZONE)).toBe(true);
  const scopes: (number[] | undefined)[] = [undefined, departments.slice(0, 2), [departments[4]], []];
  for (const scope of scopes) {
    const raw = new DashboardService(db, 'tbl').scopedTo(scope);
    const rolled = new RollupDashboardService(db, 'tbl').scopedTo(scope);
    for (const days of [1, 7, 30, 90]) {
      expect(await rolled.scorecard(at, ZONE, days)).toEqual(await raw.scorecard(at, ZONE, days));
      expect(await rolled.topBreachingDepartments(at, ZONE, days)).toEqual(
        await raw.topBreachingDepartments(at, ZONE, days),
      );
      expect(await rolled.trend(at, ZONE, days)).toEqual(await raw.trend(at, ZONE, days));
    }
    expect(await rolled.trend(at, ZONE, 30, 'lead')).toEqual(await raw.trend(at, ZONE, 30, 'lead'));
    expect(await rolled.topOverdueAgents(at)).toEqual(await raw.topOverdueAgents(at));
    const leads = new LeadDashboardService(db, 'tbl', () => services.leads.clocks.policyBook());
    expect(await leads.breachedByCountry(at)).toEqual(await leads.breachedByCountryFromClocks(at));
    expect(await rolled.topOverdueAgents(at, 100)).toEqual(await raw.topOverdueAgents(at, 100));
  }
}

/** The report as it was computed before its lean read (every clock as a FinishedClock): the reference. */
async function referenceReport(range: ClockRange, groupBy: ReportGroupBy) {
  const book = await services.clocks.policyBook();
  const groups = new Map<string, OutcomeTally>();
  const total = new OutcomeTally();
  for await (const batch of new ReportQueries(db, 'tbl').eachFinishedClockBatch(range)) {
    for (const clock of batch) {
      const calendar = book.clockPolicy(clock.policyId ?? -1)?.calendar ?? { timezone: 'UTC' };
      const minutes =
        clock.metAt === null
          ? null
          : (clock.metMinutes ??
            Math.max(
              0,
              businessMinutesBetween(calendar, clock.startedAt, clock.metAt) - clock.pausedMinutes,
            ));
      const outcome = {
        subjectId: clock.subjectId,
        metric: clock.metric,
        cycle: clock.cycle,
        breached: clock.breachedAt !== null,
        metOnTime: clock.metAt !== null && clock.breachedAt === null,
        minutesToMet: minutes,
      };
      const value = {
        policy: clock.policyId,
        department: clock.department,
        agent: clock.assigned,
        metric: clock.metric,
      }[groupBy];
      const key = value === null ? 'none' : String(value);
      if (!groups.has(key)) groups.set(key, new OutcomeTally());
      groups.get(key)?.add(outcome);
      total.add(outcome);
    }
  }
  return { groups: [...groups].map(([key, tally]) => ({ key, ...tally.result() })), total: total.result() };
}

async function scan(at: Date): Promise<void> {
  now = at;
  await services.scanner.run(at, { deliver: false });
}

beforeAll(async () => {
  ({ db, close } = await openBenchDatabase(`slav_test_rollups_${process.pid}`));
  await db('tbloptions').where('name', 'default_timezone').update({ value: ZONE });
  ({ departments, staff } = await loadTicketMix(db, N, START));
  pipeline = await seedLeadPipeline(db, staff);
  await loadLeads(db, LEADS, pipeline, { from: new Date(START.getTime() - 40 * 24 * H), to: START });
  const parts = await createPerfexHostParts(db, 'tbl');
  expect(parts.timezone).toBe(ZONE);
  services = createModuleServices({
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    leads: new PerfexLeadGateway(db, 'tbl', parts.timezone),
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'rollups@localhost', adminBaseUrl: 'http://localhost' },
  });
  await services.config.import(policies(7200));
  await scan(START);
}, 120_000);
afterAll(() => close());

describe('rollups', () => {
  it('the first scan builds them for the host zone, and they equal a rebuild', async () => {
    const score = await new DashboardService(db, 'tbl').scorecard(START, ZONE, 30);
    for (const n of [
      score.breached,
      score.atRisk,
      score.onTrack,
      score.paused,
      score.noPolicy,
      score.finished,
    ])
      expect(n).toBeGreaterThan(0);
    expect(await services.rollups.builtZone()).toBe(ZONE);
    await expectRebuildEqual();
  });

  it('read the same numbers as the clock queries, also hours after the last tick', async () => {
    await expectSameNumbers(START);
    // No tick since START: clocks whose warning or due time passed are corrected at read time.
    await expectSameNumbers(new Date(START.getTime() + 3 * H));
    await expectSameNumbers(new Date(START.getTime() + 30 * H));
  });

  it('stay equal to a rebuild after hooks, ticks, reconciles, policy edits and deletions', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => 1 + ((i * 101) % N));
    now = new Date(START.getTime() + 1 * H);
    // Staff replies and client replies (hooks).
    for (const [i, id] of ids.slice(0, 20).entries()) {
      const [replyid] = await db('tblticket_replies').insert({
        ticketid: id,
        date: '2026-04-01 11:00:00',
        message: 'r',
        admin: i % 2 ? staff[1] : 0,
        contactid: i % 2 ? 0 : 1,
      });
      await services.recorder.replyAdded({ id, replyid, admin: i % 2 ? staff[1] : null });
    }
    // Closing (status hook) and deleting (delete hook).
    for (const id of ids.slice(20, 30)) {
      await db('tbltickets').where('ticketid', id).update({ status: 5 });
      await services.recorder.statusChanged({ id, status: 5 });
    }
    for (const id of ids.slice(30, 35)) {
      await db('tbltickets').where('ticketid', id).delete();
      await services.recorder.ticketDeleted(id);
    }
    // Leads: moved on, lost, deleted (hooks), and one moved in the host without a hook.
    const leadIds: number[] = await db('tblleads').orderBy('id').limit(12).pluck('id');
    for (const id of leadIds.slice(0, 4)) {
      await db('tblleads').where('id', id).update({ status: pipeline.statuses.proposal });
      await services.leads.recorder?.updated(id);
    }
    for (const id of leadIds.slice(4, 7)) {
      await db('tblleads').where('id', id).update({ lost: 1 });
      await services.leads.recorder?.updated(id);
    }
    for (const id of leadIds.slice(7, 10)) {
      await db('tblleads').where('id', id).delete();
      await services.leads.recorder?.deleted(id);
    }
    await db('tblleads').where('id', leadIds[10]).update({ status: pipeline.statuses.qualified, country: 0 });
    await expectRebuildEqual();
    await expectSameNumbers(now);

    // Department and assignee moved in the host without a hook: the reconcile finds them.
    for (const id of ids.slice(35, 40)) {
      await db('tbltickets').where('ticketid', id).update({ department: departments[1], assigned: staff[2] });
    }
    await db('tbltickets').where('ticketid', ids[0]).update({ department: departments[4] });
    await scan(new Date(START.getTime() + 2 * H));
    await expectRebuildEqual();
    await expectSameNumbers(now);

    // Ticks: clocks move to at risk and breached as time passes.
    await scan(new Date(START.getTime() + 7 * H));
    await scan(new Date(START.getTime() + 26 * H));
    await expectRebuildEqual();
    await expectSameNumbers(now);

    // A policy edit: every open ticket is recomputed under the new resolution target.
    now = new Date(START.getTime() + 27 * H);
    await services.config.import(policies(2880));
    await scan(now);
    await expectRebuildEqual();
    await expectSameNumbers(now);
    await expectSameNumbers(new Date(now.getTime() + 5 * H));
  }, 300_000);

  it('reports read lean rows and give the figures they gave from whole clocks', async () => {
    const reports = new ReportService(
      new ReportQueries(db, 'tbl'),
      () => services.clocks.policyBook(),
      {} as never,
    );
    for (const days of [30, 90]) {
      const range = { from: new Date(now.getTime() - days * 24 * H), to: now };
      for (const scope of [undefined, 'internal' as const])
        for (const groupBy of REPORT_GROUPS) {
          const filter = {
            ...range,
            scope,
            groupBy,
            departments: groupBy === 'agent' ? departments.slice(0, 2) : undefined,
          };
          const report = await reports.report(filter);
          expect(report.total.finished).toBeGreaterThan(0);
          expect(report).toEqual(await referenceReport(filter, groupBy));
        }
    }
  });

  it('ticks alone keep the rollups and the urgency columns equal to a rebuild', async () => {
    // The tick keeps both from the clocks it holds (src/engine/tick-upkeep.ts), not from a read.
    const URGENCY = [
      'subject_type',
      'subject_id',
      'sla_state',
      'urgency_rank',
      'urgency_due',
      'urgency_metric',
    ].concat(['urgency_cycle', 'urgency_breach_at', 'urgency_risk_at', 'list_rank', 'monitor_group']);
    const urgency = () => db(T('subjects')).select(URGENCY).orderBy(['subject_type', 'subject_id']);
    const expectUrgencyRebuilt = async () => {
      const kept = await urgency();
      await rebuildUrgency(db, 'tbl', 'ticket');
      await rebuildUrgency(db, 'tbl', 'lead');
      expect(await urgency()).toEqual(kept);
    };
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);

    // A tick that only moves warnings: after a tick has caught up, running clocks of open tickets
    // set on track with their warning a second later (their subjects' other clocks, not due, stay
    // out of the next tick).
    const at = minutes(3 * 60);
    now = at;
    await services.clocks.advanceDue(at);
    await services.leads.clocks.advanceDue(at);
    const warned: number[] = await db(`${T('clocks')} as c`)
      .join(`${T('subjects')} as s`, (j) =>
        j.on('s.subject_type', 'c.subject_type').on('s.subject_id', 'c.subject_id'),
      )
      .where({ 'c.subject_type': 'ticket', 'c.scope': 'customer' })
      .whereNot('c.state', 'paused')
      .whereNull('c.met_at')
      .whereNull('c.ended_at')
      .where('s.deleted', 0)
      .whereNot('s.status', 5)
      .orderBy('c.id')
      .limit(40)
      .pluck('c.id');
    expect(warned).toHaveLength(40);
    const sql = (d: Date) => utcToSql(d);
    const second = (s: number) => new Date(at.getTime() + s * 1000);
    await db(T('clocks'))
      .whereIn('id', warned)
      .update({
        state: 'on_track',
        breached_at: null,
        warn_at: sql(second(1)),
        next_check_at: sql(second(1)),
        due_at: sql(minutes(3 * 24 * 60)),
      });
    // The hand edit of the clocks taken in by a rebuild, so the tick starts from a true state: the
    // urgency first, then the rollups (the live rows and the monitor's groups copy its list_rank).
    await rebuildUrgency(db, 'tbl', 'ticket');
    await services.rollups.rebuild(ZONE, now);
    now = second(2);
    expect(await services.clocks.advanceDue(now, 7)).toEqual({ advanced: 40, escalated: 0 });
    const [{ n }] = await db(T('clocks')).whereIn('id', warned).where('state', 'at_risk').count({ n: '*' });
    expect(Number(n)).toBe(40);
    await expectUrgencyRebuilt();
    await expectRebuildEqual();

    // Then ticks alone through two business days in small batches: warnings, breaches (which
    // settle clocks), internal clocks, paused ones beside running ones, leads.
    const start = now;
    let moved = 0;
    for (let m = 20; m <= 48 * 60; m += 95) {
      now = new Date(start.getTime() + m * 60_000);
      moved += (await services.clocks.advanceDue(now, 23)).advanced;
      moved += (await services.leads.clocks.advanceDue(now, 23)).advanced;
    }
    expect(moved).toBeGreaterThan(100);
    const [{ internal }] = await db(T('rollup_settled')).where('scope', 'internal').count({ internal: '*' });
    expect(Number(internal)).toBeGreaterThan(0);
    await expectUrgencyRebuilt();
    await expectRebuildEqual();
    await expectSameNumbers(now);
  }, 300_000);

  it('a second refresh of the same subjects writes nothing', async () => {
    const before = await snapshot();
    await db.transaction((trx) =>
      services.rollups.refresh(
        trx,
        'ticket',
        Array.from({ length: N }, (_, i) => i + 1),
      ),
    );
    expect(await snapshot()).toEqual(before);
  });
});
