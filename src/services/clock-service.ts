import type { Knex } from 'knex';
import { computeClocks, type Clock } from '../sla/clocks/compute-clocks';
import { advanceClock, summarizeState } from '../sla/clocks/clock-state';
import type { ClockState, SlaEvent } from '../sla/clocks/sla-event';
import { PolicyBook } from '../sla/policy/policy-book';
import type { ConfigService } from './config-service';
import type { TimelineEvent, TimelineRepository } from '../store/timeline-repository';
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
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const [subjects, timelines] = await Promise.all([
        this.subjects.getMany(batch),
        this.timeline.forSubjects('ticket', batch),
      ]);
      const computed = new Map<number, { policyId: number | null; clocks: Clock[] }>();
      const results: { subjectId: number; policyId: number | null; slaState: ClockState }[] = [];
      for (const id of batch) {
        const subject = subjects.get(id);
        if (!subject) continue;
        const sla = computeWith(book, subject, timelines.get(id) ?? [], now);
        computed.set(id, { policyId: sla.policy?.id ?? null, clocks: sla.clocks });
        results.push({ subjectId: id, policyId: sla.policy?.id ?? null, slaState: sla.state });
      }
      await this.db.transaction(async (trx) => {
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
  return { subject, policy: { id, name, key }, clocks, state: summarizeState(clocks) };
}

function toSlaEvent(e: TimelineEvent): SlaEvent {
  return { type: e.eventType, at: e.occurredAt, from: e.fromValue, to: e.toValue };
}
