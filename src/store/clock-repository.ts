import type { Knex } from 'knex';
import type { Clock } from '../sla/clocks/compute-clocks';
import type { ClockMetric } from '../sla/config';
import { utcFromSql, utcToSql } from './datetime';
import type { SubjectType } from '../sla/config/subject-types';
import { updateFromRows, type KeyedValues } from './update-from-rows';

/** A stored clock row, as the scan advances it: a computed clock without its explanation parts. */
/**
 * One of `of` disjoint shares of the subjects (by subject id modulo `of`): workers that advance
 * a backlog each take other shares, so none waits on the rows another holds.
 */
export interface SubjectShare {
  index: number;
  of: number;
}

export interface StoredClock extends Omit<Clock, 'targetMinutes' | 'metMinutes' | 'pauses' | 'pausedNow'> {
  id: number;
  subjectId: number;
  policyId: number | null;
}

/** The columns of a clock row that every reader needs, as the database returns them. */
export interface ClockCoreRow {
  id: number | string;
  subject_id: number;
  metric: string;
  cycle: number;
  policy_id: number | null;
  started_at: string;
  due_at: string;
  paused_minutes: string | number;
  met_at: string | null;
  breached_at: string | null;
  state: string;
}

/** The columns to select for a {@link ClockCoreRow}. */
export const CLOCK_CORE_COLUMNS = [
  'id',
  'subject_id',
  'metric',
  'cycle',
  'policy_id',
  'started_at',
  'due_at',
  'paused_minutes',
  'met_at',
  'breached_at',
  'state',
] as const;

/** What a {@link ClockCoreRow} holds, converted. */
export type ClockCore = Pick<
  StoredClock,
  | 'id'
  | 'subjectId'
  | 'metric'
  | 'cycle'
  | 'policyId'
  | 'startedAt'
  | 'dueAt'
  | 'pausedMinutes'
  | 'metAt'
  | 'breachedAt'
  | 'state'
>;

/** A clock row with the columns a stored clock needs, as the database returns it. */
export interface Row extends ClockCoreRow {
  scope?: string;
  status: number | null;
  warn_at: string;
  next_check_at: string | null;
  ended_at: string | null;
}

/**
 * The columns of a {@link Row}: what toStored reads. Reads that return stored clocks select only
 * these (a tick reads ~3000 rows; the bookkeeping columns would only be parsed and dropped).
 */
const STORED_COLUMNS = [
  ...CLOCK_CORE_COLUMNS,
  'scope',
  'status',
  'warn_at',
  'next_check_at',
  'ended_at',
] as const;

const sqlOrNull = (d: Date | null): string | null => (d ? utcToSql(d) : null);
const dateOrNull = (v: string | null): Date | null => (v ? utcFromSql(v) : null);

