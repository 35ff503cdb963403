import { compileCalendar, type CalendarInput, type CalendarLike } from '../calendar';
import type {
  CalendarConfig,
  OnCallRotaConfig,
  PolicyConfig,
  SlaSettings,
  StaffScheduleConfig,
} from '../config';
import { nextWorkingMoment } from '../on-call/working-hours';
import type { ClockPolicy } from '../clocks/compute-clocks';
import { LEAD_LIFECYCLE, type StatusLifecycle } from '../clocks/sla-event';
import { matchPolicy, type MatchSubject } from './match-policy';
import { ladderOf } from '../escalation/ladder';

export interface BookPolicy extends PolicyConfig {
  id: number;
}

/** Who works when and who is on call: the staff schedules and on-call rotas of the document. */
export interface BookPeople {
  staffSchedules?: readonly StaffScheduleConfig[];
  onCall?: readonly OnCallRotaConfig[];
}

/**
 * The configuration compiled for clock work: calendars precomputed once, and for every
 * policy the ClockPolicy that computeClocks takes. Build one per config version.
 */
export class PolicyBook {
  private readonly clockPolicies = new Map<number, ClockPolicy>();
  readonly calendars = new Map<string, CalendarLike>();
  readonly timezones = new Map<string, string>();
  /** On-call rotas by key. */
  readonly rotas: ReadonlyMap<string, OnCallRotaConfig>;
  /** Working hours by staff id (staff without an entry are always reachable). */
  readonly schedules: ReadonlyMap<number, StaffScheduleConfig>;
  /** The calendars as written (a schedule reads one in its own zone). */
  private readonly calendarInputs = new Map<string, CalendarInput>();

  constructor(
    readonly policies: readonly BookPolicy[],
    calendars: readonly CalendarConfig[],
    readonly settings: SlaSettings,
    readonly version: number,
    /** The host's initial and closed ticket status ids (the pure rules know no host's numbering). */
    readonly statuses: StatusLifecycle,
    people: BookPeople = {},
  ) {
    this.rotas = new Map((people.onCall ?? []).map((r) => [r.key, r]));
    this.schedules = new Map((people.staffSchedules ?? []).map((s) => [s.staffId, s]));
    for (const c of calendars) {
      this.calendarInputs.set(c.key, { timezone: c.timezone, week: c.week, holidays: c.holidays });
      this.calendars.set(
        c.key,
        compileCalendar({ timezone: c.timezone, week: c.week, holidays: c.holidays }),
      );
      this.timezones.set(c.key, c.timezone);
    }
    for (const p of policies) {
      this.clockPolicies.set(p.id, {
        targets: p.targets,
        pauseStatusIds: p.pauseStatusIds,
        calendar: p.calendar === null ? null : (this.calendars.get(p.calendar) ?? null),
        defaultWarnAtPercent: settings.defaultWarnAtPercent,
        ladder: ladderOf(p.escalations),
        ...(p.internalTargets?.length ? { internal: p.internalTargets } : {}),
        // A lead's statuses are the host's lead statuses: no initial or closed one, and its
        // pause statuses hold the status windows (status-time-cycles.ts).
        ...(p.subject === 'lead' ? { statuses: LEAD_LIFECYCLE, pausesHoldStatusTime: true } : { statuses }),
      });
    }
  }

  /**
   * The first moment at or after `now` this staff member works (`now` within their hours, or
   * when they have no schedule, or their calendar is gone).
   */
  nextWorkingMomentOf(staffId: number, now: Date): Date {
    const schedule = this.schedules.get(staffId);
    const calendar = schedule?.calendar ? this.calendarInputs.get(schedule.calendar) : undefined;
    return nextWorkingMoment(calendar ?? null, schedule?.timezone, now);
  }

  /** The zone a staff member's times read in: their own, their calendar's, or undefined. */
  zoneOf(staffId: number): string | undefined {
    const schedule = this.schedules.get(staffId);
    if (!schedule) return undefined;
    return schedule.timezone ?? (schedule.calendar ? this.timezones.get(schedule.calendar) : undefined);
  }

  match(subject: MatchSubject): { policy: BookPolicy; clockPolicy: ClockPolicy } | null {
    const policy = matchPolicy(this.policies, subject);
    return policy ? { policy, clockPolicy: this.clockPolicies.get(policy.id) as ClockPolicy } : null;
  }

  clockPolicy(id: number): ClockPolicy | undefined {
    return this.clockPolicies.get(id);
  }

  byId(id: number): BookPolicy | undefined {
    return this.policies.find((p) => p.id === id);
  }
}
