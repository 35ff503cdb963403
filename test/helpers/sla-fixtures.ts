import type { EscalationConfig, PolicyConfig } from '../../src/sla/config';
import type { WeekSchedule } from '../../src/sla/calendar';
import type { Knex } from 'knex';
import { insertOpenTickets, insertStaff } from './host-fixtures';

/** Monday to Friday, 09:00-17:00: the week most worked examples in the tests use. */
export const WEEKDAYS_9_TO_5: Record<string, [string, string][]> = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [['09:00', '17:00']]]),
);

/** The Support department's policy of the worked examples: Berlin office hours, 1 h / 2 h / 8 h. */
export function supportPolicy(departmentId: number): PolicyConfig {
  return {
    key: 'support-default',
    name: 'Support default',
    subject: 'ticket',
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

/**
 * The two-level crash scene: `tickets` open tickets at 08:00 under an hourly resolution target,
 * each escalating to one staff member at due and to a second five minutes after. Returns the
 * staff ids; the policy is imported with `importConfig` (the caller's services).
 */
export async function twoLevelEscalationScene(
  db: Knex,
  tickets: number,
  importConfig: (doc: { policies: ReturnType<typeof hourlyResolutionPolicy>[] }) => Promise<unknown>,
): Promise<{ first: number; second: number }> {
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const first = await insertStaff(db, 'fay.first@example.com', 'pw123456');
  const second = await insertStaff(db, 'sid.second@example.com', 'pw123456');
  await insertOpenTickets(db, tickets, department, '2026-03-03 08:00:00');
  await importConfig({
    policies: [
      hourlyResolutionPolicy(first, [
        {
          metric: 'resolution',
          trigger: { type: 'at_due' },
          action: { type: 'notify_staff', staffId: first },
        },
        {
          metric: 'resolution',
          trigger: { type: 'after_due', minutes: 5 },
          action: { type: 'notify_staff', staffId: second },
        },
      ]),
    ],
  });
  return { first, second };
}
