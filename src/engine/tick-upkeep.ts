import type { Knex } from 'knex';
import { summarizeState } from '../sla/clocks/clock-state';
import { runningRank, sameUrgency, storedUrgency, type StoredUrgency } from '../sla/clocks/stored-urgency';
import { STATE_RANK, stateRank } from '../sla/clocks/live-state';
import type { StoredClock } from '../store/clock-repository';
import type { SubjectRepository, SubjectRow } from '../store/subject-repository';
import type { SubjectStanding } from '../store/urgency-repository';
import type { LiveRanks, RollupWriter } from '../store/rollups/rollup-writer';
import { openForRollup } from '../store/rollups/rollup-tables';

/** A subject the tick holds locked, with the urgency its row stores. */
export interface HeldSubject {
  subject: SubjectRow;
  urgency: StoredUrgency | null;
}

/**
 * What else a tick must keep in step when it moves clock states, derived from the clocks it holds
 * in memory instead of reading them back: each subject's summary state and urgency columns, and
 * the dashboard's rollups (the live rows' ranks; the settled contribution of each clock it
 * breached). A tick changes nothing else a subject's row or rollups depend on (department,
 * assignee, policy, openness come from events and recomputes), so it writes only the values that
 * moved, a few set-based statements per batch. The twins of the SQL aggregations are in
 * stored-urgency.ts and rollup-tables.ts; the rebuild tests hold them equal.
 */
export async function keepUpWithTick(
  trx: Knex.Transaction,
  deps: {
    subjectType: string;
    subjects: Pick<SubjectRepository, 'writeStanding'>;
    rollups?: Pick<RollupWriter, 'applyTick'>;
  },
  held: ReadonlyMap<number, HeldSubject>,
  before: readonly StoredClock[],
  advanced: readonly StoredClock[],
): Promise<void> {
  const moved = new Map(advanced.map((c) => [c.id, c]));
  const prior = new Map(before.map((c) => [c.id, c]));
  const was = new Map<number, StoredClock[]>();
  const now = new Map<number, StoredClock[]>();
  for (const c of before) {
    push(was, c.subjectId, c);
    push(now, c.subjectId, moved.get(c.id) ?? c);
  }
  const standing: SubjectStanding[] = [];
  const set = { states: false, urgency: false };
  const live: LiveRanks[] = [];
  // Only subjects with a clock the tick moved: the others (a recompute rewrote them since they
  // were found due) are as their last writer left them.
  for (const subjectId of new Set(advanced.map((c) => c.subjectId))) {
    const h = held.get(subjectId);
    if (!h) continue;
    const clocks = now.get(subjectId) ?? [];
    const slaState = summarizeState(clocks);
    const urgency = storedUrgency(clocks);
    const stateMoved = slaState !== h.subject.slaState;
    const urgencyMoved = !sameUrgency(urgency, h.urgency);
    if (stateMoved || urgencyMoved) standing.push({ subjectId, slaState, urgency });
    set.states ||= stateMoved;
    set.urgency ||= urgencyMoved;
    if (deps.rollups && openForRollup(deps.subjectType, h.subject)) {
      const wasListRank = listRank(h.urgency, h.subject.policyId, h.subject.slaState);
      const ranks = (cs: readonly StoredClock[], state: string, u: StoredUrgency | null): LiveRanks => ({
        subjectId,
        runningRank: h.subject.policyId === null ? null : runningRank(cs),
        stateRank: stateRank(state),
        listRank: listRank(u, h.subject.policyId, state),
        wasListRank,
        subject: h.subject,
      });
      const old = ranks(was.get(subjectId) ?? [], h.subject.slaState, h.urgency);
      const fresh = ranks(clocks, slaState, urgency);
      if (
        old.runningRank !== fresh.runningRank ||
        old.stateRank !== fresh.stateRank ||
        old.listRank !== fresh.listRank
      )
        live.push(fresh);
    }
  }
  if (standing.length) await deps.subjects.writeStanding(standing, set, trx);
  // A breach settles a clock (settled_at is COALESCE(breached_at, met_at)): its contribution to
  // the day rollups changes; a tick never meets or ends a clock.
  const breached = advanced
    .filter((c) => c.breachedAt !== null && prior.get(c.id)?.breachedAt === null)
    .map((c) => c.id);
  if (deps.rollups && (live.length || breached.length))
    await deps.rollups.applyTick(trx, deps.subjectType, live, breached);
}

/**
 * The subject row's generated `list_rank` (migration 20261206070000): the stored urgency's rank,
 * else 5 without a policy, else the summary state's rank.
 */
function listRank(urgency: StoredUrgency | null, policyId: number | null, slaState: string): number {
  if (urgency) return urgency.rank;
  return policyId === null ? STATE_RANK.no_policy : stateRank(slaState);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
