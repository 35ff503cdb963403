import type { Knex } from 'knex';

/**
 * A scan that recomputed at least this many subjects resamples the statistics of the tables it
 * rewrote: the first scan of an existing helpdesk, a policy edit that recomputes every ticket.
 */
export const ANALYZE_AFTER_RECOMPUTES = 10_000;

/**
 * InnoDB resamples an index's statistics in the background once about a tenth of its table
 * changed, at a moment of its choosing. After a bulk write by the module, the statistics the
 * optimizer plans with can be those of a nearly empty table: at 100 000 tickets the host's list
 * sorted by SLA then joined every ticket to its name tables before sorting instead of sorting the
 * tickets first, 2.4x as slow (BENCHMARKS.md, "Issue 14 at a million tickets"). ANALYZE TABLE
 * samples a few pages per index (milliseconds) and makes the plan the same on every install.
 */
export class TableStatistics {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly afterRecomputes = ANALYZE_AFTER_RECOMPUTES,
  ) {}

  /** Resamples the subjects' and clocks' statistics when `recomputed` reached the threshold. */
  async refreshAfter(recomputed: number): Promise<boolean> {
    if (recomputed < this.afterRecomputes) return false;
    await this.db.raw('ANALYZE TABLE ??, ??', [
      `${this.prefix}sla_vigil_subjects`,
      `${this.prefix}sla_vigil_clocks`,
    ]);
    return true;
  }
}
