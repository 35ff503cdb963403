import type { Knex } from 'knex';
import { updateFromRows } from './update-from-rows';
import { utcFromSql, utcToSql } from './datetime';
import type { SubjectType } from '../sla/config/subject-types';

export type EscalationOutcome =
  | 'firing'
  | 'notified'
  | 'suppressed'
  | 'no_recipient'
  | 'action_pending'
  | 'action_running'
  | 'reassigned'
  | 'priority_raised'
  | 'action_failed'
  /** A webhook level's post is in the outbox (its delivery is logged there). */
  | 'webhook_queued'
  /** Never fired: the level had already passed when a manager saved the ladder and chose to skip it. */
  | 'skipped';

export interface NewEscalation {
  subjectId: number;
  metric: string;
  cycle: number;
  policyId: number;
  level: number;
  levelKey: string;
  triggerType: string;
  triggerMinutes: number | null;
  actionType: string;
  fireAt: Date;
}

/** A notify level recorded as `firing` whose notice was never written. */
export interface StalledNotice {
  id: number;
  subjectId: number;
  metric: string;
  cycle: number;
  policyId: number;
  levelKey: string;
  fireAt: Date;
}

export interface PendingAction {
  id: number;
  /** The kind of subject the action is for: each kind is applied through its own host writes. */
  subjectType: SubjectType;
  subjectId: number;
  level: number;
  metric: string;
  /** What the level decided when it fired (the ladder may have changed since). */
  details: { action: { type: string; staffId?: number; departmentId?: number }; targetPriority?: number };
}

