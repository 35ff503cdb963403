import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { utcToSql } from '../store/datetime';
import type { Skeleton } from './escalation-email-skeleton';
import { fillStoredSkeleton, parseStoredSkeleton, type StoredSkeleton } from './stored-skeleton';

/**
 * pending -> sending -> sent | pending (retry) | failed. `suppressed` rows were held back by
 * the cooldown: they are kept as a record and never go out.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';

export const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'sending', 'sent', 'failed', 'suppressed'];

/**
 * Where a row goes: an email, an entry in the host's own notification bell, a webhook post.
 * Each channel has its own sender, which claims only its channel's rows.
 */
export type OutboxChannel = 'email' | 'in_app' | 'webhook';

export const OUTBOX_CHANNELS: readonly OutboxChannel[] = ['email', 'in_app', 'webhook'];

/**
 * What decided the row: a fired escalation level of the customer's SLA, one of a team's internal
 * target (OLA: `internal`, kept apart so its cooldown never silences the customer's), or a digest.
 */
export type OutboxKind = 'escalation' | 'internal' | 'digest';

/**
 * One message something decided to send (or to hold back), written in the deciding transaction.
 * An escalation's rows name the escalation, subject and recipient; a digest's and a webhook's
 * may not, and then carry their own `dedupeKey`.
 */
export interface NewOutboxRow {
  /** Default `escalation`. */
  kind?: OutboxKind;
  /** Default `email`. */
  channel?: OutboxChannel;
  /**
   * What the row is, unique in the outbox: a second insert with the same key is ignored (a repeat
   * after a crash, a second worker). Default for an escalation's row:
   * `escalation:<escalation>:<recipient>:<channel>`.
   */
  dedupeKey?: string;
  escalationId: number | null;
  subjectType: string | null;
  subjectId: number | null;
  recipientStaffId: number | null;
  recipientEmail: string | null;
  language: string;
  /** The email's subject; the bell entry's text. */
  subject: string;
  /** Empty when `skeleton` carries the body. */
  html: string;
  text: string;
  /**
   * An escalation email of the module's own template: its skeleton (stored once) and this
   * email's values, filled into `html` and `text` when the row is claimed.
   */
  skeleton?: { stored: StoredSkeleton; values: readonly string[] };
  /** The webhook's key (channel `webhook`). */
  target?: string | null;
  /** What a non-email channel delivers (JSON: the bell's link, the webhook's body). */
  payload?: string | null;
  state: 'pending' | 'suppressed';
  createdAt: Date;
  /** Not sent before this moment (the recipient's next working hour); default `createdAt`. */
  notBefore?: Date;
}

/** A row a sender claimed: everything needed to send it, and which attempt this is (1-based). */
export interface ClaimedMessage {
  id: number;
  kind: OutboxKind;
  channel: OutboxChannel;
  escalationId: number | null;
  subjectType: string | null;
  subjectId: number | null;
  recipientStaffId: number | null;
  recipientEmail: string | null;
  target: string | null;
  payload: string | null;
  subject: string;
  html: string;
  text: string;
  messageId: string | null;
  attempt: number;
}

/**
 * How long a claimed row belongs to its sender; after that a crashed sender's rows are due again.
 * A minute keeps a crash's delay short; the sender renews the lease before each message, and one
 * message ends well within it (SMTP timeouts in mail-sender.ts).
 */
export const CLAIM_LEASE_MS = 60_000;

/** With the 60-minute cap this gives up about two hours after the first attempt. */
export const MAX_ATTEMPTS = 8;
const BACKOFF_CAP_MINUTES = 60;

/** Wait before attempt `attempt + 1`: 1, 2, 4, ... minutes, capped at an hour. */
export function backoffMs(attempt: number): number {
  return Math.min(2 ** Math.max(attempt - 1, 0), BACKOFF_CAP_MINUTES) * 60_000;
}

interface ClaimRow {
  id: number | string;
  kind: string;
  channel: string;
  escalation_id: number | string | null;
  subject_type: string | null;
  subject_id: number | null;
  recipient_staff_id: number | null;
  recipient_email: string | null;
  target: string | null;
  payload: string | null;
  subject: string;
  html: string;
  text: string;
  skeleton_hash: string | null;
  skeleton_values: string | null;
  message_id: string | null;
  attempts: number;
}

