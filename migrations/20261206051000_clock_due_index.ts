import type { Knex } from 'knex';

/**
 * The breach forecast reads the clocks of one subject kind due in the next 24 hours: an index on
 * (subject_type, due_at) makes that a range read of the window instead of a scan of every clock
 * ever kept.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.index(['subject_type', 'due_at'], `${prefix}slav_clocks_due`);
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.dropIndex([], `${prefix}slav_clocks_due`);
  });
}
