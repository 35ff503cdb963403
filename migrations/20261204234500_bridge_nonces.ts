import type { Knex } from 'knex';

/**
 * Nonces of signed bridge requests accepted within the last 600 s: a request that comes again
 * with one of them is a replay. A table, not process memory, so several service processes on
 * one database agree; rows past `expires_at` are pruned as new ones arrive.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_bridge_nonces`, (t) => {
    t.string('nonce', 32).primary();
    t.dateTime('expires_at', { precision: 3 }).notNullable();
    t.index(['expires_at'], `${prefix}slav_bridge_nonces_expiry`);
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTable(`${prefix}sla_vigil_bridge_nonces`);
}
