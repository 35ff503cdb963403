import type { Knex } from 'knex';

/**
 * What a policy governs: 'ticket' (every policy before leads) or 'lead'. A column, not part of
 * the match JSON, so reads can pick one kind's policies without parsing every policy.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_policies`, (t) => {
    t.string('subject', 16).notNullable().defaultTo('ticket');
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  // Lead policies mean nothing to a version without leads: they go with the column.
  await knex(`${prefix}sla_vigil_policies`).where('subject', 'lead').delete();
  await knex.schema.alterTable(`${prefix}sla_vigil_policies`, (t) => {
    t.dropColumn('subject');
  });
}
