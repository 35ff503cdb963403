import type { Knex } from 'knex';
import { effectiveStateOf, mostUrgentOrderOf, runningClockOf, sqlTime, stateRankSql } from './sla-sql';

/**
 * A ticket's SLA state now, as SQL over the module's tables, for a query on the host's tickets
 * (the ticket list's filter and sort): correlated subqueries on `idColumn` only, no joins, so the
 * host can add them to the query it counts and the one it pages. The same definition as
 * ticketState in src/sla/clocks/live-state.ts: the most urgent running clock's live state, else
 * what the subject row stored, else (not seen yet, or no policy) no policy. Aliases are prefixed
 * `sv_` so they never capture the host's own.
 */
export interface SqlPart {
  sql: string;
  bindings: Knex.Value[];
}

/** One column of the ticket's most urgent running clock (NULL when none runs). */
function urgentClock(prefix: string, idColumn: string, at: string, column: SqlPart): SqlPart {
  return {
    sql:
      `(SELECT ${column.sql} FROM ?? AS sv_c WHERE sv_c.subject_type = 'ticket' AND sv_c.subject_id = ?? ` +
      `AND ${runningClockOf('sv_c')} ORDER BY ${mostUrgentOrderOf('sv_c')} LIMIT 1)`,
    bindings: [...column.bindings, `${prefix}sla_vigil_clocks`, idColumn, at, at],
  };
}

/** The ticket's state now: breached, at_risk, on_track, paused, met or no_policy. */
export function ticketStateSql(prefix: string, idColumn: string, now: Date): SqlPart {
  const at = sqlTime(now);
  const clock = urgentClock(prefix, idColumn, at, { sql: effectiveStateOf('sv_c'), bindings: [at, at] });
  return {
    sql:
      `COALESCE(${clock.sql}, (SELECT CASE WHEN sv_s.policy_id IS NULL THEN 'no_policy' ELSE sv_s.sla_state END ` +
      `FROM ?? AS sv_s WHERE sv_s.subject_type = 'ticket' AND sv_s.subject_id = ??), 'no_policy')`,
    bindings: [...clock.bindings, `${prefix}sla_vigil_subjects`, idColumn],
  };
}

/** The urgency rank of the ticket's state (0 = breached ... 5 = no policy). */
export function ticketRankSql(prefix: string, idColumn: string, now: Date): SqlPart {
  const state = ticketStateSql(prefix, idColumn, now);
  return { sql: stateRankSql(state.sql), bindings: state.bindings };
}

/** The due time of the ticket's most urgent running clock (NULL when none runs). */
export function urgentDueSql(prefix: string, idColumn: string, now: Date): SqlPart {
  return urgentClock(prefix, idColumn, sqlTime(now), { sql: 'sv_c.due_at', bindings: [] });
}
