import type { Knex } from 'knex';
import { utcFromSql } from '../datetime';
import { businessMinutesBetween, type CalendarLike } from '../../sla/calendar';
import type { PolicyBook } from '../../sla/policy/policy-book';
import { lastLocalDays } from './local-day-series';
import { RollupReads } from '../rollups/rollup-reads';
import { STATE_RANK } from '../../sla/clocks/live-state';
import { EFFECTIVE_STATE, RUNNING_CLOCK, num, selectRows, sqlTime } from './sla-sql';

/** A lead the module still watches: not deleted, and not lost, junk or converted (`ended`). */
const OPEN_LEAD = `s.subject_type = 'lead' AND s.deleted = 0 AND s.ended IS NULL`;

/** No calendar: every minute counts (wall-clock), as the reports count a clock without one. */
const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

/** Open leads breached right now in one market (country id; 0 = none). */
export interface MarketBreaches {
  country: number;
  count: number;
}

/** Time to first action of the leads in one group (market or source), in minutes. */
export interface FirstActionStats {
  id: number;
  leads: number;
  mean: number;
  median: number;
}

export interface FirstActionReport {
  byCountry: FirstActionStats[];
  bySource: FirstActionStats[];
}

interface FirstCycleRow {
  country: number | null;
  source: number | null;
  policy_id: number | null;
  started_at: string;
  met_at: string;
  paused_minutes: string | number;
  met_minutes: string | number | null;
}

/**
 * The dashboard's lead numbers. "First action" on a lead is the moment it first left the status
 * it was created in (a status change, lost, junk or converted), measured from its creation:
 * - when its initial status has a window, as its first status_time clock (cycle 1) counted it when
 *   met: business minutes on the calendar of the policy that governed that clock, held time deducted;
 * - otherwise from its timeline (created, then the first status_changed / lost / junk / converted),
 *   in business minutes on the calendar of the policy governing it now, and wall-clock minutes when
 *   no policy governs it or the policy has no calendar.
 * The period picks leads whose first action fell in it; a lead that never left its first status
 * is not measured (it has no first action yet).
 */
