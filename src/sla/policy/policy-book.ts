import { compileCalendar, type CalendarLike } from '../calendar';
import type { CalendarConfig, PolicyConfig, SlaSettings } from '../config';
import type { ClockPolicy } from '../clocks/compute-clocks';
import { LEAD_LIFECYCLE, type StatusLifecycle } from '../clocks/sla-event';
import { matchPolicy, type MatchSubject } from './match-policy';
import { ladderOf } from '../escalation/ladder';

export interface BookPolicy extends PolicyConfig {
  id: number;
}

/**
 * The configuration compiled for clock work: calendars precomputed once, and for every
 * policy the ClockPolicy that computeClocks takes. Build one per config version.
 */
export class PolicyBook {
  private readonly clockPolicies = new Map<number, ClockPolicy>();
  readonly calendars = new Map<string, CalendarLike>();
  readonly timezones = new Map<string, string>();

  constructor(
    readonly policies: readonly BookPolicy[],
    calendars: readonly CalendarConfig[],
    readonly settings: SlaSettings,
    readonly version: number,
    /** The host's initial and closed ticket status ids (the pure rules know no host's numbering). */
    readonly statuses: StatusLifecycle,
  ) {
    for (const c of calendars) {
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
