import { DEFAULT_SETTINGS, type SlaConfig } from '../../src/sla/config';
import type { DemoPeople } from './seed-people';

const WEEKDAYS_9_TO_5 = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as const;

/**
 * The demo's SLA configuration, imported through the module's own config document before
 * the ticket history is replayed, so every demo ticket has live clocks: office hours in the
 * host's zone, a default policy, a stricter one for High priority, a Billing policy and a
 * VIP policy for the two VIP clients.
 */
export function demoSlaConfig(people: DemoPeople, timezone: string): SlaConfig {
  const billing = people.departments.find((d) => d.name === 'Billing')?.id;
  const vipClients = people.clients.filter((c) => c.vip).map((c) => c.userid);
  const week = Object.fromEntries(
    Object.entries(WEEKDAYS_9_TO_5).map(([d, i]) => [d, i.map(([a, b]) => [a, b] as [string, string])]),
  );
  return {
    calendars: [{ key: 'office-hours', name: 'Office hours (Mon-Fri 09-17)', timezone, week, holidays: [] }],
    policies: [
      {
        key: 'standard',
        name: 'Standard support',
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
        escalations: [],
      },
      {
        key: 'high-priority',
        name: 'High priority',
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
        escalations: [],
      },
      ...(billing
        ? [
            {
              key: 'billing',
              name: 'Billing',
              active: true,
              position: 20,
              match: { departmentIds: [billing] },
              calendar: 'office-hours',
              targets: { first_response: { minutes: 480 }, resolution: { minutes: 4800 } },
              pauseStatusIds: [3, 4],
              escalations: [],
            },
          ]
        : []),
      {
        key: 'vip',
        name: 'VIP clients',
        active: true,
        position: 5,
        match: { clientIds: vipClients },
        calendar: null,
        targets: {
          first_response: { minutes: 30 },
          next_response: { minutes: 60 },
          resolution: { minutes: 480 },
        },
        pauseStatusIds: [3, 4],
        escalations: [],
      },
    ],
    settings: DEFAULT_SETTINGS,
  };
}
