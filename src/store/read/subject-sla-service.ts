import type { SubjectType } from '../../sla/config/subject-types';
import type { TimelineRepository } from '../timeline-repository';
import type { SubjectRepository } from '../subject-repository';
import type { ClockService } from '../../engine/clock-service';
import {
  explainClock,
  explainNotDue,
  explainSettled,
  type ExplainPhrases,
} from '../../sla/clocks/explain-clock';
import { cycleEnd, cycleKey, settledBefore, splitSettled } from '../../sla/clocks/settled-cycles';
import { summarizeState } from '../../sla/clocks/clock-state';
import type { ClockRepository } from '../clock-repository';
import type { ClockState } from '../../sla/clocks/sla-event';

/**
 * One subject's SLA, the JSON of `GET /api/subjects/:type/:id` and `sla-vigil subject`: the
 * ticket JSON of DESIGN.md keyed by (subject type, id), each clock with `explain`.
 */
export interface SubjectSla {
  subjectType: SubjectType;
  subjectId: number;
  policy: { id: number; name: string } | null;
  state: ClockState;
  clocks: {
    /** `internal` on a team's internal clock (OLA); absent on the customer's SLA clocks. */
    scope?: 'internal';
    metric: string;
    /** The status a status_time clock measures the stay in; absent on the other metrics. */
    status?: number;
    /** A clock state, or `not_due` for a cycle whose calendar does not open (no due time). */
    state: string;
    startedAt: string;
    dueAt: string | null;
    warnAt: string | null;
    pausedMinutes: number;
    metAt: string | null;
    breachedAt: string | null;
    cycle: number;
    explain: string[];
  }[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

type ClockJson = SubjectSla['clocks'][number];

/** One clock in the JSON shape, whether it was kept as it ended or computed now. */
function clockJson(
  c: Omit<ClockJson, 'startedAt' | 'dueAt' | 'warnAt' | 'metAt' | 'breachedAt' | 'explain'> & {
    startedAt: Date;
    dueAt: Date;
    warnAt: Date;
    metAt: Date | null;
    breachedAt: Date | null;
  },
  explain: string[],
): ClockJson {
  return {
    ...(c.scope === 'internal' ? { scope: c.scope } : {}),
    metric: c.metric,
    ...(c.status === undefined ? {} : { status: c.status }),
    state: c.state,
    startedAt: c.startedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    warnAt: c.warnAt.toISOString(),
    pausedMinutes: Math.round(c.pausedMinutes * 1000) / 1000,
    metAt: iso(c.metAt),
    breachedAt: iso(c.breachedAt),
    cycle: c.cycle,
    explain,
  };
}

/**
 * Reads one subject's SLA at any instant, computed from its timeline (exact, and what-if capable).
 * One per subject kind: the repositories and clock service are the kind's.
 */
export class SubjectSlaService {
  constructor(
    private readonly subjectType: SubjectType,
    /** The host's status names of this kind, for the explanations of status_time clocks. */
    private readonly statusNames: () => Promise<Map<number, string>>,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockService,
    private readonly storedClocks: ClockRepository,
  ) {}

  /** Null when the module has never seen the subject. `phrases` word the explanations (default English). */
  async get(
    subjectId: number,
    now: Date,
    hostTimezone: string,
    phrases?: ExplainPhrases,
  ): Promise<SubjectSla | null> {
    const [subjects, events, stored] = await Promise.all([
      this.subjects.getMany([subjectId]),
      this.timeline.forSubject(this.subjectType, subjectId),
      this.storedClocks.forSubjects([subjectId]),
    ]);
    const subject = subjects.get(subjectId) ?? null;
    if (!subject && events.length === 0) return null;
    const sla = await this.clocks.compute(subject, events, now);
    // Cycles that had ended read as they ended, as the stored clocks and the reports keep them,
    // not as the current policy would judge them (a what-if before their end computes them).
    const { keep, write } = splitSettled(
      stored.filter((c) => (cycleEnd(c)?.getTime() ?? Infinity) <= now.getTime()),
      sla.clocks,
      settledBefore(subject?.clocksEventId ?? null, events),
    );
    const kept = new Set(keep.map(cycleKey));
    const all = [...keep, ...write];
    const book = await this.clocks.policyBook();
    const policy = sla.policy ? book.byId(sla.policy.id) : undefined;
    const calendarKey = policy?.calendar ?? null;
    const statusNames = await this.statusNames();
    const ctx = {
      calendar: calendarKey ? (book.calendars.get(calendarKey) ?? null) : null,
      timezone: calendarKey ? (book.timezones.get(calendarKey) ?? hostTimezone) : hostTimezone,
      statusNames,
      now,
    };
    const result: SubjectSla = {
      subjectType: this.subjectType,
      subjectId,
      policy: sla.policy ? { id: sla.policy.id, name: sla.policy.name } : null,
      state: sla.policy && all.length ? summarizeState(all) : sla.state,
      clocks: [
        ...keep.map((c) => clockJson(c, explainSettled(c, ctx, phrases))),
        ...write.map((c) => clockJson(c, explainClock(c, ctx, phrases))),
      ],
    };
    for (const c of sla.notDue) {
      if (kept.has(cycleKey(c))) continue;
      result.clocks.push({
        ...(c.scope === 'internal' ? { scope: c.scope } : {}),
        metric: c.metric,
        ...(c.status === undefined ? {} : { status: c.status }),
        state: 'not_due',
        startedAt: c.startedAt.toISOString(),
        dueAt: null,
        warnAt: null,
        pausedMinutes: 0,
        metAt: iso(c.metAt),
        breachedAt: null,
        cycle: c.cycle,
        explain: explainNotDue(c, ctx, phrases),
      });
    }
    // The customer's clocks first, then the internal ones; each in metric and cycle order, as the
    // stored clocks are listed.
    result.clocks.sort(
      (a, b) =>
        (a.scope ? 1 : 0) - (b.scope ? 1 : 0) ||
        (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.cycle - b.cycle),
    );
    return result;
  }
}
