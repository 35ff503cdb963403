import type { Knex } from 'knex';

/**
 * Each subject's current urgency on its own row, so the host list's SLA filter and sort and the
 * monitor read one indexed row per subject instead of aggregating its clocks (issue 14):
 *
 * - `urgency_rank`, `_due`, `_metric`, `_cycle`: the most urgent running customer clock by its
 *   stored state (rank 0 breached .. 3 paused, then due, metric, cycle descending); NULL when none
 *   runs. The module rewrites them wherever it writes clocks (ClockService, urgency-repository.ts).
 * - `urgency_breach_at`: the earliest due time of a running clock stored neither breached nor
 *   paused; `urgency_risk_at`: the earliest warning time of one stored on track. Once either has
 *   passed, the live state (due or warning passed since the last tick) is worse than the stored
 *   one, which a CASE over these two columns derives exactly.
 * - Generated: `urgency_changes_at` (the earlier of the two: until then the stored urgency is the
 *   live one), `list_rank` (the stored rank with the subject's own summary when no clock runs) and
 *   `monitor_group` (the monitor's time-left order: running, then paused, then without a clock).
 *
 * `slav_subjects_open` covers the "still watched" conditions of both kinds, so the monitor's
 * total (a count of the open subjects) reads that narrow index instead of every row.
 *
 * The backfill is the same aggregation as the repository's, spelled out here because a migration
 * uses no domain code. Ranks: breached 0, at_risk 1, on_track 2, paused 3, met 4, no_policy 5.
 */
const STORED_RANK = `CASE c.state WHEN 'breached' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'paused' THEN 3 ELSE 2 END`;
const SUMMARY_RANK = `CASE sla_state WHEN 'breached' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'on_track' THEN 2 WHEN 'paused' THEN 3 WHEN 'met' THEN 4 ELSE 5 END`;

export async function up(knex: Knex, prefix: string): Promise<void> {
  const subjects = `${prefix}sla_vigil_subjects`;
  await knex.raw(
    `ALTER TABLE ?? ADD COLUMN urgency_rank TINYINT NULL, ADD COLUMN urgency_due DATETIME(3) NULL,
       ADD COLUMN urgency_metric VARCHAR(32) NULL, ADD COLUMN urgency_cycle INT NULL,
       ADD COLUMN urgency_breach_at DATETIME(3) NULL, ADD COLUMN urgency_risk_at DATETIME(3) NULL,
       ADD COLUMN urgency_changes_at DATETIME(3) AS (CASE WHEN urgency_breach_at IS NULL THEN urgency_risk_at
         WHEN urgency_risk_at IS NULL THEN urgency_breach_at ELSE LEAST(urgency_breach_at, urgency_risk_at) END) STORED,
       ADD COLUMN list_rank TINYINT AS (COALESCE(urgency_rank, CASE WHEN policy_id IS NULL THEN 5 ELSE ${SUMMARY_RANK} END)) STORED,
       ADD COLUMN monitor_group TINYINT AS (CASE WHEN urgency_rank IS NULL THEN
         CASE WHEN policy_id IS NOT NULL AND sla_state = 'paused' THEN 3 ELSE 2 END
         WHEN urgency_rank = 3 THEN 1 ELSE 0 END) STORED,
       ADD INDEX ?? (subject_type, list_rank, urgency_due),
       ADD INDEX ?? (subject_type, urgency_breach_at),
       ADD INDEX ?? (subject_type, urgency_risk_at),
       ADD INDEX ?? (subject_type, urgency_changes_at),
       ADD INDEX ?? (subject_type, monitor_group, urgency_due),
       ADD INDEX ?? (subject_type, deleted, ended, status, merged_into)`,
    [
      subjects,
      `${prefix}slav_subjects_list_rank`,
      `${prefix}slav_subjects_breach_at`,
      `${prefix}slav_subjects_risk_at`,
      `${prefix}slav_subjects_changes_at`,
      `${prefix}slav_subjects_monitor`,
      `${prefix}slav_subjects_open`,
    ],
  );
  const key = `CONVERT(CONCAT(${STORED_RANK}, DATE_FORMAT(c.due_at, '%Y-%m-%d %H:%i:%s.%f'), RPAD(c.metric, 32, ' '), LPAD(2147483647 - c.cycle, 10, '0')) USING latin1) COLLATE latin1_bin`;
  await knex.raw(
    `UPDATE ?? s JOIN (
       SELECT c.subject_type, c.subject_id, MIN(${key}) AS k,
              MIN(CASE WHEN c.state NOT IN ('paused', 'breached') THEN c.due_at END) AS breach_at,
              MIN(CASE WHEN c.state NOT IN ('paused', 'breached', 'at_risk') THEN c.warn_at END) AS risk_at
         FROM ?? c
        WHERE c.met_at IS NULL AND c.ended_at IS NULL AND c.scope = 'customer'
        GROUP BY c.subject_type, c.subject_id
     ) u ON u.subject_type = s.subject_type AND u.subject_id = s.subject_id
     SET s.urgency_rank = CAST(LEFT(u.k, 1) AS UNSIGNED), s.urgency_due = CAST(SUBSTRING(u.k, 2, 26) AS DATETIME(3)),
         s.urgency_metric = RTRIM(SUBSTRING(u.k, 28, 32)), s.urgency_cycle = 2147483647 - CAST(SUBSTRING(u.k, 60, 10) AS SIGNED),
         s.urgency_breach_at = u.breach_at, s.urgency_risk_at = u.risk_at`,
    [subjects, `${prefix}sla_vigil_clocks`],
  );
}

export async function down(knex: Knex, prefix: string): Promise<void> {
  await knex.raw(
    `ALTER TABLE ?? DROP INDEX ??, DROP INDEX ??, DROP INDEX ??, DROP INDEX ??, DROP INDEX ??, DROP INDEX ??,
       DROP COLUMN monitor_group, DROP COLUMN list_rank, DROP COLUMN urgency_changes_at,
       DROP COLUMN urgency_risk_at, DROP COLUMN urgency_breach_at, DROP COLUMN urgency_cycle,
       DROP COLUMN urgency_metric, DROP COLUMN urgency_due, DROP COLUMN urgency_rank`,
    [
      `${prefix}sla_vigil_subjects`,
      `${prefix}slav_subjects_list_rank`,
      `${prefix}slav_subjects_breach_at`,
      `${prefix}slav_subjects_risk_at`,
      `${prefix}slav_subjects_changes_at`,
      `${prefix}slav_subjects_monitor`,
      `${prefix}slav_subjects_open`,
    ],
  );
}