/** The escalation log: one row per subject, metric, cycle, policy and level, ever. */
export class EscalationRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    readonly subjectType: SubjectType = 'ticket',
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_escalations`;
  }

  /**
   * Records many firings under the caller's subject locks, in three statements: the keys fired
   * before, one INSERT of the others, and their ids. Returns each row's new id, or null where the
   * level had fired before (the unique key), in the order given.
   */
  async insertManyOnce(
    rows: readonly { row: NewEscalation; details: Record<string, unknown> | null }[],
    now: Date,
    trx: Knex.Transaction,
  ): Promise<(number | null)[]> {
    if (rows.length === 0) return [];
    const keyOf = (r: NewEscalation) => firedKey(r.metric, r.cycle, r.policyId, r.levelKey);
    const subjectIds = [...new Set(rows.map((r) => r.row.subjectId))];
    const before = await this.firedKeys(subjectIds, trx);
    const seen = new Set<string>();
    const fresh = rows.filter(({ row }) => {
      const key = `${row.subjectId}|${keyOf(row)}`;
      if (before.get(row.subjectId)?.has(keyOf(row)) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    for (let i = 0; i < fresh.length; i += 500) {
      await trx(this.table)
        .insert(fresh.slice(i, i + 500).map(({ row, details }) => this.toInsert(row, now, 'firing', details)))
        .onConflict()
        .ignore();
    }
    const ids = new Map<string, number>();
    const inserted: {
      id: number | string;
      subject_id: number;
      metric: string;
      cycle: number;
      policy_id: number;
      level_key: string;
    }[] =
      fresh.length === 0
        ? []
        : await trx(this.table)
            .select('id', 'subject_id', 'metric', 'cycle', 'policy_id', 'level_key')
            .where({ subject_type: this.subjectType, fired_at: utcToSql(now), outcome: 'firing' })
            .whereIn('subject_id', [...new Set(fresh.map((f) => f.row.subjectId))]);
    for (const r of inserted)
      ids.set(`${r.subject_id}|${firedKey(r.metric, r.cycle, r.policy_id, r.level_key)}`, Number(r.id));
    if (inserted.length < fresh.length) {
      // Every fresh row was inserted under the caller's locks; one not found again would never
      // get an outcome (a level silently lost): fail the batch, which is retried one by one.
      throw new Error(`escalations: ${fresh.length} recorded, ${inserted.length} found again`);
    }
    const freshKeys = new Set(fresh.map(({ row }) => `${row.subjectId}|${keyOf(row)}`));
    const given = new Set<string>();
    return rows.map(({ row }) => {
      const key = `${row.subjectId}|${keyOf(row)}`;
      if (!freshKeys.has(key) || given.has(key)) return null;
      given.add(key);
      return ids.get(key) ?? null;
    });
  }

  /**
   * Writes many outcomes in one UPDATE per 500 (a scan's notices), joined with the rows' values
   * (updateFromRows): a `CASE id WHEN ...` list per column is walked for every row it sets.
   */
  async setOutcomes(
    outcomes: readonly { id: number; outcome: EscalationOutcome; details: Record<string, unknown> }[],
    trx: Knex.Transaction,
  ): Promise<void> {
    await updateFromRows(
      trx,
      this.table,
      'id',
      ['outcome', 'details'],
      outcomes.map((o) => ({ key: o.id, values: [o.outcome, JSON.stringify(o.details)] })),
      undefined,
      500,
    );
  }

  /**
   * Locks these subjects' rows (in id order, waiting for them, as every writer of a subject does):
   * two transactions writing notices about one subject then decide its cooldown one after the
   * other, as the scan's transaction did when it wrote them.
   */
  async lockSubjects(subjectIds: readonly number[], trx: Knex.Transaction): Promise<void> {
    if (subjectIds.length === 0) return;
    await trx(`${this.prefix}sla_vigil_subjects`)
      .select('subject_id')
      .where('subject_type', this.subjectType)
      .whereIn(
        'subject_id',
        [...new Set(subjectIds)].sort((a, b) => a - b),
      )
      .orderBy('subject_id')
      .forUpdate();
  }

  /**
   * Gives up on notify levels still `firing` that fired at or before `firedBy` (a notice that
   * could not be composed for that long): recorded as failed, with the reason, so the log says
   * so and the scans stop composing them. Returns their ids.
   */
  async abandonStalled(
    firedBy: Date,
    actionTypes: readonly string[],
    trx: Knex.Transaction,
  ): Promise<number[]> {
    const rows: { id: number | string }[] = await trx(this.table)
      .select('id')
      .where({ subject_type: this.subjectType, outcome: 'firing' })
      .where('fired_at', '<=', utcToSql(firedBy))
      .whereIn('action_type', actionTypes)
      .forUpdate();
    const ids = rows.map((r) => Number(r.id));
    if (ids.length > 0)
      await trx(this.table)
        .whereIn('id', ids)
        .where('outcome', 'firing')
        .update({
          outcome: 'action_failed',
          details: trx.raw(`JSON_SET(COALESCE(details, '{}'), '$.error', ?)`, [
            'the notice could not be composed within a day',
          ]),
        });
    return ids;
  }

  /** Of these escalations, the ones still `firing`, locked for the caller's transaction. */
  async lockFiringMany(ids: readonly number[], trx: Knex.Transaction): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    // Locked by primary key alone (the outcome filtered here): a condition on the outcome could
    // lead the read through the outcome index, locking the gaps a batch inserting its firings
    // needs (a deadlock with a worker firing other subjects).
    const rows: { id: number | string; outcome: string }[] = await trx(this.table)
      .select('id', 'outcome')
      .whereIn('id', [...ids])
      .forUpdate();
    return new Set(rows.filter((r) => r.outcome === 'firing').map((r) => Number(r.id)));
  }

  /**
   * Whether any notify level of this kind recorded at or before `firedBy` is still `firing`: what a
   * tick asks before resuming (nearly always no). No ORDER BY, so the read is a range of the
   * outcome index (subject_type, outcome, fired_at) and never a walk of the whole log by id.
   */
  async anyStalled(firedBy: Date, actionTypes: readonly string[]): Promise<boolean> {
    const rows: unknown[] = await this.db(this.table)
      .select('id')
      .where({ subject_type: this.subjectType, outcome: 'firing' })
      .where('fired_at', '<=', utcToSql(firedBy))
      .whereIn('action_type', actionTypes)
      .limit(1);
    return rows.length > 0;
  }

  /**
   * Notify levels of this kind recorded at or before `firedBy` whose notice was never written (the
   * process stopped between firing a level and sending its notice), oldest first, after `afterId`.
   */
  async stalledNotices(
    firedBy: Date,
    actionTypes: readonly string[],
    afterId: number,
    limit: number,
  ): Promise<StalledNotice[]> {
    const rows: {
      id: number | string;
      subject_id: number;
      metric: string;
      cycle: number;
      policy_id: number;
      level_key: string;
      fire_at: string | Date;
    }[] = await this.db(this.table)
      .select('id', 'subject_id', 'metric', 'cycle', 'policy_id', 'level_key', 'fire_at')
      .where({ subject_type: this.subjectType, outcome: 'firing' })
      .where('fired_at', '<=', utcToSql(firedBy))
      .whereIn('action_type', actionTypes)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map((r) => ({
      id: Number(r.id),
      subjectId: r.subject_id,
      metric: r.metric,
      cycle: r.cycle,
      policyId: r.policy_id,
      levelKey: r.level_key,
      fireAt: utcFromSql(r.fire_at),
    }));
  }

  /**
   * Records a level as skipped (it takes the level's unique key, so it never fires); null when the
   * level fired or was skipped before.
   */
  async insertSkipped(
    row: NewEscalation,
    details: Record<string, unknown>,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<number | null> {
    return this.insertWith(row, now, 'skipped', details, trx);
  }

  private async insertWith(
    row: NewEscalation,
    now: Date,
    outcome: EscalationOutcome,
    details: Record<string, unknown> | null,
    trx: Knex.Transaction,
  ): Promise<number | null> {
    const [id] = await trx(this.table)
      .insert(this.toInsert(row, now, outcome, details))
      .onConflict()
      .ignore();
    return Number(id) > 0 ? Number(id) : null;
  }

  private toInsert(
    row: NewEscalation,
    now: Date,
    outcome: EscalationOutcome,
    details: Record<string, unknown> | null,
  ): Record<string, unknown> {
    return {
      subject_type: this.subjectType,
      subject_id: row.subjectId,
      metric: row.metric,
      cycle: row.cycle,
      policy_id: row.policyId,
      level: row.level,
      level_key: row.levelKey,
      trigger_type: row.triggerType,
      trigger_minutes: row.triggerMinutes,
      action_type: row.actionType,
      fire_at: utcToSql(row.fireAt),
      fired_at: utcToSql(now),
      outcome,
      details: details ? JSON.stringify(details) : null,
    };
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

  /**
   * Writes the outcome of a level still `firing` (one whose notice could not be composed: its
   * level or clock is gone); false when it already has one.
   */
  async finishFiring(
    id: number,
    outcome: EscalationOutcome,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    // Merged into what was recorded when the level fired (policy, level, action).
    const updated = await this.db(this.table)
      .where({ id, outcome: 'firing' })
      .update({
        outcome,
        details: this.db.raw(`JSON_MERGE_PATCH(COALESCE(details, '{}'), ?)`, [JSON.stringify(details)]),
      });
    return updated === 1;
  }

  /**
   * Claims one host action decided inside a scan transaction (or left by a crash: a claim
   * older than five minutes is taken over). Null when there is none; two workers never get
   * the same one.
   */
  async claimAction(now: Date): Promise<PendingAction | null> {
    const stale = utcToSql(new Date(now.getTime() - 5 * 60_000));
    for (;;) {
      const row:
        | { id: number | string; subject_id: number; level: number; metric: string; details: string }
        | undefined = await this.db(this.table)
        // Each kind performs its own actions through its own host gateway.
        .where('subject_type', this.subjectType)
        .where((w) =>
          w
            .where('outcome', 'action_pending')
            .orWhere((q) => q.where('outcome', 'action_running').where('action_claimed_at', '<', stale)),
        )
        .orderBy('id')
        .first();
      if (!row) return null;
      const claimed = await this.db(this.table)
        .where('id', row.id)
        .where((q) =>
          q
            .where('outcome', 'action_pending')
            .orWhere((r) => r.where('outcome', 'action_running').where('action_claimed_at', '<', stale)),
        )
        .update({ outcome: 'action_running', action_claimed_at: utcToSql(now) });
      if (claimed === 1) return toPendingAction(row, this.subjectType);
    }
  }

  /**
   * Writes a claimed action's result, only while it is still claimed (`action_running`): false for
   * an id that is unknown, was never claimed or already has its result, which is left untouched.
   */
  async finishAction(
    id: number,
    outcome: EscalationOutcome,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    const updated = await this.db(this.table)
      .where({ id, outcome: 'action_running', subject_type: this.subjectType })
      .update({ outcome, details: JSON.stringify(details) });
    return updated === 1;
  }

  /** A claimed action (`action_running`) of this kind by its id; null for any other row or none. */
  async runningAction(id: number): Promise<PendingAction | null> {
    const row:
      | { id: number | string; subject_id: number; level: number; metric: string; details: string }
      | undefined = await this.db(this.table)
      .select('id', 'subject_id', 'level', 'metric', 'details')
      .where({ id, outcome: 'action_running', subject_type: this.subjectType })
      .first();
    return row ? toPendingAction(row, this.subjectType) : null;
  }

  /** Keys of the levels already fired for these subjects: `metric|cycle|policy|levelKey`. */
  async firedKeys(subjectIds: readonly number[], trx?: Knex.Transaction): Promise<Map<number, Set<string>>> {
    const bySubject = new Map<number, Set<string>>();
    if (subjectIds.length === 0) return bySubject;
    const rows: {
      subject_id: number;
      metric: string;
      cycle: number;
      policy_id: number;
      level_key: string;
    }[] = await (trx ?? this.db)(this.table)
      .select('subject_id', 'metric', 'cycle', 'policy_id', 'level_key')
      .where('subject_type', this.subjectType)
      .whereIn('subject_id', subjectIds);
    for (const r of rows) {
      const set = bySubject.get(r.subject_id) ?? new Set<string>();
      set.add(firedKey(r.metric, r.cycle, r.policy_id, r.level_key));
      bySubject.set(r.subject_id, set);
    }
    return bySubject;
  }

  async forSubject(subjectId: number): Promise<Record<string, unknown>[]> {
    return this.db(this.table).where({ subject_type: this.subjectType, subject_id: subjectId }).orderBy('id');
  }
}

export function firedKey(metric: string, cycle: number, policyId: number, levelKey: string): string {
  return `${metric}|${cycle}|${policyId}|${levelKey}`;
}

function toPendingAction(
  row: {
    id: number | string;
    subject_id: number;
    level: number;
    metric: string;
    details: string;
  },
  subjectType: SubjectType,
): PendingAction {
  return {
    id: Number(row.id),
    subjectType,
    subjectId: row.subject_id,
    level: row.level,
    metric: row.metric,
    details: JSON.parse(row.details) as PendingAction['details'],
  };
}
