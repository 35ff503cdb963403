import type { Knex } from 'knex';
import { utcToSql } from './datetime';

/** MySQL/MariaDB's duplicate key error. */
const ER_DUP_ENTRY = 1062;

/**
 * The replay guard of the signed bridge: a nonce is accepted once within its lifetime. The
 * primary key decides between two processes that see the same nonce at the same moment.
 */
export class BridgeNonceRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_bridge_nonces`;
  }

  /** True when the nonce is new (and now remembered until `now + ttlSeconds`); false for a replay. */
  async accept(nonce: string, now: Date, ttlSeconds: number): Promise<boolean> {
    // Pruning first also frees an expired nonce, so it could only come back after its lifetime.
    await this.db(this.table).where('expires_at', '<=', utcToSql(now)).delete();
    try {
      await this.db(this.table).insert({
        nonce,
        expires_at: utcToSql(new Date(now.getTime() + ttlSeconds * 1000)),
      });
      return true;
    } catch (err) {
      if ((err as { errno?: number }).errno === ER_DUP_ENTRY) return false;
      throw err;
    }
  }
}
