import type { Knex } from 'knex';
import { utcToSql } from '../../src/store/datetime';

/** Replayed mail younger than this waits for the demo's mailbox; older mail went out back then. */
export const MAILBOX_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Marks the replay's escalation emails older than a day as sent at the time they were written:
 * in the month the seed replays they would have gone out long ago, and the demo's mailbox should
 * open on the last day's escalations, not on a month of them arriving at once.
 */
export async function settleOldMail(db: Knex, prefix: string, now: Date): Promise<number> {
  return db(`${prefix}sla_vigil_outbox`)
    .where('state', 'pending')
    .where('created_at', '<', utcToSql(new Date(now.getTime() - MAILBOX_WINDOW_MS)))
    .update({ state: 'sent', sent_at: db.ref('created_at'), next_attempt_at: null });
}
