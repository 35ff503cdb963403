import type { Logger } from 'pino';
import type { Clock } from '../../host/host-context';
import { backoffMs, MAX_ATTEMPTS, type SendResult } from '../mail-sender';
import { CLAIM_LEASE_MS } from '../outbox-repository';
import type { WebhookDeliveryLog } from './webhook-delivery-log';
import type { WebhookEvent } from './webhook-event';
import { answerVerdict, postSigned, webhookBody } from './webhook-poster';
import type { WebhookService } from './webhook-service';

/** A `webhook` outbox row a sender claimed (1-based attempt). */
export interface ClaimedWebhook {
  id: number;
  /** The endpoint's key. */
  target: string;
  /** Null when the stored event cannot be read: the row fails rather than posting a guess. */
  payload: WebhookEvent | null;
  attempt: number;
}

/**
 * The claim side of the generic outbox for channel `webhook`: the same claim, lease and state
 * changes MailSender uses for email rows.
 */
export interface WebhookClaims {
  claimDue(now: Date, limit: number, leaseMs?: number): Promise<ClaimedWebhook[]>;
  renewLease(id: number, attempt: number, until: Date): Promise<boolean>;
  markSent(id: number, sentAt: Date): Promise<void>;
  markRetry(id: number, error: string, nextAttemptAt: Date, attempt: number): Promise<void>;
  markFailed(id: number, error: string, attempt: number): Promise<void>;
}

/**
 * Delivers queued webhook posts: claims due rows in batches, renders each in its endpoint's
 * current format, signs it anew, posts it and logs the attempt. A 2xx marks the row sent; 429,
 * 5xx, timeouts and network errors retry with the email backoff; any other answer fails the row
 * at once (the request itself is wrong). Never posts a row twice after a 2xx: an attempt is
 * logged as `posting` before the post, and a row whose earlier attempt never finished (its
 * sender died mid-post) is failed rather than posted again.
 */
export class WebhookSender {
  constructor(
    private readonly claims: WebhookClaims,
    private readonly log: WebhookDeliveryLog,
    private readonly webhooks: WebhookService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: { batchSize?: number; maxAttempts?: number } = {},
  ) {}

  async sendDue(at?: Date): Promise<SendResult> {
    const result: SendResult = { sent: 0, retried: 0, failed: 0 };
    const batchSize = this.options.batchSize ?? 5;
    for (;;) {
      const now = at ?? this.clock.now();
      const batch = await this.claims.claimDue(now, batchSize);
      if (batch.length === 0) break;
      for (const row of batch) {
        const outcome = await this.sendOne(row, at);
        if (outcome) result[outcome]++;
      }
      if (batch.length < batchSize) break;
    }
    return result;
  }

  private async sendOne(row: ClaimedWebhook, at: Date | undefined): Promise<keyof SendResult | null> {
    const now = at ?? this.clock.now();
    if (!(await this.claims.renewLease(row.id, row.attempt, new Date(now.getTime() + CLAIM_LEASE_MS))))
      return null;
    const earlier = await this.log.earlier(row.id, row.attempt);
    if (earlier === 'sent') {
      // Delivered by an attempt whose sender stopped before marking the row: mark it now.
      await this.claims.markSent(row.id, now);
      return null;
    }
    if (earlier === 'interrupted') {
      // The receiver may have answered 2xx to the post that was cut off: never post it again.
      await this.claims.markFailed(
        row.id,
        'an earlier attempt stopped during the post; not posted again so the receiver never gets it twice',
        row.attempt,
      );
      return 'failed';
    }
    if (!row.payload) {
      await this.claims.markFailed(row.id, 'the stored event cannot be read', row.attempt);
      return 'failed';
    }
    const endpoint = await this.webhooks.repository.endpoint(row.target);
    if (!endpoint) {
      await this.claims.markFailed(row.id, `no webhook with key "${row.target}"`, row.attempt);
      return 'failed';
    }
    const style = this.webhooks.style(await this.webhooks.language());
    const body = webhookBody(endpoint, row.payload, style);
    const logId = await this.log.start(row.id, row.attempt, now);
    const outcome = await postSigned(this.webhooks.client, endpoint, body, now);
    if (outcome.kind === 'answered') {
      const verdict = answerVerdict(outcome.statusCode);
      const excerpt = outcome.excerpt;
      if (verdict === 'sent') {
        await this.log.finish(logId, 'sent', outcome.statusCode, excerpt);
        await this.claims.markSent(row.id, now);
        return 'sent';
      }
      await this.log.finish(logId, 'error', outcome.statusCode, excerpt);
      const error = `HTTP ${outcome.statusCode}`;
      if (verdict === 'give_up') {
        this.logger.warn({ outboxId: row.id, webhook: row.target }, `sla_vigil: webhook refused: ${error}`);
        await this.claims.markFailed(row.id, error, row.attempt);
        return 'failed';
      }
      return this.retry(row, now, error);
    }
    await this.log.finish(logId, 'error', null, outcome.error);
    return this.retry(row, now, outcome.error);
  }

  private async retry(row: ClaimedWebhook, now: Date, error: string): Promise<keyof SendResult> {
    const giveUp = row.attempt >= (this.options.maxAttempts ?? MAX_ATTEMPTS);
    this.logger.warn(
      { outboxId: row.id, webhook: row.target, attempt: row.attempt },
      `sla_vigil: webhook post ${row.id} attempt ${row.attempt} failed${giveUp ? ', giving up' : ''}: ${error}`,
    );
    if (giveUp) {
      await this.claims.markFailed(row.id, error, row.attempt);
      return 'failed';
    }
    await this.claims.markRetry(row.id, error, new Date(now.getTime() + backoffMs(row.attempt)), row.attempt);
    return 'retried';
  }
}
