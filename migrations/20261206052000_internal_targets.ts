import type { Knex } from 'knex';

/**
 * Internal targets (OLAs): a policy keeps its teams' internal targets (a JSON document, null for
 * none), and a clock is the customer's SLA (`customer`, every row so far) or a team's internal
 * commitment (`internal`). The cycle key gains the scope, so a ticket's internal and customer
 * clocks of the same metric and cycle live side by side.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_policies`, (t) => {
    t.text('internal_targets').nullable();
  });
  const table = `${prefix}sla_vigil_clocks`;
  await knex.schema.alterTable(table, (t) => {
    t.string('scope', 16).notNullable().defaultTo('customer');
  });
  await knex.schema.alterTable(table, (t) => {
    t.dropUnique(['subject_type', 'subject_id', 'metric', 'cycle'], `${prefix}slav_clocks_cycle`);
    t.unique(['subject_type', 'subject_id', 'scope', 'metric', 'cycle'], {
      indexName: `${prefix}slav_clocks_scope_cycle`,
    });
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_clocks`;
  // Internal clocks mean nothing to a version without OLAs: they go with the column.
  await knex(table).where('scope', 'internal').delete();
  await knex.schema.alterTable(table, (t) => {
    t.dropUnique(
      ['subject_type', 'subject_id', 'scope', 'metric', 'cycle'],
      `${prefix}slav_clocks_scope_cycle`,
    );
    t.unique(['subject_type', 'subject_id', 'metric', 'cycle'], { indexName: `${prefix}slav_clocks_cycle` });
  });
  await knex.schema.alterTable(table, (t) => {
    t.dropColumn('scope');
  });
  await knex.schema.alterTable(`${prefix}sla_vigil_policies`, (t) => {
    t.dropColumn('internal_targets');
  });
}
