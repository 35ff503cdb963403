import type { Knex } from 'knex';
import { num, selectRows, sqlTime } from '../read/sla-sql';
import { rollupTables, type RollupTables } from './rollup-tables';

/** Open subjects of one group of the live rollup, by the ranks stored. */
export interface LiveGroup {
  department: number;
  assigned: number;
  country: number;
  hasPolicy: boolean;
  /** Rank of the most urgent stored running clock; null: none runs. */
  runningRank: number | null;
  stateRank: number;
  count: number;
}

/** A subject whose running clock passed its warning or due time since the last tick. */
export interface LiveCorrection {
  department: number;
  assigned: number;
  country: number;
  /** Its stored running rank, and the live one (0 breached, 1 at risk). */
  runningRank: number;
  stateRank: number;
  liveRank: number;
}

/** Settled-clock figures of one group of days. */
export interface DayTotals {
  group: string | number;
  finished: number;
  onTime: number;
  breaches: number;
}

/** `AND <column> IN (...)` for a department scope (nothing when undefined; nothing matches when empty). */
export function departmentFilter(
  column: string,
  departments: readonly number[] | undefined,
): { sql: string; bindings: number[] } {
  if (!departments) return { sql: '', bindings: [] };
  if (departments.length === 0) return { sql: ' AND 1 = 0', bindings: [] };
  return { sql: ` AND ${column} IN (${departments.map(() => '?').join(', ')})`, bindings: [...departments] };
}

/**
 * Reads of the rollups (rollup-writer.ts keeps them). Live counts are the stored ranks grouped (a
 * covering index scan of one narrow row per open subject) corrected by the running clocks whose
 * warning or due time has passed since the tick stored their state: those have `next_check_at` at
 * or before it (the tick's own index), so the correction is a range read of what the next tick
 * will move, and the counts are what effectiveStateOf says at `now`.
 */
export class RollupReads {
  private readonly t: RollupTables;

  constructor(
    private readonly db: Knex,
    prefix: string,
  ) {
    this.t = rollupTables(prefix);
  }

  /** The zone the rollups are built for; null before the first build. */
  async readyZone(): Promise<string | null> {
    const rows = await selectRows<{ zone: string }>(
      this.db,
      `SELECT zone FROM ${this.t.meta} WHERE id = 1`,
      [],
    );
    return rows[0]?.zone ?? null;
  }

  /** Whether the rollups are built and count local days in `zone`. */
  async readyFor(zone: string): Promise<boolean> {
    return (await this.readyZone()) === zone;
  }

  async liveGroups(subjectType: string, departments?: readonly number[]): Promise<LiveGroup[]> {
    const scope = departmentFilter('department', departments);
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT department, assigned, country, has_policy, running_rank, state_rank, COUNT(*) AS n
         FROM ${this.t.live}
        WHERE subject_type = ?${scope.sql}
        GROUP BY department, assigned, has_policy, running_rank, state_rank, country`,
      [subjectType, ...scope.bindings],
    );
    return rows.map((r) => ({
      department: num(r.department),
      assigned: num(r.assigned),
      country: num(r.country),
      hasPolicy: num(r.has_policy) === 1,
      runningRank: r.running_rank === null ? null : num(r.running_rank),
      stateRank: num(r.state_rank),
      count: num(r.n),
    }));
  }

  async corrections(
    subjectType: string,
    now: Date,
    departments?: readonly number[],
  ): Promise<LiveCorrection[]> {
    const at = sqlTime(now);
    const scope = departmentFilter('m.department', departments);
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT m.department, m.assigned, m.country, m.running_rank, m.state_rank, p.live_rank
         FROM (SELECT c.subject_type, c.subject_id, MIN(CASE WHEN c.due_at <= ? THEN 0 ELSE 1 END) AS live_rank
                 FROM ${this.t.clocks} c
                WHERE c.next_check_at <= ? AND c.subject_type = ? AND c.met_at IS NULL AND c.ended_at IS NULL
                  AND c.scope = 'customer' AND c.state IN ('on_track', 'at_risk')
                  AND (c.due_at <= ? OR (c.state = 'on_track' AND c.warn_at <= ?))
                GROUP BY c.subject_type, c.subject_id) p
         JOIN ${this.t.live} m ON m.subject_type = p.subject_type AND m.subject_id = p.subject_id
        WHERE m.has_policy = 1 AND m.running_rank > p.live_rank${scope.sql}`,
      [at, at, subjectType, at, at, ...scope.bindings],
    );
    return rows.map((r) => ({
      department: num(r.department),
      assigned: num(r.assigned),
      country: num(r.country),
      runningRank: num(r.running_rank),
      stateRank: num(r.state_rank),
      liveRank: num(r.live_rank),
    }));
  }

  /**
   * Settled figures of the local days in [fromDay, toDay) (YYYY-MM-DD), per `groupBy` column (or
   * one row), of one scope.
   */
  async dayTotals(
    subjectType: string,
    scope: 'customer' | 'internal',
    fromDay: string,
    toDay: string,
    groupBy: 'day' | 'department' | null,
    departments?: readonly number[],
  ): Promise<DayTotals[]> {
    if (fromDay >= toDay) return [];
    const filter = departmentFilter('department', departments);
    const group =
      groupBy === 'day' ? `DATE_FORMAT(day, '%Y-%m-%d')` : groupBy === 'department' ? 'department' : "''";
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT ${group} AS g, SUM(finished) AS finished, SUM(on_time) AS on_time, SUM(breaches) AS breaches
         FROM ${this.t.days}
        WHERE subject_type = ? AND scope = ? AND day >= ? AND day < ?${filter.sql}
        ${groupBy ? 'GROUP BY g' : ''}`,
      [subjectType, scope, fromDay, toDay, ...filter.bindings],
    );
    return rows.map((r) => ({
      group: groupBy === 'department' ? num(r.g) : String(r.g),
      finished: num(r.finished),
      onTime: num(r.on_time),
      breaches: num(r.breaches),
    }));
  }
}
