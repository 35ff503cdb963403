import type { Knex } from 'knex';
import pino from 'pino';
import { openBenchDatabase } from '../../bench/bench-host';
import { importMixPolicies, loadTicketMix } from '../../bench/ticket-mix';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { utcToSql } from '../../src/store/datetime';

/**
 * A reply hook refreshes the rollups only when it can move them (clock-service.ts, rollupsMove):
 * replies alone, with no scan between them and the comparison, keep the rollups equal to a
 * rebuild, both the ones that rewrite a clock while the ticket's state stays (a first response met
 * while the resolution runs on) and the ones that leave every clock as it was.
 */
const ZONE = 'Europe/Berlin';
const N = 400;
const START = new Date('2026-04-01T08:00:00Z');
const T = (name: string) => `tblsla_vigil_${name}`;

let db: Knex;
let close: () => Promise<void>;
let services: ModuleServices;
let now = START;
let staff: number[];

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
    monitor: await rows(
      `SELECT * FROM ${T('rollup_monitor')} WHERE n <> 0
        ORDER BY subject_type, department, assigned, priority, policy_id, status, country, source, list_rank`,
    ),
  };
}

beforeAll(async () => {
  ({ db, close } = await openBenchDatabase(`slav_test_hook_rollups_${process.pid}`));
  await db('tbloptions').where('name', 'default_timezone').update({ value: ZONE });
  const mix = await loadTicketMix(db, N, START);
  staff = mix.staff;
  const parts = await createPerfexHostParts(db, 'tbl');
  services = createModuleServices({
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    leads: new PerfexLeadGateway(db, 'tbl', parts.timezone),
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'hooks@localhost', adminBaseUrl: 'http://localhost' },
  });
  await importMixPolicies(services, mix);
  await services.scanner.run(START, { deliver: false });
}, 120_000);
afterAll(() => close());

it('reply hooks alone keep the rollups equal to a rebuild, those that skip the refresh included', async () => {
  const refresh = jest.spyOn(services.rollups, 'refresh');
  const settledBefore = (await snapshot()).settled.length;
  const ids = Array.from({ length: 80 }, (_, i) => 1 + ((i * 37) % N));
  for (const [i, id] of ids.entries()) {
    now = new Date(START.getTime() + (i + 1) * 60_000);
    const admin = i % 3 === 2 ? null : staff[0];
    const [replyid] = await db('tblticket_replies').insert({
      ticketid: id,
      date: utcToSql(now),
      message: 'r',
      admin: admin ?? 0,
      contactid: admin === null ? 1 : 0,
    });
    await services.recorder.replyAdded({ id, replyid, admin });
  }
  // Some replies met a first response (a settled clock more), and some hooks skipped the refresh.
  const kept = await snapshot();
  expect(kept.settled.length).toBeGreaterThan(settledBefore);
  expect(refresh.mock.calls.length).toBeLessThan(ids.length);
  refresh.mockRestore();
  await services.rollups.rebuild(ZONE, now);
  expect(kept).toEqual(await snapshot());
}, 120_000);
