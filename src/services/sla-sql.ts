import type { Knex } from 'knex';
import { CLOSED_STATUS } from '../sla/clocks/sla-event';
import { utcToSql } from '../store/datetime';

/**
 * SQL fragments the dashboard and the monitor share, so "open", "running" and "breached now"
 * mean the same on both pages. Aliases: `s` = subjects, `c` = clocks.
 */

/** A ticket the module still watches: not closed, not merged, not deleted. */
export const OPEN_SUBJECT = `s.subject_type = 'ticket' AND s.deleted = 0 AND (s.merged_into IS NULL OR s.merged_into = 0) AND s.status <> ${Number(CLOSED_STATUS)}`;

/** A clock cycle still counting (neither met nor ended). */
export const RUNNING_CLOCK = 'c.met_at IS NULL AND c.ended_at IS NULL';

/**
 * A running clock's state at `now` (two `?` bindings: now, now). Derived from its due and
 * warning times as well as the stored state, so the pages tell the truth even when the cron
 * (which advances stored states) is late. A paused clock's stored due time is provisional, so
 * paused stays paused until an event or the scan says otherwise.
 */
export const EFFECTIVE_STATE = `CASE WHEN c.state = 'paused' THEN 'paused' WHEN c.state = 'breached' OR c.due_at <= ? THEN 'breached' WHEN c.state = 'at_risk' OR c.warn_at <= ? THEN 'at_risk' ELSE 'on_track' END`;

/** Rows of a raw SELECT (mysql2 returns [rows, fields]). */
export async function selectRows<T>(db: Knex, sql: string, bindings: readonly Knex.Value[]): Promise<T[]> {
  const result = (await db.raw(sql, bindings as Knex.Value[])) as unknown as [T[], unknown];
  return result[0];
}

export const sqlTime = utcToSql;

/** DECIMAL / COUNT values arrive as strings or numbers; NULL (SUM over no rows) is 0. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
