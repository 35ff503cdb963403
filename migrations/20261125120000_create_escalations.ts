import type { Knex } from 'knex';

/**
 * Escalations (one row per subject, metric, cycle, policy and ladder level: the unique key is
 * what makes a second firing impossible), the mail outbox written in the same transaction,
 * every delivery attempt, and heartbeats of cron ticks and scans. Clocks get `ended_at`: a
 * cycle closed unanswered stays on record as breached but must escalate no more.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.dateTime('ended_at', { precision: 3 }).nullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_escalations`, (t) => {
    t.bigIncrements('id');
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.string('metric', 32).notNullable();
    t.integer('cycle').notNullable();
    t.integer('policy_id').notNullable();
    t.integer('level').notNullable();
    t.string('trigger_type', 16).notNullable();
    t.integer('trigger_minutes').nullable();
    t.string('action_type', 32).notNullable();
    t.dateTime('fire_at', { precision: 3 }).notNullable();
    t.dateTime('fired_at', { precision: 3 }).notNullable();
    t.string('outcome', 32).notNullable();
    t.text('details').nullable();
    t.unique(['subject_type', 'subject_id', 'metric', 'cycle', 'policy_id', 'level'], {
      indexName: `${prefix}slav_escalations_once`,
    });
    t.index(['fired_at'], `${prefix}slav_escalations_fired`);
  });
  await knex.schema.createTable(`${prefix}sla_vigil_outbox`, (t) => {
    t.bigIncrements('id');
    t.bigInteger('escalation_id').notNullable();
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id').notNullable();
    t.integer('recipient_staff_id').notNullable();
    t.string('recipient_email', 191).notNullable();
    t.string('language', 8).notNullable();
    t.string('subject', 255).notNullable();
    t.text('html', 'mediumtext').notNullable();
    t.text('text', 'mediumtext').notNullable();
    // Stable per row, so a retry after an unclear failure is recognisable as the same mail.
    t.string('message_id', 191).notNullable().unique(`${prefix}slav_outbox_message_id`);
    // pending -> sent | failed; suppressed rows were held back by the cooldown and never go out.
    t.string('state', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.dateTime('next_attempt_at', { precision: 3 }).nullable();
    t.text('last_error').nullable();
    t.dateTime('created_at', { precision: 3 }).notNullable();
    t.dateTime('sent_at', { precision: 3 }).nullable();
    t.unique(['escalation_id', 'recipient_staff_id'], { indexName: `${prefix}slav_outbox_once` });
    t.index(['state', 'next_attempt_at'], `${prefix}slav_outbox_due`);
    t.index(
      ['recipient_staff_id', 'subject_type', 'subject_id', 'created_at'],
      `${prefix}slav_outbox_cooldown`,
    );
  });
  await knex.schema.createTable(`${prefix}sla_vigil_deliveries`, (t) => {
    t.bigIncrements('id');
    t.bigInteger('outbox_id').notNullable().index(`${prefix}slav_deliveries_outbox`);
    t.integer('attempt').notNullable();
    t.dateTime('attempted_at', { precision: 3 }).notNullable();
    t.string('outcome', 16).notNullable();
    t.text('response').nullable();
  });
  await knex.schema.createTable(`${prefix}sla_vigil_heartbeats`, (t) => {
    t.string('name', 32).primary();
    t.dateTime('last_at', { precision: 3 }).notNullable();
    t.text('details').nullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_heartbeats`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_deliveries`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_outbox`);
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_escalations`);
  await knex.schema.alterTable(`${prefix}sla_vigil_clocks`, (t) => {
    t.dropColumn('ended_at');
  });
}
