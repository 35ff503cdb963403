import type { MutableClock } from '../mutable-clock';
import type { TicketService } from '../ticket-service';
import type { SeedEvent } from './story';

/**
 * Plays the planned events through Perfex's ticket actions, so the hooks fire and the module
 * records them as it would live. Before each call the clock is set to the event's instant:
 * status and settings changes have no date of their own and are stamped with "now".
 */
export async function replayTickets(
  tickets: TicketService,
  clock: MutableClock,
  events: SeedEvent[],
  /** Called before each event with its instant (the seed runs the module's scan from here). */
  beforeEvent?: (at: Date) => Promise<void>,
): Promise<number> {
  const ids = new Map<number, number>();
  const idOf = (event: SeedEvent): number => {
    const id = ids.get(event.ticket);
    if (id === undefined) throw new Error(`seed: ticket #${event.ticket} used before it was created`);
    return id;
  };
  for (const event of events) {
    if (beforeEvent) await beforeEvent(event.at);
    clock.set(event.at);
    const { action } = event;
    switch (action.kind) {
      case 'create':
        ids.set(event.ticket, await tickets.create({ ...action.input, date: event.at }));
        break;
      case 'reply':
        await tickets.reply(idOf(event), { ...action.input, date: event.at });
        break;
      case 'status':
        await tickets.changeStatus(idOf(event), { status: action.status });
        break;
      case 'settings':
        await tickets.updateSettings(idOf(event), action.data);
        break;
    }
  }
  return ids.size;
}
