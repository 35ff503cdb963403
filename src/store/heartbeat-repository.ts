import type { Knex } from 'knex';
import { utcFromSql, utcToSql } from './datetime';

/**
 * `scan_failed` holds the last scan error, `redis_unreachable` the last time a cron tick could
 * not enqueue (or a worker lost Redis): `status` and the banner name them as the cause.
 * `mail_route` is where `serve` sends mail (mail-route-status.ts), never any of its settings.
 */
export type HeartbeatName =
  'cron_tick' | 'scan_started' | 'scan_finished' | 'scan_failed' | 'redis_unreachable' | 'mail_route';

/** The last beat of each name. */
export type Heartbeats = Map<HeartbeatName, { at: Date; details: Record<string, unknown> | null }>;

/** When the host's cron last ticked and the last scan ran: `status` and the dashboard read them. */
export class HeartbeatRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_heartbeats`;
  }

  async beat(name: HeartbeatName, at: Date, details: Record<string, unknown> | null = null): Promise<void> {
    await this.db(this.table)
      .insert({ name, last_at: utcToSql(at), details: details ? JSON.stringify(details) : null })
      .onConflict('name')
      .merge();
  }

  async all(): Promise<Heartbeats> {
    const rows: { name: HeartbeatName; last_at: string; details: string | null }[] = await this.db(
      this.table,
    );
    return new Map(
      rows.map((r) => [
        r.name,
        {
          at: utcFromSql(r.last_at),
          details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
        },
      ]),
    );
  }
}
