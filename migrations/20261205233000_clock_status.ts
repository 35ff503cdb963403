import type { Knex } from 'knex';

/**
 * The status a status_time clock measures the stay in (the host's status id); null for the
 * metrics that are not about a status. Cycles stay keyed by (subject, metric, cycle): a
 * status_time cycle's number is the ticket's status visit, so the status is a fact of the row,
 * not part of its key.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.integer('status').nullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  // Status clocks mean nothing without their status: they go, and the next recompute restores them.
  await knex(`${prefix}sla_vigil_clocks`).where('metric', 'status_time').delete();
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.dropColumn('status');
  });
}
