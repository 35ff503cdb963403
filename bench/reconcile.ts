/**
 * Reconcile benchmark: tickets per second of a full first scan (reconcile + recompute) and of
 * a second, idempotent scan, against the raw keyset read of the same host tickets in the
 * same process: the read the reconcile cannot beat. Then the same with leads present: L leads
 * written straight into `tblleads` (no hooks), the scan that finds them, scans over unchanged
 * data (against the tickets-only scan and the raw read of tickets + leads), the lead reconcile
 * alone, and the lead reconcile after K leads changed status without a hook (against the raw
 * read of every lead, which it must compare, and of the K changed rows).
 *
 * Run: `npm run bench:reconcile` (needs MariaDB at TEST_DATABASE_SERVER_URL, default
 * mysql://root@127.0.0.1:3306/). BENCH_TICKETS sets the tickets (default 50000), BENCH_LEADS
 * the leads (default 20000), BENCH_RUNS the repeats of each later scan (default 3, medians).
 */
import os from 'node:os';
import type { Knex } from 'knex';
import {
  benchServerVersion,
  benchServices,
  BENCH_OFFICE,
  dropBenchDatabasesOnSignal,
  log,
  median,
  openBenchDatabase,
  rawTicketRead,
  statementCounter,
  time,
} from './bench-host';
import type { BenchOptions, BenchRow } from './bench-table';
import { benchLeadPolicy, loadLeads, rawLeadRead, seedLeadPipeline } from './bench-leads';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 50_000);
const LEADS = Number(process.env.BENCH_LEADS ?? 20_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** Leads changed without a hook before each timed lead reconcile. */
const CHANGED = Math.max(1, Math.min(1000, Math.floor(LEADS / 20)));
const NOW = new Date('2026-03-31T12:00:00Z');

interface Row {
  work: string;
  ms: number;
  /** Rows of the work per second (tickets, leads or changed leads). */
  rate?: string;
  baseline: string;
  baselineMs: number;
  queries?: number;
}

/** The rows for `npm run bench`: each of this bench's rows, its own baseline, no target. */
export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const tickets = options.tickets ?? TICKETS;
  const rows = await measure(tickets);
  return rows.map((r, i) => ({
    bench: 'reconcile',
    // '(same)' repeats the row above against another baseline: one table row must say which.
    work: r.work === '(same)' ? `${rows[i - 1]?.work ?? ''} (vs the changed rows)` : r.work,
    size: tickets,
    value: r.ms,
    baseline: r.baseline,
    baselineValue: r.baselineMs,
  }));
}

async function main(): Promise<void> {
  dropBenchDatabasesOnSignal();
  const version = await benchServerVersion();
  report(await measure(TICKETS), version, TICKETS);
}

