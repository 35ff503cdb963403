import { RUNNING_CLOCK, sqlTime, urgencyKeyOf } from './sla-sql';
import type { SqlPart } from './monitor-query';

/**
 * A subject's urgency key (urgencyKeyOf in sla-sql.ts) spelled from its own urgency columns: the
 * key of its most urgent stored clock, with its stored rank (the live one while it is up to date).
 */
export const storedKeyOf = (a: string): string =>
  `CONVERT(CONCAT(${a}.urgency_rank, DATE_FORMAT(${a}.urgency_due, '%Y-%m-%d %H:%i:%s.%f'), ` +
  `RPAD(${a}.urgency_metric, 32, ' '), LPAD(2147483647 - ${a}.urgency_cycle, 10, '0')) USING latin1) COLLATE latin1_bin`;

/**
 * The MIN of the urgency keys of the running clocks of the subject `a` (and `clocks`, if given):
 * its most urgent one. A correlated subquery: a few rows by the clocks' subject index.
 */
export function clocksKeyOf(prefix: string, a: string, now: Date, clocks?: SqlPart): SqlPart {
  const at = sqlTime(now);
  return {
    // The subject's index: MariaDB's cost model otherwise may pick (subject_type, due_at), a pass
    // over every clock of the kind per subject.
    sql: `(SELECT MIN(${urgencyKeyOf('c')}) FROM ?? c FORCE INDEX (??)
            WHERE c.subject_type = ${a}.subject_type AND c.subject_id = ${a}.subject_id AND ${RUNNING_CLOCK}
              ${clocks ? `AND ${clocks.sql}` : ''})`,
    bindings: [
      at,
      at,
      `${prefix}sla_vigil_clocks`,
      `${prefix}slav_clocks_scope_cycle`,
      ...(clocks?.bindings ?? []),
    ],
  };
}

/**
 * The live urgency key of an out-of-date subject `a` (a due or warning time passed since its
 * clocks were written): the stored one when its most urgent stored clock is breached and no clock
 * that breached since is due before it (`urgency_breach_at`, the earliest due time of the clocks
 * stored neither breached nor paused, is later: those breach after it, in the key's order), since
 * nothing outranks a breached clock; otherwise its clocks' (clocksKeyOf).
 */
export function liveKeyOf(prefix: string, a: string, now: Date): SqlPart {
  const clocks = clocksKeyOf(prefix, a, now);
  return {
    sql: `CASE WHEN ${a}.urgency_rank = 0 AND (${a}.urgency_breach_at IS NULL OR ${a}.urgency_breach_at > ${a}.urgency_due)
               THEN ${storedKeyOf(a)} ELSE ${clocks.sql} END`,
    bindings: clocks.bindings,
  };
}
