import type { Clock } from '../src/host/host-context';

/**
 * A clock someone else moves: the demo seed replays a month of ticket history, and the
 * TicketService and the module's recorder must see each action happen at its own instant.
 */
export class MutableClock implements Clock {
  private current: number;

  constructor(initial: Date = new Date()) {
    this.current = initial.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(date: Date): void {
    if (Number.isNaN(date.getTime())) throw new Error('MutableClock.set: invalid date');
    this.current = date.getTime();
  }
}
