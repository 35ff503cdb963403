import type { Knex } from 'knex';

/**
 * Leads share the subjects table with tickets (keyed by subject type and id): they reuse
 * `status` and `assigned`, leave the ticket columns at 0 / null and need three more: the market
 * (`country`), the `source`, and why their clocks `ended` (lost, junk, converted). Nullable, so
 * ticket rows stay as they were.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_subjects`, (t) => {
    t.integer('country').nullable();
    t.integer('source').nullable();
    t.string('ended', 16).nullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  // A version without leads cannot read lead snapshots or clocks: they go with the columns. The
  // timeline and escalation log keep their lead rows (history; the older version ignores them).
  await knex(`${prefix}sla_vigil_clocks`).where('subject_type', 'lead').delete();
  await knex(`${prefix}sla_vigil_subjects`).where('subject_type', 'lead').delete();
  await knex.schema.alterTable(`${prefix}sla_vigil_subjects`, (t) => {
    t.dropColumn('country');
    t.dropColumn('source');
    t.dropColumn('ended');
  });
}
