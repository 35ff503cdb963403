import type { Knex } from 'knex';
import { STATE_RANK } from '../../sla/clocks/live-state';
import { RollupReads, type SettledCell } from '../rollups/rollup-reads';
import { DashboardService, type LiveCounts, type RankedId, type SettledFigures } from './dashboard-service';
import { lastLocalDays, type DayPoint } from './local-day-series';

const RANKS = [STATE_RANK.breached, STATE_RANK.at_risk, STATE_RANK.on_track, STATE_RANK.paused] as const;

/**
 * The dashboard's numbers from the rollups (src/store/rollups/): the same figures as
 * DashboardService, whose queries over the clocks stay the reference (the equality tests run both)
 * and the fallback while the rollups are not built for the zone asked. Settled figures: whole
 * local days before today from the day rollup, today (up to `now`) from the clocks, a range read of
 * the `settled_at` index. Live counts: the stored ranks grouped, corrected by the clocks whose due or
 * warning time passed since the last tick.
 */
export class RollupDashboardService extends DashboardService {
  private readonly rollups: RollupReads;
  /**
   * Reads in flight, shared by the page's cards that run at once (Promise.all): the scorecard and
   * the top agents read the same live rows, every card the same build. Dropped when they settle,
   * so no later call sees an older answer.
   */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(db: Knex, prefix: string, departments?: readonly number[]) {
    super(db, prefix, departments);
    this.rollups = new RollupReads(db, prefix);
  }

  private shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const started = read().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private builtZone(): Promise<string | null> {
    return this.shared('zone', () => this.rollups.readyZone());
  }

  /** The live rows and the corrections at `now` (shared while in flight). */
  private live(now: Date) {
    return this.shared(`live:${now.getTime()}`, () =>
      Promise.all([
        this.rollups.liveGroups('ticket', this.departments),
        this.rollups.corrections('ticket', now, this.departments),
      ]),
    );
  }

  override scopedTo(departments: readonly number[] | undefined): RollupDashboardService {
    return new RollupDashboardService(this.db, this.prefix, departments);
  }

  protected override async liveCounts(now: Date): Promise<LiveCounts> {
    // Live counts need no zone: any build serves them.
    if ((await this.builtZone()) === null) return super.liveCounts(now);
    const [groups, corrections] = await this.live(now);
    const byRank = new Map<number, number>();
    const bump = (rank: number, n: number) => byRank.set(rank, (byRank.get(rank) ?? 0) + n);
    let underSla = 0;
    let noPolicy = 0;
    for (const g of groups) {
      if (!g.hasPolicy) {
        noPolicy += g.count;
        continue;
      }
      underSla += g.count;
      bump(g.runningRank ?? g.stateRank, g.count);
    }
    for (const c of corrections) {
      bump(c.runningRank, -1);
      bump(c.liveRank, 1);
    }
    const [breached, atRisk, onTrack, paused] = RANKS.map((r) => byRank.get(r) ?? 0);
    return { openUnderSla: underSla, breached, atRisk, onTrack, paused, noPolicy };
  }

  /** The settled cells of one period (shared by the cards that read the same one at once). */
  private cells(
    kind: 'ticket' | 'lead',
    split: { fromDay: string; today: string; todayStart: Date },
    now: Date,
  ): Promise<SettledCell[]> {
    // Leads have no department: the viewer's scope does not apply to them.
    const departments = kind === 'ticket' ? this.departments : undefined;
    return this.shared(`cells:${kind}:${split.fromDay}:${now.getTime()}`, () =>
      this.rollups.settledCells(
        kind,
        split.fromDay,
        split.today,
        { from: split.todayStart, to: now },
        departments,
      ),
    );
  }

  protected override async settledFigures(from: Date, to: Date, zone: string): Promise<SettledFigures> {
    const split = await this.splitAtToday(from, to, zone);
    if (!split) return super.settledFigures(from, to, zone);
    const cells = await this.cells('ticket', split, to);
    const c = total(cells.filter((x) => x.scope === 'customer'));
    const i = total(cells.filter((x) => x.scope === 'internal'));
    return {
      finished: c.finished,
      onTime: c.onTime,
      breaches: c.breaches,
      internal: { finished: i.finished, onTime: i.onTime, breachesInPeriod: i.breaches },
    };
  }

