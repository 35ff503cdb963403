import { openLeadOf } from '../read/lead-monitor-service';
import { openSubjectOf, runningClockOf, stateRankSql } from '../read/sla-sql';
import { COUNTED_SUBJECT } from '../read/report-queries';
import { PERFEX_CLOSED_STATUS } from '../../host/perfex/perfex-statuses';
import type { SubjectRow, SubjectSnapshot } from '../subject-repository';

/** The rollup tables of one install (migrations/20261206080000_rollups.ts says what each holds). */
export interface RollupTables {
  meta: string;
  zone: string;
  settled: string;
  days: string;
  live: string;
  monitor: string;
  clocks: string;
  subjects: string;
}

const quote = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** Quoted table names, so the set-based statements below read as SQL. */
export function rollupTables(prefix: string): RollupTables {
  const t = (name: string) => quote(`${prefix}sla_vigil_${name}`);
  return {
    meta: t('rollup_meta'),
    zone: t('rollup_zone'),
    settled: t('rollup_settled'),
    days: t('rollup_days'),
    live: t('rollup_live'),
    monitor: t('rollup_monitor'),
    clocks: t('clocks'),
    subjects: t('subjects'),
  };
}

/**
 * The local date (YYYY-MM-DD) of a DATETIME column in the rollups' zone: the offset of the last
 * span starting at or before it (a primary-key lookup per row). UTC when no zone is stored yet
 * (the pages do not read rollups until a build stored one).
 */
export const localDayOf = (t: RollupTables, column: string): string =>
  `DATE_FORMAT(${column} + INTERVAL COALESCE((SELECT z.offset_minutes FROM ${t.zone} z WHERE z.starts_at <= ${column} ` +
  `ORDER BY z.starts_at DESC LIMIT 1), 0) MINUTE, '%Y-%m-%d')`;

/**
 * Each settled clock's contribution: the clocks the compliance figures count (a settled clock of a
 * subject not deleted, COUNTED_SUBJECT), keyed by clock id, with the subject's department and
 * assignee as they stand now (the pages group by the current ones). `where` filters `c` / `s`.
 */
export const settledContributions = (t: RollupTables, where: string): string =>
  `SELECT c.id AS clock_id, c.subject_type, c.subject_id, c.scope, c.metric, COALESCE(c.policy_id, 0) AS policy_id,
          s.department, s.assigned, ${localDayOf(t, 'c.settled_at')} AS day, c.breached_at IS NOT NULL AS breached
     FROM ${t.clocks} c
     JOIN ${t.subjects} s ON s.subject_type = c.subject_type AND s.subject_id = c.subject_id AND ${COUNTED_SUBJECT}
    WHERE c.settled_at IS NOT NULL AND ${where}`;

/** A subject the dashboard counts as open: a watched ticket or an open lead. */
export const OPEN_FOR_ROLLUP = `((${openSubjectOf('s')}) OR (${openLeadOf('s')}))`;

/**
 * OPEN_FOR_ROLLUP for a subject row in memory (whether the subject has a live row): the tick
 * updates only rows that exist. The rollups tests hold the two equal through the rebuild.
 */
export function openForRollup(subjectType: string, s: SubjectSnapshot): boolean {
  if (s.deleted) return false;
  if (subjectType === 'ticket')
    return (s.mergedInto === null || s.mergedInto === 0) && s.status !== Number(PERFEX_CLOSED_STATUS);
  return subjectType === 'lead' && (s.ended === null || s.ended === undefined);
}

/**
 * Each open subject's live row: the rank of its most urgent stored running customer clock (only
 * with a policy, as the dashboard reads it) and of its stored summary state; and what the monitor
 * filters and counts by (rollup_monitor): priority, policy (0: none), a lead's status (a ticket's
 * is no filter, only whether it is open, so 0: its groups do not split by it), source and the
 * subject's `list_rank`. `subjectWhere` filters `s`, `clockWhere` the running clocks `c` (the same
 * subjects).
 */
export const liveRows = (t: RollupTables, subjectWhere: string, clockWhere: string): string =>
  `SELECT s.subject_type, s.subject_id, s.department, s.assigned, COALESCE(s.country, 0) AS country,
          s.policy_id IS NOT NULL AS has_policy, w.running_rank, ${stateRankSql('s.sla_state')} AS state_rank,
          s.priority, COALESCE(s.policy_id, 0) AS policy_id,
          CASE WHEN s.subject_type = 'lead' THEN s.status ELSE 0 END AS status, COALESCE(s.source, 0) AS source,
          s.list_rank
     FROM ${t.subjects} s
     LEFT JOIN (SELECT c.subject_type, c.subject_id, MIN(${stateRankSql('c.state')}) AS running_rank
                  FROM ${t.clocks} c
                 WHERE ${runningClockOf('c')} AND ${clockWhere}
                 GROUP BY c.subject_type, c.subject_id) w
       ON w.subject_type = s.subject_type AND w.subject_id = s.subject_id AND s.policy_id IS NOT NULL
    WHERE ${OPEN_FOR_ROLLUP} AND ${subjectWhere}`;

/** The columns rollup_monitor counts open subjects by (a subset of rollup_live's). */
export const MONITOR_GROUP = [
  'subject_type',
  'department',
  'assigned',
  'priority',
  'policy_id',
  'status',
  'country',
  'source',
  'list_rank',
] as const;

/** One rollup_monitor group: its MONITOR_GROUP columns. */
export type MonitorGroupKey = Record<(typeof MONITOR_GROUP)[number], string | number>;

/**
 * The monitor group (liveRows's MONITOR_GROUP columns) of an open subject's row in memory, with the
 * `list_rank` it has: the tick moves a subject between groups without reading its live row back.
 * The rollups' rebuild tests hold this twin equal to liveRows.
 */
export function monitorGroupOf(subjectType: string, s: SubjectRow, listRank: number): MonitorGroupKey {
  return {
    subject_type: subjectType,
    department: s.department,
    assigned: s.assigned,
    priority: s.priority,
    policy_id: s.policyId ?? 0,
    status: subjectType === 'lead' ? s.status : 0,
    country: s.country ?? 0,
    source: s.source ?? 0,
    list_rank: listRank,
  };
}
