import type { Knex } from 'knex';

/**
 * Rows per statement for the tick's bulk updates: a tick's batch (TICK_BATCH subjects, see
 * clock-service.ts) in one statement per table. The derived table stays linear in its rows.
 */
export const ROWS_PER_UPDATE = 1000;

/** One row's new values: its key, then one value per column, in the columns' order. */
export interface KeyedValues {
  key: number;
  values: readonly Knex.Value[];
}

/**
 * Sets `columns` of many rows of `table` to per-row values, one statement per `perStatement` rows:
 * the table joined by `keyColumn` with a derived table of the values (`SELECT ? AS k, ? AS v0 ...
 * UNION ALL SELECT ...`), `where` (on alias `t`) narrowing the rows further; a single row (a hook's)
 * is a plain keyed UPDATE, with no derived table to build. Linear in the rows: an `UPDATE ... SET c
 * = CASE key WHEN ... END` walks its WHEN list for every row and column, which made the tick's
 * updates of 500 rows several times slower (BENCHMARKS.md, scan section). Plain UNION ALL runs on
 * every MySQL and MariaDB version (JSON_TABLE would need MariaDB 10.6 / MySQL 8). The caller holds
 * the rows' locks.
 */
export async function updateFromRows(
  trx: Knex | Knex.Transaction,
  table: string,
  keyColumn: string,
  columns: readonly string[],
  rows: readonly KeyedValues[],
  where: { sql: string; bindings: readonly Knex.Value[] } = { sql: '1 = 1', bindings: [] },
  perStatement = ROWS_PER_UPDATE,
): Promise<void> {
  if (columns.length === 0) return;
  if (rows.length === 1) {
    await trx.raw(
      `UPDATE ?? t SET ${columns.map((c) => `t.${c} = ?`).join(', ')} WHERE t.${keyColumn} = ? AND ${where.sql}`,
      [table, ...rows[0].values, rows[0].key, ...where.bindings],
    );
    return;
  }
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const first = `SELECT ? AS k, ${columns.map((_, c) => `? AS v${c}`).join(', ')}`;
    const rest = ` UNION ALL SELECT ?${', ?'.repeat(columns.length)}`;
    const bindings: Knex.Value[] = [table];
    for (const r of chunk) bindings.push(r.key, ...r.values);
    await trx.raw(
      `UPDATE ?? t JOIN (${first}${rest.repeat(chunk.length - 1)}) v ON t.${keyColumn} = v.k AND ${where.sql}
        SET ${columns.map((c, n) => `t.${c} = v.v${n}`).join(', ')}`,
      [...bindings, ...where.bindings],
    );
  }
}