/** The clocks of one subject kind (its rows are keyed by subject type and id). */
export class ClockRepository {
  constructor(
    private readonly db: Knex,
    /** The install's table prefix (the recompute's one read spans the timeline and escalations too). */
    readonly prefix: string,
    readonly subjectType: SubjectType = 'ticket',
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_clocks`;
  }

  /**
   * Replaces the clocks of these subjects with freshly computed ones. `drop` is every stored row of
   * these subjects that must go (all but the settled cycles, which keep the policy, target and
   * outcome they ended with, and the rows that already hold what was computed, see `storesAs`).
   * A computed clock whose subject, scope, metric and cycle a dropped row holds is written over
   * that row, by primary key (one UPDATE for all of them, and its rollup row keeps its key); the
   * other dropped rows are deleted and the other computed clocks inserted. The caller holds the
   * subjects' locks and read their clocks under them, so `drop` is all there is to replace.
   */
  async replace(
    computed: ReadonlyMap<number, { policyId: number | null; clocks: readonly Clock[] }>,
    now: Date,
    trx: Knex.Transaction,
    drop: readonly StoredClock[],
  ): Promise<void> {
    const slot = (subjectId: number, scope: string, metric: string, cycle: number) =>
      `${subjectId} ${scope} ${metric} ${cycle}`;
    const free = new Map(
      drop.map((c) => [slot(c.subjectId, c.scope ?? 'customer', c.metric, c.cycle), c.id]),
    );
    const rewrites: KeyedValues[] = [];
    const inserts: Record<string, string | number | null>[] = [];
    for (const [subjectId, { policyId, clocks }] of computed) {
      for (const c of clocks) {
        const columns: Record<string, string | number | null> = {
          ...clockColumns(c, policyId),
          updated_at: utcToSql(now),
        };
        const key = slot(subjectId, String(columns.scope), c.metric, c.cycle);
        const id = free.get(key);
        if (id === undefined) {
          inserts.push({ subject_type: this.subjectType, subject_id: subjectId, ...columns });
          continue;
        }
        free.delete(key);
        rewrites.push({ key: id, values: REWRITTEN.map((k) => columns[k]) });
      }
    }
    // By primary key, not by subject: a delete that scans a subject's range also locks the gap
    // after its last clock, where the next subject's clocks are inserted, and two recomputes of
    // neighbouring subjects (two hooks, or a hook and a scan) then deadlock on each other's gap.
    // First, so an insert never meets the unique key of a row about to go.
    const gone = [...free.values()];
    for (let i = 0; i < gone.length; i += 500) {
      await trx(this.table)
        .whereIn('id', gone.slice(i, i + 500))
        .delete();
    }
    await updateFromRows(trx, this.table, 'id', REWRITTEN, rewrites, undefined, 500);
    for (let i = 0; i < inserts.length; i += 500) await trx(this.table).insert(inserts.slice(i, i + 500));
  }

  /**
   * Every clock of these subjects. Inside a transaction that holds the subjects' row locks (a
   * recompute, the tick) a plain read is enough: every writer of a subject's clocks holds the
   * subject row's lock first, so these rows cannot change under the caller, and the read view
   * opens after that lock was taken. A locking read would also take next-key locks reaching the
   * next subject's first clock, which a hook rewriting that subject's clocks holds: a deadlock for
   * nothing.
   */
  async forSubjects(ids: readonly number[], trx?: Knex.Transaction): Promise<StoredClock[]> {
    if (ids.length === 0) return [];
    const rows: Row[] = await (trx ?? this.db)(this.table)
      .select(STORED_COLUMNS)
      .where('subject_type', this.subjectType)
      .whereIn('subject_id', ids)
      .orderBy([{ column: 'subject_id' }, { column: 'scope' }, { column: 'metric' }, { column: 'cycle' }]);
    return rows.map(toStored);
  }

  /**
   * Clocks whose next check has come, most overdue first (no lock: a hint of which subjects to lock,
   * and which of them a level will fire for).
   */
  async dueClocks(now: Date, limit: number, share?: SubjectShare): Promise<StoredClock[]> {
    const query = this.db(this.table)
      .select(STORED_COLUMNS)
      .where('next_check_at', '<=', utcToSql(now))
      .where('subject_type', this.subjectType);
    if (share) query.whereRaw('MOD(subject_id, ?) = ?', [share.of, share.index]);
    const rows: Row[] = await query.orderBy('next_check_at').limit(limit);
    return rows.map(toStored);
  }

  /** How many clocks are due, counted up to `cap` (an index range read of at most `cap` rows). */
  async dueCount(now: Date, cap: number): Promise<number> {
    const [rows] = (await this.db.raw(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ?? WHERE next_check_at <= ? AND subject_type = ? LIMIT ?) AS due`,
      [this.table, utcToSql(now), this.subjectType, cap],
    )) as unknown as [{ n: number | string }[]];
    return Number(rows[0].n);
  }

  /**
   * Writes the advanced state of many clocks, one statement per ROWS_PER_UPDATE (a tick must not
   * cost a query per clock).
   */
  async updateStates(clocks: readonly StoredClock[], now: Date, trx: Knex.Transaction): Promise<void> {
    const at = utcToSql(now);
    await updateFromRows(
      trx,
      this.table,
      'id',
      ['state', 'breached_at', 'next_check_at', 'updated_at'],
      clocks.map((c) => ({
        key: c.id,
        values: [c.state, sqlOrNull(c.breachedAt), sqlOrNull(c.nextCheckAt), at],
      })),
    );
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db(this.table).count({ n: '*' });
    return Number(n);
  }
}

/** The columns `replace` writes for a computed clock (besides its subject and `updated_at`). */
function clockColumns(c: Clock, policyId: number | null): Record<string, string | number | null> {
  return {
    scope: c.scope ?? 'customer',
    metric: c.metric,
    cycle: c.cycle,
    status: c.status ?? null,
    policy_id: policyId,
    target_minutes: Math.round(c.targetMinutes),
    started_at: utcToSql(c.startedAt),
    due_at: utcToSql(c.dueAt),
    warn_at: utcToSql(c.warnAt),
    paused_minutes: c.pausedMinutes,
    met_at: sqlOrNull(c.metAt),
    breached_at: sqlOrNull(c.breachedAt),
    state: c.state,
    next_check_at: sqlOrNull(c.nextCheckAt),
    ended_at: sqlOrNull(c.endedAt),
    met_minutes: c.metMinutes,
  };
}

