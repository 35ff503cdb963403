import type { Knex } from 'knex';

/**
 * Working hours and on-call, parts of the configuration document: one schedule per staff member
 * (a calendar read in their zone) and the on-call rotas `notify_on_call` levels name.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_staff_schedules`, (t) => {
    t.integer('staff_id').primary();
    // Null: always reachable (an entry kept only for its zone).
    t.string('calendar_key', 64).nullable();
    t.string('timezone', 64).nullable();
    t.dateTime('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_on_call_rotas`, (t) => {
    t.increments('id');
    t.string('key', 64).notNullable().unique(`${prefix}slav_on_call_key`);
    t.string('name', 191).notNullable();
    t.integer('department_id').notNullable();
    t.integer('fallback_staff_id').notNullable();
    // The rotation as JSON (weekly order or date ranges), always read and written whole.
    t.text('rotation', 'mediumtext').notNullable();
    t.dateTime('updated_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_on_call_rotas`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_staff_schedules`);
}
