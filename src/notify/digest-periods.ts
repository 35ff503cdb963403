import type { Knex } from 'knex';
import { utcFromSql, utcToSql } from '../store/datetime';

/** What a claim found: this worker owns the period now, it is finished, or another worker is on it. */
export type PeriodClaim = 'claimed' | 'done' | 'taken';

/**
 * A claim older than this belonged to a worker that died while building its digests: another
 * worker takes the period over (the outbox's dedupe keys keep the mails it had written single).
 */
export const PERIOD_LEASE_MS = 10 * 60_000;

/**
 * The per-period claim of the scheduled digests (`<prefix>sla_vigil_digest_periods`): the first
 * worker to insert (kind, period) builds that period's digests; the others do not even render.
 */
export class DigestPeriods {
  private readonly table: string;

  constructor(
    private readonly db: Knex,
    prefix: string,
  ) {
    this.table = `${prefix}sla_vigil_digest_periods`;
  }

  async claim(kind: string, period: string, now: Date): Promise<PeriodClaim> {
    const inserted = (await this.db.raw('INSERT IGNORE INTO ?? (kind, period, claimed_at) VALUES (?, ?, ?)', [
      this.table,
      kind,
      period,
      utcToSql(now),
    ])) as unknown as [{ affectedRows: number }];
    if (inserted[0].affectedRows === 1) return 'claimed';
    const row: { claimed_at: string; done_at: string | null } | undefined = await this.db(this.table)
      .first('claimed_at', 'done_at')
      .where({ kind, period });
    if (!row) return 'taken';
    if (row.done_at !== null) return 'done';
    if (now.getTime() - utcFromSql(row.claimed_at).getTime() < PERIOD_LEASE_MS) return 'taken';
    // Take over a dead worker's claim; of two workers doing so at once, one wins the update.
    const taken = await this.db(this.table)
      .where({ kind, period, claimed_at: row.claimed_at })
      .whereNull('done_at')
      .update({ claimed_at: utcToSql(now) });
    return taken === 1 ? 'claimed' : 'taken';
  }

  async finish(kind: string, period: string, recipients: number, now: Date): Promise<void> {
    await this.db(this.table)
      .where({ kind, period })
      .update({ done_at: utcToSql(now), recipients });
  }
}
