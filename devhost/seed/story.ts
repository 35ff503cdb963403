import type { Random } from './random';

/** One TicketService call; the replay adds the `date` (and sets the clock) from the event's instant. */
export type SeedAction =
  | {
      kind: 'create';
      input: {
        subject: string;
        message: string;
        department: number;
        priority: number;
        service: number;
        assigned: number;
        userid?: number;
        contactid?: number;
        name?: string;
        email?: string;
        admin?: number;
      };
    }
  | { kind: 'reply'; input: { message: string; admin: number | null; status?: number } }
  | { kind: 'status'; status: number }
  | { kind: 'settings'; data: { assigned?: number; priority?: number; department?: number } };

export interface SeedEvent {
  at: Date;
  /** Index of the planned ticket (its id is known only once `create` ran). */
  ticket: number;
  action: SeedAction;
}

/**
 * One ticket's events in order, each at least a second after the previous; the first event
 * that would fall after the cut-off (a minute before `now`) ends the story there.
 */
export class Story {
  readonly events: SeedEvent[] = [];
  private ended = false;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ticket: number,
    private readonly cutoff: number,
  ) {}

  /** The instant an event wanted at `at` gets, or null (ending the story) when past the cut-off. */
  slot(at: Date): Date | null {
    if (this.ended) return null;
    const ms = Math.max(Math.floor(at.getTime() / 1000) * 1000, this.last + 1000);
    if (ms > this.cutoff) this.ended = true;
    return this.ended ? null : new Date(ms);
  }

  add(at: Date, action: SeedAction): void {
    const slot = this.slot(at);
    if (!slot) return;
    this.last = slot.getTime();
    this.events.push({ at: slot, ticket: this.ticket, action });
  }

  /** The instant `minutes` (a [min, max] range) after the last event. */
  after(rng: Random, min: number, max: number): Date {
    return new Date(this.last + rng.minutes(min, max));
  }
}
