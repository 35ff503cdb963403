import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock, HostNotifications } from '../host/host-context';
import type { ClaimedMessage, OutboxRepository } from './outbox-repository';
import { backoffMs, MAX_ATTEMPTS, type SendResult } from './mail-sender';

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
      for (const row of batch) result[await this.deliver(row, now)]++;
      if (batch.length < this.batchSize) break;
    }
    return result;
  }

  private async deliver(row: ClaimedMessage, now: Date): Promise<keyof SendResult> {
    try {
      await this.db.transaction(async (trx) => {
        const added =
          row.recipientStaffId !== null &&
          (await this.bell.add(
            { toStaffId: row.recipientStaffId, description: row.subject, link: linkOf(row), at: now },
            trx,
          ));
        await this.outbox.recordDelivery(row.id, row.attempt, now, added ? 'sent' : 'skipped', null, trx);
        // A skipped entry (inactive staff) is done too: the host would skip it again.
        await this.outbox.markSent(row.id, now, trx);
      });
      return 'sent';
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.warn({ outboxId: row.id, err: error }, `sla_vigil: bell entry ${row.id} failed: ${error}`);
      await this.outbox.recordDelivery(row.id, row.attempt, now, 'error', error);
      if (row.attempt >= MAX_ATTEMPTS) {
        await this.outbox.markFailed(row.id, error, row.attempt);
        return 'failed';
      }
      await this.outbox.markRetry(
        row.id,
        error,
        new Date(now.getTime() + backoffMs(row.attempt)),
        row.attempt,
      );
      return 'retried';
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
