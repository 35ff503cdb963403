import type { Knex } from 'knex';
import { utcToSql } from './datetime';
import type { ClockState } from '../sla/clocks/sla-event';
import type { SubjectType } from '../sla/config/subject-types';
import { updateFromRows, type KeyedValues } from './update-from-rows';
import {
  URGENCY_VALUES,
  refreshUrgency,
  urgencyFromColumns,
  writeStanding,
  type SubjectStanding,
  type UrgencyColumns,
} from './urgency-repository';
import type { StoredUrgency } from '../sla/clocks/stored-urgency';

/** Why a subject's clocks ended while the host still has it (a lead lost, junk or converted). */
export type SubjectEnd = 'lost' | 'junk' | 'converted';

/**
 * What the module last saw of a host subject: reconcile compares the host with this. Tickets and
 * leads share one table: a lead uses `status` and `assigned`, leaves the ticket fields at their
 * "none" (0 / null) and adds `country`, `source` and `ended`, which tickets leave out.
 */
export interface SubjectSnapshot {
  subjectId: number;
  status: number;
  priority: number;
  department: number;
  assigned: number;
  userid: number;
  service: number | null;
  mergedInto: number | null;
  deleted: boolean;
  /** A lead's market (country id, 0 = none). */
  country?: number | null;
  /** A lead's source id. */
  source?: number | null;
  /** Why a lead's clocks ended (null while open). */
  ended?: SubjectEnd | null;
}

/** What a recompute writes on one subject's row (SubjectRepository.writeComputed). */
export interface ComputedSubject {
  subjectId: number;
  policyId: number | null;
  slaState: ClockState;
  /** The newest timeline event the clocks were computed from; absent: the row keeps its own. */
  clocksEventId?: number;
  urgency: StoredUrgency | null;
  /** The fields a hook reported, written in the same statement. */
  patch?: PatchFields;
}

export interface SubjectRow extends SubjectSnapshot {
  policyId: number | null;
  slaState: ClockState;
  computedVersion: number;
  /** The last timeline event the stored clocks were computed from (null = never computed). */
  clocksEventId: number | null;
}

/** The snapshot columns of a `sla_vigil_subjects` row, as the database returns them. */
export interface SnapshotRow {
  subject_id: number;
  status: number;
  priority: number;
  department: number;
  assigned: number;
  userid: number;
  service: number | null;
  merged_into: number | null;
}

interface Row extends SnapshotRow {
  country: number | null;
  source: number | null;
  ended: string | null;
  deleted: number;
  policy_id: number | null;
  sla_state: string;
  computed_version: number;
  clocks_event_id: number | string | null;
}

/**
 * `computed_version` of a subject whose snapshot changed since its clocks were computed: the
 * scan recomputes it, so a hook whose recompute failed is repaired (any real version is >= 0).
 */
export const DIRTY = -1;

export const SNAPSHOT_FIELDS = [
  'status',
  'priority',
  'department',
  'assigned',
  'userid',
  'service',
  'mergedInto',
] as const;
export type SnapshotField = (typeof SNAPSHOT_FIELDS)[number];

const COLUMN: Record<SnapshotField, string> = {
  status: 'status',
  priority: 'priority',
  department: 'department',
  assigned: 'assigned',
  userid: 'userid',
  service: 'service',
  mergedInto: 'merged_into',
};

/** The lead fields beside the shared ones (null on tickets). */
const KIND_FIELDS = ['country', 'source', 'ended'] as const;
type KindField = (typeof KIND_FIELDS)[number];

/** The fields a hook may patch. */
export type PatchFields = Partial<Pick<SubjectSnapshot, SnapshotField | KindField | 'deleted'>>;

/** The columns to select for a {@link SnapshotRow}. */
export const SNAPSHOT_COLUMNS: readonly string[] = ['subject_id', ...SNAPSHOT_FIELDS.map((f) => COLUMN[f])];

