import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Logger } from 'pino';
import type { Clock } from '../host/host-context';
import {
  CLAIM_LEASE_MS,
  MAX_ATTEMPTS,
  type ClaimedMessage,
  type OutboxRepository,
} from './outbox-repository';
import { FixedMailRoute, type MailRoute, type MailRouteSource, type MailTransport } from './mail-route';

export type { MailTransport } from './mail-route';

/** Builds the transport on first use (tests pass their own; production passes an SMTP URL). */
export type TransportFactory = () => MailTransport;

/** What one `sendDue` did. */
export interface SendResult {
  sent: number;
  /** Failed this time, to be tried again later. */
  retried: number;
  /** Gave up after the last attempt. */
  failed: number;
}

export interface MailSenderOptions {
  /** Rows claimed per round trip (default 20). */
  batchSize?: number;
  /** Attempts before a row is marked failed (default MAX_ATTEMPTS). */
  maxAttempts?: number;
}

export { backoffMs, MAX_ATTEMPTS } from './outbox-repository';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Pooled SMTP options for an `smtp://` / `smtps://` URL. Timeouts are short so "SMTP down" costs
 * seconds, not minutes, and a send always ends well within the outbox claim lease.
 */
export function smtpTransportOptions(smtpUrl: string): SMTPPool.Options {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps:// (got ${url.protocol})`);
  }
  // A local sink without auth (the devhost mailbox, a test server) offers no certificate worth checking.
  const plainLocal = url.protocol === 'smtp:' && !url.username && LOOPBACK.has(url.hostname);
  return { url: smtpUrl, ...SMTP_POOL_DEFAULTS, ignoreTLS: plainLocal };
}

/** Pooling and the short timeouts every SMTP transport of the module uses (SMTP_URL or the host's settings). */
export const SMTP_POOL_DEFAULTS = {
  pool: true,
  maxConnections: 5,
  connectionTimeout: 5_000,
  greetingTimeout: 5_000,
  socketTimeout: 20_000,
} as const satisfies SMTPPool.Options;

/**
 * The mail worker's sending side: claims due outbox rows in batches, sends each with its stable
 * Message-ID, records every attempt in the delivery log and schedules retries with exponential
 * backoff. SMTP errors are logged and counted, never thrown; database errors are thrown.
 */
export class MailSender {
  private readonly routes: MailRouteSource;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  /** The reason last logged for having no route, so a waiting sender logs once, not every scan. */
  private waitingSaid: string | null = null;

  /**
   * @param transport an SMTP URL, a factory (tests), or a source whose route may come later and
   *   change (Perfex's pushed settings); while a source has no route, nothing is claimed.
   */
  constructor(
    private readonly outbox: OutboxRepository,
    transport: string | TransportFactory | MailRouteSource,
    private readonly from: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: MailSenderOptions = {},
  ) {
    this.routes =
      typeof transport === 'string'
        ? new FixedMailRoute(() => nodemailer.createTransport(smtpTransportOptions(transport)))
        : typeof transport === 'function'
          ? new FixedMailRoute(transport)
          : transport;
    // Small batches: each message renews its lease, but a long batch keeps its last rows waiting.
    this.batchSize = options.batchSize ?? 5;
    this.maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  }

  /** Sends every row due at `now` (default: the clock's now); safe to run in many processes at once. */
  async sendDue(at?: Date): Promise<SendResult> {
    const result: SendResult = { sent: 0, retried: 0, failed: 0 };
    // Claimed rows get a lease beyond `now` and retries a later time, so this loop ends.
    for (;;) {
      // No route (Perfex's mail settings not pushed yet): nothing is claimed, so no attempt is
      // spent and the rows stay pending, due at once when the route comes.
      const state = this.routes.current();
      if (!state.ready) {
        if (this.waitingSaid !== state.reason && !state.logged)
          this.logger.info(`sla_vigil: escalation emails stay pending: ${state.reason}`);
        this.waitingSaid = state.reason;
        break;
      }
      this.waitingSaid = null;
      // Each claim reads the clock anew, so a lease always starts when its batch starts.
      const now = at ?? this.clock.now();
      const batch = await this.outbox.claimDue(now, this.batchSize);
      if (batch.length === 0) break;
      // One after the other, in outbox order: escalation emails must arrive in ladder order.
      for (const message of batch) {
        // Settings replaced mid-batch (the old pool is closing): the rest goes the new way.
        const latest = this.routes.current();
        const outcome = await this.sendOne(message, latest.ready ? latest.route : state.route, at);
        if (outcome) result[outcome]++;
      }
      if (batch.length < this.batchSize) break;
    }
    return result;
  }

  /** Closes the pooled SMTP connections; the next send opens a new pool. */
  async close(): Promise<void> {
    await this.routes.close();
  }

  /** Null when the row's lease was lost (another sender took it over): it is not sent from here. */
  private async sendOne(
    message: ClaimedMessage,
    route: MailRoute,
    at: Date | undefined,
  ): Promise<keyof SendResult | null> {
    const now = at ?? this.clock.now();
    // Each message gets a full lease from its own start, so the earlier messages of a batch
    // never eat into it; a sender that lost the row meanwhile leaves it to its new owner.
    if (
      !(await this.outbox.renewLease(message.id, message.attempt, new Date(now.getTime() + CLAIM_LEASE_MS)))
    )
      return null;
    let response: string;
    try {
      const info: { response?: unknown } = await route.transport.sendMail({
        messageId: message.messageId ?? undefined,
        from: route.from ?? this.from,
        to: message.recipientEmail ?? '',
        subject: message.subject,
        html: message.html,
        text: message.text,
      });
      response = typeof info.response === 'string' ? info.response : 'sent';
    } catch (err) {
      return this.handleError(message, now, err instanceof Error ? err.message : String(err));
    }
    // The log line first: if the process dies before markSent, the lease runs out and the row is
    // sent again with the same Message-ID, and the log shows both attempts. This is the one
    // at-least-once window: the SMTP server accepted, the row is not yet marked sent.
    await this.outbox.recordDelivery(message.id, message.attempt, now, 'sent', response);
    await this.outbox.markSent(message.id, now);
    return 'sent';
  }

  private async handleError(message: ClaimedMessage, now: Date, error: string): Promise<keyof SendResult> {
    this.logger.warn(
      { outboxId: message.id, escalationId: message.escalationId, attempt: message.attempt, err: error },
      `sla_vigil: email ${message.id} attempt ${message.attempt} failed${message.attempt >= this.maxAttempts ? ', giving up' : ''}: ${error}`,
    );
    return this.outbox.recordFailedAttempt(message, now, error, this.maxAttempts);
  }
}
