import type { Knex } from 'knex';
import { utcFromSql } from '../datetime';
import { COUNTED_SUBJECT } from './report-queries';
import type { ClockScope } from '../../sla/config';
import {
  QUARTER_OF,
  foldIntoLocalDays,
  lastLocalDays,
  type DayPoint,
  type QuarterBucket,
} from './local-day-series';
import { STATE_RANK } from '../../sla/clocks/live-state';
import {
  EFFECTIVE_STATE,
  OPEN_SUBJECT,
  RUNNING_CLOCK,
  num,
  selectRows,
  sqlTime,
  stateRankSql,
} from './sla-sql';

/**
 * Breaches in a range are read by `settled_at` (a breached clock settled when it breached: the
 * column is COALESCE(breached_at, met_at)), whose index serves the range; `breached_at` has none.
 *
 * Clocks of the tickets compliance counts (`s` joined to `c`; see COUNTED_SUBJECT), of one scope:
 * the customer's SLA (every count the dashboard had before OLAs) or the teams' internal targets.
 */
const countedClocks = (scope: ClockScope): string =>
  `?? c JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND ${COUNTED_SUBJECT} ` +
  `AND c.scope = '${scope === 'internal' ? 'internal' : 'customer'}'`;
const COUNTED_CLOCKS = countedClocks('customer');

export interface Scorecard {
  /** The last `periodDays` local days in the host zone, today included (as the reports count them). */
  periodDays: number;
  /** Clocks that finished in the period (met, met late, or ended unmet after their due time). */
  finished: number;
  onTime: number;
  /** onTime / finished in percent; null when nothing finished. */
  onTimePercent: number | null;
  breachesInPeriod: number;
  /** Open tickets with a policy. */
  openUnderSla: number;
  /** Open tickets by the most urgent state of their running clocks. */
  breached: number;
  atRisk: number;
  onTrack: number;
  paused: number;
  /** Open tickets no policy matches: the blind spot. */
  noPolicy: number;
  /**
   * The teams' internal targets (OLAs) in the same period, counted apart: the figures above are
   * the customer SLA's alone.
   */
  internal: { finished: number; onTime: number; onTimePercent: number | null; breachesInPeriod: number };
}

/** Open tickets by live state (Scorecard's live half). */
export type LiveCounts = Pick<
  Scorecard,
  'openUnderSla' | 'breached' | 'atRisk' | 'onTrack' | 'paused' | 'noPolicy'
>;

/** Clocks settled in a span, the customer's and the internal ones. */
export interface SettledFigures {
  finished: number;
  onTime: number;
  breaches: number;
  internal: { finished: number; onTime: number; breachesInPeriod: number };
}

export interface RankedId {
  id: number;
  count: number;
}

