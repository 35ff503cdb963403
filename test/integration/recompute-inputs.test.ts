import type { Knex } from 'knex';
import { benchServices, openBenchDatabase } from '../../bench/bench-host';
import { importMixPolicies, loadTicketMix, MIX_NOW } from '../../bench/ticket-mix';
import { readRecomputeInputs } from '../../src/store/recompute-inputs';
import { storesAs } from '../../src/store/clock-repository';
import type { ModuleServices } from '../../src/wiring/module-services';

/**
 * The recompute's one read (recompute-inputs.ts) against the three reads it replaced
 * (TimelineRepository.forSubjects, ClockRepository.forSubjects, EscalationRepository.firedKeys):
 * the same events, clocks and fired levels, in the same order and with the same types, on the
 * mix of bench/pages.ts after a scan that fired levels and hooks that recorded events. And every
 * stored clock `storesAs` what the recompute computes for it when nothing changed since.
 */
const N = 1500;
let db: Knex;
let close: () => Promise<void>;
let services: ModuleServices;

beforeAll(async () => {
  ({ db, close } = await openBenchDatabase(`slav_test_inputs_${process.pid}`));
  const mix = await loadTicketMix(db, N);
  ({ services } = await benchServices(db, MIX_NOW));
  await importMixPolicies(services, mix);
  await services.scanner.run(MIX_NOW);
  await services.scanner.run(new Date(MIX_NOW.getTime() + 6 * 3600_000));
  // The mix's policies have no ladder: fired levels of every tenth subject, two for some.
  const at = '2026-04-01 08:00:00.000';
  const fired = (id: number, level: number) => ({
    subject_type: 'ticket',
    subject_id: id,
    metric: level === 1 ? 'first_response' : 'resolution',
    cycle: 1,
    policy_id: 1,
    level,
    level_key: `position-${level}`,
    trigger_type: 'breached',
    action_type: 'notify',
    fire_at: at,
    fired_at: at,
    outcome: 'sent',
  });
  const rows = [];
  for (let id = 1; id <= N; id += 10) rows.push(fired(id, 1), ...(id % 20 === 1 ? [fired(id, 2)] : []));
  await db('tblsla_vigil_escalations').insert(rows);
}, 240_000);

afterAll(async () => {
  await close();
});

it('reads what the three plain reads read, batch by batch', async () => {
  const ids: number[] = await db('tblsla_vigil_subjects').where('subject_type', 'ticket').pluck('subject_id');
  const fired = await db('tblsla_vigil_escalations').count({ n: '*' });
  expect(Number(fired[0].n)).toBeGreaterThan(0);
  for (let i = 0; i < ids.length; i += 500) {
    const batch = [...ids.slice(i, i + 500), 999_999_999];
    await db.transaction(async (trx) => {
      const one = await readRecomputeInputs(trx, 'tbl', 'ticket', batch, true);
      expect(one.timelines).toEqual(await services.timeline.forSubjects('ticket', batch, trx));
      expect(one.clocks).toEqual(await services.clockRepo.forSubjects(batch, trx));
      expect(one.fired).toEqual(await services.escalationLog.firedKeys(batch, trx));
      const plain = await readRecomputeInputs(trx, 'tbl', 'ticket', batch, false);
      expect(plain.fired).toEqual(new Map());
      expect(plain.clocks).toEqual(one.clocks);
    });
  }
});

it('a stored clock stores what a recompute with nothing new computes for it', async () => {
  const ids: number[] = await db('tblsla_vigil_subjects')
    .where('subject_type', 'ticket')
    .orderBy('subject_id')
    .limit(300)
    .pluck('subject_id');
  await db.transaction(async (trx) => {
    const inputs = await readRecomputeInputs(trx, 'tbl', 'ticket', ids, true);
    const subjects = await services.subjects.getMany(ids, trx);
    let same = 0;
    for (const clock of inputs.clocks) {
      const subject = subjects.get(clock.subjectId) ?? null;
      const sla = await services.clocks.compute(
        subject,
        inputs.timelines.get(clock.subjectId) ?? [],
        MIX_NOW,
      );
      const twin = sla.clocks.find(
        (c) =>
          c.metric === clock.metric &&
          c.cycle === clock.cycle &&
          (c.scope ?? 'customer') === (clock.scope ?? 'customer'),
      );
      const row = inputs.clockRows.get(clock.id);
      // A settled clock computed at the same instant under the same policy is what was stored.
      if (twin && row && clock.metAt && sla.policy?.id === clock.policyId) {
        expect(storesAs(row, twin, clock.policyId)).toBe(true);
        same += 1;
      }
    }
    expect(same).toBeGreaterThan(0);
  });
});
