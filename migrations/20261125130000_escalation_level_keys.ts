import type { Knex } from 'knex';

/**
 * Escalations are keyed by a stable level key (derived from the level's content), not by its
 * position in the ladder: inserting or reordering levels must neither fire an old level again
 * nor hide a new one. Host actions get a claim time so that two workers never run one twice.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_escalations`;
  await knex.schema.alterTable(table, (t) => {
    t.string('level_key', 64).notNullable().defaultTo('');
    t.dateTime('action_claimed_at', { precision: 3 }).nullable();
  });
  await knex(table).update({ level_key: knex.raw("CONCAT('position-', level)") });
  await knex.schema.alterTable(table, (t) => {
    t.dropUnique([], `${prefix}slav_escalations_once`);
    t.unique(['subject_type', 'subject_id', 'metric', 'cycle', 'policy_id', 'level_key'], {
      indexName: `${prefix}slav_escalations_once_by_key`,
    });
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_escalations`;
  await knex.schema.alterTable(table, (t) => {
    t.dropUnique([], `${prefix}slav_escalations_once_by_key`);
    t.unique(['subject_type', 'subject_id', 'metric', 'cycle', 'policy_id', 'level'], {
      indexName: `${prefix}slav_escalations_once`,
    });
  });
  await knex.schema.alterTable(table, (t) => {
    t.dropColumn('action_claimed_at');
    t.dropColumn('level_key');
  });
}
