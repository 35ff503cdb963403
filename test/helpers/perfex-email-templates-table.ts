import type { Knex } from 'knex';

/**
 * Perfex's email templates table as the service's reader assumes it (one row per slug and
 * language): PERFEX.md does not give its columns, so this shape is the reader's assumption,
 * not a fact (src/host/perfex/perfex-email-templates.ts).
 */
export async function createEmailTemplatesTable(db: Knex, table = 'tblemailtemplates'): Promise<void> {
  await db.schema.createTable(table, (tb) => {
    tb.increments('emailtemplateid');
    tb.text('type');
    tb.string('slug', 100);
    tb.string('language', 40);
    tb.text('name');
    tb.text('subject');
    tb.text('message');
    tb.text('fromname');
    tb.string('fromemail', 100).nullable();
    tb.integer('plaintext').defaultTo(0);
    tb.integer('active').defaultTo(0);
    tb.integer('order').defaultTo(0);
  });
}