/** The kinds of line the activity timeline shows, in the order equal instants are listed. */
export const ACTIVITY_KINDS = ['escalation', 'breach', 'config'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** One page of the timeline: its lines and whether an older page follows. */
export interface ActivityPage {
  items: ActivityItem[];
  hasMore: boolean;
}

/** Which lines and which page: `page` counts from 1, `kinds` empty or absent means all. */
export interface ActivityQuery {
  kinds?: readonly ActivityKind[];
  page?: number;
  pageSize?: number;
}

export type ActivityItem =
  | {
      kind: 'escalation';
      /** Row id in the kind's own table: the tiebreak between lines of one kind at one instant. */
      id: number;
      at: Date;
      subjectId: number;
      metric: string;
      level: number;
      actionType: string;
      outcome: string;
    }
  | { kind: 'breach'; id: number; at: Date; subjectId: number; metric: string; cycle: number }
  | { kind: 'config'; id: number; at: Date; action: string; staffId: number | null; key: string | null };

interface EscalationRow {
  id: number;
  subject_id: number;
  metric: string;
  level: number;
  action_type: string;
  outcome: string;
  fired_at: string;
}
interface BreachRow {
  id: number;
  subject_id: number;
  metric: string;
  cycle: number;
  breached_at: string;
}
interface ChangeRow {
  id: number;
  action: string;
  staff_id: number | null;
  details: string | null;
  created_at: string;
}

/** The timeline's total order: newest instant, then kind (ACTIVITY_KINDS), then newest row id. */
export function newestFirst(a: ActivityItem, b: ActivityItem): number {
  return (
    b.at.getTime() - a.at.getTime() ||
    ACTIVITY_KINDS.indexOf(a.kind) - ACTIVITY_KINDS.indexOf(b.kind) ||
    b.id - a.id
  );
}

export interface SetupStatus {
  calendars: number;
  policies: number;
}

/**
 * The dashboard's numbers. Every method is one or two aggregate queries (counts grouped in
 * SQL, LIMITed lists), so the cost does not grow with the clocks kept in memory; `now` comes in
 * from the caller (the host clock) so results are reproducible.
 */
export class DashboardService {
  constructor(
    protected readonly db: Knex,
    protected readonly prefix: string,
    /** Only tickets of these departments (the viewer's access scope); undefined: every ticket. */
    protected readonly departments?: readonly number[],
  ) {}

  /** The same numbers over the tickets of these departments only (undefined: all). */
  scopedTo(departments: readonly number[] | undefined): DashboardService {
    return new DashboardService(this.db, this.prefix, departments);
  }

  /** `AND s.department IN (...)` for a scoped dashboard (nothing otherwise), with its bindings. */
  protected scope(): { sql: string; bindings: number[] } {
    if (!this.departments) return { sql: '', bindings: [] };
    if (this.departments.length === 0) return { sql: ' AND 1 = 0', bindings: [] };
    return {
      sql: ` AND s.department IN (${this.departments.map(() => '?').join(', ')})`,
      bindings: [...this.departments],
    };
  }

  protected t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  /**
   * The period is whole local days, like the reports and the trend: `period=30` counts exactly
   * the clocks a report for the same 30 days counts, so both show the same on-time %.
   */
  protected period(now: Date, zone: string, days: number): { from: string; to: string } {
    return { from: sqlTime(lastLocalDays(now, zone, days).from), to: sqlTime(now) };
  }

  async scorecard(now: Date, zone: string, periodDays: number): Promise<Scorecard> {
    const [live, settled] = await Promise.all([
      this.liveCounts(now),
      this.settledFigures(lastLocalDays(now, zone, periodDays).from, now, zone),
    ]);
    const { finished, onTime, internal } = settled;
    return {
      periodDays,
      finished,
      onTime,
      onTimePercent: finished > 0 ? (100 * onTime) / finished : null,
      breachesInPeriod: settled.breaches,
      ...live,
      internal: {
        ...internal,
        onTimePercent: internal.finished > 0 ? (100 * internal.onTime) / internal.finished : null,
      },
    };
  }

  /** Open tickets by live state: the scorecard's left half. */
  protected async liveCounts(now: Date): Promise<LiveCounts> {
    const at = sqlTime(now);
    // A ticket's state as the monitor and the host list read it (live-state.ts): its most urgent
    // running clock's (the lowest rank), else what the subject stored.
    const rank = `COALESCE(w.urgent, ${stateRankSql('s.sla_state')})`;
    const scope = this.scope();
    const count = (state: keyof typeof STATE_RANK) =>
      `SUM(s.policy_id IS NOT NULL AND ${rank} = ${STATE_RANK[state]}) AS ${state}`;
    const [live] = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT SUM(s.policy_id IS NOT NULL) AS under_sla, SUM(s.policy_id IS NULL) AS no_policy,
              ${count('breached')}, ${count('at_risk')}, ${count('on_track')}, ${count('paused')}
         FROM ?? s
         LEFT JOIN (
           SELECT c.subject_id, MIN(${stateRankSql(`(${EFFECTIVE_STATE})`)}) AS urgent
             FROM ?? c
            WHERE c.subject_type = 'ticket' AND ${RUNNING_CLOCK}
            GROUP BY c.subject_id
         ) w ON w.subject_id = s.subject_id AND s.policy_id IS NOT NULL
        WHERE ${OPEN_SUBJECT}${scope.sql}`,
      [this.t('subjects'), at, at, this.t('clocks'), ...scope.bindings],
    );
    return {
      openUnderSla: num(live.under_sla),
      breached: num(live.breached),
      atRisk: num(live.at_risk),
      onTrack: num(live.on_track),
      paused: num(live.paused),
      noPolicy: num(live.no_policy),
    };
  }

  /**
   * Clocks settled in [from, to] (and their breaches), the customer's and the internal ones: the
   * scorecard's right half. `zone` is for the rollups' override (local days); the clocks need none.
   */
  protected async settledFigures(fromDate: Date, toDate: Date, _zone: string): Promise<SettledFigures> {
    const [from, to] = [sqlTime(fromDate), sqlTime(toDate)];
    const scope = this.scope();
    // Three independent counts: sent together, so the page waits for the slowest, not the sum.
    const [[period], [breaches], [internal]] = await Promise.all([
      selectRows<Record<string, unknown>>(
        this.db,
        `SELECT COUNT(*) AS finished, SUM(c.breached_at IS NULL) AS on_time
         FROM ${COUNTED_CLOCKS}
        WHERE c.subject_type = 'ticket' AND c.settled_at >= ? AND c.settled_at <= ?${scope.sql}`,
        [this.t('clocks'), this.t('subjects'), from, to, ...scope.bindings],
      ),
      selectRows<Record<string, unknown>>(
        this.db,
        `SELECT COUNT(*) AS n
         FROM ${COUNTED_CLOCKS}
        WHERE c.subject_type = 'ticket' AND c.breached_at IS NOT NULL AND c.settled_at >= ? AND c.settled_at <= ?${scope.sql}`,
        [this.t('clocks'), this.t('subjects'), from, to, ...scope.bindings],
      ),
      selectRows<Record<string, unknown>>(
        this.db,
        `SELECT COUNT(*) AS finished, SUM(c.breached_at IS NULL) AS on_time,
              SUM(c.breached_at IS NOT NULL AND c.breached_at >= ? AND c.breached_at <= ?) AS breaches
         FROM ${countedClocks('internal')}
        WHERE c.subject_type = 'ticket' AND c.settled_at >= ? AND c.settled_at <= ?${scope.sql}`,
        [from, to, this.t('clocks'), this.t('subjects'), from, to, ...scope.bindings],
      ),
    ]);
    return {
      finished: num(period.finished),
      onTime: num(period.on_time),
      breaches: num(breaches.n),
      internal: {
        finished: num(internal.finished),
        onTime: num(internal.on_time),
        breachesInPeriod: num(internal.breaches),
      },
    };
  }

  /** Departments (current department of the ticket) with the most breaches in the period. */
  async topBreachingDepartments(now: Date, zone: string, periodDays: number, limit = 5): Promise<RankedId[]> {
    const { from, to } = this.period(now, zone, periodDays);
    return this.departmentBreaches(from, to, limit);
  }

  /** Breaches in [from, to] (SQL times) per current department, most first, at most `limit`. */
  protected async departmentBreaches(from: string, to: string, limit: number): Promise<RankedId[]> {
    const scope = this.scope();
    const rows = await selectRows<{ id: number; n: unknown }>(
      this.db,
      `SELECT s.department AS id, COUNT(*) AS n
         FROM ${COUNTED_CLOCKS}
        WHERE c.subject_type = 'ticket' AND c.breached_at IS NOT NULL AND c.settled_at >= ? AND c.settled_at <= ?${scope.sql}
        GROUP BY s.department ORDER BY n DESC, s.department ASC LIMIT ?`,
      [this.t('clocks'), this.t('subjects'), from, to, ...scope.bindings, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), count: num(r.n) }));
  }

  /** Assignees (0 = unassigned) with the most open tickets overdue right now. */
  async topOverdueAgents(now: Date, limit = 5): Promise<RankedId[]> {
    const at = sqlTime(now);
    const scope = this.scope();
    const rows = await selectRows<{ id: number; n: unknown }>(
      this.db,
      // A ticket is breached as soon as one running clock is (breached ranks first), so EXISTS
      // (a semi-join, counted once per ticket) rather than a join and COUNT(DISTINCT), which
      // sorts every pair in temporary files: 0.16 s instead of 0.39 s at 100 000 open tickets.
      `SELECT s.assigned AS id, COUNT(*) AS n
         FROM ?? s
        WHERE ${OPEN_SUBJECT} AND s.policy_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM ?? c
                       WHERE c.subject_type = s.subject_type AND c.subject_id = s.subject_id
                         AND ${RUNNING_CLOCK} AND (${EFFECTIVE_STATE}) = 'breached')${scope.sql}
        GROUP BY s.assigned ORDER BY n DESC, s.assigned ASC LIMIT ?`,
      [this.t('subjects'), this.t('clocks'), at, at, ...scope.bindings, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), count: num(r.n) }));
  }

  /** Escalations, breaches and configuration changes, newest first (each source LIMITed, then merged). */
  async recentActivity(now: Date, limit = 20): Promise<ActivityItem[]> {
    return (await this.activityPage(now, { page: 1, pageSize: limit })).items;
  }

  /**
   * One page of the timeline, newest first; equal instants in kind order (escalation, breach,
   * config), then newest row id first, so pages never overlap or leave a gap. Each kind's source
   * reads at most the lines up to the end of this page (plus one, to know whether more follow),
   * then the sources are merged: the cost grows with the page number, which the route bounds.
   */
  async activityPage(now: Date, query: ActivityQuery = {}): Promise<ActivityPage> {
    const pageSize = query.pageSize ?? 20;
    const offset = ((query.page ?? 1) - 1) * pageSize;
    const limit = offset + pageSize + 1;
    const wanted = (kind: ActivityKind) => !query.kinds?.length || query.kinds.includes(kind);
    const none = <T>(): Promise<T[]> => Promise.resolve([]);
    const at = sqlTime(now);
    const departments = this.departments;
    const [escalations, breaches, changes] = await Promise.all([
      !wanted('escalation')
        ? none<EscalationRow>()
        : (this.db(this.t('escalations'))
            .select('id', 'subject_id', 'metric', 'level', 'action_type', 'outcome', 'fired_at')
            .where('subject_type', 'ticket')
            // A skipped level never acted: it is no activity.
            .whereNot('outcome', 'skipped')
            .modify((q) => {
              if (departments)
                q.whereIn(
                  'subject_id',
                  this.db(this.t('subjects'))
                    .select('subject_id')
                    .where('subject_type', 'ticket')
                    .whereIn('department', [...departments]),
                );
            })
            .where('fired_at', '<=', at)
            .orderBy([
              { column: 'fired_at', order: 'desc' },
              { column: 'id', order: 'desc' },
            ])
            .limit(limit) as Promise<EscalationRow[]>),
      // Deleted tickets drop out: their links would lead nowhere.
      !wanted('breach')
        ? none<BreachRow>()
        : (this.db(`${this.t('clocks')} as c`)
            .join(`${this.t('subjects')} as s`, (j) =>
              j.on('s.subject_type', 'c.subject_type').andOn('s.subject_id', 'c.subject_id'),
            )
            .select('c.id', 'c.subject_id', 'c.metric', 'c.cycle', 'c.breached_at')
            .where({
              'c.subject_type': 'ticket',
              'c.state': 'breached',
              's.deleted': false,
              'c.scope': 'customer',
            })
            .modify((q) => {
              if (departments) q.whereIn('s.department', [...departments]);
            })
            .where('c.breached_at', '<=', at)
            .orderBy([
              { column: 'c.breached_at', order: 'desc' },
              { column: 'c.id', order: 'desc' },
            ])
            .limit(limit) as Promise<BreachRow[]>),
      !wanted('config')
        ? none<ChangeRow>()
        : (this.db(this.t('audit_log'))
            .select('id', 'action', 'staff_id', 'details', 'created_at')
            .where('action', 'like', 'config.%')
            .where('created_at', '<=', at)
            .orderBy([
              { column: 'created_at', order: 'desc' },
              { column: 'id', order: 'desc' },
            ])
            .limit(limit) as Promise<ChangeRow[]>),
    ]);
    const items: ActivityItem[] = [
      ...escalations.map((r): ActivityItem => ({
        kind: 'escalation',
        id: Number(r.id),
        at: utcFromSql(r.fired_at),
        subjectId: r.subject_id,
        metric: r.metric,
        level: r.level,
        actionType: r.action_type,
        outcome: r.outcome,
      })),
      ...breaches.map((r): ActivityItem => ({
        kind: 'breach',
        id: Number(r.id),
        at: utcFromSql(r.breached_at),
        subjectId: r.subject_id,
        metric: r.metric,
        cycle: r.cycle,
      })),
      ...changes.map((r): ActivityItem => ({
        kind: 'config',
        id: Number(r.id),
        at: utcFromSql(r.created_at),
        action: r.action,
        staffId: r.staff_id,
        key: configKey(r.details),
      })),
    ];
    const sorted = items.sort(newestFirst);
    return { items: sorted.slice(offset, offset + pageSize), hasMore: sorted.length > offset + pageSize };
  }

  /**
   * Compliance % and breaches per local day for the last `days` days (today included), of the
   * tickets or, for the dashboard's Leads section, of the leads (which have no department: the
   * viewer's department scope does not apply to them).
   */
  async trend(
    now: Date,
    zone: string,
    days: number,
    kind: 'ticket' | 'lead' = 'ticket',
  ): Promise<DayPoint[]> {
    const range = lastLocalDays(now, zone, days);
    const from = sqlTime(range.from);
    const to = sqlTime(now);
    const scope = kind === 'ticket' ? this.scope() : { sql: '', bindings: [] };
    // Grouped by UTC quarter hour, not hour: a local midnight in India (+5:30) or Nepal (+5:45)
    // falls inside a UTC hour, and only quarter hours fold into local days exactly.
    const [finished, breached] = await Promise.all([
      selectRows<{ bucket: string; finished: unknown; on_time: unknown }>(
        this.db,
        `SELECT ${QUARTER_OF} AS bucket, COUNT(*) AS finished, SUM(c.breached_at IS NULL) AS on_time
           FROM ${COUNTED_CLOCKS}
          WHERE c.subject_type = ? AND c.settled_at >= ? AND c.settled_at <= ?${scope.sql}
          GROUP BY bucket`,
        [
          'c.settled_at',
          'c.settled_at',
          this.t('clocks'),
          this.t('subjects'),
          kind,
          from,
          to,
          ...scope.bindings,
        ],
      ),
      selectRows<{ bucket: string; n: unknown }>(
        this.db,
        `SELECT ${QUARTER_OF} AS bucket, COUNT(*) AS n
           FROM ${COUNTED_CLOCKS}
          WHERE c.subject_type = ? AND c.breached_at IS NOT NULL AND c.settled_at >= ? AND c.settled_at <= ?${scope.sql}
          GROUP BY bucket`,
        [
          'c.breached_at',
          'c.breached_at',
          this.t('clocks'),
          this.t('subjects'),
          kind,
          from,
          to,
          ...scope.bindings,
        ],
      ),
    ]);
    const buckets: QuarterBucket[] = [
      ...finished.map((r) => ({
        start: r.bucket,
        finished: num(r.finished),
        onTime: num(r.on_time),
        breaches: 0,
      })),
      ...breached.map((r) => ({ start: r.bucket, finished: 0, onTime: 0, breaches: num(r.n) })),
    ];
    return foldIntoLocalDays(buckets, zone, range.days);
  }

  /** How far the configuration is: the dashboard walks a fresh install to its first calendar and policy. */
  async setupStatus(): Promise<SetupStatus> {
    const [[calendars], [policies]] = await Promise.all([
      this.db(this.t('calendars')).count({ n: '*' }),
      this.db(this.t('policies')).count({ n: '*' }),
    ]);
    return { calendars: num(calendars.n), policies: num(policies.n) };
  }
}

/** The calendar or policy key a config audit entry names, if any. */
function configKey(details: string | null): string | null {
  if (!details) return null;
  try {
    const parsed = JSON.parse(details) as { key?: unknown };
    return typeof parsed.key === 'string' ? parsed.key : null;
  } catch {
    return null;
  }
}
