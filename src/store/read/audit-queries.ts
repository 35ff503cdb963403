import type { Knex } from 'knex';
import { utcFromSql, utcToSql } from '../datetime';

/** Which audit rows to show; every field optional. `staffId: null` = automatic actions (no staff). */
export interface AuditFilter {
  action?: string;
  staffId?: number | null;
  ticketId?: number;
  from?: Date;
  to?: Date;
}

export interface AuditRow {
  id: number;
  action: string;
  staffId: number | null;
  subjectType: string | null;
  subjectId: number | null;
  /** As stored: JSON text, or null. */
  details: string | null;
  createdAt: Date;
}

interface Row {
  id: number | string;
  action: string;
  staff_id: number | null;
  subject_type: string | null;
  subject_id: number | null;
  details: string | null;
  created_at: string;
}

/** Reads the audit log newest first (created_at, then id, both descending). */
export class AuditQueries {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private filtered(filter: AuditFilter): Knex.QueryBuilder {
    const q = this.db(`${this.prefix}sla_vigil_audit_log`);
    if (filter.action !== undefined) q.where('action', filter.action);
    if (filter.staffId === null) q.whereNull('staff_id');
    else if (filter.staffId !== undefined) q.where('staff_id', filter.staffId);
    if (filter.ticketId !== undefined) q.where({ subject_type: 'ticket', subject_id: filter.ticketId });
    if (filter.from) q.where('created_at', '>=', utcToSql(filter.from));
    if (filter.to) q.where('created_at', '<', utcToSql(filter.to));
    return q;
  }

  async count(filter: AuditFilter): Promise<number> {
    const [row] = await this.filtered(filter).count({ n: '*' });
    return Number(row.n);
  }

  async page(filter: AuditFilter, offset: number, limit: number): Promise<AuditRow[]> {
    const rows: Row[] = await this.filtered(filter)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(offset)
      .limit(limit);
    return rows.map(toAuditRow);
  }

  /** Every matching row, newest first, a batch at a time (keyset paging: no growing OFFSET). */
  async *eachBatch(filter: AuditFilter, batchSize = 1000): AsyncGenerator<AuditRow[]> {
    let after: AuditRow | null = null;
    for (;;) {
      const q = this.filtered(filter);
      if (after) {
        const at = utcToSql(after.createdAt);
        const id = after.id;
        q.where((w) =>
          w.where('created_at', '<', at).orWhere((x) => x.where('created_at', at).where('id', '<', id)),
        );
      }
      const rows: Row[] = await q
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(batchSize);
      if (rows.length === 0) return;
      const batch = rows.map(toAuditRow);
      yield batch;
      if (rows.length < batchSize) return;
      after = batch[batch.length - 1];
    }
  }

  /**
   * The name a calendar or policy had when it was last deleted (from its audit row's `before`), or
   * null: the confirmation after a delete names what is gone. Only the newest few deletions are
   * read, which is where a redirect right after deleting finds its own.
   */
  async deletedName(kind: 'calendar' | 'policy', key: string): Promise<string | null> {
    const rows: { details: string | null }[] = await this.db(`${this.prefix}sla_vigil_audit_log`)
      .select('details')
      .where('action', `config.delete_${kind}`)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(20);
    for (const row of rows) {
      const details = parseDetails(row.details);
      if (details?.key !== key) continue;
      const before = details.before as { name?: unknown } | null | undefined;
      return typeof before?.name === 'string' ? before.name : null;
    }
    return null;
  }

  /** The actions that occur in the log, for the filter's choices. */
  async actions(): Promise<string[]> {
    return this.db(`${this.prefix}sla_vigil_audit_log`).distinct('action').orderBy('action').pluck('action');
  }
}

function parseDetails(details: string | null): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(details ?? 'null');
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function toAuditRow(r: Row): AuditRow {
  return {
    id: Number(r.id),
    action: r.action,
    staffId: r.staff_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details: r.details,
    createdAt: utcFromSql(r.created_at),
  };
}
