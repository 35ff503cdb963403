import type { Knex } from 'knex';
import { num, selectRows, sqlTime } from '../read/sla-sql';
import { rollupTables, type RollupTables } from './rollup-tables';
import { COUNTED_SUBJECT } from '../read/report-queries';

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

/** Settled figures of one scope and department, on one local day (null: today, from the clocks). */
export interface SettledCell {
  scope: string;
  day: string | null;
  department: number;
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
   * Every settled figure a dashboard period needs, per scope, local day and department: the whole
   * days in [fromDay, toDay) from the day rollup, and [todayFrom, todayTo] from the clocks (a range
   * of the `settled_at` index), so the scorecard, the top departments and the trend of one period
   * are one read of each.
   */
  async settledCells(
    subjectType: string,
    fromDay: string,
    toDay: string,
    today: { from: Date; to: Date },
    departments?: readonly number[],
  ): Promise<SettledCell[]> {
    const days = departmentFilter('department', departments);
    const live = departmentFilter('s.department', departments);
    const cell = (r: Record<string, unknown>, day: string | null): SettledCell => ({
      scope: String(r.scope),
      day,
      department: num(r.department),
      finished: num(r.finished),
      onTime: num(r.on_time),
      breaches: num(r.breaches),
    });
    const [rolled, fresh] = await Promise.all([
      fromDay < toDay
        ? selectRows<Record<string, unknown>>(
            this.db,
            `SELECT scope, DATE_FORMAT(day, '%Y-%m-%d') AS day, department,
                    SUM(finished) AS finished, SUM(on_time) AS on_time, SUM(breaches) AS breaches
               FROM ${this.t.days}
              WHERE subject_type = ? AND day >= ? AND day < ?${days.sql}
              GROUP BY scope, day, department`,
            [subjectType, fromDay, toDay, ...days.bindings],
          )
        : Promise.resolve([]),
      selectRows<Record<string, unknown>>(
        this.db,
        `SELECT c.scope, s.department, COUNT(*) AS finished, SUM(c.breached_at IS NULL) AS on_time,
                SUM(c.breached_at IS NOT NULL) AS breaches
           FROM ${this.t.clocks} c
           JOIN ${this.t.subjects} s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND ${COUNTED_SUBJECT}
          WHERE c.subject_type = ? AND c.settled_at >= ? AND c.settled_at <= ?${live.sql}
          GROUP BY c.scope, s.department`,
        [subjectType, sqlTime(today.from), sqlTime(today.to), ...live.bindings],
      ),
    ]);
    return [...rolled.map((r) => cell(r, String(r.day))), ...fresh.map((r) => cell(r, null))];
  }
}
