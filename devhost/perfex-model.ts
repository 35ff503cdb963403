import type { Knex } from 'knex';
import type { Clock } from '../src/host/host-context';
import { instantToHost } from '../src/store/datetime';
import type { HookBus } from './hook-bus';
import { ValidationError } from './validation-error';

/**
 * What the devhost's Perfex models (TicketService, LeadService) share: the prefixed tables they
 * write, wall-clock datetimes in Perfex's `default_timezone`, and the "does it exist" check on a
 * referenced row. Each model adds the rows it writes and the hooks it fires.
 */
export abstract class PerfexModel {
  constructor(
    protected readonly db: Knex,
    protected readonly prefix: string,
    protected readonly hooks: HookBus,
    protected readonly clock: Clock,
    protected readonly timezone: string,
  ) {}

  /** The host table's name with the install's prefix (`tbl` by default). */
  protected t(name: string): string {
    return `${this.prefix}${name}`;
  }

  /**
   * `date` (default: now) as Perfex stores it; a date more than a minute ahead of the clock is a
   * 422 naming `field`, since nothing in Perfex happens in the future.
   */
  protected wallClock(date?: Date, field = 'date'): string {
    const when = date ?? this.clock.now();
    if (when.getTime() > this.clock.now().getTime() + 60_000)
      throw ValidationError.field(field, 'must not be in the future');
    return instantToHost(when, this.timezone);
  }

  /** A 422 naming `field` unless `table` has a row whose `column` is `value`. */
  protected async mustExist(table: string, column: string, value: number, field: string): Promise<void> {
    const row = await this.db(this.t(table)).select(column).where(column, value).first();
    if (!row) throw ValidationError.field(field, `${field} ${value} does not exist`);
  }
}
