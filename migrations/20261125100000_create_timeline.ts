import type { Knex } from 'knex';

/**
 * The ticket timeline: every event the module learns about, from a host hook or found by
 * reconciling the host's tables. Keyed by (subject_type, subject_id) so leads can follow tickets.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_timeline`, (t) => {
    t.bigIncrements('id');
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.string('event_type', 40).notNullable();
    t.string('from_value', 191).nullable();
    t.string('to_value', 191).nullable();
    t.integer('actor_staff_id').nullable();
    t.integer('ref_id').nullable();
    // One row per real-world event: a hook and a later reconcile of the same event collide here.
    t.string('dedupe_key', 191).nullable();
    t.dateTime('occurred_at', { precision: 3 }).notNullable();
    t.dateTime('recorded_at', { precision: 3 }).notNullable();
    t.string('source', 16).notNullable();
    t.unique(['subject_type', 'subject_id', 'dedupe_key'], { indexName: `${prefix}slav_timeline_dedupe` });
    t.index(['subject_type', 'subject_id', 'occurred_at'], `${prefix}slav_timeline_subject`);
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_timeline`);
}