export class LeadDashboardService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly policyBook: () => Promise<PolicyBook>,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  /** Whether the module has ever seen a lead (the dashboard shows its lead section only then). */
  async hasLeads(): Promise<boolean> {
    const row = (await this.db(this.t('subjects')).where('subject_type', 'lead').first('subject_id')) as
      { subject_id: number } | undefined;
    return row !== undefined;
  }

  /**
   * Open leads with at least one running clock breached at `now`, per market, most first: from the
   * live rollup (src/store/rollups/) once built, else from the clocks (the reference).
   */
  async breachedByCountry(now: Date): Promise<MarketBreaches[]> {
    const rollups = new RollupReads(this.db, this.prefix);
    if ((await rollups.readyZone()) === null) return this.breachedByCountryFromClocks(now);
    const [groups, corrections] = await Promise.all([
      rollups.liveGroups('lead'),
      rollups.corrections('lead', now),
    ]);
    const counts = new Map<number, number>();
    const bump = (country: number, n: number) => counts.set(country, (counts.get(country) ?? 0) + n);
    for (const g of groups)
      if (g.hasPolicy && g.runningRank === STATE_RANK.breached) bump(g.country, g.count);
    for (const c of corrections) if (c.liveRank === STATE_RANK.breached) bump(c.country, 1);
    return [...counts]
      .filter(([, n]) => n > 0)
      .map(([country, count]) => ({ country, count }))
      .sort((a, b) => b.count - a.count || a.country - b.country);
  }

  /** breachedByCountry over the clocks: one EXISTS per open lead. */
  async breachedByCountryFromClocks(now: Date): Promise<MarketBreaches[]> {
    const at = sqlTime(now);
    const rows = await selectRows<{ country: number | null; n: unknown }>(
      this.db,
      `SELECT COALESCE(s.country, 0) AS country, COUNT(*) AS n
         FROM ?? s
        WHERE ${OPEN_LEAD} AND s.policy_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM ?? c
                       WHERE c.subject_type = s.subject_type AND c.subject_id = s.subject_id
                         AND ${RUNNING_CLOCK} AND (${EFFECTIVE_STATE}) = 'breached')
        GROUP BY COALESCE(s.country, 0) ORDER BY n DESC, country ASC`,
      [this.t('subjects'), this.t('clocks'), at, at],
    );
    return rows.map((r) => ({ country: Number(r.country ?? 0), count: num(r.n) }));
  }

  /** Mean and median time to first action per market and per source over the last `days` local days. */
  async firstAction(now: Date, zone: string, days: number): Promise<FirstActionReport> {
    const from = sqlTime(lastLocalDays(now, zone, days).from);
    const to = sqlTime(now);
    const [rows, book] = await Promise.all([
      selectRows<FirstCycleRow>(
        this.db,
        `SELECT s.country, s.source, c.policy_id, c.started_at, c.met_at, c.paused_minutes, c.met_minutes
           FROM ?? c
           JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id
          WHERE c.subject_type = 'lead' AND c.metric = 'status_time' AND c.cycle = 1 AND s.deleted = 0
            AND c.met_at IS NOT NULL AND c.met_at >= ? AND c.met_at <= ?`,
        [this.t('clocks'), this.t('subjects'), from, to],
      ),
      this.policyBook(),
    ]);
    const fromTimeline = await this.firstActionsWithoutClock(from, to);
    const measured = [
      ...rows.map((r) => ({
        country: Number(r.country ?? 0),
        source: Number(r.source ?? 0),
        minutes: minutesToFirstAction(r, book),
      })),
      ...fromTimeline.map((r) => {
        const calendar =
          (r.policy_id === null ? undefined : book.clockPolicy(r.policy_id)?.calendar) ?? ALWAYS_OPEN;
        return {
          country: Number(r.country ?? 0),
          source: Number(r.source ?? 0),
          minutes: Math.max(
            0,
            businessMinutesBetween(calendar, utcFromSql(r.created_at), utcFromSql(r.acted_at)),
          ),
        };
      }),
    ];
    return {
      byCountry: statsBy(measured, (m) => m.country),
      bySource: statsBy(measured, (m) => m.source),
    };
  }

  /** Leads without a first-stay clock: their creation and first move from the timeline. */
  private firstActionsWithoutClock(from: string, to: string): Promise<TimelineFirstAction[]> {
    return selectRows<TimelineFirstAction>(
      this.db,
      `SELECT s.country, s.source, s.policy_id, MIN(cr.occurred_at) AS created_at, MIN(e.occurred_at) AS acted_at
         FROM ?? s
         JOIN ?? cr ON cr.subject_type = s.subject_type AND cr.subject_id = s.subject_id AND cr.event_type = 'created'
         JOIN ?? e ON e.subject_type = s.subject_type AND e.subject_id = s.subject_id
                  AND e.event_type IN ('status_changed', 'lost', 'junk', 'converted')
        WHERE s.subject_type = 'lead' AND s.deleted = 0
          AND NOT EXISTS (SELECT 1 FROM ?? c WHERE c.subject_type = s.subject_type AND c.subject_id = s.subject_id
                                              AND c.metric = 'status_time' AND c.cycle = 1)
        GROUP BY s.subject_id, s.country, s.source, s.policy_id
       HAVING acted_at >= ? AND acted_at <= ?`,
      [this.t('subjects'), this.t('timeline'), this.t('timeline'), this.t('clocks'), from, to],
    );
  }
}

interface TimelineFirstAction {
  country: number | null;
  source: number | null;
  policy_id: number | null;
  created_at: string;
  acted_at: string;
}

function minutesToFirstAction(row: FirstCycleRow, book: PolicyBook): number {
  // Counted when the clock was met, on the calendar of that time: a later calendar edit changes nothing.
  if (row.met_minutes !== null) return Number(row.met_minutes);
  const calendar =
    (row.policy_id === null ? undefined : book.clockPolicy(row.policy_id)?.calendar) ?? ALWAYS_OPEN;
  const minutes = businessMinutesBetween(calendar, utcFromSql(row.started_at), utcFromSql(row.met_at));
  return Math.max(0, minutes - Number(row.paused_minutes));
}

/** Mean and median per group, groups in id order. */
export function statsBy<T extends { minutes: number }>(
  items: readonly T[],
  key: (item: T) => number,
): FirstActionStats[] {
  const groups = new Map<number, number[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item.minutes);
    groups.set(key(item), list);
  }
  return [...groups]
    .sort(([a], [b]) => a - b)
    .map(([id, minutes]) => {
      const sorted = [...minutes].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      return { id, leads: sorted.length, mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, median };
    });
}