const CLAIM_COLUMNS = [
  'id',
  'kind',
  'channel',
  'escalation_id',
  'subject_type',
  'subject_id',
  'recipient_staff_id',
  'recipient_email',
  'target',
  'payload',
  'subject',
  'html',
  'text',
  'skeleton_hash',
  'skeleton_values',
  'message_id',
  'attempts',
] as const;

/** The columns a row's body is read from (withBodies). */
export interface BodyColumns {
  html: string;
  text: string;
  skeleton_hash: string | null;
  skeleton_values: string | null;
}

/** The key an escalation's row gets unless it brings its own. */
export function escalationDedupeKey(
  escalationId: number,
  recipientStaffId: number,
  channel: OutboxChannel,
): string {
  return `escalation:${escalationId}:${recipientStaffId}:${channel}`;
}

function dedupeKeyOf(row: NewOutboxRow): string {
  if (row.dedupeKey) return row.dedupeKey;
  if (row.escalationId === null || row.recipientStaffId === null)
    throw new Error('an outbox row without an escalation and recipient needs its own dedupeKey');
  return escalationDedupeKey(row.escalationId, row.recipientStaffId, row.channel ?? 'email');
}

/** The mail outbox and its delivery log (`<prefix>sla_vigil_outbox`, `<prefix>sla_vigil_deliveries`). */
export class OutboxRepository {
  private readonly table: string;
  private readonly deliveries: string;
  private readonly dueIndex: string;
  private readonly skeletonTable: string;
  /** Stored skeletons read back, by hash: a hash names one body forever, so they never go stale. */
  private readonly skeletons = new Map<string, Skeleton>();

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
    this.dueIndex = `${prefix}slav_outbox_due`;
    this.deliveries = `${prefix}sla_vigil_deliveries`;
    this.skeletonTable = `${prefix}sla_vigil_mail_skeletons`;
  }

  /**
   * The Message-ID of a row: fixed when the row is written, so every retry of it carries the same
   * id and a receiver can recognise a repeat. The creation time keeps ids unique when escalation
   * ids start again at 1 after a reinstall.
   */
  messageIdFor(
    row: Pick<NewOutboxRow, 'escalationId' | 'recipientStaffId' | 'createdAt' | 'kind' | 'dedupeKey'>,
  ): string {
    const stamp = row.createdAt.getTime().toString(36);
    // A daily and a weekly digest written for one person in one run share the instant: their
    // keys tell them apart (the unique Message-ID would otherwise drop the second one).
    const what =
      row.kind === 'digest'
        ? `digest.${createHash('sha256')
            .update(row.dedupeKey ?? '')
            .digest('hex')
            .slice(0, 16)}`
        : String(row.escalationId);
    return `<sla-vigil.${what}.${row.recipientStaffId}.${stamp}@${this.messageIdDomain}>`;
  }

  /** Inserts rows once: a row whose dedupe key exists already is ignored. */
  async insert(rows: readonly NewOutboxRow[], trx: Knex.Transaction): Promise<void> {
    if (rows.length === 0) return;
    await this.storeSkeletons(rows, trx);
    await trx(this.table)
      .insert(
        rows.map((r) => ({
          kind: r.kind ?? 'escalation',
          channel: r.channel ?? 'email',
          dedupe_key: dedupeKeyOf(r),
          target: r.target ?? null,
          payload: r.payload ?? null,
          escalation_id: r.escalationId,
          subject_type: r.subjectType,
          subject_id: r.subjectId,
          recipient_staff_id: r.recipientStaffId,
          recipient_email: r.recipientEmail,
          language: r.language,
          subject: r.subject,
          html: r.skeleton ? '' : r.html,
          text: r.skeleton ? '' : r.text,
          skeleton_hash: r.skeleton?.stored.hash ?? null,
          skeleton_values: r.skeleton ? JSON.stringify(r.skeleton.values) : null,
          message_id: (r.channel ?? 'email') === 'email' ? this.messageIdFor(r) : null,
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
   * The skeletons the rows name, written once (a skeleton already there is left as it is: the same
   * hash is the same body), in the rows' transaction, so no row ever names a missing skeleton.
   */
  private async storeSkeletons(rows: readonly NewOutboxRow[], trx: Knex.Transaction): Promise<void> {
    const named = new Map<string, StoredSkeleton>();
    for (const r of rows) if (r.skeleton) named.set(r.skeleton.stored.hash, r.skeleton.stored);
    if (named.size === 0) return;
    const createdAt = utcToSql(rows[0].createdAt);
    await trx(this.skeletonTable)
      .insert([...named.values()].map((s) => ({ hash: s.hash, body: s.body, created_at: createdAt })))
      .onConflict()
      .ignore();
  }

  /**
   * The rows' HTML and text: as written, or filled from the row's skeleton and values (the same
   * bytes the eager render wrote). Everything that reads a message's body goes through here.
   */
  async withBodies<R extends BodyColumns>(
    rows: readonly R[],
    trx?: Knex.Transaction,
  ): Promise<(Omit<R, 'skeleton_hash' | 'skeleton_values'> & { html: string; text: string })[]> {
    await this.readSkeletons(rows, trx);
    return rows.map((row) => this.filled(row));
  }

  /** Reads the skeletons of `rows` not read before (a hash names one body forever: never stale). */
  private async readSkeletons(rows: readonly BodyColumns[], trx?: Knex.Transaction): Promise<void> {
    const missing = [
      ...new Set(
        rows.flatMap((r) =>
          r.skeleton_hash && !this.skeletons.has(r.skeleton_hash) ? [r.skeleton_hash] : [],
        ),
      ),
    ];
    if (missing.length === 0) return;
    const found: { hash: string; body: string }[] = await (trx ?? this.db)(this.skeletonTable)
      .whereIn('hash', missing)
      .select('hash', 'body');
    for (const f of found) {
      // A body this version cannot read is left out: its rows fail alone (filled).
      try {
        this.skeletons.set(f.hash, parseStoredSkeleton(f.body));
      } catch {
        continue;
      }
    }
  }

  /** One row with its body (skeletons already read); throws when it cannot be filled. */
  private filled<R extends BodyColumns>({
    skeleton_hash: hash,
    skeleton_values: values,
    ...rest
  }: R): Omit<R, 'skeleton_hash' | 'skeleton_values'> & { html: string; text: string } {
    if (!hash) return rest;
    const skeleton = this.skeletons.get(hash);
    if (!skeleton) throw new Error(`sla_vigil outbox: email skeleton ${hash} is missing`);
    return { ...rest, ...fillStoredSkeleton(skeleton, values ?? '[]') };
  }

  /**
   * The cooldown check of many notices at once: `recipient|subject|channel|kind` (deliveryKey) of
   * every message to one of these recipients about one of these subjects created at or after
   * `since` that reached or will reach them: pending, sending or sent. Suppressed and failed rows do
   * not count: neither reached the recipient. Each channel and kind keeps its own cooldown.
   */
  async recentDeliveries(
    subjectType: string,
    subjectIds: readonly number[],
    recipientStaffIds: readonly number[],
    since: Date,
    trx: Knex.Transaction,
  ): Promise<Set<string>> {
    if (subjectIds.length === 0 || recipientStaffIds.length === 0) return new Set();
    const rows: { recipient_staff_id: number; subject_id: number; channel: string; kind: string }[] =
      await trx(this.table)
        .distinct('recipient_staff_id', 'subject_id', 'channel', 'kind')
        .where('subject_type', subjectType)
        .whereIn('subject_id', [...new Set(subjectIds)])
        .whereIn('recipient_staff_id', [...new Set(recipientStaffIds)])
        .where('created_at', '>=', utcToSql(since))
        .whereIn('state', ['pending', 'sending', 'sent']);
    return new Set(rows.map((r) => deliveryKey(r.recipient_staff_id, r.subject_id, r.channel, r.kind)));
  }

  /**
   * Claims up to `limit` due rows for one sender: locked with SKIP LOCKED so concurrent senders
   * take disjoint rows, then marked `sending` with a lease. A `sending` row whose lease ran out
   * belonged to a sender that died mid-send and is claimed again.
   */
  async claimDue(
    now: Date,
    limit: number,
    leaseMs = CLAIM_LEASE_MS,
    channel: OutboxChannel = 'email',
  ): Promise<ClaimedMessage[]> {
    return this.db.transaction(
      async (trx) => {
        // Candidates first, by a plain read (no locks), then the rows locked by primary key. A
        // locking range read would lock rows it merely examines, among them the first due row
        // of the next channel in the index, and that channel's sender, skipping locked rows,
        // would pass it over while both claim at once. Several candidates per row wanted leave
        // room for the rows a concurrent sender of the same channel holds.
        const candidates: { id: number | string }[] = await trx
          .from(trx.raw('?? FORCE INDEX (??)', [this.table, this.dueIndex]))
          .select('id')
          .where('channel', channel)
          .whereIn('state', ['pending', 'sending'])
          .where('next_attempt_at', '<=', utcToSql(now))
          .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
          .limit(limit * 4);
        if (candidates.length === 0) return [];
        const rows: ClaimRow[] = await trx(this.table)
          .select(...CLAIM_COLUMNS)
          .whereIn(
            'id',
            candidates.map((c) => c.id),
          )
          // Checked again under the lock: another sender may have taken or sent a row since.
          .where('channel', channel)
          .whereIn('state', ['pending', 'sending'])
          .where('next_attempt_at', '<=', utcToSql(now))
          .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
          .limit(limit)
          .forUpdate()
          .skipLocked();
        if (rows.length === 0) return [];
        await this.readSkeletons(rows, trx);
        const filled: (Omit<ClaimRow, 'skeleton_hash' | 'skeleton_values'> & {
          html: string;
          text: string;
        })[] = [];
        for (const row of rows) {
          // A row that cannot be filled (its skeleton or values damaged by hand) fails alone with
          // the reason; the others go out.
          try {
            filled.push(this.filled(row));
          } catch (err) {
            await trx(this.table)
              .where('id', row.id)
              .update({
                state: 'failed',
                next_attempt_at: null,
                last_error: err instanceof Error ? err.message : String(err),
              });
          }
        }
        if (filled.length === 0) return [];
        await trx(this.table)
          .whereIn(
            'id',
            filled.map((r) => r.id),
          )
          .update({
            state: 'sending',
            attempts: trx.raw('attempts + 1'),
            next_attempt_at: utcToSql(new Date(now.getTime() + leaseMs)),
          });
        return filled.map((r) => ({
          id: Number(r.id),
          kind: r.kind as OutboxKind,
          channel: r.channel as OutboxChannel,
          escalationId: r.escalation_id === null ? null : Number(r.escalation_id),
          subjectType: r.subject_type,
          subjectId: r.subject_id === null ? null : Number(r.subject_id),
          recipientStaffId: r.recipient_staff_id === null ? null : Number(r.recipient_staff_id),
          recipientEmail: r.recipient_email,
          target: r.target,
          payload: r.payload,
          subject: r.subject,
          html: r.html,
          text: r.text,
          messageId: r.message_id,
          attempt: r.attempts + 1,
        }));
      },
      { isolationLevel: 'read committed' },
    );
  }

  /**
   * Marks a row sent only while this sender still holds it (state `sending`, same attempt), in
   * the caller's transaction: false when another sender took it over or it was sent meanwhile,
   * and then the caller must deliver nothing (its transaction adds nothing).
   */
  async markSentIfHeld(id: number, attempt: number, sentAt: Date, trx: Knex.Transaction): Promise<boolean> {
    const changed = await trx(this.table)
      .where({ id, state: 'sending', attempts: attempt })
      .update({ state: 'sent', sent_at: utcToSql(sentAt), next_attempt_at: null, last_error: null });
    return changed > 0;
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

  /**
   * A failed attempt of any channel: logged in the delivery log, then retried with backoff, or
   * given up after `maxAttempts` (like markRetry it only changes a row still `sending`).
   */
  async recordFailedAttempt(
    row: { id: number; attempt: number },
    now: Date,
    error: string,
    maxAttempts = MAX_ATTEMPTS,
  ): Promise<'failed' | 'retried'> {
    await this.recordDelivery(row.id, row.attempt, now, 'error', error);
    if (row.attempt >= maxAttempts) {
      await this.markFailed(row.id, error, row.attempt);
      return 'failed';
    }
    await this.markRetry(row.id, error, new Date(now.getTime() + backoffMs(row.attempt)), row.attempt);
    return 'retried';
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
    outcome: 'sent' | 'error' | 'skipped',
    response: string | null,
    trx?: Knex.Transaction,
    statusCode: number | null = null,
  ): Promise<void> {
    await (trx ?? this.db)(this.deliveries).insert({
      outbox_id: outboxId,
      attempt,
      attempted_at: utcToSql(at),
      outcome,
      response,
      status_code: statusCode,
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

/** The key recentDeliveries answers with: one recipient, subject, channel and kind. */
export function deliveryKey(
  recipientStaffId: number,
  subjectId: number,
  channel: string,
  kind: string,
): string {
  return `${recipientStaffId}|${subjectId}|${channel}|${kind}`;
}
