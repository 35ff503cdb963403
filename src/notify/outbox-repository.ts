import type { Knex } from 'knex';
import { utcToSql } from '../store/datetime';

/**
 * pending -> sending -> sent | pending (retry) | failed. `suppressed` rows were held back by
 * the cooldown: they are kept as a record and never go out.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

export const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'sending', 'sent', 'failed', 'suppressed'];

/** One email an escalation decided to send (or to hold back), written in the escalation's transaction. */
export interface NewOutboxRow {
  escalationId: number;
  subjectType: string;
  subjectId: number;
  recipientStaffId: number;
  recipientEmail: string;
  language: string;
  subject: string;
  html: string;
  text: string;
  state: 'pending' | 'suppressed';
  createdAt: Date;
  /** Not sent before this instant (held to the recipient's working hours); default: at once. */
  notBefore?: Date;
}

/** A row a sender claimed: everything needed to send it, and which attempt this is (1-based). */
export interface ClaimedMessage {
  id: number;
  escalationId: number;
  recipientEmail: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attempt: number;
}

/**
 * How long a claimed row belongs to its sender; after that a crashed sender's rows are due again.
 * A minute keeps a crash's delay short; the sender renews the lease before each message, and one
 * message ends well within it (SMTP timeouts in mail-sender.ts).
 */
export const CLAIM_LEASE_MS = 60_000;

interface ClaimRow {
  id: number | string;
  escalation_id: number | string;
  recipient_email: string;
  subject: string;
  html: string;
  text: string;
  message_id: string;
  attempts: number;
}

/** The mail outbox and its delivery log (`<prefix>sla_vigil_outbox`, `<prefix>sla_vigil_deliveries`). */
export class OutboxRepository {
  private readonly table: string;
  private readonly deliveries: string;

  /**
   * @param messageIdDomain right-hand side of generated Message-IDs; pass the host's own domain
   *   (e.g. the admin URL's hostname) so two installations never mint the same id.
   */
  constructor(
    private readonly db: Knex,
    prefix: string,
    private readonly messageIdDomain = 'sla-vigil.local',
  ) {
    this.table = `${prefix}sla_vigil_outbox`;
    this.deliveries = `${prefix}sla_vigil_deliveries`;
  }

  /**
   * The Message-ID of a row: fixed when the row is written, so every retry of it carries the same
   * id and a receiver can recognise a repeat. The creation time keeps ids unique when escalation
   * ids start again at 1 after a reinstall.
   */
  messageIdFor(row: Pick<NewOutboxRow, 'escalationId' | 'recipientStaffId' | 'createdAt'>): string {
    const stamp = row.createdAt.getTime().toString(36);
    return `<sla-vigil.${row.escalationId}.${row.recipientStaffId}.${stamp}@${this.messageIdDomain}>`;
  }

  /** Inserts rows once: a row for an (escalation, recipient) that exists already is ignored. */
  async insert(rows: readonly NewOutboxRow[], trx: Knex.Transaction): Promise<void> {
    if (rows.length === 0) return;
    await trx(this.table)
      .insert(
        rows.map((r) => ({
          escalation_id: r.escalationId,
          subject_type: r.subjectType,
          subject_id: r.subjectId,
          recipient_staff_id: r.recipientStaffId,
          recipient_email: r.recipientEmail,
          language: r.language,
          subject: r.subject,
          html: r.html,
          text: r.text,
          message_id: this.messageIdFor(r),
          state: r.state,
          attempts: 0,
          next_attempt_at: r.state === 'pending' ? utcToSql(r.notBefore ?? r.createdAt) : null,
          created_at: utcToSql(r.createdAt),
        })),
      )
      .onConflict()
      .ignore();
  }

  /**
   * The cooldown check: whether this recipient got (or is about to get) an email about this
   * subject created at or after `since`. Suppressed and failed rows do not count: neither
   * reached the recipient.
   */
  async lastSentOrPending(
    recipientStaffId: number,
    subjectType: string,
    subjectId: number,
    since: Date,
    trx?: Knex.Transaction,
  ): Promise<boolean> {
    const row = await (trx ?? this.db)(this.table)
      .first('id')
      .where({ recipient_staff_id: recipientStaffId, subject_type: subjectType, subject_id: subjectId })
      .where('created_at', '>=', utcToSql(since))
      .whereIn('state', ['pending', 'sending', 'sent']);
    return row !== undefined;
  }

