import type { Knex } from 'knex';

/**
 * Host rows the scan could not read or compute (a zero date, a reply dated year 9999, a clock
 * that could not be stored): one row per problem, kept while the scan keeps meeting it, so the
 * monitor can list them and the log names each one once. `scan_token` is the last scan that met
 * the problem; a finished scan removes the ones it no longer met (the row was corrected).
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_host_problems`, (t) => {
    t.bigIncrements('id');
    t.string('kind', 16).notNullable();
    t.integer('row_id').notNullable();
    t.integer('ticket_id').notNullable();
    t.string('reason', 255).notNullable();
    t.dateTime('first_seen_at', { precision: 3 }).notNullable();
    t.dateTime('last_seen_at', { precision: 3 }).notNullable();
    t.integer('times_seen').notNullable().defaultTo(1);
    t.string('scan_token', 36).notNullable();
    t.unique(['kind', 'row_id'], { indexName: `${prefix}slav_host_problems_row` });
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTable(`${prefix}sla_vigil_host_problems`);
}
