import ejs from 'ejs';
import type { Knex } from 'knex';

/**
 * An escalation email's body leaves the outbox row (issue 14): the module's own template is kept
 * once per distinct skeleton (the rendered parts with the per-email values cut out) in
 * `mail_skeletons`, keyed by the sha256 of its JSON, and a row keeps that key and its values
 * (`skeleton_hash`, `skeleton_values`, a JSON list), its `html` and `text` left empty. The sender
 * fills the body when it claims the row. Rows written before (and digests, bell entries, webhooks,
 * host-edited templates) keep their body and no key, and are sent as they are. Skeleton rows are
 * never deleted: they are few (languages x shapes x template versions) and any row may name one.
 */
export async function up(knex: Knex, prefix: string): Promise<void> {
  await knex.schema.createTable(`${prefix}sla_vigil_mail_skeletons`, (t) => {
    t.string('hash', 64).primary();
    t.text('body', 'mediumtext').notNullable();
    t.dateTime('created_at', { precision: 3 }).notNullable();
  });
  await knex.schema.alterTable(`${prefix}sla_vigil_outbox`, (t) => {
    t.string('skeleton_hash', 64).nullable();
    t.text('skeleton_values', 'mediumtext').nullable();
  });
}

interface Cut {
  literals: string[];
  fields: number[];
}

/** Puts the body back into every row that names a skeleton (filled as the sender fills it). */
export async function down(knex: Knex, prefix: string): Promise<void> {
  const table = `${prefix}sla_vigil_outbox`;
  const skeletons = new Map<string, { html: Cut; text: Cut }>(
    (await knex(`${prefix}sla_vigil_mail_skeletons`).select('hash', 'body')).map(
      (r: { hash: string; body: string }) => [r.hash, JSON.parse(r.body) as { html: Cut; text: Cut }],
    ),
  );
  const fill = ({ literals, fields }: Cut, values: readonly string[]): string =>
    literals.reduce((out, literal, i) => (i === 0 ? literal : out + values[fields[i - 1]] + literal), '');
  for (;;) {
    const rows: { id: number; skeleton_hash: string; skeleton_values: string }[] = await knex(table)
      .whereNotNull('skeleton_hash')
      .select('id', 'skeleton_hash', 'skeleton_values')
      .orderBy('id')
      .limit(500);
    if (rows.length === 0) break;
    for (const row of rows) {
      const skeleton = skeletons.get(row.skeleton_hash);
      const values = JSON.parse(row.skeleton_values) as string[];
      await knex(table)
        .where('id', row.id)
        .update({
          html: skeleton ? fill(skeleton.html, values.map(ejs.escapeXML)) : '',
          text: skeleton ? fill(skeleton.text, values) : '',
          skeleton_hash: null,
          skeleton_values: null,
        });
    }
  }
  await knex.schema.alterTable(table, (t) => {
    t.dropColumn('skeleton_hash');
    t.dropColumn('skeleton_values');
  });
  await knex.schema.dropTable(`${prefix}sla_vigil_mail_skeletons`);
}
