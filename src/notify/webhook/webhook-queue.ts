import type { Knex } from 'knex';
import type { WebhookEvent } from './webhook-event';

/** A post a fired webhook level decided on, written in the escalation's transaction. */
export interface QueuedWebhook {
  escalationId: number;
  subjectType: string;
  subjectId: number;
  /** The endpoint's key (the outbox row's `target`). */
  target: string;
  /** Unique per escalation and endpoint: firing the level again writes nothing new. */
  dedupeKey: string;
  /** The event; the sender renders it in the endpoint's format and signs it at each attempt. */
  payload: WebhookEvent;
  createdAt: Date;
}

/**
 * Where webhook posts wait for the delivery job: the generic outbox (channel `webhook`). An
 * interface so the firing side does not depend on the outbox's columns.
 */
export interface WebhookQueue {
  /** Inserts once: a row with the same dedupe key that exists already is kept as it is. */
  enqueue(row: QueuedWebhook, trx: Knex.Transaction): Promise<void>;
}
