import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { earliest, levelsDue, nextTriggerAfter } from '../sla/escalation/ladder';
import { firedKey, type EscalationRepository } from '../store/escalation-repository';
import type { DueLevel, LevelFirer } from './escalation-service';
import { computeCycles, type Clock, type NotDueCycle } from '../sla/clocks/compute-clocks';
import { computeInternalCycles } from '../sla/clocks/internal-clocks';
import { advanceClock, summarizeState } from '../sla/clocks/clock-state';
import { settledBefore, splitSettled } from '../sla/clocks/settled-cycles';
import type { ClockState } from '../sla/clocks/sla-event';
import { PolicyBook } from '../sla/policy/policy-book';
import type { ConfigService } from './config-service';
import {
  toSlaEvent,
  type TimelineEvent,
  type TimelineEventInput,
  type TimelineRepository,
} from '../store/timeline-repository';
import type { SubjectRepository, SubjectRow } from '../store/subject-repository';
import { groupBySubject, type ClockRepository, type StoredClock } from '../store/clock-repository';
import { PERFEX_STATUS_LIFECYCLE } from '../host/perfex/perfex-statuses';
import type { SubjectKind } from '../subjects/subject-kind';
import { ticketKind } from '../subjects/ticket/ticket-kind';
import type { RollupWriter } from '../store/rollups/rollup-writer';

export interface ComputedSla {
  subject: SubjectRow | null;
  policy: { id: number; name: string; key: string } | null;
  clocks: Clock[];
  /** Cycles without a due time (the calendar does not open): shown, never stored or escalated. */
  notDue: NotDueCycle[];
  state: ClockState;
}

/** What a guarded recompute did: the subjects done, and the ones that failed with why. */
export interface RecomputeOutcome {
  done: number;
  doneIds: number[];
  failed: { id: number; reason: string }[];
}

/**
 * Turns timelines into stored clocks: recompute after events, advance as time passes. One per
 * subject kind: its repositories are keyed by the kind's type, and the kind says how its
 * snapshot matches a policy.
 */
export class ClockService {
  private book: PolicyBook | null = null;

  constructor(
    private readonly db: Knex,
    private readonly config: ConfigService,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockRepository,
    private readonly logger: Logger,
    private readonly escalationLog?: EscalationRepository,
    private readonly escalator?: LevelFirer,
    readonly kind: SubjectKind = ticketKind,
    /** The dashboard's rollups, kept in the same transactions as the clocks they count. */
    private readonly rollups?: Pick<RollupWriter, 'refresh'>,
  ) {}

  /** The compiled configuration, rebuilt only when its version moved (in any process). */
  async policyBook(): Promise<PolicyBook> {
    const version = await this.config.version();
    if (!this.book || this.book.version !== version) {
      const stored = await this.config.load();
      this.book = new PolicyBook(
        stored.policies,
        stored.calendars,
        stored.settings,
        stored.version,
        PERFEX_STATUS_LIFECYCLE,
        stored,
      );
    }
    return this.book;
  }

  /** Computes a subject's SLA at `now` from its timeline (nothing stored): for reads and what-ifs. */
  async compute(
    subject: SubjectRow | null,
    events: readonly TimelineEvent[],
    now: Date,
  ): Promise<ComputedSla> {
    return computeWith(await this.policyBook(), this.kind, subject, events, now);
  }

