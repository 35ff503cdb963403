import type { Knex } from 'knex';

/** Every automatic or manual action the module takes, for the audit trail. */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_audit_log`, (t) => {
    t.bigIncrements('id');
    t.string('action', 64).notNullable();
    t.integer('staff_id').nullable();
    t.string('subject_type', 32).nullable();
    t.integer('subject_id').nullable();
    t.text('details').nullable();
    t.dateTime('created_at', { precision: 3 }).notNullable();
    t.index(['created_at'], `${prefix}slav_audit_created`);
  });
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.dropTableIfExists(`${prefix}sla_vigil_audit_log`);
}
