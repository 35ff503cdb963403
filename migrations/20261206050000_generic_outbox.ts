import type { Knex } from 'knex';

/**
 * The outbox becomes every channel's: an escalation's email, its entry in the host's bell
 * (`in_app`), a webhook post, a digest. A row is identified by its `dedupe_key` (what it is,
 * for whom, on which channel), so writing the same decision twice, from a repeat after a crash
 * or a second worker, leaves one row. Rows that are not an escalation's email have no
 * escalation, subject, recipient or Message-ID; `target` names a webhook and `payload` holds
 * what a non-email channel delivers. The delivery log records the receiver's status code.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_outbox`;
  await knex.schema.alterTable(table, (t) => {
    t.string('kind', 16).notNullable().defaultTo('escalation');
    t.string('channel', 16).notNullable().defaultTo('email');
    t.string('dedupe_key', 191).nullable();
    t.string('target', 191).nullable();
    t.text('payload', 'mediumtext').nullable();
  });
  // Workers of the older version must be stopped while this runs (install.md, Upgrade): a row
  // they wrote between this UPDATE and the NOT NULL below would make the ALTER fail.
  await knex(table)
    .whereNull('dedupe_key')
    .update({
      dedupe_key: knex.raw("CONCAT('escalation:', escalation_id, ':', recipient_staff_id, ':email')"),
    });
  await knex.schema.alterTable(table, (t) => {
    t.dropUnique(['escalation_id', 'recipient_staff_id'], `${prefix}slav_outbox_once`);
    t.dropIndex(['state', 'next_attempt_at'], `${prefix}slav_outbox_due`);
  });
  await knex.schema.alterTable(table, (t) => {
    t.string('dedupe_key', 191).notNullable().alter();
    t.bigInteger('escalation_id').nullable().alter();
    t.string('subject_type', 32).nullable().alter();
    t.integer('subject_id').nullable().alter();
    t.integer('recipient_staff_id').nullable().alter();
    t.string('recipient_email', 191).nullable().alter();
    t.string('message_id', 191).nullable().alter();
    t.unique(['dedupe_key'], { indexName: `${prefix}slav_outbox_once` });
    t.index(['channel', 'state', 'next_attempt_at'], `${prefix}slav_outbox_due`);
    t.index(['escalation_id'], `${prefix}slav_outbox_escalation`);
  });
  await knex.schema.alterTable(`${prefix}sla_vigil_deliveries`, (t) => {
    t.integer('status_code').nullable();
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_outbox`;
  await knex.schema.alterTable(`${prefix}sla_vigil_deliveries`, (t) => {
    t.dropColumn('status_code');
  });
  // Only escalation emails fit the old shape.
  const notOldShape = "NOT (kind IN ('escalation', 'internal') AND channel = 'email')";
  const others = knex(table).select('id').whereRaw(notOldShape);
  await knex(`${prefix}sla_vigil_deliveries`).whereIn('outbox_id', others).delete();
  await knex(table).whereRaw(notOldShape).delete();
  await knex.schema.alterTable(table, (t) => {
    t.dropUnique(['dedupe_key'], `${prefix}slav_outbox_once`);
    t.dropIndex(['channel', 'state', 'next_attempt_at'], `${prefix}slav_outbox_due`);
    t.dropIndex(['escalation_id'], `${prefix}slav_outbox_escalation`);
  });
  await knex.schema.alterTable(table, (t) => {
    t.bigInteger('escalation_id').notNullable().alter();
    t.string('subject_type', 32).notNullable().alter();
    t.integer('subject_id').notNullable().alter();
    t.integer('recipient_staff_id').notNullable().alter();
    t.string('recipient_email', 191).notNullable().alter();
    t.string('message_id', 191).notNullable().alter();
    t.unique(['escalation_id', 'recipient_staff_id'], { indexName: `${prefix}slav_outbox_once` });
    t.index(['state', 'next_attempt_at'], `${prefix}slav_outbox_due`);
    t.dropColumn('kind');
    t.dropColumn('channel');
    t.dropColumn('dedupe_key');
    t.dropColumn('target');
    t.dropColumn('payload');
  });
}
