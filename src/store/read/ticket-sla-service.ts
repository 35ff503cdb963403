import type { TicketGateway } from '../../host/host-context';
import type { TimelineRepository } from '../timeline-repository';
import type { SubjectRepository } from '../subject-repository';
import type { ClockService } from '../../engine/clock-service';
import {
  explainClock,
  explainNotDue,
  explainSettled,
  type ExplainPhrases,
} from '../../sla/clocks/explain-clock';
import { cycleEnd, settledBefore, splitSettled } from '../../sla/clocks/settled-cycles';
import { summarizeState } from '../../sla/clocks/clock-state';
import type { ClockRepository } from '../clock-repository';
import type { ClockState } from '../../sla/clocks/sla-event';

/** The JSON shape of DESIGN.md for one ticket, plus `explain`. */
export interface TicketSla {
  ticketId: number;
  policy: { id: number; name: string } | null;
  state: ClockState;
  clocks: {
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

type ClockJson = TicketSla['clocks'][number];

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

/** Reads one ticket's SLA at any instant, computed from its timeline (exact, and what-if capable). */
export class TicketSlaService {
  constructor(
    private readonly tickets: TicketGateway,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockService,
    private readonly storedClocks: ClockRepository,
  ) {}

  /** Null when the module has never seen the ticket. `phrases` word the explanations (default English). */
  async get(
    ticketId: number,
    now: Date,
    hostTimezone: string,
    phrases?: ExplainPhrases,
  ): Promise<TicketSla | null> {
    const [subjects, events, stored] = await Promise.all([
      this.subjects.getMany([ticketId]),
      this.timeline.forSubject('ticket', ticketId),
      this.storedClocks.forSubjects([ticketId]),
    ]);
    const subject = subjects.get(ticketId) ?? null;
    if (!subject && events.length === 0) return null;
    const sla = await this.clocks.compute(subject, events, now);
    // Cycles that had ended read as they ended, as the stored clocks and the reports keep them,
    // not as the current policy would judge them (a what-if before their end computes them).
    const { keep, write } = splitSettled(
      stored.filter((c) => (cycleEnd(c)?.getTime() ?? Infinity) <= now.getTime()),
      sla.clocks,
      settledBefore(subject?.clocksEventId ?? null, events),
    );
    const kept = new Set(keep.map((c) => `${c.metric}:${c.cycle}`));
    const all = [...keep, ...write];
    const book = await this.clocks.policyBook();
    const policy = sla.policy ? book.byId(sla.policy.id) : undefined;
    const calendarKey = policy?.calendar ?? null;
    const statusNames = new Map((await this.tickets.listStatuses()).map((s) => [s.id, s.name]));
    const ctx = {
      calendar: calendarKey ? (book.calendars.get(calendarKey) ?? null) : null,
      timezone: calendarKey ? (book.timezones.get(calendarKey) ?? hostTimezone) : hostTimezone,
      statusNames,
      now,
    };
    const result: TicketSla = {
      ticketId,
      policy: sla.policy ? { id: sla.policy.id, name: sla.policy.name } : null,
      state: sla.policy && all.length ? summarizeState(all) : sla.state,
      clocks: [
        ...keep.map((c) => clockJson(c, explainSettled(c, ctx, phrases))),
        ...write.map((c) => clockJson(c, explainClock(c, ctx, phrases))),
      ],
    };
    for (const c of sla.notDue) {
      if (kept.has(`${c.metric}:${c.cycle}`)) continue;
      result.clocks.push({
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
    // In metric and cycle order, as the stored clocks are listed.
    result.clocks.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.cycle - b.cycle));
    return result;
  }
}
