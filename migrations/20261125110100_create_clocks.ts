import type { Knex } from 'knex';

/**
 * Clocks per subject, metric and cycle, with an indexed `next_check_at` so a scan touches only
 * what is due; subjects: what the module last saw of each host ticket (for reconciling) and
 * its policy and summary state; cursors: reconcile high-water marks.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.bigIncrements('id');
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.string('metric', 32).notNullable();
    t.integer('cycle').notNullable();
    t.integer('policy_id').nullable();
    t.integer('target_minutes').notNullable();
    t.dateTime('started_at', { precision: 3 }).notNullable();
    t.dateTime('due_at', { precision: 3 }).notNullable();
    t.dateTime('warn_at', { precision: 3 }).notNullable();
    t.decimal('paused_minutes', 14, 4).notNullable().defaultTo(0);
    t.dateTime('met_at', { precision: 3 }).nullable();
    t.dateTime('breached_at', { precision: 3 }).nullable();
    t.string('state', 16).notNullable();
    t.dateTime('next_check_at', { precision: 3 }).nullable();
    t.dateTime('updated_at', { precision: 3 }).notNullable();
    t.unique(['subject_type', 'subject_id', 'metric', 'cycle'], { indexName: `${prefix}slav_clocks_cycle` });
    t.index(['next_check_at'], `${prefix}slav_clocks_next_check`);
    t.index(['state'], `${prefix}slav_clocks_state`);
  });
  await knex.schema.createTable(`${prefix}sla_vigil_subjects`, (t) => {
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.primary(['subject_type', 'subject_id']);
    t.integer('status').notNullable();
    t.integer('priority').notNullable();
    t.integer('department').notNullable();
    t.integer('assigned').notNullable();
    t.integer('userid').notNullable();
    t.integer('service').nullable();
    t.integer('merged_into').nullable();
    t.boolean('deleted').notNullable().defaultTo(false);
    t.integer('policy_id').nullable();
    t.string('sla_state', 16).notNullable();
    // The config version the clocks were computed under; older ones are recomputed by the scan.
    t.integer('computed_version').notNullable().defaultTo(0);
    t.dateTime('created_at', { precision: 3 }).notNullable();
    t.dateTime('updated_at', { precision: 3 }).notNullable();
    t.index(['sla_state'], `${prefix}slav_subjects_state`);
    t.index(['policy_id'], `${prefix}slav_subjects_policy`);
    t.index(['computed_version'], `${prefix}slav_subjects_version`);
  });
  await knex.schema.createTable(`${prefix}sla_vigil_cursors`, (t) => {
    t.string('name', 64).primary();
    t.bigInteger('value').notNullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_cursors`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_subjects`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_clocks`);
}
