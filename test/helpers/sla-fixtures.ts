import type { EscalationConfig, PolicyConfig } from '../../src/sla/config';
import type { WeekSchedule } from '../../src/sla/calendar';

/** Monday to Friday, 09:00-17:00: the week most worked examples in the tests use. */
export const WEEKDAYS_9_TO_5: Record<string, [string, string][]> = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]]),
);

/** The Support department's policy of the worked examples: Berlin office hours, 1 h / 2 h / 8 h. */
export function supportPolicy(departmentId: number): PolicyConfig {
  return {
    key: 'support-default',
    name: 'Support default',
    active: true,
    position: 10,
    match: { departmentIds: [departmentId] },
    calendar: 'berlin-office',
    targets: {
      first_response: { minutes: 60 },
      next_response: { minutes: 120 },
      resolution: { minutes: 480, warnBeforeMinutes: 60 },
    },
    pauseStatusIds: [3, 4],
    escalations: [],
  };
}

/** The week of the calendar example in DESIGN.md: lunch break, closed Wednesday, Thursday night shift, Friday 24 h. */
export const DESIGN_EXAMPLE_WEEK: WeekSchedule = {
  mon: [
    ['09:00', '12:00'],
    ['13:00', '17:00'],
  ],
  tue: [['09:00', '17:00']],
  wed: [],
  thu: [['22:00', '06:00']],
  fri: [['00:00', '24:00']],
};

/** A 24x7 policy for every ticket: resolution within an hour, notifying `staffId` at due (or `levels`). */
export function hourlyResolutionPolicy(
  staffId: number,
  levels: EscalationConfig[] = [
    { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'notify_staff', staffId } },
  ],
) {
  return {
    key: 'p',
    name: 'P',
    calendar: null,
    targets: { resolution: { minutes: 60 } },
    escalations: levels,
  };
}
