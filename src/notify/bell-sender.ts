import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock, HostNotifications } from '../host/host-context';
import type { ClaimedMessage, OutboxRepository } from './outbox-repository';
import type { SendResult } from './mail-sender';

/** What an `in_app` row carries besides its text (the row's `subject`). */
export interface BellPayload {
  link: string;
}

/**
 * Delivers `in_app` outbox rows into the host's notification bell. The host's entry, the
 * delivery log line and the row marked sent commit in one transaction, so an entry is added
 * exactly once however senders race or crash: a repeat finds the row sent and adds nothing.
 */
export class BellSender {
  constructor(
    private readonly db: Knex,
    private readonly outbox: OutboxRepository,
    private readonly bell: HostNotifications,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly batchSize = 50,
  ) {}

  async sendDue(at?: Date): Promise<SendResult> {
    const result: SendResult = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const now = at ?? this.clock.now();
      const batch = await this.outbox.claimDue(now, this.batchSize, undefined, 'in_app');
      for (const row of batch) {
        const outcome = await this.deliver(row, now);
        if (outcome) result[outcome]++;
      }
      if (batch.length < this.batchSize) break;
    }
    return result;
  }

  private async deliver(row: ClaimedMessage, now: Date): Promise<keyof SendResult | null> {
    try {
      const held = await this.db.transaction(async (trx) => {
        // First, and only while this sender still holds the row: a sender whose lease ran out
        // (a slow batch) finds it taken over and adds nothing, so no entry is added twice.
        if (!(await this.outbox.markSentIfHeld(row.id, row.attempt, now, trx))) return false;
        const added =
          row.recipientStaffId !== null &&
          (await this.bell.add(
            { toStaffId: row.recipientStaffId, description: row.subject, link: linkOf(row), at: now },
            trx,
          ));
        // A skipped entry (inactive staff) is done too: the host would skip it again.
        await this.outbox.recordDelivery(row.id, row.attempt, now, added ? 'sent' : 'skipped', null, trx);
        return true;
      });
      return held ? 'sent' : null;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.warn({ outboxId: row.id, err: error }, `sla_vigil: bell entry ${row.id} failed: ${error}`);
      return this.outbox.recordFailedAttempt(row, now, error);
    }
  }
}

function linkOf(row: ClaimedMessage): string {
  try {
    const payload = JSON.parse(row.payload ?? '{}') as Partial<BellPayload>;
    return typeof payload.link === 'string' ? payload.link : '';
  } catch {
    return '';
  }
}
