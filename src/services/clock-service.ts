import type { Knex } from 'knex';
import { computeClocks, type Clock } from '../sla/clocks/compute-clocks';
import { advanceClock, summarizeState } from '../sla/clocks/clock-state';
import { CLOSED_STATUS, type ClockState, type SlaEvent } from '../sla/clocks/sla-event';
import { PolicyBook } from '../sla/policy/policy-book';
import type { ConfigService } from './config-service';
import type { TimelineEvent, TimelineEventInput, TimelineRepository } from '../store/timeline-repository';
import type { SubjectRepository, SubjectRow } from '../store/subject-repository';
import type { ClockRepository } from '../store/clock-repository';

export interface ComputedSla {
  subject: SubjectRow | null;
  policy: { id: number; name: string; key: string } | null;
  clocks: Clock[];
  state: ClockState;
}

/** Turns timelines into stored clocks: recompute after events, advance as time passes. */
export class ClockService {
  private book: PolicyBook | null = null;

  constructor(
    private readonly db: Knex,
    private readonly config: ConfigService,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockRepository,
  ) {}

  /** The compiled configuration, rebuilt only when its version moved (in any process). */
  async policyBook(): Promise<PolicyBook> {
    const version = await this.config.version();
    if (!this.book || this.book.version !== version) {
      const stored = await this.config.load();
      this.book = new PolicyBook(stored.policies, stored.calendars, stored.settings, stored.version);
    }
    return this.book;
  }

  /** Computes a subject's SLA at `now` from its timeline (nothing stored): for reads and what-ifs. */
  async compute(
    subject: SubjectRow | null,
    events: readonly TimelineEvent[],
    now: Date,
  ): Promise<ComputedSla> {
    return computeWith(await this.policyBook(), subject, events, now);
  }

  /** Recomputes and stores the clocks of these subjects (a few queries per batch, not per ticket). */
  async recompute(ids: readonly number[], now: Date): Promise<number> {
    const book = await this.policyBook();
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i += 500) {
      const batch = sorted.slice(i, i + 500);
      // Lock, read and write in one transaction: a recompute that read an older timeline can
      // never commit after one that read a newer one.
      await this.db.transaction(async (trx) => {
        const subjects = await this.subjects.lockMany(batch, trx);
        const timelines = await this.timeline.forSubjects('ticket', batch, trx);
        const computed = new Map<number, { policyId: number | null; clocks: Clock[] }>();
        const results: { subjectId: number; policyId: number | null; slaState: ClockState }[] = [];
        const policyChanges: TimelineEventInput[] = [];
        for (const [id, subject] of subjects) {
          const events = timelines.get(id) ?? [];
          const matched = subject.deleted ? null : book.match(subject);
          const change = policyChange(book, subject, matched?.policy.id ?? null, now);
          if (change) {
            policyChanges.push(change);
            events.push(asTimelineEvent(change, now));
          }
          const sla = computeWith(book, subject, events, now);
          computed.set(id, { policyId: sla.policy?.id ?? null, clocks: sla.clocks });
          results.push({ subjectId: id, policyId: sla.policy?.id ?? null, slaState: sla.state });
        }
        await this.timeline.recordMany(policyChanges, now, trx);
        await this.clocks.replace(computed, now, trx);
        await this.subjects.setComputed(results, book.version, trx);
      });
    }
    return ids.length;
  }

  /** Subjects computed under an older configuration, recomputed in batches. */
  async recomputeStale(now: Date, batchSize = 500): Promise<number> {
    const { version } = await this.policyBook();
    let done = 0;
    for (;;) {
      const ids = await this.subjects.staleIds(version, 0, batchSize);
      if (ids.length === 0) return done;
      done += await this.recompute(ids, now);
    }
  }

  /**
   * Moves clocks whose next check has come (warning, due) to their new state, in locked
   * batches so concurrent workers never process the same clock.
   */
  async advanceDue(now: Date, batchSize = 500): Promise<number> {
    let advanced = 0;
    for (;;) {
      const count = await this.db.transaction(async (trx) => {
        const due = await this.clocks.claimDue(now, batchSize, trx);
        for (const clock of due) await this.clocks.updateState(advanceClock(clock, now), now, trx);
        const touched = [...new Set(due.map((c) => c.subjectId))];
        const all = await this.clocks.forSubjects(touched, trx);
        const states = new Map<number, ClockState>();
        for (const id of touched) states.set(id, summarizeState(all.filter((c) => c.subjectId === id)));
        await this.subjects.setStates(states, trx);
        return due.length;
      });
      advanced += count;
      if (count < batchSize) return advanced;
    }
  }
}

/**
 * A ticket that moves from one policy to another gets a `policy_changed` event carrying both
 * pause lists, so the recompute keeps the pause time taken under the old policy.
 */
function policyChange(
  book: PolicyBook,
  subject: SubjectRow,
  toId: number | null,
  now: Date,
): TimelineEventInput | null {
  if (subject.policyId === null || toId === null || subject.policyId === toId) return null;
  const describe = (id: number): string => {
    const policy = book.byId(id);
    return JSON.stringify({ policyId: id, pauseStatusIds: policy?.pauseStatusIds ?? [] });
  };
  return {
    subjectType: 'ticket',
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
  subject: SubjectRow | null,
  events: readonly TimelineEvent[],
  now: Date,
): ComputedSla {
  const matched = subject && !subject.deleted ? book.match(subject) : null;
  if (!matched) return { subject, policy: null, clocks: [], state: 'no_policy' };
  const clocks = computeClocks(events.map(toSlaEvent), matched.clockPolicy, now);
  const { id, name, key } = matched.policy;
  // No clock at all: nothing is owed on a closed or merged ticket, nothing is late on an open one.
  const idle: ClockState =
    subject && (subject.status === CLOSED_STATUS || subject.mergedInto !== null) ? 'met' : 'on_track';
  return { subject, policy: { id, name, key }, clocks, state: clocks.length ? summarizeState(clocks) : idle };
}

function toSlaEvent(e: TimelineEvent): SlaEvent {
  return { type: e.eventType, at: e.occurredAt, from: e.fromValue, to: e.toValue };
}