  override async topBreachingDepartments(
    now: Date,
    zone: string,
    periodDays: number,
    limit = 5,
  ): Promise<RankedId[]> {
    const from = lastLocalDays(now, zone, periodDays).from;
    const split = await this.splitAtToday(from, now, zone);
    if (!split) return super.topBreachingDepartments(now, zone, periodDays, limit);
    const counts = new Map<number, number>();
    for (const c of await this.cells('ticket', split, now)) {
      if (c.scope === 'customer') counts.set(c.department, (counts.get(c.department) ?? 0) + c.breaches);
    }
    return [...counts]
      .filter(([, n]) => n > 0)
      .map(([id, count]) => ({ id, count }))
      .sort((a, b) => b.count - a.count || a.id - b.id)
      .slice(0, limit);
  }

  override async topOverdueAgents(now: Date, limit = 5): Promise<RankedId[]> {
    if ((await this.builtZone()) === null) return super.topOverdueAgents(now, limit);
    const [groups, corrections] = await this.live(now);
    // Overdue: a running clock breached now (the stored summary alone does not count here).
    const counts = new Map<number, number>();
    const bump = (id: number, n: number) => counts.set(id, (counts.get(id) ?? 0) + n);
    for (const g of groups)
      if (g.hasPolicy && g.runningRank === STATE_RANK.breached) bump(g.assigned, g.count);
    for (const c of corrections) if (c.liveRank === STATE_RANK.breached) bump(c.assigned, 1);
    return [...counts]
      .filter(([, n]) => n > 0)
      .map(([id, count]) => ({ id, count }))
      .sort((a, b) => b.count - a.count || a.id - b.id)
      .slice(0, limit);
  }

  override async trend(
    now: Date,
    zone: string,
    days: number,
    kind: 'ticket' | 'lead' = 'ticket',
  ): Promise<DayPoint[]> {
    const range = lastLocalDays(now, zone, days);
    const split = await this.splitAtToday(range.from, now, zone);
    if (!split) return super.trend(now, zone, days, kind);
    const byDay = new Map<string | null, { finished: number; onTime: number; breaches: number }>();
    for (const c of await this.cells(kind, split, now)) {
      if (c.scope !== 'customer') continue;
      const day = byDay.get(c.day) ?? { finished: 0, onTime: 0, breaches: 0 };
      day.finished += c.finished;
      day.onTime += c.onTime;
      day.breaches += c.breaches;
      byDay.set(c.day, day);
    }
    return range.days.map((day) => {
      // Today's cells come from the clocks (day null).
      const r = byDay.get(day === split.today ? null : day);
      const finished = r?.finished ?? 0;
      const onTime = r?.onTime ?? 0;
      return {
        day,
        finished,
        onTime,
        breaches: r?.breaches ?? 0,
        compliance: finished > 0 ? (100 * onTime) / finished : null,
      };
    });
  }

  /**
   * [from, to] as whole local days before today (from the rollups) and today up to `to` (from the
   * clocks), or null when the rollups cannot serve it: not built for this zone, or `from` not a
   * local midnight, or `to` not today.
   */
  private async splitAtToday(
    from: Date,
    to: Date,
    zone: string,
  ): Promise<{ fromDay: string; today: string; todayStart: Date } | null> {
    const today = lastLocalDays(to, zone, 1);
    const first = lastLocalDays(from, zone, 1);
    if (first.from.getTime() !== from.getTime() || from > today.from) return null;
    if ((await this.builtZone()) !== zone) return null;
    return { fromDay: first.days[0], today: today.days[0], todayStart: today.from };
  }
}

function total(rows: readonly SettledCell[]): { finished: number; onTime: number; breaches: number } {
  return rows.reduce(
    (a, r) => ({
      finished: a.finished + r.finished,
      onTime: a.onTime + r.onTime,
      breaches: a.breaches + r.breaches,
    }),
    { finished: 0, onTime: 0, breaches: 0 },
  );
}