/** The snapshots of one subject kind (rows keyed by subject type and id). */
export class SubjectRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    readonly subjectType: SubjectType = 'ticket',
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_subjects`;
  }

  async getMany(ids: readonly number[], trx?: Knex.Transaction): Promise<Map<number, SubjectRow>> {
    if (ids.length === 0) return new Map();
    const rows: Row[] = await (trx ?? this.db)(this.table)
      .where('subject_type', this.subjectType)
      .whereIn('subject_id', ids);
    return new Map(rows.map((r) => [r.subject_id, toSubject(r)]));
  }

  /**
   * Reads and locks subjects (in id order, so concurrent batches never deadlock) for a
   * recompute: whoever writes a subject's clocks last has read its timeline last.
   */
  async lockMany(
    ids: readonly number[],
    trx: Knex.Transaction,
    options: { skipLocked?: boolean } = {},
  ): Promise<Map<number, SubjectRow>> {
    const rows = await this.lockRows(ids, trx, options);
    return new Map(rows.map((r) => [r.subject_id, toSubject(r)]));
  }

  /**
   * lockMany with each subject's stored urgency beside it (the same row, read anyway): the tick
   * compares what it computes from the clocks it holds with what the row stores, and writes only
   * the difference.
   */
  async lockWithUrgency(
    ids: readonly number[],
    trx: Knex.Transaction,
    options: { skipLocked?: boolean } = {},
  ): Promise<Map<number, { subject: SubjectRow; urgency: StoredUrgency | null }>> {
    const rows = await this.lockRows(ids, trx, options);
    return new Map(
      rows.map((r) => [r.subject_id, { subject: toSubject(r), urgency: urgencyFromColumns(r) }]),
    );
  }

  private async lockRows(
    ids: readonly number[],
    trx: Knex.Transaction,
    options: { skipLocked?: boolean },
  ): Promise<(Row & UrgencyColumns)[]> {
    if (ids.length === 0) return [];
    const query = trx(this.table)
      .where('subject_type', this.subjectType)
      .whereIn('subject_id', ids)
      .orderBy('subject_id')
      .forUpdate();
    return options.skipLocked ? query.skipLocked() : query;
  }

  /** Snapshots with subject_id in (afterId, upToId] (upToId null = no upper bound), for reconcile batches. */
  async inRange(afterId: number, upToId: number | null): Promise<Map<number, SubjectRow>> {
    const q = this.db(this.table).where('subject_type', this.subjectType).where('subject_id', '>', afterId);
    if (upToId !== null) q.where('subject_id', '<=', upToId);
    const rows: Row[] = await q;
    return new Map(rows.map((r) => [r.subject_id, toSubject(r)]));
  }

  async upsert(snapshots: readonly SubjectSnapshot[], now: Date, trx?: Knex.Transaction): Promise<void> {
    if (snapshots.length === 0) return;
    const ts = utcToSql(now);
    await (trx ?? this.db)(this.table)
      .insert(
        snapshots.map((s) => ({
          subject_type: this.subjectType,
          ...snapshotColumns(s),
          sla_state: 'no_policy',
          computed_version: DIRTY,
          created_at: ts,
          updated_at: ts,
        })),
      )
      .onConflict(['subject_type', 'subject_id'])
      .merge([
        ...SNAPSHOT_FIELDS.map((f) => COLUMN[f]),
        ...KIND_FIELDS,
        'deleted',
        'computed_version',
        'updated_at',
      ]);
  }

  /**
   * Upserts one subject and returns its row, locked in `trx`. For a subject that may be new (a
   * creation hook): the insert, or the update of a row the scan adopted first, takes the row lock
   * itself. Locking first would not do: a locking read of a missing row holds the gap where it
   * goes (REPEATABLE READ), and two hooks for new subjects at the end of the index would each
   * hold that gap and then wait for the other to insert (a deadlock). The select after the upsert
   * runs under the lock already held; it reads the columns the upsert keeps (the policy and the
   * clocks event of an earlier recompute), which only the database knows.
   */
  async upsertLocked(snapshot: SubjectSnapshot, now: Date, trx: Knex.Transaction): Promise<SubjectRow> {
    await this.upsert([snapshot], now, trx);
    const row = (await this.lockMany([snapshot.subjectId], trx)).get(snapshot.subjectId);
    if (!row) throw new Error(`${this.subjectType} ${snapshot.subjectId} vanished inside its own upsert`);
    return row;
  }

  /** Applies what one hook reported, leaving other fields for reconcile to compare. */
  async patch(subjectId: number, fields: PatchFields, now: Date, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db)(this.table)
      .where({ subject_type: this.subjectType, subject_id: subjectId })
      .update({ ...patchColumns(fields), updated_at: utcToSql(now) });
  }

  /**
   * Writes what a recompute leaves on its subjects' rows, one UPDATE per 500 subjects that set the
   * same columns, joined to a derived table of their values (update-from-rows.ts: linear in the
   * rows, where a `CASE subject_id` list per column is walked for every row; a single row, a hook's,
   * is a plain keyed UPDATE): the policy,
   * the summary state and the configuration version they were computed under, the timeline event
   * they were computed from (when they have events), their urgency (from the clocks the recompute
   * holds, storedUrgency), and the fields a hook reported with `updated_at` (its patch, which
   * needs no dirty mark: the recompute that clears it is this very statement). One statement
   * instead of a patch, a state update per (policy, state) pair, an event id update and an urgency
   * read and update: a hook pays a round trip for each.
   */
  async writeComputed(
    rows: readonly ComputedSubject[],
    version: number,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<void> {
    // Rows that set the same columns (whether the clocks event id is known, which fields a hook
    // patched) share one statement per 500: a scan's batch is one shape, a hook's one row.
    const shapes = new Map<string, { columns: string[]; rows: KeyedValues[] }>();
    for (const r of rows) {
      const columns: string[] = ['policy_id', 'sla_state', 'computed_version'];
      const values: Knex.Value[] = [r.policyId, r.slaState, version];
      for (const [name, pick] of URGENCY_VALUES) {
        columns.push(name);
        values.push(r.urgency ? pick(r.urgency) : null);
      }
      if (r.clocksEventId !== undefined) {
        columns.push('clocks_event_id');
        values.push(r.clocksEventId);
      }
      if (r.patch) {
        const patched = fieldColumns(r.patch);
        for (const column of Object.keys(patched).sort()) {
          columns.push(column);
          values.push(patched[column] as Knex.Value);
        }
        columns.push('updated_at');
        values.push(utcToSql(now));
      }
      const key = columns.join(',');
      const shape = shapes.get(key) ?? { columns, rows: [] };
      shape.rows.push({ key: r.subjectId, values });
      shapes.set(key, shape);
    }
    for (const { columns, rows: keyed } of shapes.values())
      await updateFromRows(
        trx,
        this.table,
        'subject_id',
        columns,
        keyed,
        { sql: 't.subject_type = ?', bindings: [this.subjectType] },
        500,
      );
  }

  /**
   * Writes the summary states and urgency the tick computed in memory for the subjects whose
   * values changed (one UPDATE per 500, only the column groups that changed).
   */
  async writeStanding(
    rows: readonly SubjectStanding[],
    set: { states: boolean; urgency: boolean },
    trx: Knex.Transaction,
  ): Promise<void> {
    await writeStanding(trx, this.prefix, this.subjectType, rows, set);
  }

  /**
   * Rewrites the urgency columns of these subjects (their most urgent running clock) from the
   * clocks just written: every writer of clocks calls it, under the subjects' locks.
   */
  async refreshUrgency(ids: readonly number[], trx: Knex.Transaction): Promise<void> {
    await refreshUrgency(trx, this.prefix, this.subjectType, ids);
  }

  /** Live subjects computed under an older config version, oldest id first. */
  async staleIds(version: number, afterId: number, limit: number): Promise<number[]> {
    return (
      this.db(this.table)
        .where('subject_type', this.subjectType)
        .where('computed_version', '<', version)
        // Deleted tickets only while dirty: their clocks must still be removed.
        .where((q) => q.where('deleted', false).orWhere('computed_version', DIRTY))
        .where('subject_id', '>', afterId)
        .orderBy('subject_id')
        .limit(limit)
        .pluck('subject_id')
    );
  }

  /**
   * Subjects still open (not deleted, not ended), by id after `afterId`: the reconcile compares
   * these with the host, since a change without a hook leaves no other trace (leads).
   */
  async openIds(afterId: number, limit: number): Promise<number[]> {
    return this.db(this.table)
      .where({ subject_type: this.subjectType, deleted: false })
      .whereNull('ended')
      .where('subject_id', '>', afterId)
      .orderBy('subject_id')
      .limit(limit)
      .pluck('subject_id');
  }

  /** Subjects (not deleted) whose clocks ended for one of these reasons, by id after `afterId`. */
  async endedIds(afterId: number, limit: number, ends: readonly SubjectEnd[]): Promise<number[]> {
    return this.db(this.table)
      .where({ subject_type: this.subjectType, deleted: false })
      .whereIn('ended', ends)
      .where('subject_id', '>', afterId)
      .orderBy('subject_id')
      .limit(limit)
      .pluck('subject_id');
  }

  async countByState(): Promise<Record<string, number>> {
    const rows: { sla_state: string; n: number | string }[] = await this.db(this.table)
      .select('sla_state')
      .count({ n: '*' })
      .where({ subject_type: this.subjectType, deleted: false })
      .groupBy('sla_state');
    return Object.fromEntries(rows.map((r) => [r.sla_state, Number(r.n)]));
  }
}

/** The columns `patch` writes (besides `updated_at`): the fields, and the mark "recompute me". */
function patchColumns(fields: PatchFields): Partial<Row> {
  return { computed_version: DIRTY, ...fieldColumns(fields) } as Partial<Row>;
}

/** The reported fields by column name. */
function fieldColumns(fields: PatchFields): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    const column =
      field === 'deleted' || (KIND_FIELDS as readonly string[]).includes(field)
        ? field
        : COLUMN[field as SnapshotField];
    update[column] = value;
  }
  return update;
}

/**
 * The row `patch(fields)` leaves behind `row`, exactly as reading it back would return it: a hook
 * that holds the subject's lock knows what it wrote and hands this to the recompute instead of
 * reading its own write again.
 */
export function afterPatch(row: SubjectRow, fields: PatchFields): SubjectRow {
  return toSubject({ ...fromSubject(row), ...patchColumns(fields) });
}

/** The row `upsert([snapshot])` leaves behind `existing` (undefined: the subject had no row). */
export function afterUpsert(existing: SubjectRow | undefined, snapshot: SubjectSnapshot): SubjectRow {
  if (!existing) return afterInsert(snapshot);
  // The upsert's merge list: every snapshot and kind field, and `deleted`.
  const fields: Required<PatchFields> = {
    status: snapshot.status,
    priority: snapshot.priority,
    department: snapshot.department,
    assigned: snapshot.assigned,
    userid: snapshot.userid,
    service: snapshot.service,
    mergedInto: snapshot.mergedInto,
    country: snapshot.country ?? null,
    source: snapshot.source ?? null,
    ended: snapshot.ended ?? null,
    deleted: snapshot.deleted,
  };
  return afterPatch(existing, fields);
}

/** A snapshot's columns, as `upsert` writes them and `afterInsert` reads them back. */
function snapshotColumns(s: SubjectSnapshot) {
  return {
    subject_id: s.subjectId,
    status: s.status,
    priority: s.priority,
    department: s.department,
    assigned: s.assigned,
    userid: s.userid,
    service: s.service,
    merged_into: s.mergedInto,
    country: s.country ?? null,
    source: s.source ?? null,
    ended: s.ended ?? null,
    deleted: s.deleted ? 1 : 0,
  };
}

/**
 * The row `upsert([snapshot])` inserts for a subject that has no row, as reading it back would
 * return it (never computed: no policy, no clocks event, dirty).
 */
export function afterInsert(snapshot: SubjectSnapshot): SubjectRow {
  return toSubject({
    ...snapshotColumns(snapshot),
    policy_id: null,
    sla_state: 'no_policy',
    computed_version: DIRTY,
    clocks_event_id: null,
  });
}

/** The database row a {@link SubjectRow} was read from (the inverse of `toSubject`). */
function fromSubject(s: SubjectRow): Row {
  return {
    ...snapshotColumns(s),
    policy_id: s.policyId,
    sla_state: s.slaState,
    computed_version: s.computedVersion,
    clocks_event_id: s.clocksEventId,
  };
}

/** A subject row's snapshot; `deleted` comes from the caller (a query may have filtered on it). */
export function snapshotFromRow(r: SnapshotRow, deleted: boolean): SubjectSnapshot {
  return {
    subjectId: r.subject_id,
    status: r.status,
    priority: r.priority,
    department: r.department,
    assigned: r.assigned,
    userid: r.userid,
    // Snapshots stored before the host read took a service of 0 for none must not read as a change.
    service: r.service === 0 ? null : r.service,
    mergedInto: r.merged_into,
    deleted,
  };
}

function toSubject(r: Row): SubjectRow {
  return {
    ...snapshotFromRow(r, Boolean(r.deleted)),
    // Lead fields only where the row has them, so a ticket's snapshot keeps its old shape.
    ...(r.country === null || r.country === undefined ? {} : { country: r.country }),
    ...(r.source === null || r.source === undefined ? {} : { source: r.source }),
    ...(r.ended ? { ended: r.ended as SubjectEnd } : {}),
    policyId: r.policy_id,
    slaState: r.sla_state as ClockState,
    computedVersion: r.computed_version,
    clocksEventId: r.clocks_event_id === null ? null : Number(r.clocks_event_id),
  };
}
