import type { Knex } from 'knex';

/**
 * Ended clock cycles keep the judgement they ended with (see src/sla/clocks/settled-cycles.ts):
 * subjects remember the last timeline event their stored clocks were computed from, and clocks
 * keep the business minutes they took to be met, counted on the calendar they were met under,
 * so a later calendar edit cannot change a finished clock's response time in the reports.
 * Subjects computed before this migration saw their whole timeline: they start from its last
 * event (dirty ones, computed_version -1, stay unknown and are judged afresh once).
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  const subjects = `${prefix}sla_vigil_subjects`;
  const timeline = `${prefix}sla_vigil_timeline`;
  await knex.schema.alterTable(subjects, (t) => {
    t.bigInteger('clocks_event_id').nullable();
  });
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.decimal('met_minutes', 14, 4).nullable();
  });
  await knex.raw(
    'UPDATE ?? s SET s.clocks_event_id = (SELECT MAX(t.id) FROM ?? t ' +
      'WHERE t.subject_type = s.subject_type AND t.subject_id = s.subject_id) WHERE s.computed_version >= 0',
    [subjects, timeline],
  );
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.dropColumn('met_minutes');
  });
  await knex.schema.alterTable(`${prefix}sla_vigil_subjects`, (t) => {
    t.dropColumn('clocks_event_id');
  });
}
