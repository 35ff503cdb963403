import type { Knex } from 'knex';

/**
 * Webhook endpoints of the configuration document (`webhooks`). The secret is stored as given: it
 * signs every post, so it must be readable here, and nothing outside this table (exports, audit
 * rows, pages) ever shows it.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_webhooks`, (t) => {
    t.increments('id');
    t.string('key', 64).notNullable().unique(`${prefix}slav_webhooks_key`);
    t.string('name', 191).notNullable();
    t.string('url', 2048).notNullable();
    t.string('secret', 255).notNullable();
    t.string('format', 16).notNullable();
    t.boolean('allow_private_address').notNullable().defaultTo(false);
    t.dateTime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTable(`${prefix}sla_vigil_webhooks`);
}
