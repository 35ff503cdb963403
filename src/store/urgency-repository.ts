import type { Knex } from 'knex';
import type { SubjectType } from '../sla/config/subject-types';
import { runningClockOf, selectRows, urgencyKeyOf } from './read/sla-sql';
import type { StoredUrgency } from '../sla/clocks/stored-urgency';
import type { ClockState } from '../sla/clocks/sla-event';
import { utcFromSql, utcToSql } from './datetime';
import { updateFromRows } from './update-from-rows';

/**
 * Each subject's current urgency, kept on its `sla_vigil_subjects` row (migration
 * 20261206070000_subject_urgency) so the host list's SLA filter and sort and the monitor read one
 * indexed row per subject instead of aggregating its clocks. Written from the stored clocks by
 * whoever just wrote them (ClockService's recompute and tick), for the subjects it holds locked.
 */

/**
 * The urgency key at the beginning of time: no due or warning time has passed, so it ranks each
 * clock by its stored state only (urgencyKeyOf's live rule is applied at read time, from the
 * breach and risk columns).
 */
const STORED_ONLY = '1000-01-01 00:00:00.000';

interface UrgencyRow {
  subject_id: number;
  rank: number | string;
  due: string;
  metric: string;
  cycle: number | string;
  breach_at: string | null;
  risk_at: string | null;
}

const FORMAT = `'%Y-%m-%d %H:%i:%s.%f'`;

/**
 * Rewrites the urgency columns of these subjects from their running customer clocks (NULL when
 * none runs). The caller holds the subjects' row locks, so their clocks cannot change under it;
 * the clocks are read without locking (a locking read would take next-key locks reaching the next
 * subject's clocks, see ClockRepository.forSubjects), then the rows are updated by primary key.
 */
export async function refreshUrgency(
  trx: Knex | Knex.Transaction,
  prefix: string,
  type: SubjectType,
  ids: readonly number[],
): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const marks = chunk.map(() => '?').join(', ');
    const rows = await selectRows<UrgencyRow>(
      trx,
      `SELECT u.subject_id, LEFT(u.k, 1) AS \`rank\`, SUBSTRING(u.k, 2, 26) AS due, RTRIM(SUBSTRING(u.k, 28, 32)) AS metric,
              2147483647 - CAST(SUBSTRING(u.k, 60, 10) AS SIGNED) AS cycle,
              DATE_FORMAT(u.breach_at, ${FORMAT}) AS breach_at, DATE_FORMAT(u.risk_at, ${FORMAT}) AS risk_at
         FROM (SELECT c.subject_id, MIN(${urgencyKeyOf('c')}) AS k,
                      MIN(CASE WHEN c.state NOT IN ('paused', 'breached') THEN c.due_at END) AS breach_at,
                      MIN(CASE WHEN c.state NOT IN ('paused', 'breached', 'at_risk') THEN c.warn_at END) AS risk_at
                 FROM ?? c
                WHERE c.subject_type = ? AND c.subject_id IN (${marks}) AND ${runningClockOf('c')}
                GROUP BY c.subject_id) u`,
      [STORED_ONLY, STORED_ONLY, `${prefix}sla_vigil_clocks`, type, ...chunk],
    );
    const byId = new Map(rows.map((r) => [Number(r.subject_id), r]));
    // Every subject of the chunk gets a row (NULLs when no customer clock runs), by primary key.
    await updateFromRows(
      trx,
      `${prefix}sla_vigil_subjects`,
      'subject_id',
      URGENCY_VALUES.map(([name]) => name),
      chunk.map((id) => {
        const r = byId.get(id);
        return {
          key: id,
          values: r
            ? [Number(r.rank), r.due, r.metric, Number(r.cycle), r.breach_at, r.risk_at]
            : [null, null, null, null, null, null],
        };
      }),
      { sql: 't.subject_type = ?', bindings: [type] },
    );
  }
}

/** The urgency columns of a subject row, as a `SELECT *` returns them. */
export interface UrgencyColumns {
  urgency_rank: number | null;
  urgency_due: string | null;
  urgency_metric: string | null;
  urgency_cycle: number | null;
  urgency_breach_at: string | null;
  urgency_risk_at: string | null;
}

/** What a row's urgency columns hold (null when no clock runs). */
export function urgencyFromColumns(r: UrgencyColumns): StoredUrgency | null {
  if (r.urgency_rank === null || r.urgency_due === null) return null;
  return {
    rank: Number(r.urgency_rank),
    due: utcFromSql(r.urgency_due),
    metric: r.urgency_metric ?? '',
    cycle: Number(r.urgency_cycle),
    breachAt: r.urgency_breach_at === null ? null : utcFromSql(r.urgency_breach_at),
    riskAt: r.urgency_risk_at === null ? null : utcFromSql(r.urgency_risk_at),
  };
}

/** A subject's summary state and urgency, as the tick computed them from the clocks it holds. */
export interface SubjectStanding {
  subjectId: number;
  slaState: ClockState;
  urgency: StoredUrgency | null;
}

/** Each urgency column with its value from a stored urgency (null when no clock runs). */
export const URGENCY_VALUES: readonly [string, (u: StoredUrgency) => Knex.Value][] = [
  ['urgency_rank', (u) => u.rank],
  ['urgency_due', (u) => utcToSql(u.due)],
  ['urgency_metric', (u) => u.metric],
  ['urgency_cycle', (u) => u.cycle],
  ['urgency_breach_at', (u) => (u.breachAt ? utcToSql(u.breachAt) : null)],
  ['urgency_risk_at', (u) => (u.riskAt ? utcToSql(u.riskAt) : null)],
];

/**
 * Writes the summary state and the urgency columns of these subjects, one statement per
 * ROWS_PER_UPDATE by
 * primary key (the caller holds their locks and passes only the ones that changed); `set` says
 * which of the two groups of columns to write.
 */
export async function writeStanding(
  trx: Knex.Transaction,
  prefix: string,
  type: SubjectType,
  rows: readonly SubjectStanding[],
  set: { states: boolean; urgency: boolean },
): Promise<void> {
  const columns: [string, (r: SubjectStanding) => Knex.Value][] = [
    ...(set.states
      ? [['sla_state', (r: SubjectStanding) => r.slaState] as [string, (r: SubjectStanding) => Knex.Value]]
      : []),
    ...(set.urgency
      ? URGENCY_VALUES.map(([name, pick]): [string, (r: SubjectStanding) => Knex.Value] => [
          name,
          (r) => (r.urgency ? pick(r.urgency) : null),
        ])
      : []),
  ];
  await updateFromRows(
    trx,
    `${prefix}sla_vigil_subjects`,
    'subject_id',
    columns.map(([name]) => name),
    rows.map((r) => ({ key: r.subjectId, values: columns.map(([, pick]) => pick(r)) })),
    { sql: 't.subject_type = ?', bindings: [type] },
  );
}

/**
 * Rebuilds the urgency of every subject of one kind from its clocks, in primary-key batches: what
 * the incremental path must equal (tested), and a repair for an operator.
 */
export async function rebuildUrgency(db: Knex, prefix: string, type: SubjectType): Promise<number> {
  let afterId = 0;
  let total = 0;
  for (;;) {
    const ids: number[] = await db(`${prefix}sla_vigil_subjects`)
      .where('subject_type', type)
      .where('subject_id', '>', afterId)
      .orderBy('subject_id')
      .limit(2000)
      .pluck('subject_id');
    if (ids.length === 0) return total;
    await db.transaction((trx) => refreshUrgency(trx, prefix, type, ids));
    total += ids.length;
    afterId = ids[ids.length - 1];
  }
}