/** The clock columns `storesAs` compares, as a recompute reads them. */
export const STORED_AS_COLUMNS = [
  'scope',
  'metric',
  'cycle',
  'status',
  'policy_id',
  'target_minutes',
  'started_at',
  'due_at',
  'warn_at',
  'paused_minutes',
  'met_at',
  'breached_at',
  'state',
  'next_check_at',
  'ended_at',
  'met_minutes',
] as const;

/** What identifies a clock within its subject: a rewrite in place (`replace`) keeps these. */
const CYCLE_KEY: readonly string[] = ['scope', 'metric', 'cycle'];

/** The columns a rewrite in place sets (`replace`): what `storesAs` compares but the cycle's key, and the time. */
const REWRITTEN = [...STORED_AS_COLUMNS.filter((c) => !CYCLE_KEY.includes(c)), 'updated_at' as const];

/**
 * Whether a stored clock row (as mysql2 returns it: DATETIME(3) as 'YYYY-MM-DD HH:MM:SS.mmm',
 * DECIMAL as a string) already holds exactly what `replace` would write for `c` under `policyId`:
 * then a recompute keeps the row instead of deleting and inserting it again (its id, and the
 * rollups' row keyed by it, stay). Any doubt (a decimal the column rounds, say) reads as a change.
 */
export function storesAs(
  stored: Readonly<Record<string, unknown>>,
  c: Clock,
  policyId: number | null,
): boolean {
  const written = clockColumns(c, policyId);
  return STORED_AS_COLUMNS.every((column) => {
    const want = written[column];
    const have = stored[column];
    if (want === null || have === null || have === undefined) return want === null && have === null;
    if (typeof want === 'number') return Number(have) === want;
    return have === want;
  });
}

/** Converts the core columns of a clock row (ids to numbers, UTC strings to dates). */
export function clockCoreFromRow(r: ClockCoreRow): ClockCore {
  return {
    id: Number(r.id),
    subjectId: r.subject_id,
    metric: r.metric as ClockMetric,
    cycle: r.cycle,
    policyId: r.policy_id,
    startedAt: utcFromSql(r.started_at),
    dueAt: utcFromSql(r.due_at),
    pausedMinutes: Number(r.paused_minutes),
    metAt: dateOrNull(r.met_at),
    breachedAt: dateOrNull(r.breached_at),
    state: r.state as StoredClock['state'],
  };
}

/**
 * A clock row as a stored clock. Built as one literal (the tick maps ~3000 rows; spreading the core
 * fields into a new object cost more than reading them).
 */
export function toStored(r: Row): StoredClock {
  const clock: StoredClock = {
    id: Number(r.id),
    subjectId: r.subject_id,
    metric: r.metric as ClockMetric,
    cycle: r.cycle,
    policyId: r.policy_id,
    startedAt: utcFromSql(r.started_at),
    dueAt: utcFromSql(r.due_at),
    pausedMinutes: Number(r.paused_minutes),
    metAt: dateOrNull(r.met_at),
    breachedAt: dateOrNull(r.breached_at),
    state: r.state as StoredClock['state'],
    warnAt: utcFromSql(r.warn_at),
    nextCheckAt: dateOrNull(r.next_check_at),
    endedAt: dateOrNull(r.ended_at),
  };
  // Only status_time clocks have a status (and only they carry the field, as computed ones do).
  if (r.status !== null && r.status !== undefined) clock.status = Number(r.status);
  // Only internal clocks carry a scope (a customer clock reads as computed ones are).
  if (r.scope === 'internal') clock.scope = 'internal';
  return clock;
}

/** Stored clocks by subject id, in the order they came. */
export function groupBySubject(clocks: readonly StoredClock[]): Map<number, StoredClock[]> {
  const bySubject = new Map<number, StoredClock[]>();
  for (const c of clocks) {
    const list = bySubject.get(c.subjectId);
    if (list) list.push(c);
    else bySubject.set(c.subjectId, [c]);
  }
  return bySubject;
}
