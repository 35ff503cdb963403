import type { Knex } from 'knex';
import { utcFromSql } from '../datetime';

/** One digest in the delivery log. */
export interface DigestLogRow {
  id: number;
  createdAt: Date;
  /** `daily`, `weekly` or `manual`. */
  kind: string;
  /** The local date, ISO week, or (manual) which digest was sent. */
  period: string;
  recipientStaffId: number | null;
  recipientEmail: string | null;
  state: string;
  attempts: number;
  lastError: string | null;
}

interface Row {
  id: number | string;
  created_at: string;
  dedupe_key: string;
  recipient_staff_id: number | null;
  recipient_email: string | null;
  state: string;
  attempts: number;
  last_error: string | null;
}

/**
 * The Digests page's delivery log: the outbox's digest rows, newest first, with what their dedupe
 * key says (`digest:<daily|weekly>:<period>:<staff>`, `digest:manual:<ms>:<daily|weekly>:<staff>`).
 */
export class DigestLogQueries {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  async recent(limit = 50): Promise<DigestLogRow[]> {
    const rows: Row[] = await this.db(`${this.prefix}sla_vigil_outbox`)
      .select(
        'id',
        'created_at',
        'dedupe_key',
        'recipient_staff_id',
        'recipient_email',
        'state',
        'attempts',
        'last_error',
      )
      .where('kind', 'digest')
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map((r) => {
      const [, kind = '', a = '', b = ''] = r.dedupe_key.split(':');
      return {
        id: Number(r.id),
        createdAt: utcFromSql(r.created_at),
        kind,
        period: kind === 'manual' ? b : a,
        recipientStaffId: r.recipient_staff_id === null ? null : Number(r.recipient_staff_id),
        recipientEmail: r.recipient_email,
        state: r.state,
        attempts: Number(r.attempts),
        lastError: r.last_error,
      };
    });
  }
}
