import type { Knex } from 'knex';
import type { SubjectType } from '../sla/config/subject-types';
import { STORED_AS_COLUMNS, toStored, type Row as ClockRow, type StoredClock } from './clock-repository';
import { firedKey } from './escalation-repository';
import { selectRows } from './read/sla-sql';
import { toEvent, type TimelineEvent, type TimelineRow } from './timeline-repository';

/** What a recompute reads of the subjects it holds locked. */
export interface RecomputeInputs {
  /** Each subject's events (every subject asked for has a list), by occurred_at then id. */
  timelines: Map<number, TimelineEvent[]>;
  /** The stored clocks, by subject, scope, metric and cycle (as ClockRepository.forSubjects). */
  clocks: StoredClock[];
  /** The levels fired per subject (firedKey), as EscalationRepository.firedKeys. */
  fired: Map<number, Set<string>>;
  /** Each stored clock's columns as read, by clock id (for `storesAs`). */
  clockRows: Map<number, Record<string, unknown>>;
}

const TIMELINE = [
  'id',
  'subject_type',
  'event_type',
  'from_value',
  'to_value',
  'actor_staff_id',
  'ref_id',
  'dedupe_key',
  'occurred_at',
  'recorded_at',
  'source',
] as const;
const CLOCK = STORED_AS_COLUMNS;
const FIRED = ['metric', 'cycle', 'policy_id', 'level_key'] as const;

/** Every part's columns, in the union's order. */
const COLUMNS = [
  ...TIMELINE.map((c) => `e_${c}`),
  ...CLOCK.map((c) => `c_${c}`),
  'c_id',
  ...FIRED.map((c) => `f_${c}`),
];
const prefixed = (p: string, list: readonly string[], alias: string) =>
  Object.fromEntries(list.map((c) => [`${p}${c}`, `${alias}.${c}`]));
const selected = (own: Record<string, string>) =>
  COLUMNS.map((c) => `${own[c] ?? 'NULL'} AS ${c}`).join(', ');
/** Each part's select list (built once: a hook pays for building it on every call otherwise). */
const SELECTED = {
  e: selected(prefixed('e_', TIMELINE, 't')),
  c: selected({ ...prefixed('c_', CLOCK, 'c'), c_id: 'c.id' }),
  f: selected(prefixed('f_', FIRED, 'f')),
};

/** Reads what a recompute of one subject kind needs (see `readRecomputeInputs`). */
export class RecomputeReader {
  constructor(
    private readonly prefix: string,
    private readonly type: SubjectType,
    /** Whether this kind escalates (its fired levels are read too). */
    private readonly withFired: boolean,
  ) {}

  read(ids: readonly number[], trx: Knex.Transaction): Promise<RecomputeInputs> {
    return readRecomputeInputs(trx, this.prefix, this.type, ids, this.withFired);
  }
}

/**
 * A subject's timeline, clocks and fired levels in one statement instead of three (a hook pays a
 * round trip for each): a UNION ALL whose parts each fill their own columns (`e_`, `c_`, `f_`; the
 * others NULL, so every column keeps its one type and mysql2 returns what the three plain reads
 * return), ordered as those reads order. A plain read like them: the caller holds the subjects'
 * row locks, which every writer of these tables takes first.
 */
export async function readRecomputeInputs(
  trx: Knex.Transaction,
  prefix: string,
  type: SubjectType,
  ids: readonly number[],
  withFired: boolean,
): Promise<RecomputeInputs> {
  const timelines = new Map<number, TimelineEvent[]>(ids.map((id) => [id, []]));
  const inputs: RecomputeInputs = { timelines, clocks: [], fired: new Map(), clockRows: new Map() };
  if (ids.length === 0) return inputs;
  const marks = ids.map(() => '?').join(', ');
  const parts = [
    `SELECT 'e' AS part, t.subject_id, ${SELECTED.e}
       FROM ?? t WHERE t.subject_type = ? AND t.subject_id IN (${marks})`,
    `SELECT 'c' AS part, c.subject_id, ${SELECTED.c}
       FROM ?? c WHERE c.subject_type = ? AND c.subject_id IN (${marks})`,
  ];
  const bindings: Knex.Value[] = [
    `${prefix}sla_vigil_timeline`,
    type,
    ...ids,
    `${prefix}sla_vigil_clocks`,
    type,
    ...ids,
  ];
  if (withFired) {
    parts.push(
      `SELECT 'f' AS part, f.subject_id, ${SELECTED.f}
         FROM ?? f WHERE f.subject_type = ? AND f.subject_id IN (${marks})`,
    );
    bindings.push(`${prefix}sla_vigil_escalations`, type, ...ids);
  }
  // Within a part the other parts' columns are NULL: events sort by occurred_at then id, clocks
  // by scope, metric and cycle, each under its own column's collation.
  const rows = await selectRows<Record<string, unknown> & { part: string; subject_id: number }>(
    trx,
    `${parts.join(' UNION ALL ')}
     ORDER BY part, subject_id, e_occurred_at, e_id, c_scope, c_metric, c_cycle`,
    bindings,
  );
  const own = (row: Record<string, unknown>, p: string, list: readonly string[]) =>
    Object.fromEntries(list.map((c) => [c, row[`${p}${c}`]]));
  for (const row of rows) {
    if (row.part === 'e') {
      const event = toEvent({ ...own(row, 'e_', TIMELINE), subject_id: row.subject_id } as TimelineRow);
      timelines.get(row.subject_id)?.push(event);
    } else if (row.part === 'c') {
      const columns = own(row, 'c_', CLOCK);
      const clock = toStored({ ...columns, id: row.c_id, subject_id: row.subject_id } as ClockRow);
      inputs.clocks.push(clock);
      inputs.clockRows.set(clock.id, columns);
    } else {
      const f = own(row, 'f_', FIRED) as {
        metric: string;
        cycle: number;
        policy_id: number;
        level_key: string;
      };
      const set = inputs.fired.get(row.subject_id) ?? new Set<string>();
      set.add(firedKey(f.metric, f.cycle, f.policy_id, f.level_key));
      inputs.fired.set(row.subject_id, set);
    }
  }
  return inputs;
}
