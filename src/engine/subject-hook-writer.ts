import type { Knex } from 'knex';
import type { Clock } from '../host/host-context';
import type { TimelineEventInput, TimelineRepository } from '../store/timeline-repository';
import {
  afterPatch,
  afterUpsert,
  type PatchFields,
  type SubjectRepository,
  type SubjectRow,
  type SubjectSnapshot,
} from '../store/subject-repository';
import type { ClockService } from './clock-service';
import type { PolicyBook } from '../sla/policy/policy-book';

/** What one hook does to a subject the host already had, decided under the subject's lock. */
export interface SubjectChange {
  /** Events to record, in this order (one already recorded under its dedupe key is skipped). */
  events: readonly TimelineEventInput[];
  /** The fields the hook reported, patched onto a subject the module has seen. */
  patch?: PatchFields;
  /**
   * Or the subject's whole snapshot, upserted: lead hooks say little, so the recorder reads the
   * host row, and this also adopts a lead the module has not seen. Without either, an unseen
   * subject gets only its events, and the scan adopts it.
   */
  snapshot?: SubjectSnapshot;
}

/**
 * One hook's writes for one subject in one transaction: lock the subject's row, record the
 * events, update the snapshot, recompute the clocks. A failure anywhere (the recompute
 * included) rolls all of it back, so the module never keeps an event its clocks and snapshot
 * do not reflect; the hook's guard logs the failure and the reconcile scan records the change
 * from the host rows, as for a hook that never arrived.
 *
 * The order is the recompute's and the advance's: the subject row first, then the timeline,
 * then the clocks. Every writer that holds more than one of these takes the subject row first
 * (the reconcile writes events and snapshots in separate statements and never holds both), so
 * two hooks, a scan's recompute and the due-clock advance on one subject queue up on that row
 * instead of deadlocking; and whoever holds it reads the timeline after the one before it
 * committed (hence no read in the transaction before the lock: under REPEATABLE READ the first
 * plain read fixes the snapshot every later one sees). Neighbouring subjects do not meet either:
 * their clocks are deleted by id, never by a range that locks the gap between them (see
 * `ClockRepository.replace`).
 *
 * Host rows and the policy book are read before the transaction (the callers do the host
 * reads): they come through other pool connections, and a transaction waiting for a second
 * connection while holding one could starve the pool under a burst of hooks.
 */
export class SubjectHookWriter {
  constructor(
    private readonly db: Knex,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockService,
    private readonly clock: Clock,
  ) {}

  /**
   * A creation hook: the subject is usually new, so its snapshot is upserted first, which takes
   * the row lock without locking a missing row (see `SubjectRepository.upsertLocked`).
   */
  async created(snapshot: SubjectSnapshot, events: readonly TimelineEventInput[]): Promise<void> {
    const book = await this.clocks.policyBook();
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      const row = await this.subjects.upsertLocked(snapshot, now, trx);
      await this.timeline.recordMany(events, now, trx);
      await this.clocks.recomputeIn(trx, new Map([[row.subjectId, row]]), book, now);
    });
  }

  /**
   * Any other hook: `plan` sees what the module last saw of the subject (undefined: never seen),
   * read under its lock, and may read the timeline through `trx`; it says what to record and
   * what changed. A subject never seen leaves no row to lock: the locking read then holds the gap
   * where its row would go, so no scan adopts it meanwhile. (Two hooks that adopt unseen leads
   * in the same gap at the same moment can deadlock there; the database rolls one back whole,
   * its guard logs it and the next scan adopts that lead. Creation hooks never lock a gap.)
   */
  async changed(
    subjectId: number,
    plan: (seen: SubjectRow | undefined, trx: Knex.Transaction) => Promise<SubjectChange> | SubjectChange,
    loadedBook?: PolicyBook,
  ): Promise<void> {
    const book = loadedBook ?? (await this.clocks.policyBook());
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      const seen = (await this.subjects.lockMany([subjectId], trx)).get(subjectId);
      const change = await plan(seen, trx);
      await this.timeline.recordMany(change.events, now, trx);
      if (change.snapshot) {
        // For an unseen subject the gap lock above guarantees no row appeared since: this inserts.
        await this.subjects.upsert([change.snapshot], now, trx);
        const row = afterUpsert(seen, change.snapshot);
        await this.clocks.recomputeIn(trx, new Map([[subjectId, row]]), book, now);
      } else if (seen) {
        // Patched even with no field, as before (it stamps `updated_at`), by the recompute's own
        // UPDATE of the row: one statement, and no dirty mark to set and clear in between.
        const patch = change.patch ?? {};
        // With no field patched the row is `seen` as it is (afterPatch would mark it dirty, a mark
        // the recompute's own UPDATE clears anyway): the recompute can then tell that a clean row
        // whose clocks and state it leaves as they were has rollups it need not read back.
        const row = Object.keys(patch).length ? afterPatch(seen, patch) : seen;
        await this.clocks.recomputeIn(
          trx,
          new Map([[subjectId, row]]),
          book,
          now,
          new Map([[subjectId, patch]]),
        );
      }
    });
  }

  /**
   * The policy book, for a caller that reads host rows before `changed`: it loads the book beside
   * them (one round trip for both) and hands it over.
   */
  policyBook(): Promise<PolicyBook> {
    return this.clocks.policyBook();
  }
}
