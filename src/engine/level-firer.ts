import type { Knex } from 'knex';
import type { StoredClock } from '../store/clock-repository';
import type { BookPolicy, PolicyBook } from '../sla/policy/policy-book';
import type { LadderLevel } from '../sla/escalation/ladder';
import type { ComposedNotice } from './escalation-notice';

/** One level whose moment came for one clock, found by the scan. */
export interface DueLevel {
  clock: StoredClock;
  policy: BookPolicy;
  level: LadderLevel;
  fireAt: Date;
}

/** A level recorded in the escalation log (`escalationId`) whose notice is still to be sent. */
export interface FiredLevel {
  escalationId: number;
  due: DueLevel;
}

/**
 * Fires escalation levels for one subject kind, in three steps so that no host read and no
 * rendering happens while the scan holds its subjects' row locks:
 * 1. `prepare`: the host rows of the subjects about to be locked (level conditions, host actions
 *    and webhooks need them), read before the scan's transaction;
 * 2. `fire`: inside it, each level recorded once (the log's unique key); host actions and webhook
 *    posts decided and queued at once; notify levels stay `firing` and are remembered;
 * 3. `compose`: after the commit, recipients read and emails rendered without any lock; then
 *    `write` records the batch's notices in one short transaction, in a few statements.
 * A crash between 2 and 3 leaves notify levels `firing`: the next scan resumes them (the clock
 * service's resumeNotices), and the `firing` guard on the write keeps each one exactly once.
 */
export interface LevelFirer {
  prepare(subjectIds: readonly number[]): Promise<PreparedFiring>;
}

export interface PreparedFiring {
  /** Records the due levels; returns how many fired now (not counting ones fired before). */
  fire(due: readonly DueLevel[], now: Date, trx: Knex.Transaction): Promise<number>;
  /** Adds levels recorded by an earlier scan whose notices never went out. */
  resume(levels: readonly FiredLevel[]): void;
  /**
   * Chooses the recipients and renders the notices of the levels fired or resumed. A notice that
   * cannot be composed is logged and left `firing` for the next scan; the others go on.
   */
  compose(book: PolicyBook, now: Date): Promise<ComposedNotice[]>;
  /**
   * Records composed notices in the caller's transaction, each only while its escalation is still
   * `firing` (false for one another worker wrote first); returns how many it wrote.
   */
  write(
    notices: readonly ComposedNotice[],
    book: PolicyBook,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<number>;
}
