import type { Devhost } from './devhost';
import type { MutableClock } from './mutable-clock';
import { DEMO_PASSWORD } from './seed/people-data';
import { Random } from './seed/random';
import { replayTickets } from './seed/replay-tickets';
import { seedPeople } from './seed/seed-people';
import { planTickets } from './seed/ticket-plans';
import { planLiveTickets } from './seed/live-tickets';
import { demoSlaConfig, officeHours } from './seed/seed-sla-config';
import { demoLeadSlaConfig } from './seed/seed-lead-sla-config';
import { MANAGER_EMAIL } from './seed/people-data';
import { settleOldMail } from './seed/settle-old-mail';
import { planLeads } from './seed/lead-plans';
import { LeadReplay, seedLeadPipeline } from './seed/seed-leads';
import { createModuleServices } from '../src/wiring/module-services';
import { NoMailRoute } from '../src/notify/mail-route';

/** Fixed, so the demo is the same every time for the same `now` (tests count on it). */
const DEMO_SEED = 0x51a7;
/** The leads draw from their own Random, so adding them left the ticket month as it was. */
const LEAD_SEED = 0x1ead5;

/** How often the replayed month runs the module's scan (Perfex's cron every minute would be slow to replay). */
const REPLAY_SCAN_EVERY_MS = 60 * 60_000;

/**
 * The demo data: departments, roles, staff, clients (2 VIP), services, and ~300 tickets with a
 * month of history before `now`, played through the devhost's ticket actions so the module's
 * hooks record them, plus a few unanswered tickets at risk right now; and a sales pipeline (lead
 * statuses, sources) with 60 leads in five markets over the same month, played through the lead
 * actions in step with the tickets. Seeds only an empty helpdesk: returns false when there are
 * tickets.
 *
 * The module's scan runs along the replayed month, so the policies' escalation ladders fire as
 * they would have: the escalation log, the outbox and the host actions have a history, and the
 * live tickets' ladders keep firing in the demo's first minutes. Mail of the replay older than a
 * day is recorded as sent (it went out back then); the last day's waits for the demo's mailbox.
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
  // Policies first, so the hooks compute live clocks while the history is replayed. This
  // instance sends no mail: the demo's own scan does, once its mailbox listens.
  const sla = createModuleServices(devhost.host, {
    mailRoute: new NoMailRoute('the demo seed leaves mail to the demo'),
  });
  if ((await sla.config.export()).policies.length === 0) await sla.config.import(demoSlaConfig(people, zone));
  const pipeline = await seedLeadPipeline(devhost.db, prefix);
  // Lead policies need the pipeline's status, source and country ids; import keeps the rest.
  const manager = people.staffIds.get(MANAGER_EMAIL);
  if (manager !== undefined && !(await sla.config.export()).policies.some((p) => p.subject === 'lead'))
    await sla.config.import(demoLeadSlaConfig(pipeline, manager));
  const leads = new LeadReplay(
    devhost.leads,
    clock,
    planLeads({ rng: new Random(LEAD_SEED), now, zone, staffIds: people.staffIds, ...pipeline }),
  );
  const ctx = { rng, people, now, zone };
  const events = [...planTickets(ctx), ...planLiveTickets(ctx, officeHours(zone))].sort(
    (a, b) => a.at.getTime() - b.at.getTime(),
  );
  let lastScan = Number.NEGATIVE_INFINITY;
  const scanUpTo = async (at: Date): Promise<void> => {
    await leads.playUntil(at);
    if (at.getTime() - lastScan < REPLAY_SCAN_EVERY_MS) return;
    lastScan = at.getTime();
    clock.set(at);
    const { escalated } = await sla.clocks.advanceDue(at);
    if (escalated > 0) await sla.escalator.performPendingActions(at);
    // Leads climb their ladders as the month goes, not all at once at the end.
    const lead = await sla.leads.clocks.advanceDue(at);
    if (lead.escalated > 0) await sla.leads.escalator?.performPendingActions(at);
  };
  try {
    await replayTickets(devhost.tickets, clock, events, scanUpTo);
    await leads.playUntil(now);
  } finally {
    clock.set(now);
  }
  // Clocks that passed their warning or due time since the last replayed scan move on now.
  await sla.scanner.run(now);
  await settleOldMail(devhost.db, prefix, now);
  return true;
}