  /**
   * Recomputes and stores the clocks of these subjects (a few queries per batch, not per
   * ticket). Each batch locks its subjects, then reads their timelines, then writes, in one
   * transaction: a recompute that read an older timeline can never commit after one that read
   * a newer one. Clocks are evaluated no earlier than the last recorded event, so a stored
   * recompute never leaves out an event a hook recorded after the scan began. Cycles that ended
   * before the first event the last computation did not see keep their stored rows (policy,
   * target, due time, outcome): a configuration change rewrites only running and future clocks
   * (see settled-cycles.ts).
   */
  async recompute(ids: readonly number[], now: Date): Promise<number> {
    const book = await this.policyBook();
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i += 500) {
      const batch = sorted.slice(i, i + 500);
      await this.db.transaction(async (trx) => {
        await this.recomputeIn(trx, await this.subjects.lockMany(batch, trx), book, now);
      });
    }
    return ids.length;
  }

  /**
   * Recomputes subjects inside the caller's transaction, which already holds their rows' locks
   * (`lockMany`, or the hook's own upsert) and hands them over as they now stand: a hook records
   * its events, updates the snapshot and recomputes in one transaction, and the recompute does
   * not read back the row the hook just wrote. The timelines are read here, after the locks: a
   * consistent read taken before them could miss what the previous lock holder committed. The
   * policy book comes from the caller, loaded before the transaction began, so a transaction never
   * waits for a second pool connection while it holds one.
   */
  async recomputeIn(
    trx: Knex.Transaction,
    subjects: ReadonlyMap<number, SubjectRow>,
    book: PolicyBook,
    now: Date,
  ): Promise<void> {
    const batch = [...subjects.keys()];
    if (batch.length === 0) return;
    const timelines = await this.timeline.forSubjects(this.kind.type, batch, trx);
    const storedClocks = groupBySubject(await this.clocks.forSubjects(batch, trx));
    const computed = new Map<number, { policyId: number | null; clocks: Clock[] }>();
    const drop: number[] = [];
    const seen = new Map<number, number>();
    const results: { subjectId: number; policyId: number | null; slaState: ClockState }[] = [];
    const policyChanges: TimelineEventInput[] = [];
    const fired = (await this.escalationLog?.firedKeys(batch, trx)) ?? new Map<number, Set<string>>();
    for (const [id, subject] of subjects) {
      const events = timelines.get(id) ?? [];
      const at = events.reduce((t, e) => (e.occurredAt > t ? e.occurredAt : t), now);
      // Ended cycles keep what they ended with; only running and future ones follow the config.
      const before = settledBefore(subject.clocksEventId, events);
      if (events.length) seen.set(id, lastEventId(events));
      const matched = subject.deleted ? null : book.match(this.kind.matchSubject(subject));
      const change = policyChange(book, this.kind, subject, matched?.policy.id ?? null, events, at);
      if (change) {
        policyChanges.push(change);
        events.push(asTimelineEvent(change, at));
      }
      const sla = computeWith(book, this.kind, subject, events, at);
      if (sla.policy) markUnfiredLevelsDue(book, sla.policy.id, sla.clocks, fired.get(id), at);
      const stored = storedClocks.get(id) ?? [];
      const { keep, write } = splitSettled(stored, sla.clocks, before);
      drop.push(...stored.filter((c) => !keep.includes(c)).map((c) => c.id));
      computed.set(id, { policyId: sla.policy?.id ?? null, clocks: write });
      const all = [...keep, ...write];
      const slaState = sla.policy && all.length ? summarizeState(all) : sla.state;
      results.push({ subjectId: id, policyId: sla.policy?.id ?? null, slaState });
    }
    await this.timeline.recordMany(policyChanges, now, trx);
    await this.clocks.replace(computed, now, trx, drop);
    await this.subjects.setComputed(results, book.version, trx);
    await this.subjects.setClocksEventIds(seen, trx);
    await this.rollups?.refresh(trx, this.kind.type, batch);
  }

  /**
   * Recomputes and, when a batch fails, retries its subjects one by one so one bad ticket
   * cannot stall every scan: the ones that still fail are returned with the reason (the scan
   * logs and lists them), left dirty and retried by the next scan.
   */
  async recomputeIsolated(ids: readonly number[], now: Date): Promise<RecomputeOutcome> {
    try {
      return { done: await this.recompute(ids, now), doneIds: [...ids], failed: [] };
    } catch {
      const outcome: RecomputeOutcome = { done: 0, doneIds: [], failed: [] };
      for (const id of ids) {
        try {
          outcome.done += await this.recompute([id], now);
          outcome.doneIds.push(id);
        } catch (err) {
          outcome.failed.push({ id, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      return outcome;
    }
  }

  /** Subjects computed under an older configuration or left dirty, recomputed in batches. */
  async recomputeStale(now: Date, batchSize = 500): Promise<RecomputeOutcome> {
    const { version } = await this.policyBook();
    const total: RecomputeOutcome = { done: 0, doneIds: [], failed: [] };
    let afterId = 0;
    for (;;) {
      const ids = await this.subjects.staleIds(version, afterId, batchSize);
      if (ids.length === 0) return total;
      const result = await this.recomputeIsolated(ids, now);
      total.done += result.done;
      total.doneIds.push(...result.doneIds);
      total.failed.push(...result.failed);
      afterId = ids[ids.length - 1];
    }
  }

  /**
   * Moves clocks whose next check has come (warning, due) to their new state. Locks the
   * subjects first, in id order, as a recompute does (one lock order, no deadlock), skipping
   * subjects another worker or a recompute holds: their clocks are being rewritten anyway.
   */
  async advanceDue(now: Date, batchSize = 500): Promise<{ advanced: number; escalated: number }> {
    const book = await this.policyBook();
    const total = { advanced: 0, escalated: 0 };
    const failed = new Set<number>();
    for (;;) {
      const due = await this.clocks.dueSubjectIds(now, batchSize + failed.size);
      const candidates = due.filter((id) => !failed.has(id)).slice(0, batchSize);
      if (candidates.length === 0) return total;
      let count = 0;
      try {
        const result = await this.advanceBatch(candidates, book, now);
        count = result.advanced;
        total.escalated += result.escalated;
      } catch {
        // One bad ticket must not hold every escalation back: retry the batch one by one.
        for (const id of candidates) {
          try {
            const result = await this.advanceBatch([id], book, now);
            count += result.advanced;
            total.escalated += result.escalated;
          } catch (err) {
            failed.add(id);
            this.logger.error(
              { err, subjectType: this.kind.type, subjectId: id },
              `sla_vigil: advancing the clocks of ${this.kind.type} ${id} failed`,
            );
          }
        }
      }
      total.advanced += count;
      if (count === 0 || candidates.length < batchSize) return total;
    }
  }

  /** One locked batch: advance the due clocks of these subjects and fire their levels. */
  private async advanceBatch(
    candidates: readonly number[],
    book: PolicyBook,
    now: Date,
  ): Promise<{ advanced: number; escalated: number }> {
    return this.db.transaction(async (trx) => {
      const locked = [...(await this.subjects.lockMany(candidates, trx, { skipLocked: true })).keys()];
      const due = await this.clocks.dueFor(locked, now, trx);
      const levels: DueLevel[] = [];
      const advanced: StoredClock[] = [];
      for (const clock of due) {
        const next = advanceClock(clock, now);
        const policy = clock.policyId === null ? undefined : book.byId(clock.policyId);
        const clockPolicy = policy && book.clockPolicy(policy.id);
        if (policy && clockPolicy?.ladder?.length) {
          for (const d of levelsDue(next, clockPolicy.ladder, clockPolicy.calendar, now)) {
            levels.push({ clock: next, policy, level: d.level, fireAt: d.fireAt });
          }
          next.nextCheckAt = earliest(
            next.nextCheckAt,
            nextTriggerAfter(next, clockPolicy.ladder, clockPolicy.calendar, now),
          );
        }
        advanced.push(next);
      }
      await this.clocks.updateStates(advanced, now, trx);
      let escalated = 0;
      if (levels.length && this.escalator) escalated = await this.escalator.fireDue(levels, book, now, trx);
      const all = await this.clocks.forSubjects(locked, trx);
      const states = new Map<number, ClockState>();
      const bySubject = groupBySubject(all);
      for (const id of locked) states.set(id, summarizeState(bySubject.get(id) ?? []));
      await this.subjects.setStates(states, trx);
      await this.rollups?.refresh(trx, this.kind.type, locked);
      return { advanced: due.length, escalated };
    });
  }
}

/**
 * A ticket that moves from one policy to another gets a `policy_changed` event carrying both
 * pause lists, so the recompute keeps the pause time taken under the old policy.
 */
/**
 * A level whose moment has passed but that never fired (the module was off, or a recompute
 * moved the clock) makes the clock due now, so the next scan fires it once.
 */
function markUnfiredLevelsDue(
  book: PolicyBook,
  policyId: number,
  clocks: Clock[],
  fired: Set<string> | undefined,
  at: Date,
): void {
  const clockPolicy = book.clockPolicy(policyId);
  if (!clockPolicy?.ladder?.length) return;
  for (const clock of clocks) {
    const waiting = levelsDue(clock, clockPolicy.ladder, clockPolicy.calendar, at).filter(
      (d) => !fired?.has(firedKey(clock.metric, clock.cycle, policyId, d.level.key)),
    );
    if (waiting.length) clock.nextCheckAt = at;
  }
}

function policyChange(
  book: PolicyBook,
  kind: SubjectKind,
  subject: SubjectRow,
  toId: number | null,
  events: readonly TimelineEvent[],
  now: Date,
): TimelineEventInput | null {
  if (subject.policyId === toId) return null;
  // A ticket's first policy is not a change; coming back from "no policy" after one is.
  if (subject.policyId === null && !events.some((e) => e.eventType === 'policy_changed')) return null;
  const describe = (id: number | null): string => {
    const policy = id === null ? undefined : book.byId(id);
    return JSON.stringify({ policyId: id, pauseStatusIds: policy?.pauseStatusIds ?? [] });
  };
  return {
    subjectType: kind.type,
    subjectId: subject.subjectId,
    eventType: 'policy_changed',
    fromValue: describe(subject.policyId),
    toValue: describe(toId),
    occurredAt: now,
    source: 'recompute',
  };
}

function asTimelineEvent(input: TimelineEventInput, now: Date): TimelineEvent {
  return {
    id: 0,
    fromValue: null,
    toValue: null,
    actorStaffId: null,
    refId: null,
    dedupeKey: null,
    recordedAt: now,
    ...input,
  } as TimelineEvent;
}

function computeWith(
  book: PolicyBook,
  kind: SubjectKind,
  subject: SubjectRow | null,
  events: readonly TimelineEvent[],
  now: Date,
): ComputedSla {
  const matched = subject && !subject.deleted ? book.match(kind.matchSubject(subject)) : null;
  if (!matched) return { subject, policy: null, clocks: [], notDue: [], state: 'no_policy' };
  const slaEvents = events.map(toSlaEvent);
  const { clocks, notDue } = computeCycles(slaEvents, matched.clockPolicy, now);
  // The team's internal clocks (OLA) ride along; summarizeState leaves them out of the state.
  const internal =
    subject && matched.clockPolicy.internal
      ? computeInternalCycles(slaEvents, matched.clockPolicy, subject, now)
      : { clocks: [], notDue: [] };
  clocks.push(...internal.clocks);
  notDue.push(...internal.notDue);
  const { id, name, key } = matched.policy;
  const idle: ClockState = subject ? kind.idleState(subject) : 'on_track';
  return {
    subject,
    policy: { id, name, key },
    clocks,
    notDue,
    state: clocks.length ? summarizeState(clocks) : idle,
  };
}

/** The newest timeline event a computation saw (ids grow as events are recorded). */
function lastEventId(events: readonly TimelineEvent[]): number {
  return events.reduce((max, e) => (e.id > max ? e.id : max), 0);
}
