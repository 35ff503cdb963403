import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { earliest, levelsDue, nextTriggerAfter } from '../sla/escalation/ladder';
import { firedKey, type EscalationRepository, type StalledNotice } from '../store/escalation-repository';
import type { DueLevel, FiredLevel, LevelFirer, PreparedFiring } from './level-firer';
import type { ComposedNotice } from './escalation-notice';
import { NOTIFY_ACTIONS } from './firing-batch';
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
import type {
  ComputedSubject,
  PatchFields,
  SubjectRepository,
  SubjectRow,
} from '../store/subject-repository';
import { RecomputeReader } from '../store/recompute-inputs';
import { storedUrgency } from '../sla/clocks/stored-urgency';
import {
  groupBySubject,
  storesAs,
  type ClockRepository,
  type StoredClock,
  type SubjectShare,
} from '../store/clock-repository';
import { PERFEX_STATUS_LIFECYCLE } from '../host/perfex/perfex-statuses';
import type { SubjectKind } from '../subjects/subject-kind';
import { ticketKind } from '../subjects/ticket/ticket-kind';
import type { RollupWriter } from '../store/rollups/rollup-writer';
import { keepUpWithTick } from './tick-upkeep';

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
    private readonly rollups?: Pick<RollupWriter, 'refresh' | 'applyTick'>,
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

  private reader?: RecomputeReader;

  /** The recompute's one read of its subjects' timelines, clocks and fired levels. */
  get inputs(): RecomputeReader {
    this.reader ??= new RecomputeReader(this.clocks.prefix, this.kind.type, this.escalationLog !== undefined);
    return this.reader;
  }

  /**
   * Recomputes subjects inside the caller's transaction, which already holds their rows' locks
   * (`lockMany`, or the hook's own upsert) and hands them over as they now stand: a hook records
   * its events, updates the snapshot and recomputes in one transaction, and the recompute does
   * not read back the row the hook just wrote. The timelines, clocks and fired levels are read
   * here, after the locks (a consistent read taken before them could miss what the previous lock
   * holder committed), in one statement. The policy book comes from the caller, loaded before the
   * transaction began, so a transaction never waits for a second pool connection while it holds
   * one. A hook's `patches` (the fields it reported) are written with the computed columns in one
   * UPDATE per batch, and the urgency columns come from the clocks kept and written here, not
   * from reading them back (storedUrgency).
   */
  async recomputeIn(
    trx: Knex.Transaction,
    subjects: ReadonlyMap<number, SubjectRow>,
    book: PolicyBook,
    now: Date,
    patches?: ReadonlyMap<number, PatchFields>,
  ): Promise<void> {
    const batch = [...subjects.keys()];
    if (batch.length === 0) return;
    const inputs = await this.inputs.read(batch, trx);
    const { timelines, fired } = inputs;
    const storedClocks = groupBySubject(inputs.clocks);
    const computed = new Map<number, { policyId: number | null; clocks: Clock[] }>();
    const drop: StoredClock[] = [];
    const results: ComputedSubject[] = [];
    // Subjects whose rollup rows this recompute cannot move (see rollupsMove): not read again.
    const still = new Set<number>();
    const policyChanges: TimelineEventInput[] = [];
    for (const [id, subject] of subjects) {
      const events = timelines.get(id) ?? [];
      const at = events.reduce((t, e) => (e.occurredAt > t ? e.occurredAt : t), now);
      // Ended cycles keep what they ended with; only running and future ones follow the config.
      const before = settledBefore(subject.clocksEventId, events);
      const clocksEventId = events.length ? lastEventId(events) : undefined;
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
      const policyId = sla.policy?.id ?? null;
      // A recomputed clock whose stored row already says exactly that stays as it is (no delete
      // and insert, and its rollup row keeps its key): most of a hook's clocks, and a rescan's.
      const unchanged = new Map<Clock, StoredClock>();
      for (const c of write) {
        const same = stored.find((s) => {
          const row = inputs.clockRows.get(s.id);
          return !keep.includes(s) && row !== undefined && storesAs(row, c, policyId);
        });
        if (same) unchanged.set(c, same);
      }
      const kept = new Set<StoredClock>([...keep, ...unchanged.values()]);
      const dropped = stored.filter((c) => !kept.has(c));
      drop.push(...dropped);
      const written = write.filter((c) => !unchanged.has(c));
      computed.set(id, { policyId, clocks: written });
      const all = [...keep, ...write];
      const slaState = sla.policy && all.length ? summarizeState(all) : sla.state;
      const patch = patches?.get(id);
      if (
        patch &&
        !rollupsMove(subject, patch, book, { policyId, slaState, clocks: dropped.length + written.length })
      )
        still.add(id);
      results.push({
        subjectId: id,
        policyId,
        slaState,
        ...(clocksEventId === undefined ? {} : { clocksEventId }),
        urgency: storedUrgency(all),
        ...(patch ? { patch } : {}),
      });
    }
    await this.timeline.recordMany(policyChanges, now, trx);
    await this.clocks.replace(computed, now, trx, drop);
    await this.subjects.writeComputed(results, book.version, now, trx);
    const moved = batch.filter((id) => !still.has(id));
    if (moved.length) await this.rollups?.refresh(trx, this.kind.type, moved);
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

  /** How many of this kind's clocks are due, counted up to `cap`. */
  dueCount(now: Date, cap: number): Promise<number> {
    return this.clocks.dueCount(now, cap);
  }

  /**
   * Moves clocks whose next check has come (warning, due) to their new state. Locks the
   * subjects first, in id order, as a recompute does (one lock order, no deadlock), skipping
   * subjects another worker or a recompute holds: their clocks are being rewritten anyway.
   * With `share`, only that share of the subjects (a worker's part of a backlog).
   */
  async advanceDue(
    now: Date,
    batchSize = TICK_BATCH,
    share?: SubjectShare,
  ): Promise<{ advanced: number; escalated: number }> {
    const book = await this.policyBook();
    try {
      // Stalled notices are the whole install's, not a share's: one advance of the tick resumes
      // them (the scan's own, or the first share's when a backlog is shared out).
      if (!share || share.index === 0) await this.resumeNotices(book, now);
    } catch (err) {
      // Never at the cost of the clocks: they advance and fire; the notices are tried next scan.
      this.logger.error(
        { err, subjectType: this.kind.type },
        'sla_vigil: resuming escalation notices failed',
      );
    }
    const total = { advanced: 0, escalated: 0 };
    const failed = new Set<number>();
    for (;;) {
      const limit = batchSize + failed.size;
      // One clock more than that: a read that fits within the limit found every due clock, so a
      // tick of exactly one batch reads its due clocks once, not again to find none.
      const due = await this.clocks.dueClocks(now, limit + 1, share);
      const candidates = [...new Set(due.map((c) => c.subjectId))]
        .filter((id) => !failed.has(id))
        .slice(0, batchSize);
      if (candidates.length === 0) return total;
      // Which subjects a level will fire for, judged from the due clocks just read: only theirs
      // are read from the host (a tick that only moves states reads none).
      const chosen = new Set(candidates);
      const judged = new Map<number, Advanced>();
      for (const c of due) if (chosen.has(c.subjectId)) judged.set(c.id, advanceWithLadder(c, book, now));
      const firing = new Set(
        [...judged.values()].filter((a) => a.levels.length).map((a) => a.from.subjectId),
      );
      let count = 0;
      try {
        const result = await this.advanceBatch(candidates, book, now, { firing, judged });
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
      // Done when the read found every due clock (no more than the limit) and the batch took each
      // one's subject; a batch of fewer subjects than clocks (a subject with two due clocks) does
      // not mean that.
      const leftOut = due.some((c) => !chosen.has(c.subjectId) && !failed.has(c.subjectId));
      if (count === 0 || (due.length <= limit && !leftOut)) return total;
    }
  }

  /**
   * One locked batch: advance the due clocks of these subjects and fire their levels. With
   * `firing`, only those subjects are read from the host for the levels; when a level turns out due
   * for another one under the locks (its clocks changed since they were read), the batch is undone
   * and run again with every subject read.
   */
  private async advanceBatch(
    candidates: readonly number[],
    book: PolicyBook,
    now: Date,
    hint?: DueHint,
  ): Promise<{ advanced: number; escalated: number }> {
    try {
      return await this.advanceLocked(candidates, book, now, hint);
    } catch (err) {
      if (!(err instanceof UnpreparedLevel)) throw err;
      return this.advanceLocked(candidates, book, now);
    }
  }

  private async advanceLocked(
    candidates: readonly number[],
    book: PolicyBook,
    now: Date,
    hint?: DueHint,
  ): Promise<{ advanced: number; escalated: number }> {
    const firing = hint?.firing;
    // The host rows the levels need are read before the locks are taken, the notices composed
    // after they are released: the locks last only as long as the writes.
    const prepared = firing ? [...firing] : candidates;
    const batch = prepared.length ? await this.escalator?.prepare(prepared) : undefined;
    const result = await this.db.transaction(async (trx) => {
      const held = await this.subjects.lockWithUrgency(candidates, trx, { skipLocked: true });
      // Every clock of the locked subjects, read once: the due ones advance, and with the rest the
      // subjects' states, urgency and rollups follow in memory (tick-upkeep.ts).
      const clocks = await this.clocks.forSubjects([...held.keys()], trx);
      const due = clocks.filter((c) => c.nextCheckAt !== null && c.nextCheckAt.getTime() <= now.getTime());
      const levels: DueLevel[] = [];
      const advanced: StoredClock[] = [];
      for (const clock of due) {
        // Judged already from the due read when the row is the same (the ladder's calendar math
        // is the tick's main CPU cost besides the notices).
        const seen = hint?.judged.get(clock.id);
        const next = seen && sameRow(seen.from, clock) ? seen : advanceWithLadder(clock, book, now);
        if (next.levels.length && firing && !firing.has(clock.subjectId)) throw new UnpreparedLevel();
        levels.push(...next.levels);
        advanced.push(next.clock);
      }
      await this.clocks.updateStates(advanced, now, trx);
      let escalated = 0;
      if (levels.length && batch) escalated = await batch.fire(levels, now, trx);
      // The tick moved stored states: the subjects' states and urgency and the rollups follow.
      const deps = { subjectType: this.kind.type, subjects: this.subjects, rollups: this.rollups };
      await keepUpWithTick(trx, deps, held, clocks, advanced);
      return { advanced: due.length, escalated };
    });
    if (batch) await this.sendNotices(batch, book, now);
    return result;
  }

  /**
   * Composes the notices of levels a committed batch fired (recipients, rendering: no lock held)
   * and writes them, all in one short transaction, or one by one when that fails, so one bad
   * notice never holds back the others. What fails stays `firing` for resumeNotices; it never
   * undoes the batch, whose levels are recorded.
   */
  private async sendNotices(firing: PreparedFiring, book: PolicyBook, now: Date): Promise<void> {
    let notices: ComposedNotice[];
    try {
      notices = await firing.compose(book, now);
    } catch (err) {
      this.logger.error(
        { err, subjectType: this.kind.type },
        'sla_vigil: composing escalation notices failed',
      );
      return;
    }
    if (notices.length === 0) return;
    // Read committed, as the outbox's claims: the outcomes' UPDATE then locks only the rows it
    // changes, never the gaps of the escalation indexes where another worker's batch is inserting
    // its firings (under repeatable read the two deadlocked).
    const isolation = { isolationLevel: 'read committed' } as const;
    try {
      await this.db.transaction((trx) => firing.write(notices, book, now, trx), isolation);
    } catch (err) {
      // Inside an outer transaction (a dry run) a failure may have ended it: never retry there.
      if (this.db.isTransaction) throw err;
      for (const n of notices) {
        try {
          await this.db.transaction((trx) => firing.write([n], book, now, trx), isolation);
        } catch (err) {
          this.logger.error(
            { err, subjectType: this.kind.type, subjectId: n.subjectId, escalationId: n.escalationId },
            `sla_vigil: writing the escalation notice of ${this.kind.type} ${n.subjectId} failed`,
          );
        }
      }
    }
  }

  /**
   * Sends the notices of notify levels that fired at least a minute ago and never got them (the
   * process stopped between the two steps, or composing failed): the level is already recorded,
   * so it is not fired again, only its notice written, once. A level or clock that no longer
   * exists is recorded as `no_recipient` with the reason. Returns how many it composed.
   */
  async resumeNotices(book: PolicyBook, now: Date, batchSize = 500): Promise<number> {
    if (!this.escalator || !this.escalationLog) return 0;
    const firedBy = new Date(now.getTime() - RESUME_NOTICES_AFTER_MS);
    const log = this.escalationLog;
    // Nearly every tick finds nothing stalled: one read says so. (What would be given up below is
    // stalled too, having fired even earlier; the write transaction runs only when there is any.)
    if (!(await log.anyStalled(firedBy, NOTIFY_ACTIONS))) return 0;
    // A notice that could not be composed for a day is given up (recorded as failed), so the
    // scans stop composing it again and again.
    const giveUpBy = new Date(now.getTime() - GIVE_UP_NOTICES_AFTER_MS);
    const abandoned = await this.db.transaction((trx) => log.abandonStalled(giveUpBy, NOTIFY_ACTIONS, trx));
    if (abandoned.length > 0)
      this.logger.error(
        { subjectType: this.kind.type, escalationIds: abandoned },
        `sla_vigil: gave up ${abandoned.length} escalation notices that could not be composed within a day`,
      );
    let resumed = 0;
    // By id, so notices that fail again are passed over in this scan rather than read forever.
    for (let afterId = 0; ;) {
      const stalled = await this.escalationLog.stalledNotices(firedBy, NOTIFY_ACTIONS, afterId, batchSize);
      if (stalled.length === 0) return resumed;
      resumed += await this.resumeBatch(stalled, book, now);
      afterId = stalled[stalled.length - 1].id;
    }
  }

  private async resumeBatch(stalled: readonly StalledNotice[], book: PolicyBook, now: Date): Promise<number> {
    const log = this.escalationLog;
    if (!this.escalator || !log) return 0;
    const clocks = groupBySubject(
      await this.clocks.forSubjects([...new Set(stalled.map((n) => n.subjectId))]),
    );
    const levels: FiredLevel[] = [];
    for (const n of stalled) {
      const policy = book.byId(n.policyId);
      const level = book.clockPolicy(n.policyId)?.ladder?.find((l) => l.key === n.levelKey);
      const clock = clocks
        .get(n.subjectId)
        ?.find(
          (c) =>
            c.metric === n.metric &&
            c.cycle === n.cycle &&
            (c.scope ?? 'customer') === (level?.scope ?? 'customer'),
        );
      if (policy && level && clock) {
        levels.push({ escalationId: n.id, due: { clock, policy, level, fireAt: n.fireAt } });
        continue;
      }
      const reason = !policy || !level ? 'the level is no longer in the ladder' : 'the clock is gone';
      await log.finishFiring(n.id, 'no_recipient', { metric: n.metric, cycle: n.cycle, reason });
    }
    if (levels.length === 0) return 0;
    const firing = await this.escalator.prepare([...new Set(levels.map((l) => l.due.clock.subjectId))]);
    firing.resume(levels);
    await this.sendNotices(firing, book, now);
    return levels.length;
  }
}

/**
 * Subjects per locked batch of the tick: one transaction (one commit, one lock read, one read of
 * their clocks, one statement per table written) for a typical tick's 1000 due clocks. The locks
 * last as long as that batch's writes (~tens of ms); hooks on other subjects never wait on them,
 * and another worker skips the locked rows (SKIP LOCKED) rather than waiting.
 */
export const TICK_BATCH = 1000;

/** A due clock as advanceWithLadder moved it (`from`: the row it was read as). */
interface Advanced {
  from: StoredClock;
  clock: StoredClock;
  levels: DueLevel[];
}

/** What the due read showed: the subjects a level fires for, and each due clock advanced. */
interface DueHint {
  firing: ReadonlySet<number>;
  judged: ReadonlyMap<number, Advanced>;
}

const time = (d: Date | null): number | null => (d === null ? null : d.getTime());

/** Whether two reads of a clock row hold the same values (what advanceWithLadder reads). */
function sameRow(a: StoredClock, b: StoredClock): boolean {
  return (
    a.id === b.id &&
    a.state === b.state &&
    a.policyId === b.policyId &&
    a.metric === b.metric &&
    a.cycle === b.cycle &&
    a.scope === b.scope &&
    a.status === b.status &&
    a.pausedMinutes === b.pausedMinutes &&
    a.startedAt.getTime() === b.startedAt.getTime() &&
    a.dueAt.getTime() === b.dueAt.getTime() &&
    a.warnAt.getTime() === b.warnAt.getTime() &&
    time(a.metAt) === time(b.metAt) &&
    time(a.breachedAt) === time(b.breachedAt) &&
    time(a.nextCheckAt) === time(b.nextCheckAt) &&
    time(a.endedAt) === time(b.endedAt)
  );
}

/** A level due under the locks for a subject whose host row was not read before them. */
class UnpreparedLevel extends Error {}

/**
 * A due clock moved to its new state, its next check brought forward to its ladder's next level,
 * and the levels whose moment has come.
 */
function advanceWithLadder(clock: StoredClock, book: PolicyBook, now: Date): Advanced {
  const next = advanceClock(clock, now);
  const policy = clock.policyId === null ? undefined : book.byId(clock.policyId);
  const clockPolicy = policy && book.clockPolicy(policy.id);
  if (!policy || !clockPolicy?.ladder?.length) return { from: clock, clock: next, levels: [] };
  const levels = levelsDue(next, clockPolicy.ladder, clockPolicy.calendar, now).map((d) => ({
    clock: next,
    policy,
    level: d.level,
    fireAt: d.fireAt,
  }));
  next.nextCheckAt = earliest(
    next.nextCheckAt,
    nextTriggerAfter(next, clockPolicy.ladder, clockPolicy.calendar, now),
  );
  return { from: clock, clock: next, levels };
}

/**
 * How long a notify level may stay `firing` before a scan sends its notice: longer than composing
 * a batch takes, so a scan does not compose what another worker is composing right now (the
 * write's guard would keep it single anyway; this only saves the work).
 */
const RESUME_NOTICES_AFTER_MS = 60_000;

/** How long a notice may fail to be composed before its level is recorded as failed. */
const GIVE_UP_NOTICES_AFTER_MS = 24 * 3600_000;

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

/**
 * Whether a hook's recompute can move the subject's rollup rows (RollupWriter.refresh reads them
 * back to find out, a round trip a hook pays): their values come from the subject's clocks and its
 * row's snapshot fields, policy, state and urgency (the urgency follows the clocks). A hook that
 * patched no field, rewrote no clock and left the policy and state as they were cannot, provided the
 * row was clean and computed under this configuration: every writer of a subject's clocks or
 * fields refreshes its rollups under its lock, but a snapshot written without a recompute (a
 * reconcile's, marked dirty) leaves that to the recompute, which then refreshes.
 */
function rollupsMove(
  subject: SubjectRow,
  patch: PatchFields,
  book: PolicyBook,
  now: { policyId: number | null; slaState: ClockState; clocks: number },
): boolean {
  return (
    Object.keys(patch).length > 0 ||
    now.clocks > 0 ||
    subject.computedVersion !== book.version ||
    subject.policyId !== now.policyId ||
    subject.slaState !== now.slaState
  );
}

/** The newest timeline event a computation saw (ids grow as events are recorded). */
function lastEventId(events: readonly TimelineEvent[]): number {
  return events.reduce((max, e) => (e.id > max ? e.id : max), 0);
}
