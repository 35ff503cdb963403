import type { Knex } from 'knex';

/**
 * When a clock's outcome was decided: the breach time if it breached, else the met time. The
 * dashboard, the trend and the reports all count a clock in the period it was settled, so the
 * pages agree; a stored generated column with an index keeps those range queries off a table
 * scan (MySQL 5.7+ and MariaDB 10.2+ both accept `STORED`).
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_clocks`;
  await knex.raw(
    'ALTER TABLE ?? ADD COLUMN settled_at DATETIME(3) AS (COALESCE(breached_at, met_at)) STORED, ADD INDEX ?? (settled_at)',
    [table, `${prefix}slav_clocks_settled`],
  );
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.dropIndex([], `${prefix}slav_clocks_settled`);
    t.dropColumn('settled_at');
  });
}
