import { DEFAULT_SETTINGS, type EscalationConfig, type Metric, type SlaConfig } from '../../src/sla/config';
import { MANAGER_EMAIL, TEAM_LEAD_EMAIL } from './people-data';
import type { DemoPeople } from './seed-people';

const WEEKDAYS_9_TO_5 = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as const;

/** The demo's office hours in the host zone (also what the seed plans "at risk right now" tickets by). */
export function officeHours(timezone: string): {
  timezone: string;
  week: Record<string, [string, string][]>;
} {
  const week = Object.fromEntries(
    Object.entries(WEEKDAYS_9_TO_5).map(([d, i]) => [d, i.map(([a, b]) => [a, b] as [string, string])]),
  );
  return { timezone, week };
}

/** The VIP policy's first response, in minutes round the clock: short, so the demo escalates while someone watches. */
export const VIP_FIRST_RESPONSE_MINUTES = 15;

/** One rung: `when` is before_due N, at_due, or after_due N (minutes of the policy's calendar). */
function rung(
  metric: Metric,
  when: 'at_due' | [type: 'before_due' | 'after_due', minutes: number],
  action: EscalationConfig['action'],
  condition?: EscalationConfig['when'],
): EscalationConfig {
  const trigger = when === 'at_due' ? { type: when } : { type: when[0], minutes: when[1] };
  return { metric, trigger, action, ...(condition && { when: condition }) };
}

/**
 * The ladder a support team would set up: a warning to the assignee before the due time, the
 * breach to the team lead, the manager two hours later; the next response reminds the assignee.
 */
function standardLadder(lead: number, manager: number, warnMinutes: number): EscalationConfig[] {
  return [
    rung('first_response', ['before_due', warnMinutes], { type: 'notify_assignee' }),
    rung('first_response', 'at_due', { type: 'notify_staff', staffId: lead }),
    // Still no answer an hour after the breach: the ticket moves up the queue (a host action).
    rung('first_response', ['after_due', 60], { type: 'raise_priority' }),
    rung('first_response', ['after_due', 120], { type: 'notify_staff', staffId: manager }),
    rung('next_response', 'at_due', { type: 'notify_assignee' }),
    rung('resolution', ['before_due', 120], { type: 'notify_assignee' }),
    rung('resolution', 'at_due', { type: 'notify_staff', staffId: lead }),
    rung('resolution', ['after_due', 120], { type: 'notify_staff', staffId: manager }),
  ];
}

/**
 * VIP clients are answered round the clock within minutes, so a VIP ticket created in the demo
 * climbs the whole ladder within the hour: a warning to the assignee, the breach to the team
 * lead, the ticket handed to the team lead when nobody has taken it (reassigned, a host action), a reminder to the new
 * assignee that the cooldown holds back (the lead was mailed minutes before), then the manager.
 */
function vipLadder(lead: number, manager: number): EscalationConfig[] {
  return [
    rung('first_response', ['before_due', 5], { type: 'notify_assignee' }),
    rung('first_response', 'at_due', { type: 'notify_staff', staffId: lead }),
    // Only a ticket nobody has taken is handed over; an agent working on one keeps it.
    rung(
      'first_response',
      ['after_due', 10],
      { type: 'reassign_staff', staffId: lead },
      { unassigned: true },
    ),
    rung('first_response', ['after_due', 30], { type: 'notify_assignee' }),
    rung('first_response', ['after_due', 120], { type: 'notify_staff', staffId: manager }),
    rung('next_response', 'at_due', { type: 'notify_assignee' }),
    rung('resolution', ['before_due', 60], { type: 'notify_assignee' }),
    rung('resolution', 'at_due', { type: 'notify_staff', staffId: lead }),
    rung('resolution', ['after_due', 120], { type: 'notify_staff', staffId: manager }),
  ];
}

/**
 * The demo's SLA configuration, imported through the module's own config document before
 * the ticket history is replayed, so every demo ticket has live clocks: office hours in the
 * host's zone, a default policy, a stricter one for High priority, a Billing policy and a
 * VIP policy (round the clock, minutes-scale first response) for the two VIP clients, each
 * with an escalation ladder up to the team lead and the manager.
 */
export function demoSlaConfig(people: DemoPeople, timezone: string): SlaConfig {
  const billing = people.departments.find((d) => d.name === 'Billing')?.id;
  const vipClients = people.clients.filter((c) => c.vip).map((c) => c.userid);
  const lead = people.staffIds.get(TEAM_LEAD_EMAIL);
  const manager = people.staffIds.get(MANAGER_EMAIL);
  if (lead === undefined || manager === undefined) throw new Error('seed: team lead or manager missing');
  return {
    calendars: [
      { key: 'office-hours', name: 'Office hours (Mon-Fri 09-17)', ...officeHours(timezone), holidays: [] },
    ],
    policies: [
      {
        key: 'standard',
        name: 'Standard support',
        subject: 'ticket' as const,
        active: true,
        position: 100,
        match: {},
        calendar: 'office-hours',
        targets: {
          first_response: { minutes: 240 },
          next_response: { minutes: 480 },
          resolution: { minutes: 2400, warnBeforeMinutes: 240 },
        },
        pauseStatusIds: [3, 4],
        escalations: standardLadder(lead, manager, 60),
      },
      {
        key: 'high-priority',
        name: 'High priority',
        subject: 'ticket' as const,
        active: true,
        position: 10,
        match: { priorityIds: [3] },
        calendar: 'office-hours',
        targets: {
          first_response: { minutes: 60 },
          next_response: { minutes: 120 },
          resolution: { minutes: 960 },
        },
        pauseStatusIds: [3, 4],
        escalations: standardLadder(lead, manager, 15).filter((e) => e.action.type !== 'raise_priority'),
      },
      ...(billing
        ? [
            {
              key: 'billing',
              name: 'Billing',
              subject: 'ticket' as const,
              active: true,
              position: 20,
              match: { departmentIds: [billing] },
              calendar: 'office-hours',
              targets: { first_response: { minutes: 480 }, resolution: { minutes: 4800 } },
              pauseStatusIds: [3, 4],
              escalations: standardLadder(lead, manager, 60).filter((e) => e.metric !== 'next_response'),
            },
          ]
        : []),
      {
        key: 'vip',
        name: 'VIP clients',
        subject: 'ticket' as const,
        active: true,
        position: 5,
        match: { clientIds: vipClients },
        calendar: null,
        targets: {
          first_response: { minutes: VIP_FIRST_RESPONSE_MINUTES, warnAtPercent: 60 },
          next_response: { minutes: 60 },
          resolution: { minutes: 2880 },
        },
        pauseStatusIds: [3, 4],
        escalations: vipLadder(lead, manager),
      },
    ],
    settings: DEFAULT_SETTINGS,
  };
}
