import type { Knex } from 'knex';

/** Calendars, policies (with their escalation ladders) and settings: the configuration document. */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_calendars`, (t) => {
    t.increments('id');
    t.string('key', 64).notNullable().unique(`${prefix}slav_calendars_key`);
    t.string('name', 191).notNullable();
    t.string('timezone', 64).notNullable();
    // JSON documents, always read and written whole.
    t.text('week').nullable();
    t.text('holidays', 'mediumtext').notNullable();
    t.string('holiday_country', 2).nullable();
    t.string('holiday_region', 16).nullable();
    t.dateTime('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_policies`, (t) => {
    t.increments('id');
    t.string('key', 64).notNullable().unique(`${prefix}slav_policies_key`);
    t.string('name', 191).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('position').notNullable().defaultTo(0);
    t.text('match').notNullable();
    t.string('calendar_key', 64).nullable();
    t.text('targets').notNullable();
    t.text('pause_status_ids').notNullable();
    t.text('escalations').notNullable();
    t.dateTime('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_settings`, (t) => {
    t.string('name', 64).primary();
    t.text('value').notNullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_settings`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_policies`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_calendars`);
}
