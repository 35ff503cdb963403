import type { Knex } from 'knex';
import { utcToSql } from './datetime';

export type EscalationOutcome =
  | 'firing'
  | 'notified'
  | 'suppressed'
  | 'no_recipient'
  | 'action_pending'
  | 'reassigned'
  | 'priority_raised'
  | 'action_failed';

export interface NewEscalation {
  subjectId: number;
  metric: string;
  cycle: number;
  policyId: number;
  level: number;
  triggerType: string;
  triggerMinutes: number | null;
  actionType: string;
  fireAt: Date;
}

export interface PendingAction {
  id: number;
  subjectId: number;
  policyId: number;
  level: number;
  metric: string;
  actionType: string;
}

/** The escalation log: one row per subject, metric, cycle, policy and level, ever. */
export class EscalationRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_escalations`;
  }

  /** Records a firing; null when this level already fired for this cycle (the unique key). */
  async insertOnce(row: NewEscalation, now: Date, trx: Knex.Transaction): Promise<number | null> {
    const [id] = await trx(this.table)
      .insert({
        subject_type: 'ticket',
        subject_id: row.subjectId,
        metric: row.metric,
        cycle: row.cycle,
        policy_id: row.policyId,
        level: row.level,
        trigger_type: row.triggerType,
        trigger_minutes: row.triggerMinutes,
        action_type: row.actionType,
        fire_at: utcToSql(row.fireAt),
        fired_at: utcToSql(now),
        outcome: 'firing',
      })
      .onConflict()
      .ignore();
    return Number(id) > 0 ? Number(id) : null;
  }

  async setOutcome(
    id: number,
    outcome: EscalationOutcome,
    details: Record<string, unknown> | null,
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db)(this.table)
      .where('id', id)
      .update({ outcome, details: details ? JSON.stringify(details) : null });
  }

  /** Host writes decided inside a scan transaction, performed after it (and after a crash). */
  async pendingActions(limit: number): Promise<PendingAction[]> {
    const rows: {
      id: number | string;
      subject_id: number;
      policy_id: number;
      level: number;
      metric: string;
      action_type: string;
    }[] = await this.db(this.table).where('outcome', 'action_pending').orderBy('id').limit(limit);
    return rows.map((r) => ({
      id: Number(r.id),
      subjectId: r.subject_id,
      policyId: r.policy_id,
      level: r.level,
      metric: r.metric,
      actionType: r.action_type,
    }));
  }

  /** Keys of the levels already fired for these subjects: `metric|cycle|policy|level`. */
  async firedKeys(subjectIds: readonly number[], trx?: Knex.Transaction): Promise<Map<number, Set<string>>> {
    const bySubject = new Map<number, Set<string>>();
    if (subjectIds.length === 0) return bySubject;
    const rows: { subject_id: number; metric: string; cycle: number; policy_id: number; level: number }[] =
      await (trx ?? this.db)(this.table)
        .select('subject_id', 'metric', 'cycle', 'policy_id', 'level')
        .where('subject_type', 'ticket')
        .whereIn('subject_id', subjectIds);
    for (const r of rows) {
      const set = bySubject.get(r.subject_id) ?? new Set<string>();
      set.add(firedKey(r.metric, r.cycle, r.policy_id, r.level));
      bySubject.set(r.subject_id, set);
    }
    return bySubject;
  }

  async forSubject(subjectId: number): Promise<Record<string, unknown>[]> {
    return this.db(this.table).where({ subject_type: 'ticket', subject_id: subjectId }).orderBy('id');
  }
}

export function firedKey(metric: string, cycle: number, policyId: number, level: number): string {
  return `${metric}|${cycle}|${policyId}|${level}`;
}
