import type { Knex } from 'knex';
import { utcToSql } from './datetime';
import type { Clock } from '../host/host-context';

export interface AuditEntry {
  action: string;
  staffId: number | null;
  subjectType?: string;
  subjectId?: number;
  details?: Record<string, unknown>;
}

/** Every automatic or manual action the module takes, written in the caller's transaction. */
export class AuditLog {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  async write(entry: AuditEntry, trx?: Knex.Transaction): Promise<void> {
    await this.writeMany([entry], trx);
  }

  /** Many entries in one INSERT per 500 (a scan's notices are audited together). */
  async writeMany(entries: readonly AuditEntry[], trx?: Knex.Transaction): Promise<void> {
    const createdAt = utcToSql(this.clock.now());
    for (let i = 0; i < entries.length; i += 500) {
      await (trx ?? this.db)(`${this.prefix}sla_vigil_audit_log`).insert(
        entries.slice(i, i + 500).map((entry) => ({
          action: entry.action,
          staff_id: entry.staffId,
          subject_type: entry.subjectType ?? null,
          subject_id: entry.subjectId ?? null,
          details: entry.details ? JSON.stringify(entry.details) : null,
          created_at: createdAt,
        })),
      );
    }
  }
}
