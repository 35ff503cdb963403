import type { Knex } from 'knex';
import { utcFromSql } from '../store/datetime';
import { foldIntoLocalDays, lastLocalDays, type DayPoint, type HourBucket } from './local-day-series';
import { EFFECTIVE_STATE, OPEN_SUBJECT, RUNNING_CLOCK, num, selectRows, sqlTime } from './sla-sql';

const DAY_MS = 86_400_000;

export interface Scorecard {
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
}

export interface RankedId {
  id: number;
  count: number;
}

export type ActivityItem =
  | {
      kind: 'escalation';
      at: Date;
      subjectId: number;
      metric: string;
      level: number;
      actionType: string;
      outcome: string;
    }
  | { kind: 'breach'; at: Date; subjectId: number; metric: string; cycle: number }
  | { kind: 'config'; at: Date; action: string; staffId: number | null; key: string | null };

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
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  async scorecard(now: Date, periodDays: number): Promise<Scorecard> {
    const from = sqlTime(new Date(now.getTime() - periodDays * DAY_MS));
    const to = sqlTime(now);
    const at = sqlTime(now);
    const [live] = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT SUM(s.policy_id IS NOT NULL) AS under_sla, SUM(s.policy_id IS NULL) AS no_policy,
              SUM(w.worst = 4) AS breached, SUM(w.worst = 3) AS at_risk,
              SUM(w.worst = 2) AS on_track, SUM(w.worst = 1) AS paused
         FROM ?? s
         LEFT JOIN (
           SELECT c.subject_id,
                  MAX(CASE ${EFFECTIVE_STATE} WHEN 'breached' THEN 4 WHEN 'at_risk' THEN 3 WHEN 'on_track' THEN 2 ELSE 1 END) AS worst
             FROM ?? c
            WHERE c.subject_type = 'ticket' AND ${RUNNING_CLOCK}
            GROUP BY c.subject_id
         ) w ON w.subject_id = s.subject_id AND s.policy_id IS NOT NULL
        WHERE ${OPEN_SUBJECT}`,
      [this.t('subjects'), at, at, this.t('clocks')],
    );
    const [period] = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT COUNT(*) AS finished, SUM(c.breached_at IS NULL) AS on_time
         FROM ?? c JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND s.deleted = 0
        WHERE c.subject_type = 'ticket' AND c.settled_at > ? AND c.settled_at <= ?`,
      [this.t('clocks'), this.t('subjects'), from, to],
    );
    const [breaches] = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT COUNT(*) AS n
         FROM ?? c JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND s.deleted = 0
        WHERE c.subject_type = 'ticket' AND c.breached_at IS NOT NULL AND c.breached_at > ? AND c.breached_at <= ?`,
      [this.t('clocks'), this.t('subjects'), from, to],
    );
    const finished = num(period.finished);
    const onTime = num(period.on_time);
    return {
      periodDays,
      finished,
      onTime,
      onTimePercent: finished > 0 ? (100 * onTime) / finished : null,
      breachesInPeriod: num(breaches.n),
      openUnderSla: num(live.under_sla),
      breached: num(live.breached),
      atRisk: num(live.at_risk),
      onTrack: num(live.on_track),
      paused: num(live.paused),
      noPolicy: num(live.no_policy),
    };
  }

  /** Departments (current department of the ticket) with the most breaches in the period. */
  async topBreachingDepartments(now: Date, periodDays: number, limit = 5): Promise<RankedId[]> {
    const rows = await selectRows<{ id: number; n: unknown }>(
      this.db,
      `SELECT s.department AS id, COUNT(*) AS n
         FROM ?? c JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND s.deleted = 0
        WHERE c.subject_type = 'ticket' AND c.breached_at IS NOT NULL AND c.breached_at > ? AND c.breached_at <= ?
        GROUP BY s.department ORDER BY n DESC, s.department ASC LIMIT ?`,
      [
        this.t('clocks'),
        this.t('subjects'),
        sqlTime(new Date(now.getTime() - periodDays * DAY_MS)),
        sqlTime(now),
        limit,
      ],
    );
    return rows.map((r) => ({ id: Number(r.id), count: num(r.n) }));
  }

  /** Assignees (0 = unassigned) with the most open tickets overdue right now. */
  async topOverdueAgents(now: Date, limit = 5): Promise<RankedId[]> {
    const at = sqlTime(now);
    const rows = await selectRows<{ id: number; n: unknown }>(
      this.db,
      `SELECT s.assigned AS id, COUNT(DISTINCT s.subject_id) AS n
         FROM ?? s JOIN ?? c ON c.subject_type = s.subject_type AND c.subject_id = s.subject_id
        WHERE ${OPEN_SUBJECT} AND s.policy_id IS NOT NULL AND ${RUNNING_CLOCK} AND (${EFFECTIVE_STATE}) = 'breached'
        GROUP BY s.assigned ORDER BY n DESC, s.assigned ASC LIMIT ?`,
      [this.t('subjects'), this.t('clocks'), at, at, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), count: num(r.n) }));
  }

  /** Escalations, breaches and configuration changes, newest first (each source LIMITed, then merged). */
  async recentActivity(now: Date, limit = 20): Promise<ActivityItem[]> {
    const at = sqlTime(now);
    const [escalations, breaches, changes] = await Promise.all([
      this.db(this.t('escalations'))
        .select('subject_id', 'metric', 'level', 'action_type', 'outcome', 'fired_at')
        .where('subject_type', 'ticket')
        .where('fired_at', '<=', at)
        .orderBy([
          { column: 'fired_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit) as Promise<
        {
          subject_id: number;
          metric: string;
          level: number;
          action_type: string;
          outcome: string;
          fired_at: string;
        }[]
      >,
      // Deleted tickets drop out: their links would lead nowhere.
      this.db(`${this.t('clocks')} as c`)
        .join(`${this.t('subjects')} as s`, (j) =>
          j.on('s.subject_type', 'c.subject_type').andOn('s.subject_id', 'c.subject_id'),
        )
        .select('c.subject_id', 'c.metric', 'c.cycle', 'c.breached_at')
        .where({ 'c.subject_type': 'ticket', 'c.state': 'breached', 's.deleted': false })
        .where('c.breached_at', '<=', at)
        .orderBy([
          { column: 'c.breached_at', order: 'desc' },
          { column: 'c.id', order: 'desc' },
        ])
        .limit(limit) as Promise<
        { subject_id: number; metric: string; cycle: number; breached_at: string }[]
      >,
      this.db(this.t('audit_log'))
        .select('action', 'staff_id', 'details', 'created_at')
        .where('action', 'like', 'config.%')
        .where('created_at', '<=', at)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit) as Promise<
        { action: string; staff_id: number | null; details: string | null; created_at: string }[]
      >,
    ]);
    const items: ActivityItem[] = [
      ...escalations.map((r): ActivityItem => ({
        kind: 'escalation',
        at: utcFromSql(r.fired_at),
        subjectId: r.subject_id,
        metric: r.metric,
        level: r.level,
        actionType: r.action_type,
        outcome: r.outcome,
      })),
      ...breaches.map((r): ActivityItem => ({
        kind: 'breach',
        at: utcFromSql(r.breached_at),
        subjectId: r.subject_id,
        metric: r.metric,
        cycle: r.cycle,
      })),
      ...changes.map((r): ActivityItem => ({
        kind: 'config',
        at: utcFromSql(r.created_at),
        action: r.action,
        staffId: r.staff_id,
        key: configKey(r.details),
      })),
    ];
    // Stable: equal instants keep escalation, breach, config order.
    return items.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }

  /** Compliance % and breaches per local day for the last `days` days (today included). */
  async trend(now: Date, zone: string, days: number): Promise<DayPoint[]> {
    const range = lastLocalDays(now, zone, days);
    const from = sqlTime(range.from);
    const to = sqlTime(now);
    const hour = `DATE_FORMAT(??, '%Y-%m-%d %H:00:00')`;
    const [finished, breached] = await Promise.all([
      selectRows<{ hour: string; finished: unknown; on_time: unknown }>(
        this.db,
        `SELECT ${hour} AS hour, COUNT(*) AS finished, SUM(c.breached_at IS NULL) AS on_time
           FROM ?? c JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND s.deleted = 0
          WHERE c.subject_type = 'ticket' AND c.settled_at >= ? AND c.settled_at <= ?
          GROUP BY hour`,
        ['c.settled_at', this.t('clocks'), this.t('subjects'), from, to],
      ),
      selectRows<{ hour: string; n: unknown }>(
        this.db,
        `SELECT ${hour} AS hour, COUNT(*) AS n
           FROM ?? c JOIN ?? s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND s.deleted = 0
          WHERE c.subject_type = 'ticket' AND c.breached_at IS NOT NULL AND c.breached_at >= ? AND c.breached_at <= ?
          GROUP BY hour`,
        ['c.breached_at', this.t('clocks'), this.t('subjects'), from, to],
      ),
    ]);
    const buckets: HourBucket[] = [
      ...finished.map((r) => ({
        hour: r.hour,
        finished: num(r.finished),
        onTime: num(r.on_time),
        breaches: 0,
      })),
      ...breached.map((r) => ({ hour: r.hour, finished: 0, onTime: 0, breaches: num(r.n) })),
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
