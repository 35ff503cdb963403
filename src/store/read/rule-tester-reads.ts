import type { Knex } from 'knex';
import { utcFromSql } from '../datetime';
import {
  SNAPSHOT_COLUMNS,
  snapshotFromRow,
  type SnapshotRow,
  type SubjectSnapshot,
} from '../subject-repository';
import { PERFEX_CLOSED_STATUS } from '../../host/perfex/perfex-statuses';

/**
 * The read-only queries of the rule tester: pages of ticket snapshots, newest first (Perfex
 * ticket ids grow with creation), and creation times. Nothing here writes.
 */
export class RuleTesterReads {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private get subjects(): string {
    return `${this.prefix}sla_vigil_subjects`;
  }

  /** Live tickets with id < beforeId (null = from the newest), newest first; `openOnly` drops closed and merged ones. */
  async page(
    beforeId: number | null,
    limit: number,
    openOnly: boolean,
    trx?: Knex.Transaction,
  ): Promise<SubjectSnapshot[]> {
    const q = (trx ?? this.db)(this.subjects)
      .select(...SNAPSHOT_COLUMNS)
      .where({ subject_type: 'ticket', deleted: false })
      .orderBy('subject_id', 'desc')
      .limit(limit);
    if (beforeId !== null) q.where('subject_id', '<', beforeId);
    if (openOnly) q.whereNot('status', PERFEX_CLOSED_STATUS).whereNull('merged_into');
    const rows: SnapshotRow[] = await q;
    return rows.map((r) => snapshotFromRow(r, false));
  }

  /** Open leads (not deleted, not lost, junk or converted) with id < beforeId, newest first, with their market and source. */
  async openLeadsPage(
    beforeId: number | null,
    limit: number,
    trx?: Knex.Transaction,
  ): Promise<SubjectSnapshot[]> {
    const q = (trx ?? this.db)(this.subjects)
      .select(...SNAPSHOT_COLUMNS, 'country', 'source')
      .where({ subject_type: 'lead', deleted: false })
      .whereNull('ended')
      .orderBy('subject_id', 'desc')
      .limit(limit);
    if (beforeId !== null) q.where('subject_id', '<', beforeId);
    const rows: (SnapshotRow & { country: number | null; source: number | null })[] = await q;
    return rows.map((r) => ({ ...snapshotFromRow(r, false), country: r.country, source: r.source }));
  }

  /** When each ticket was created, from its recorded `created` event (found through the dedupe index). */
  async createdAt(ids: readonly number[]): Promise<Map<number, Date>> {
    if (ids.length === 0) return new Map();
    const rows: { subject_id: number; occurred_at: string }[] = await this.db(
      `${this.prefix}sla_vigil_timeline`,
    )
      .select('subject_id', 'occurred_at')
      .where({ subject_type: 'ticket', dedupe_key: 'created' })
      .whereIn('subject_id', ids);
    return new Map(rows.map((r) => [r.subject_id, utcFromSql(r.occurred_at)]));
  }
}
