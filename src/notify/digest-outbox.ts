import type { Knex } from 'knex';
import type { OutboxRepository } from './outbox-repository';
import type { DigestMail, DigestOutbox } from './digest-service';

/**
 * Digest emails into the generic outbox (kind `digest`, channel `email`): no escalation or
 * subject, the recipient, and the dedupe key that makes a racing second write of the same
 * period and recipient a no-op (insert-ignore on the key).
 */
export class OutboxDigestWriter implements DigestOutbox {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly outbox: OutboxRepository,
  ) {}

  async insertDigests(rows: readonly DigestMail[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.db.transaction(async (trx) => {
      // Only for the count the run reports: the unique key, not this read, keeps rows single.
      const existing: unknown[] = await trx(`${this.prefix}sla_vigil_outbox`)
        .whereIn(
          'dedupe_key',
          rows.map((r) => r.dedupeKey),
        )
        .pluck('dedupe_key');
      await this.outbox.insert(
        rows.map((r) => ({
          kind: 'digest' as const,
          channel: 'email' as const,
          dedupeKey: r.dedupeKey,
          escalationId: null,
          subjectType: null,
          subjectId: null,
          recipientStaffId: r.recipientStaffId,
          recipientEmail: r.recipientEmail,
          language: r.language,
          subject: r.subject,
          html: r.html,
          text: r.text,
          state: 'pending' as const,
          createdAt: r.createdAt,
        })),
        trx,
      );
      return rows.length - existing.length;
    });
  }
}
