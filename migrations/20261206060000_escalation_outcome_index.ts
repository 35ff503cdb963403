import type { Knex } from 'knex';

/**
 * Every scan looks for escalations by outcome: notify levels still `firing` whose notice a stopped
 * process never wrote, and host actions `action_pending` to perform. An index on (subject_type,
 * outcome, fired_at) makes both a short range read instead of a scan of the whole escalation log,
 * which only grows.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_escalations`, (t) => {
    t.index(['subject_type', 'outcome', 'fired_at'], `${prefix}slav_escalations_outcome`);
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_escalations`, (t) => {
    t.dropIndex([], `${prefix}slav_escalations_outcome`);
  });
}
