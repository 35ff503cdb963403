import type { Knex } from 'knex';

/**
 * The monitor's pages without a pass over every open subject (issue 14):
 *
 * - `rollup_live` also keeps the columns the monitor filters by (priority, policy, a lead's status
 *   and source) and the subject's `list_rank`, and `rollup_monitor` counts the open subjects per
 *   combination of them, kept by the same diff as the member rows (rollup-writer.ts): the list's
 *   total is a sum over these groups, corrected by the few subjects whose row moved since
 *   (monitor-count.ts).
 * - `slav_subjects_monitor` becomes a covering index: the page's order (group, due, id) followed
 *   by every column its conditions read (still watched, up to date, state, filters), so a page at
 *   any offset skips index entries only and reads 25 whole rows.
 *
 * The live rows built before lack the new columns: the rollups are marked unbuilt, so the next
 * scan rebuilds them (the dashboard and the monitor read the clocks and subjects until then).
 */
const COVERING = [
  'subject_type',
  'monitor_group',
  'urgency_due',
  'subject_id',
  'deleted',
  'ended',
  'merged_into',
  'status',
  'urgency_changes_at',
  'list_rank',
  'department',
  'assigned',
  'priority',
  'policy_id',
  'country',
  'source',
];

export async function up(knex: Knex, prefix: string): Promise<void> {
  const live = `${prefix}sla_vigil_rollup_live`;
  await knex.raw(
    `ALTER TABLE ?? ADD COLUMN priority INT NOT NULL DEFAULT 0, ADD COLUMN policy_id INT NOT NULL DEFAULT 0,
       ADD COLUMN status INT NOT NULL DEFAULT 0, ADD COLUMN source INT NOT NULL DEFAULT 0,
       ADD COLUMN list_rank TINYINT NOT NULL DEFAULT 5`,
    [live],
  );
  await knex.schema.createTable(`${prefix}sla_vigil_rollup_monitor`, (t) => {
    t.string('subject_type', 32).notNullable();
    t.integer('department').notNullable();
    t.integer('assigned').notNullable();
    t.integer('priority').notNullable();
    t.integer('policy_id').notNullable();
    t.integer('status').notNullable();
    t.integer('country').notNullable();
    t.integer('source').notNullable();
    t.tinyint('list_rank').notNullable();
    t.integer('n').notNullable();
    t.primary([
      'subject_type',
      'department',
      'assigned',
      'priority',
      'policy_id',
      'status',
      'country',
      'source',
      'list_rank',
    ]);
  });
  await knex.raw(`DELETE FROM ??`, [`${prefix}sla_vigil_rollup_meta`]);
  await knex.raw(`ALTER TABLE ?? DROP INDEX ??, ADD INDEX ?? (${COVERING.map(() => '??').join(', ')})`, [
    `${prefix}sla_vigil_subjects`,
    `${prefix}slav_subjects_monitor`,
    `${prefix}slav_subjects_monitor`,
    ...COVERING,
  ]);
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.raw(`ALTER TABLE ?? DROP INDEX ??, ADD INDEX ?? (subject_type, monitor_group, urgency_due)`, [
    `${prefix}sla_vigil_subjects`,
    `${prefix}slav_subjects_monitor`,
    `${prefix}slav_subjects_monitor`,
  ]);
  await knex.schema.dropTable(`${prefix}sla_vigil_rollup_monitor`);
  await knex.raw(
    `ALTER TABLE ?? DROP COLUMN list_rank, DROP COLUMN source, DROP COLUMN status, DROP COLUMN policy_id,
       DROP COLUMN priority`,
    [`${prefix}sla_vigil_rollup_live`],
  );
  await knex.raw(`DELETE FROM ??`, [`${prefix}sla_vigil_rollup_meta`]);
}