async function measure(tickets: number): Promise<Row[]> {
  const { db, close } = await openBenchDatabase(`slav_bench_${process.pid}`);
  const rows: Row[] = [];
  try {
    const [department] = await db('tbldepartments').insert({ name: 'Support' });
    const staff: number[] = [];
    for (const name of ['ann', 'bob', 'cyd']) {
      const [id] = await db('tblstaff').insert({
        email: `${name}@bench.test`,
        firstname: name,
        lastname: 'Sales',
        password: 'x',
        datecreated: '2026-01-01 00:00:00',
        active: 1,
        default_language: 'english',
      });
      staff.push(id);
    }
    await loadTickets(db, department, tickets);
    const pipeline = await seedLeadPipeline(db, staff);
    const { parts, services } = await benchServices(db, NOW);
    await services.config.import({
      calendars: [BENCH_OFFICE],
      policies: [
        {
          key: 'default',
          name: 'Default',
          calendar: 'office',
          targets: { first_response: { minutes: 240 }, resolution: { minutes: 2400 } },
        },
        benchLeadPolicy(pipeline, 'office'),
      ],
    });
    const statements = statementCounter(db);
    const counted = async <T>(work: () => Promise<T>) => {
      statements.reset();
      const timed = await time(work);
      return { ...timed, queries: statements.total(), kinds: statements.kinds() };
    };
    const scan = () => counted(() => services.scanner.run(NOW));
    const rate = (n: number, ms: number): string => Math.round(n / (ms / 1000)).toLocaleString('en-US');

    // Tickets only (the lead reconcile and tick run too, over no leads).
    const rawTickets = await rawTicketRead(parts.tickets);
    const first = await scan();
    rows.push({
      work: `first scan, tickets only (reconcile + recompute; ${first.value.changed} tickets changed)`,
      ms: first.ms,
      rate: `${rate(tickets, first.ms)} tickets/s`,
      baseline: 'raw keyset read of the tickets',
      baselineMs: rawTickets.ms,
      queries: first.queries,
    });
    const ticketsOnly = await repeat(async () => {
      const raw = await rawTicketRead(parts.tickets);
      const again = await scan();
      if (again.value.changed !== 0) throw new Error('a scan over unchanged tickets changed something');
      return { raw: raw.ms, ms: again.ms, queries: again.queries };
    });
    rows.push({
      work: 'later scan, tickets only, nothing changed',
      ms: ticketsOnly.ms,
      rate: `${rate(tickets, ticketsOnly.ms)} tickets/s`,
      baseline: 'raw keyset read of the tickets',
      baselineMs: ticketsOnly.raw,
      queries: ticketsOnly.queries,
    });

    // Leads arrive without hooks (an import): the next scan finds every one.
    const load = await time(() =>
      loadLeads(db, LEADS, pipeline, { from: new Date('2026-03-02T00:00:00Z'), to: NOW }),
    );
    log(`${LEADS} leads loaded in ${(load.ms / 1000).toFixed(1)} s`);
    const rawBefore = (await rawTicketRead(parts.tickets)).ms;
    const rawLeads = await rawLeadRead(parts.leads);
    if (rawLeads.value !== LEADS) throw new Error(`raw read saw ${rawLeads.value} leads, not ${LEADS}`);
    const leadFirst = await scan();
    if (leadFirst.value.leadsChanged !== LEADS)
      throw new Error(`the scan adopted ${leadFirst.value.leadsChanged} leads`);
    log(`first scan with leads: ${leadFirst.queries} queries: ${leadFirst.kinds.join(', ')}`);
    rows.push({
      work:
        `first scan after ${LEADS} new leads (tickets unchanged; ${leadFirst.value.leadEvents} lead events; ` +
        `${(leadFirst.ms / ticketsOnly.ms).toFixed(1)}x the tickets-only later scan)`,
      ms: leadFirst.ms,
      rate: `${rate(LEADS, leadFirst.ms - ticketsOnly.ms)} leads/s beyond the tickets-only scan`,
      baseline: 'raw keyset reads of the tickets and the leads',
      baselineMs: rawBefore + rawLeads.ms,
      queries: leadFirst.queries,
    });
    const withLeads = await repeat(async () => {
      const raw = (await rawTicketRead(parts.tickets)).ms + (await rawLeadRead(parts.leads)).ms;
      const again = await scan();
      if (again.value.changed !== 0) throw new Error('a scan over unchanged leads changed something');
      return { raw, ms: again.ms, queries: again.queries };
    });
    rows.push({
      work: `later scan, tickets + leads, nothing changed (${(withLeads.ms / ticketsOnly.ms).toFixed(2)}x the tickets-only scan)`,
      ms: withLeads.ms,
      rate: `${rate(tickets + LEADS, withLeads.ms)} rows/s`,
      baseline: 'raw keyset reads of the tickets and the leads',
      baselineMs: withLeads.raw,
      queries: withLeads.queries,
    });

    // The lead reconcile alone, as the scan runs it (changed leads are recomputed at once).
    const reconciler = services.leads.scan?.reconciler;
    if (!reconciler) throw new Error('the bench host offers no leads');
    const reconcileLeads = () =>
      counted(() =>
        reconciler.run(NOW, async (ids) => {
          await services.leads.clocks.recomputeIsolated(ids, NOW);
        }),
      );
    const unchanged = await repeat(async () => {
      const raw = await rawLeadRead(parts.leads);
      const run = await reconcileLeads();
      if (run.value.changed !== 0) throw new Error('a lead reconcile over unchanged leads changed something');
      return { raw: raw.ms, ms: run.ms, queries: run.queries };
    });
    rows.push({
      work: 'lead reconcile alone, nothing changed',
      ms: unchanged.ms,
      rate: `${rate(LEADS, unchanged.ms)} leads/s`,
      baseline: 'raw keyset read of the leads',
      baselineMs: unchanged.raw,
      queries: unchanged.queries,
    });

    // K open leads change status without a hook (the kanban board, a bulk edit): the reconcile
    // compares every open lead to find them, then records and recomputes those K.
    const changedIds: number[] = await db('tblleads')
      .where({ status: pipeline.statuses.new, lost: 0, junk: 0 })
      .whereNull('date_converted')
      .orderBy('id')
      .limit(CHANGED)
      .pluck('id');
    const cycle = [pipeline.statuses.contacted, pipeline.statuses.qualified, pipeline.statuses.new];
    let r = 0;
    const changedRaw: number[] = [];
    let changedKinds: string[] = [];
    const changed = await repeat(async () => {
      const movedAt = new Date(NOW.getTime() - (RUNS - r) * 60_000);
      await db('tblleads')
        .whereIn('id', changedIds)
        .update({
          status: cycle[r % cycle.length],
          last_status_change: movedAt.toISOString().slice(0, 19).replace('T', ' '),
        });
      r++;
      changedRaw.push((await time(() => parts.leads.getLeads(changedIds))).ms);
      const raw = await rawLeadRead(parts.leads);
      const run = await reconcileLeads();
      if (run.value.changed !== changedIds.length)
        throw new Error(
          `the lead reconcile found ${run.value.changed} changed leads, not ${changedIds.length}`,
        );
      changedKinds = run.kinds;
      return { raw: raw.ms, ms: run.ms, queries: run.queries };
    });
    log(
      `lead reconcile with ${changedIds.length} changed: ${changed.queries} queries: ${changedKinds.join(', ')}`,
    );
    rows.push({
      work: `lead reconcile, ${changedIds.length} leads changed status without a hook`,
      ms: changed.ms,
      rate: `${rate(LEADS, changed.ms)} leads/s`,
      baseline: 'raw keyset read of the leads',
      baselineMs: changed.raw,
      queries: changed.queries,
    });
    rows.push({
      work: '(same)',
      ms: changed.ms,
      rate: `${rate(changedIds.length, changed.ms)} changed/s`,
      baseline: `raw read of the ${changedIds.length} changed lead rows (getLeads)`,
      baselineMs: median(changedRaw),
    });
  } finally {
    await close();
  }
  return rows;
}