  /**
   * Claims up to `limit` due rows for one sender: locked with SKIP LOCKED so concurrent senders
   * take disjoint rows, then marked `sending` with a lease. A `sending` row whose lease ran out
   * belonged to a sender that died mid-send and is claimed again.
   */
  async claimDue(now: Date, limit: number, leaseMs = CLAIM_LEASE_MS): Promise<ClaimedMessage[]> {
    return this.db.transaction(async (trx) => {
      const rows: ClaimRow[] = await trx(this.table)
        .select('id', 'escalation_id', 'recipient_email', 'subject', 'html', 'text', 'message_id', 'attempts')
        .whereIn('state', ['pending', 'sending'])
        .where('next_attempt_at', '<=', utcToSql(now))
        .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
        .limit(limit)
        .forUpdate()
        .skipLocked();
      if (rows.length === 0) return [];
      await trx(this.table)
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update({
          state: 'sending',
          attempts: trx.raw('attempts + 1'),
          next_attempt_at: utcToSql(new Date(now.getTime() + leaseMs)),
        });
      return rows.map((r) => ({
        id: Number(r.id),
        escalationId: Number(r.escalation_id),
        recipientEmail: r.recipient_email,
        subject: r.subject,
        html: r.html,
        text: r.text,
        messageId: r.message_id,
        attempt: r.attempts + 1,
      }));
    });
  }

  /**
   * Extends the claim of a row this sender still holds (state `sending`, same attempt) to
   * `until`, right before its message goes out. False when another sender took the row over
   * (or it was sent meanwhile): then this sender must not send it.
   */
  async renewLease(id: number, attempt: number, until: Date): Promise<boolean> {
    const changed = await this.db(this.table)
      .where({ id, state: 'sending', attempts: attempt })
      .update({ next_attempt_at: utcToSql(until) });
    return changed > 0;
  }

  /**
   * The SMTP server confirmed the mail: the row is sent, whoever holds its claim now, so no
   * sender ever sends it again; whatever an overtaken sender reports later cannot undo this.
   */
  async markSent(id: number, sentAt: Date, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db)(this.table)
      .where({ id })
      .whereNot('state', 'sent')
      .update({
        state: 'sent',
        sent_at: utcToSql(sentAt),
        next_attempt_at: null,
        last_error: null,
      });
  }

  /**
   * Back to pending until `nextAttemptAt`. Only a row still `sending` changes, so a sender whose
   * lease was overtaken never turns a sent row back into a pending one.
   */
  async markRetry(
    id: number,
    error: string,
    nextAttemptAt: Date,
    attempt: number,
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db)(this.table)
      .where({ id, state: 'sending', attempts: attempt })
      .update({ state: 'pending', next_attempt_at: utcToSql(nextAttemptAt), last_error: error });
  }

  /** Gives up on a row (attempts exhausted); like markRetry it only changes a row still `sending`. */
  async markFailed(id: number, error: string, attempt: number, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db)(this.table)
      .where({ id, state: 'sending', attempts: attempt })
      .update({ state: 'failed', next_attempt_at: null, last_error: error });
  }

  /** One line of the delivery log: every attempt, whatever its outcome. */
  async recordDelivery(
    outboxId: number,
    attempt: number,
    at: Date,
    outcome: 'sent' | 'error',
    response: string | null,
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db)(this.deliveries).insert({
      outbox_id: outboxId,
      attempt,
      attempted_at: utcToSql(at),
      outcome,
      response,
    });
  }

  /** How many rows are in each state, for `status` output. */
  async counts(): Promise<Record<OutboxState, number>> {
    const rows: { state: string; n: number | string }[] = await this.db(this.table)
      .select('state')
      .count({ n: '*' })
      .groupBy('state');
    const counts = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
    for (const row of rows) {
      if ((OUTBOX_STATES as readonly string[]).includes(row.state))
        counts[row.state as OutboxState] = Number(row.n);
    }
    return counts;
  }
}
