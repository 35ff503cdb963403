import type { Knex } from 'knex';

/**
 * Configuration changes are audited with the documents before and after the change; an import of
 * many calendars with holidays outgrows TEXT (64 KB), so details become MEDIUMTEXT (16 MB).
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.raw('ALTER TABLE ?? MODIFY details MEDIUMTEXT NULL', [`${prefix}sla_vigil_audit_log`]);
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_audit_log`;
  // What no longer fits keeps a marker instead of failing the rollback.
  await knex(table)
    .whereRaw('LENGTH(details) > 65535')
    .update({ details: JSON.stringify({ truncated: true }) });
  await knex.raw('ALTER TABLE ?? MODIFY details TEXT NULL', [table]);
}
