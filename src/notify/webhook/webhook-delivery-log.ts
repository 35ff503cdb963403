import type { Knex } from 'knex';
import { utcToSql } from '../../store/datetime';

/**
 * The webhook attempts in the delivery log (`<prefix>sla_vigil_deliveries`). An attempt is
 * written as `posting` before the post and finished with the receiver's status afterwards, so a
 * sender that died mid-post leaves a trace the next claimer sees: it then does not post again
 * (the receiver may have answered 2xx already).
 */
export class WebhookDeliveryLog {
  private readonly table: string;

  constructor(
    private readonly db: Knex,
    prefix: string,
  ) {
    this.table = `${prefix}sla_vigil_deliveries`;
  }

  /** Records that attempt `attempt` of outbox row `outboxId` is about to post; returns its log id. */
  async start(outboxId: number, attempt: number, at: Date): Promise<number> {
    const [id] = await this.db(this.table).insert({
      outbox_id: outboxId,
      attempt,
      attempted_at: utcToSql(at),
      outcome: 'posting',
      response: null,
    });
    return Number(id);
  }

  /** The attempt's result: `sent` (2xx) or `error`, with the status code and a short excerpt. */
  async finish(
    logId: number,
    outcome: 'sent' | 'error',
    statusCode: number | null,
    response: string,
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db)(this.table)
      .where({ id: logId })
      .update({ outcome, status_code: statusCode, response: response.slice(0, 1000) });
  }

  /**
   * What earlier attempts of this row say before attempt `beforeAttempt` posts: `sent` when one
   * got a 2xx (its sender died before marking the row), `interrupted` when one never finished (its
   * sender died during the post), otherwise null.
   */
  async earlier(outboxId: number, beforeAttempt: number): Promise<'sent' | 'interrupted' | null> {
    const rows: { outcome: string }[] = await this.db(this.table)
      .select('outcome')
      .where({ outbox_id: outboxId })
      .whereIn('outcome', ['sent', 'posting'])
      .where('attempt', '<', beforeAttempt);
    if (rows.some((r) => r.outcome === 'sent')) return 'sent';
    return rows.length > 0 ? 'interrupted' : null;
  }
}
