import type { Knex } from 'knex';
import { computeClocks } from '../sla/clocks/compute-clocks';
import { computeInternalCycles } from '../sla/clocks/internal-clocks';
import type { PolicyBook } from '../sla/policy/policy-book';
import { passedLevels, type PassedLevel } from '../sla/escalation/passed-levels';
import { firedKey, type EscalationRepository } from '../store/escalation-repository';
import { toSlaEvent, type TimelineRepository } from '../store/timeline-repository';
import type { AuditLog } from '../store/audit-log';
import { RuleTesterReads } from '../store/read/rule-tester-reads';
import { levelConditionHolds } from '../sla/escalation/level-condition';
import type { SubjectKind } from '../subjects/subject-kind';
import type { SubjectType } from '../sla/config/subject-types';

/** A subject the saved policies govern: its policy and its assignee as last recorded (0 = nobody). */
interface Governed {
  policyId: number;
  assigned: number;
  /** The ticket's department: with the assignee, which team's internal targets hold. */
  department: number;
}

/** One subject kind the finder looks at: how it matches, its open subjects and its escalation log. */
export interface PassedLevelLane {
  kind: SubjectKind;
  escalations: EscalationRepository;
}

const PAGE = 1000;

/** Why a skipped level never fired (stored with it; the ticket panel words it). */
export const SKIP_REASON = 'passed_before_save';

/**
 * Finds the escalation levels a configuration would fire at once on the next scan (levels whose
 * moment already passed on open tickets and leads with running clocks, and that never fired), and
 * records them as skipped when the manager chose "only levels reached from now on". Clocks are
 * computed from the timeline under the given book, as the scan's recompute would; each subject
 * kind is read, matched and logged as its own (`lanes`), with the same rules.
 */
export class PassedLevelFinder {
  private readonly reads: RuleTesterReads;
  private readonly lanes: ReadonlyMap<SubjectType, PassedLevelLane>;

  constructor(
    db: Knex,
    prefix: string,
    private readonly timeline: TimelineRepository,
    lanes: readonly PassedLevelLane[],
    private readonly audit: AuditLog,
  ) {
    this.reads = new RuleTesterReads(db, prefix);
    this.lanes = new Map(lanes.map((l) => [l.kind.type, l]));
  }

  /**
   * Passed, unfired levels of open tickets and leads that `book` gives to one of `policyIds`.
   * Within a save, pass its transaction: the reads then see what the save sees and need no second
   * connection.
   */
  async find(
    book: PolicyBook,
    policyIds: ReadonlySet<number>,
    now: Date,
    trx?: Knex.Transaction,
  ): Promise<PassedLevel[]> {
    const found: PassedLevel[] = [];
    for (const lane of this.lanes.values()) {
      let beforeId: number | null = null;
      for (;;) {
        const page = await this.openPage(lane.kind.type, beforeId, trx);
        const governed = new Map<number, Governed>();
        for (const subject of page) {
          const policy = book.match(lane.kind.matchSubject(subject))?.policy;
          if (policy && policyIds.has(policy.id) && book.clockPolicy(policy.id)?.ladder?.length)
            governed.set(subject.subjectId, {
              policyId: policy.id,
              assigned: subject.assigned,
              department: subject.department,
            });
        }
        if (governed.size) found.push(...(await this.passedFor(lane, book, governed, now, trx)));
        if (page.length < PAGE) break;
        beforeId = page[page.length - 1].subjectId;
      }
    }
    return found;
  }

  /** Open subjects of a kind, newest first: tickets not closed or merged, leads not decided on. */
  private openPage(type: SubjectType, beforeId: number | null, trx?: Knex.Transaction) {
    return type === 'lead'
      ? this.reads.openLeadsPage(beforeId, PAGE, trx)
      : this.reads.page(beforeId, PAGE, true, trx);
  }

  private async passedFor(
    lane: PassedLevelLane,
    book: PolicyBook,
    governed: Map<number, Governed>,
    now: Date,
    trx?: Knex.Transaction,
  ): Promise<PassedLevel[]> {
    const ids = [...governed.keys()];
    const type = lane.kind.type;
    // One after the other: a transaction runs one query at a time.
    const timelines = await this.timeline.forSubjects(type, ids, trx);
    const fired = await lane.escalations.firedKeys(ids, trx);
    return ids.flatMap((id) => {
      const { policyId, assigned, department } = governed.get(id) as Governed;
      const clockPolicy = book.clockPolicy(policyId);
      if (!clockPolicy?.ladder) return [];
      const events = (timelines.get(id) ?? []).map(toSlaEvent);
      // The team's internal clocks too: an internal level that has passed acts at the next scan as well.
      const clocks = [
        ...computeClocks(events, clockPolicy, now),
        ...computeInternalCycles(events, clockPolicy, { department, assigned }, now).clocks,
      ];
      const keys = fired.get(id);
      // A level whose condition does not hold (an assigned ticket) would not act at the next scan either.
      return passedLevels(
        id,
        policyId,
        clocks,
        clockPolicy.ladder,
        clockPolicy.calendar,
        now,
        (m, c, k) => Boolean(keys?.has(firedKey(m, c, policyId, k))),
        type,
      ).filter((l) => levelConditionHolds(l.level.when, { assigned }));
    });
  }

  /**
   * Records the levels as skipped in the caller's transaction (each takes its level's unique key in
   * its kind's escalation log, so no scan fires it), with one audit row per subject level. Returns
   * how many were recorded.
   */
  async skip(
    levels: readonly PassedLevel[],
    book: PolicyBook,
    staffId: number | null,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<number> {
    let skipped = 0;
    for (const l of levels) {
      const policy = book.byId(l.policyId);
      const details = {
        policy: policy?.key ?? null,
        level: l.level.level,
        metric: l.metric,
        cycle: l.cycle,
        action: l.level.action,
        reason: SKIP_REASON,
      };
      const lane = this.lanes.get(l.subjectType);
      if (!lane) continue;
      const id = await lane.escalations.insertSkipped(
        {
          subjectId: l.subjectId,
          metric: l.metric,
          cycle: l.cycle,
          policyId: l.policyId,
          level: l.level.level,
          levelKey: l.level.key,
          triggerType: l.level.trigger.type,
          triggerMinutes: l.level.trigger.minutes ?? null,
          actionType: l.level.action.type,
          fireAt: l.fireAt,
        },
        details,
        now,
        trx,
      );
      if (id === null) continue;
      skipped++;
      await this.audit.write(
        {
          action: 'escalation.skipped',
          staffId,
          subjectType: l.subjectType,
          subjectId: l.subjectId,
          details: { ...details, action: l.level.action.type },
        },
        trx,
      );
    }
    return skipped;
  }
}