/** Runs `work` RUNS times; the medians of its baseline, time and statements. */
async function repeat(
  work: () => Promise<{ raw: number; ms: number; queries: number }>,
): Promise<{ raw: number; ms: number; queries: number }> {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await work());
  log(
    `runs ${runs.map((x) => x.ms.toFixed(0)).join(' / ')} ms, baselines ${runs.map((x) => x.raw.toFixed(0)).join(' / ')} ms`,
  );
  return {
    raw: median(runs.map((x) => x.raw)),
    ms: median(runs.map((x) => x.ms)),
    queries: median(runs.map((x) => x.queries)),
  };
}

/** `tickets` tickets opened a minute apart from 2026-01-05, a staff reply on every tenth. */
async function loadTickets(db: Knex, department: number, tickets: number): Promise<void> {
  for (let start = 0; start < tickets; start += 5000) {
    const rows = [];
    for (let i = start; i < Math.min(start + 5000, tickets); i++) {
      const date = new Date(Date.UTC(2026, 0, 5, 8) + i * 60_000)
        .toISOString()
        .slice(0, 19)
        .replace('T', ' ');
      rows.push({
        subject: `T${i}`,
        message: 'm',
        department,
        priority: 1 + (i % 3),
        status: 1,
        date,
        ticketkey: 'k',
      });
    }
    await db('tbltickets').insert(rows);
  }
  await db.raw(
    `INSERT INTO tblticket_replies (ticketid, date, message, admin, contactid)
     SELECT ticketid, DATE_ADD(date, INTERVAL 30 MINUTE), 'r', 1, 0 FROM tbltickets WHERE ticketid % 10 = 0`,
  );
}

function report(rows: Row[], serverVersion: string, tickets: number): void {
  const fine = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  console.log(
    `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, MariaDB ${serverVersion}, ` +
      `load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}, ${tickets} tickets, ${LEADS} leads, ` +
      `${RUNS} runs per later scan (median)`,
  );
  console.log('');
  console.log('| work | ms | rate | baseline (same run) | baseline ms | ratio | queries |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const ratio = r.ms / r.baselineMs;
    console.log(
      `| ${r.work} | ${fine(r.ms)} | ${r.rate ?? ''} | ${r.baseline} | ${fine(r.baselineMs)} | ${ratio.toFixed(ratio >= 10 ? 0 : 2)}x | ${r.queries ?? ''} |`,
    );
  }
}

// Run as a script (`npm run bench:reconcile`); `npm run bench` imports it for `run`.
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
