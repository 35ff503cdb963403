import type { Knex } from 'knex';
import type { OutboxRepository } from '../outbox-repository';
import type { WebhookEvent } from './webhook-event';
import type { QueuedWebhook, WebhookQueue } from './webhook-queue';
import type { ClaimedWebhook, WebhookClaims } from './webhook-sender';

/**
 * The outbox's `webhook` channel: a fired level's post is one row (its event as the payload, the
 * endpoint's key as the target, one dedupe key per escalation and endpoint), claimed and marked
 * with the same lease rules as email rows.
 */
export class OutboxWebhooks implements WebhookQueue, WebhookClaims {
  constructor(private readonly outbox: OutboxRepository) {}

  async enqueue(row: QueuedWebhook, trx: Knex.Transaction): Promise<void> {
    await this.outbox.insert(
      [
        {
          kind: 'escalation',
          channel: 'webhook',
          dedupeKey: row.dedupeKey,
          escalationId: row.escalationId,
          subjectType: row.subjectType,
          subjectId: row.subjectId,
          recipientStaffId: null,
          recipientEmail: null,
          language: '',
          // What the outbox lists show for the row; the body is rendered when it is sent.
          subject: `${row.subjectType} #${row.subjectId}: ${row.payload.metric} (${row.target})`.slice(
            0,
            191,
          ),
          html: '',
          text: '',
          target: row.target,
          payload: JSON.stringify(row.payload),
          state: 'pending',
          createdAt: row.createdAt,
        },
      ],
      trx,
    );
  }

  async claimDue(now: Date, limit: number, leaseMs?: number): Promise<ClaimedWebhook[]> {
    const rows = await this.outbox.claimDue(now, limit, leaseMs, 'webhook');
    return rows.map((r) => ({
      id: r.id,
      target: r.target ?? '',
      payload: parsePayload(r.payload),
      attempt: r.attempt,
    }));
  }

  renewLease(id: number, attempt: number, until: Date): Promise<boolean> {
    return this.outbox.renewLease(id, attempt, until);
  }

  markSent(id: number, sentAt: Date): Promise<void> {
    return this.outbox.markSent(id, sentAt);
  }

  markRetry(id: number, error: string, nextAttemptAt: Date, attempt: number): Promise<void> {
    return this.outbox.markRetry(id, error, nextAttemptAt, attempt);
  }

  markFailed(id: number, error: string, attempt: number): Promise<void> {
    return this.outbox.markFailed(id, error, attempt);
  }
}

/** The stored event, or null when the row holds none this version can read (failed, not guessed at). */
function parsePayload(payload: string | null): WebhookEvent | null {
  if (!payload) return null;
  try {
    const event = JSON.parse(payload) as WebhookEvent;
    return typeof event === 'object' && event !== null && typeof event.eventId === 'string' ? event : null;
  } catch {
    return null;
  }
}
