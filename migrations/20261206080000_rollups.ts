import type { Knex } from 'knex';

/**
 * Rollups the dashboard reads instead of scanning clocks (src/store/rollups/):
 * - `rollup_settled`: one row per settled clock of a counted subject (its contribution: local day
 *   it settled, the subject's department and assignee at the time), so a refresh knows what it
 *   counted before and can take it back;
 * - `rollup_days`: those contributions summed per local day, subject type, scope, metric, policy,
 *   department and assignee (finished, on time, breached);
 * - `rollup_live`: one narrow row per open subject with the urgency rank of its stored running
 *   clocks, grouped by a covering index (the live counts add the clocks whose due or warning time
 *   passed since the last tick at read time);
 * - `rollup_zone`: the UTC offsets of the zone whose local days `rollup_days` counts, one row per
 *   offset change (SQL needs no time zone tables), and `rollup_meta` which zone that is.
 * The tables start empty: the first scan builds them for the host's zone (a migration does not
 * know it), and the pages read the clocks until then.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_rollup_meta`, (t) => {
    t.tinyint('id').primary();
    t.string('zone', 64).notNullable();
    t.dateTime('built_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_rollup_zone`, (t) => {
    t.dateTime('starts_at', { precision: 3 }).primary();
    t.integer('offset_minutes').notNullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_rollup_settled`, (t) => {
    t.bigInteger('clock_id').primary();
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.string('scope', 16).notNullable();
    t.string('metric', 32).notNullable();
    t.integer('policy_id').notNullable();
    t.integer('department').notNullable();
    t.integer('assigned').notNullable();
    t.date('day').notNullable();
    t.boolean('breached').notNullable();
    t.index(['subject_type', 'subject_id'], `${prefix}slav_rollup_settled_subject`);
  });
  await knex.schema.createTable(`${prefix}sla_vigil_rollup_days`, (t) => {
    t.string('subject_type', 32).notNullable();
    t.string('scope', 16).notNullable();
    t.date('day').notNullable();
    t.integer('department').notNullable();
    t.integer('assigned').notNullable();
    t.string('metric', 32).notNullable();
    t.integer('policy_id').notNullable();
    t.integer('finished').notNullable();
    t.integer('on_time').notNullable();
    t.integer('breaches').notNullable();
    t.primary(['subject_type', 'scope', 'day', 'department', 'assigned', 'metric', 'policy_id']);
  });
  await knex.schema.createTable(`${prefix}sla_vigil_rollup_live`, (t) => {
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.primary(['subject_type', 'subject_id']);
    t.integer('department').notNullable();
    t.integer('assigned').notNullable();
    t.integer('country').notNullable();
    t.boolean('has_policy').notNullable();
    /** Rank of the most urgent stored state among its running customer clocks; null: none runs. */
    t.tinyint('running_rank').nullable();
    /** Rank of the subject's stored summary state (what it shows with no clock running). */
    t.tinyint('state_rank').notNullable();
    t.index(
      ['subject_type', 'department', 'assigned', 'has_policy', 'running_rank', 'state_rank', 'country'],
      `${prefix}slav_rollup_live_groups`,
    );
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  for (const name of ['rollup_live', 'rollup_days', 'rollup_settled', 'rollup_zone', 'rollup_meta']) {
    await knex.schema.dropTable(`${prefix}sla_vigil_${name}`);
  }
}
