import type { Knex } from 'knex';

/**
 * One row per digest period a worker claimed (`daily` + local date, `weekly` + ISO week, or
 * `manual` + a timestamp): the primary key lets exactly one of several racing workers build a
 * period's digests; `done_at` says it finished, so every later tick skips it with one comparison.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_digest_periods`, (t) => {
    t.string('kind', 16).notNullable();
    t.string('period', 32).notNullable();
    t.dateTime('claimed_at', { precision: 3 }).notNullable();
    t.dateTime('done_at', { precision: 3 }).nullable();
    /** How many digests the run wrote (recipients with items). */
    t.integer('recipients').nullable();
    t.primary(['kind', 'period']);
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTable(`${prefix}sla_vigil_digest_periods`);
}
