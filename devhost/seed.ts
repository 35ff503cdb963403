import type { Devhost } from './devhost';
import type { MutableClock } from './mutable-clock';
import { DEMO_PASSWORD } from './seed/people-data';
import { Random } from './seed/random';
import { replayTickets } from './seed/replay-tickets';
import { seedPeople } from './seed/seed-people';
import { planTickets } from './seed/ticket-plans';
import { demoSlaConfig } from './seed/seed-sla-config';
import { createModuleServices } from '../src/wiring/module-services';

/** Fixed, so the demo is the same every time for the same `now` (tests count on it). */
const DEMO_SEED = 0x51a7;

/**
 * The demo data: departments, roles, staff, clients (2 VIP), services, and ~300 tickets with a
 * month of history before `now`, played through the devhost's ticket actions so the module's
 * hooks record them. Seeds only an empty helpdesk: returns false when there are tickets.
 *
 * `clock` must be the devhost's own clock; the seed moves it to each event's instant and leaves
 * it at `now`.
 */
export async function seedDemo(devhost: Devhost, now: Date, clock: MutableClock): Promise<boolean> {
  if (Number.isNaN(now.getTime())) throw new Error('seedDemo: invalid now');
  if (devhost.host.clock !== clock) throw new Error('seedDemo: clock must be the devhost’s own clock');
  const prefix = devhost.config.tablePrefix;
  const [{ n }] = await devhost.db(`${prefix}tickets`).count({ n: '*' });
  if (Number(n) > 0) return false;

  const rng = new Random(DEMO_SEED);
  const zone = devhost.host.timezone;
  const people = await seedPeople(devhost.db, prefix, now, zone, rng, DEMO_PASSWORD);
  // Policies first, so the hooks compute live clocks while the history is replayed.
  const sla = createModuleServices(devhost.host);
  if ((await sla.config.export()).policies.length === 0) await sla.config.import(demoSlaConfig(people, zone));
  const events = planTickets({ rng, people, now, zone });
  try {
    await replayTickets(devhost.tickets, clock, events);
  } finally {
    clock.set(now);
  }
  // Clocks that passed their warning or due time during the replay move on now.
  await sla.scanner.run(now);
  return true;
}
