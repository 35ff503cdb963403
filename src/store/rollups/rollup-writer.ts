import type { Knex } from 'knex';
import { utcToSql } from '../datetime';
import { selectRows } from '../read/sla-sql';
import {
  MONITOR_GROUP,
  liveRows,
  monitorGroupOf,
  rollupTables,
  settledContributions,
  type MonitorGroupKey,
  type RollupTables,
} from './rollup-tables';
import type { SubjectRow } from '../subject-repository';
import { zoneOffsets } from './zone-offsets';
import { ROWS_PER_UPDATE, updateFromRows } from '../update-from-rows';

interface SettledRow {
  clock_id: number | string;
  subject_type: string;
  subject_id: number;
  scope: string;
  metric: string;
  policy_id: number;
  department: number;
  assigned: number;
  day: string;
  breached: number | string;
}

interface LiveRow {
  subject_type: string;
  subject_id: number;
  department: number;
  assigned: number;
  country: number;
  has_policy: number | string;
  running_rank: number | null;
  state_rank: number;
  priority: number;
  policy_id: number;
  status: number;
  source: number;
  list_rank: number;
}

/** What a rollup holds for some subjects (`before`) and what they contribute now. */
interface Sides<R> {
  before: readonly R[];
  now: readonly R[];
}

/** A subject's live row ranks (rollup_live), as the tick computed them. */
export interface LiveRanks {
  subjectId: number;
  runningRank: number | null;
  stateRank: number;
  /** The subject row's `list_rank` after the tick's write (the monitor's counts group by it). */
  listRank: number;
  /** Its `list_rank` before the tick. */
  wasListRank: number;
  /** The subject's row as the tick holds it locked (the monitor group's other columns). */
  subject: SubjectRow;
}

/** An open subject leaving one monitor group (`from`) and/or joining another (`to`). */
interface MonitorMove {
  from?: MonitorGroupKey;
  to?: MonitorGroupKey;
}

/** What a rebuild wrote. */
export interface RollupBuild {
  zone: string;
  settledClocks: number;
  days: number;
  openSubjects: number;
}

const BATCH = 500;
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const DAY_KEY = ['subject_type', 'scope', 'day', 'department', 'assigned', 'metric', 'policy_id'] as const;
const SETTLED_COLUMNS = [
  'clock_id',
  'subject_type',
  'subject_id',
  'scope',
  'metric',
  'policy_id',
  'department',
  'assigned',
  'day',
  'breached',
] as const;
const LIVE_COLUMNS = [
  'subject_type',
  'subject_id',
  'department',
  'assigned',
  'country',
  'has_policy',
  'running_rank',
  'state_rank',
  'priority',
  'policy_id',
  'status',
  'source',
  'list_rank',
] as const;

/** The columns of the settled and the live rows together (refresh reads both in one statement). */
const UNION_COLUMNS: readonly string[] = [...new Set<string>([...SETTLED_COLUMNS, ...LIVE_COLUMNS])];

/**
 * Keeps the dashboard's rollups (migrations/20261206080000_rollups.ts) and the monitor's counts
 * (20261206090300_monitor_counts.ts) in step with the clocks.
 * `refresh` runs inside every transaction that rewrites a subject's clocks or state (recompute,
 * the tick's advance), under the subjects' locks, after those writes: it reads what the subjects'
 * rows now contribute and what the rollups hold for them, and writes only the difference, so it is
 * idempotent (a second run writes nothing) and costs a few statements per batch, never per clock.
 * Reads are plain (no locking reads, which would lock gaps a neighbour's refresh inserts into);
 * every writer of these subjects holds their row locks, so nothing changes them underneath.
 * `rebuild` computes everything from scratch: the tests hold the two equal.
 */
export class RollupWriter {
  private readonly t: RollupTables;

  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {
    this.t = rollupTables(prefix);
  }

  /**
   * Brings the rollups of these subjects up to date inside the caller's transaction: what the
   * settled and live rollups hold for them and what they contribute now, in one read per batch (a
   * hook pays a round trip for each statement), then only the differences written.
   */
  async refresh(trx: Knex.Transaction, subjectType: string, ids: readonly number[]): Promise<void> {
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i += BATCH) {
      const batch = sorted.slice(i, i + BATCH);
      const read = await this.readSubjects(trx, subjectType, batch);
      await this.writeSettled(trx, read.settled);
      await this.writeLive(trx, subjectType, read.live);
    }
  }

  /**
   * The four sides `refresh` compares, as one UNION ALL: each part fills its own columns (the
   * others NULL; the normal* mappers give them their types back), tagged with its side.
   */
  private async readSubjects(
    trx: Knex.Transaction,
    subjectType: string,
    ids: readonly number[],
  ): Promise<{ settled: Sides<SettledRow>; live: Sides<LiveRow> }> {
    const { t } = this;
    const list = marks(ids.length);
    const part = (side: string, own: readonly string[], from: string) =>
      `SELECT '${side}' AS side, ${UNION_COLUMNS.map((c) => (own.includes(c) ? `x.${c}` : `NULL AS ${c}`)).join(', ')}
         FROM (${from}) x`;
    const settledOld = `SELECT ${SETTLED_COLUMNS.map((c) => (c === 'day' ? `DATE_FORMAT(day, '%Y-%m-%d') AS day` : c)).join(', ')}
         FROM ${t.settled} WHERE subject_type = ? AND subject_id IN (${list})`;
    const liveOld = `SELECT ${LIVE_COLUMNS.join(', ')} FROM ${t.live} WHERE subject_type = ? AND subject_id IN (${list})`;
    const rows = await selectRows<SettledRow & LiveRow & { side: string }>(
      trx,
      [
        part('settled_old', SETTLED_COLUMNS, settledOld),
        part(
          'settled_new',
          SETTLED_COLUMNS,
          settledContributions(t, `c.subject_type = ? AND c.subject_id IN (${list})`),
        ),
        part('live_old', LIVE_COLUMNS, liveOld),
        part(
          'live_new',
          LIVE_COLUMNS,
          liveRows(
            t,
            `s.subject_type = ? AND s.subject_id IN (${list})`,
            `c.subject_type = ? AND c.subject_id IN (${list})`,
          ),
        ),
      ].join('\n       UNION ALL\n'),
      Array.from({ length: 5 }, () => [subjectType, ...ids]).flat(),
    );
    const side = (name: string) => rows.filter((r) => r.side === name);
    return {
      settled: { before: side('settled_old'), now: side('settled_new') },
      live: { before: side('live_old'), now: side('live_new') },
    };
  }

  /**
   * What a tick changed, computed by the tick from the clocks it holds (it moves clock states and
   * breach times, never a subject's department, assignee, policy or openness): the live rows whose
   * ranks moved, by primary key, and the contributions of the clocks it breached (a breach settles
   * a clock), diffed by clock id. Nothing else of these subjects' rollups can have changed, so the
   * monitor groups they leave and join come from their rows in memory (monitorGroupOf), not from
   * reading their live rows back.
   */
  async applyTick(
    trx: Knex.Transaction,
    subjectType: string,
    live: readonly LiveRanks[],
    breachedClockIds: readonly number[],
  ): Promise<void> {
    const sorted = [...live].sort((a, b) => a.subjectId - b.subjectId);
    for (let i = 0; i < sorted.length; i += ROWS_PER_UPDATE) {
      const batch = sorted.slice(i, i + ROWS_PER_UPDATE);
      // Only rows that exist (the caller passes open subjects only): an update of a missing key
      // would lock its gap, where a neighbour's refresh inserts.
      await updateFromRows(
        trx,
        `${this.prefix}sla_vigil_rollup_live`,
        'subject_id',
        ['running_rank', 'state_rank', 'list_rank'],
        batch.map((r) => ({ key: r.subjectId, values: [r.runningRank, r.stateRank, r.listRank] })),
        { sql: 't.subject_type = ?', bindings: [subjectType] },
      );
      // The monitor's counts group by list_rank: the rows whose rank moves leave their old group
      // for the new one.
      await this.moveMonitorCounts(
        trx,
        batch
          .filter((r) => r.wasListRank !== r.listRank)
          .map((r) => ({
            from: monitorGroupOf(subjectType, r.subject, r.wasListRank),
            to: monitorGroupOf(subjectType, r.subject, r.listRank),
          })),
      );
    }
    const clocks = [...new Set(breachedClockIds)].sort((a, b) => a - b);
    for (let i = 0; i < clocks.length; i += ROWS_PER_UPDATE) {
      const chunk = clocks.slice(i, i + ROWS_PER_UPDATE);
      await this.refreshSettled(trx, {
        old: `clock_id IN (${marks(chunk.length)})`,
        now: `c.id IN (${marks(chunk.length)})`,
        bindings: chunk,
      });
    }
  }

  /**
   * Brings the settled contributions of some clocks up to date: `old` filters the rollup's rows,
   * `now` the clocks `c` (the same clocks), each with `bindings`.
   */
  private async refreshSettled(
    trx: Knex.Transaction,
    filter: { old: string; now: string; bindings: readonly Knex.Value[] },
  ): Promise<void> {
    const { t } = this;
    // What the rollups hold for these clocks and what they contribute now, in one round trip
    // (a hook pays for each statement).
    const both = await selectRows<SettledRow & { side: string }>(
      trx,
      `SELECT 'old' AS side, ${SETTLED_COLUMNS.map((c) => (c === 'day' ? `DATE_FORMAT(day, '%Y-%m-%d') AS day` : c)).join(', ')}
         FROM ${t.settled} WHERE ${filter.old}
       UNION ALL
       SELECT 'new' AS side, x.* FROM (${settledContributions(t, filter.now)}) x`,
      [...filter.bindings, ...filter.bindings],
    );
    await this.writeSettled(trx, {
      before: both.filter((r) => r.side === 'old'),
      now: both.filter((r) => r.side === 'new'),
    });
  }

  /** Writes the difference between what the settled rollups held and what the clocks give now. */
  private async writeSettled(trx: Knex.Transaction, { before, now }: Sides<SettledRow>): Promise<void> {
    const { t } = this;
    const old = new Map(before.map((r) => [String(r.clock_id), normalSettled(r)]));
    const fresh = new Map(now.map((r) => [String(r.clock_id), normalSettled(r)]));
    const delta = new Map<
      string,
      { key: (string | number)[]; finished: number; onTime: number; breaches: number }
    >();
    const add = (r: SettledRow, sign: 1 | -1) => {
      const key = DAY_KEY.map((k) => r[k]);
      const id = JSON.stringify(key);
      const d = delta.get(id) ?? { key, finished: 0, onTime: 0, breaches: 0 };
      const breached = Number(r.breached) ? 1 : 0;
      d.finished += sign;
      d.onTime += sign * (1 - breached);
      d.breaches += sign * breached;
      delta.set(id, d);
    };
    const changed: SettledRow[] = [];
    for (const [id, r] of fresh) {
      const was = old.get(id);
      if (was && sameRow(was, r, SETTLED_COLUMNS)) continue;
      if (was) add(was, -1);
      add(r, 1);
      changed.push(r);
    }
    const gone = [...old].filter(([id]) => !fresh.has(id));
    for (const [, r] of gone) add(r, -1);
    // Sorted, so two batches touching the same day rows lock them in one order.
    const rows = [...delta]
      .filter(([, d]) => d.finished || d.onTime || d.breaches)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, d]) => d);
    if (rows.length) {
      await trx.raw(
        `INSERT INTO ${t.days} (${DAY_KEY.join(', ')}, finished, on_time, breaches)
         VALUES ${rows.map(() => `(${marks(DAY_KEY.length + 3)})`).join(', ')}
         ON DUPLICATE KEY UPDATE finished = finished + VALUES(finished), on_time = on_time + VALUES(on_time),
                                 breaches = breaches + VALUES(breaches)`,
        rows.flatMap((d) => [...d.key, d.finished, d.onTime, d.breaches]),
      );
    }
    if (changed.length) {
      await trx.raw(
        `INSERT INTO ${t.settled} (${SETTLED_COLUMNS.join(', ')})
         VALUES ${changed.map(() => `(${marks(SETTLED_COLUMNS.length)})`).join(', ')}
         ON DUPLICATE KEY UPDATE ${SETTLED_COLUMNS.slice(1)
           .map((c) => `${c} = VALUES(${c})`)
           .join(', ')}`,
        changed.flatMap((r) => SETTLED_COLUMNS.map((c) => r[c])),
      );
    }
    // By primary key: a delete by subject would lock the gap a neighbour's refresh inserts into.
    if (gone.length) {
      await trx.raw(
        `DELETE FROM ${t.settled} WHERE clock_id IN (${marks(gone.length)})`,
        gone.map(([id]) => id),
      );
    }
  }

  /** Writes the difference between the subjects' live rows and what they contribute now. */
  private async writeLive(
    trx: Knex.Transaction,
    subjectType: string,
    { before, now }: Sides<LiveRow>,
  ): Promise<void> {
    const { t } = this;
    const old = new Map(before.map((r) => [r.subject_id, normalLive(r)]));
    const fresh = now.map(normalLive);
    const open = new Set(fresh.map((r) => r.subject_id));
    const changed = fresh.filter((r) => {
      const was = old.get(r.subject_id);
      return !was || !sameRow(was, r, LIVE_COLUMNS);
    });
    if (changed.length) {
      await trx.raw(
        `INSERT INTO ${t.live} (${LIVE_COLUMNS.join(', ')})
         VALUES ${changed.map(() => `(${marks(LIVE_COLUMNS.length)})`).join(', ')}
         ON DUPLICATE KEY UPDATE ${LIVE_COLUMNS.slice(2)
           .map((c) => `${c} = VALUES(${c})`)
           .join(', ')}`,
        changed.flatMap((r) => LIVE_COLUMNS.map((c) => r[c])),
      );
    }
    // Only rows that exist, by primary key: deleting a missing key would lock its gap.
    const closed = [...old.keys()].filter((id) => !open.has(id));
    if (closed.length) {
      await trx.raw(
        `DELETE FROM ${t.live} WHERE subject_type = ? AND subject_id IN (${marks(closed.length)})`,
        [subjectType, ...closed],
      );
    }
    // The monitor's counts follow the member rows: each changed row leaves its old group and
    // joins its new one, each closed row leaves.
    await this.moveMonitorCounts(trx, [
      ...changed.map((r) => ({ from: old.get(r.subject_id), to: r })),
      ...closed.map((id) => ({ from: old.get(id) })),
    ]);
  }

  /** Moves open subjects between rollup_monitor's groups (`from` left, `to` joined). */
  private async moveMonitorCounts(trx: Knex.Transaction, moves: readonly MonitorMove[]): Promise<void> {
    const delta = new Map<string, { key: (string | number)[]; n: number }>();
    const add = (r: MonitorGroupKey, sign: 1 | -1) => {
      const key = MONITOR_GROUP.map((c) => r[c]);
      const id = JSON.stringify(key);
      const d = delta.get(id) ?? { key, n: 0 };
      d.n += sign;
      delta.set(id, d);
    };
    for (const m of moves) {
      if (m.from) add(m.from, -1);
      if (m.to) add(m.to, 1);
    }
    // Sorted, so two batches touching the same groups lock them in one order.
    const groups = [...delta]
      .filter(([, d]) => d.n !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, d]) => d);
    if (groups.length) {
      await trx.raw(
        `INSERT INTO ${this.t.monitor} (${MONITOR_GROUP.join(', ')}, n)
         VALUES ${groups.map(() => `(${marks(MONITOR_GROUP.length + 1)})`).join(', ')}
         ON DUPLICATE KEY UPDATE n = n + VALUES(n)`,
        groups.flatMap((d) => [...d.key, d.n]),
      );
    }
  }

  /** The zone the rollups count local days in; null before the first build. */
  async builtZone(): Promise<string | null> {
    const row = (await this.db.raw(`SELECT zone FROM ${this.t.meta} WHERE id = 1`)) as unknown as [
      { zone: string }[],
    ];
    return row[0][0]?.zone ?? null;
  }

  /** Builds the rollups unless they are built for this zone already (the scan calls it each run). */
  async ensureBuilt(zone: string, now: Date): Promise<RollupBuild | null> {
    if ((await this.builtZone()) === zone) return null;
    return this.rebuild(zone, now);
  }

  /**
   * Everything from scratch for `zone`, in one transaction (the pages read the clocks meanwhile
   * and after a failure): after a migration, a change of the host's zone, or by hand
   * (`sla-vigil rollups rebuild`).
   */
  async rebuild(zone: string, now: Date): Promise<RollupBuild> {
    const { t } = this;
    const spans = zoneOffsets(zone);
    return this.db.transaction(async (trx) => {
      for (const table of [t.meta, t.zone, t.settled, t.days, t.live, t.monitor])
        await trx.raw(`DELETE FROM ${table}`);
      await trx.raw(
        `INSERT INTO ${t.zone} (starts_at, offset_minutes) VALUES ${spans.map(() => '(?, ?)').join(', ')}`,
        spans.flatMap((s) => [utcToSql(s.startsAt), s.offsetMinutes]),
      );
      const [settled] = (await trx.raw(
        `INSERT INTO ${t.settled} (${SETTLED_COLUMNS.join(', ')}) ${settledContributions(t, '1 = 1')}`,
      )) as unknown as [{ affectedRows: number }];
      const [days] = (await trx.raw(
        `INSERT INTO ${t.days} (${DAY_KEY.join(', ')}, finished, on_time, breaches)
         SELECT ${DAY_KEY.join(', ')}, COUNT(*), SUM(breached = 0), SUM(breached)
           FROM ${t.settled} GROUP BY ${DAY_KEY.join(', ')}`,
      )) as unknown as [{ affectedRows: number }];
      const [live] = (await trx.raw(
        `INSERT INTO ${t.live} (${LIVE_COLUMNS.join(', ')}) ${liveRows(t, '1 = 1', '1 = 1')}`,
      )) as unknown as [{ affectedRows: number }];
      await trx.raw(
        `INSERT INTO ${t.monitor} (${MONITOR_GROUP.join(', ')}, n)
         SELECT ${MONITOR_GROUP.join(', ')}, COUNT(*) FROM ${t.live} GROUP BY ${MONITOR_GROUP.join(', ')}`,
      );
      await trx.raw(`INSERT INTO ${t.meta} (id, zone, built_at) VALUES (1, ?, ?)`, [zone, utcToSql(now)]);
      return {
        zone,
        settledClocks: settled.affectedRows,
        days: days.affectedRows,
        openSubjects: live.affectedRows,
      };
    });
  }
}

function normalSettled(r: SettledRow): SettledRow {
  return {
    ...r,
    clock_id: Number(r.clock_id),
    policy_id: Number(r.policy_id),
    department: Number(r.department),
    assigned: Number(r.assigned),
    day: String(r.day),
    breached: Number(r.breached) ? 1 : 0,
  };
}

function normalLive(r: LiveRow): LiveRow {
  return {
    ...r,
    department: Number(r.department),
    assigned: Number(r.assigned),
    country: Number(r.country),
    has_policy: Number(r.has_policy) ? 1 : 0,
    running_rank: r.running_rank === null ? null : Number(r.running_rank),
    state_rank: Number(r.state_rank),
    priority: Number(r.priority),
    policy_id: Number(r.policy_id),
    status: Number(r.status),
    source: Number(r.source),
    list_rank: Number(r.list_rank),
  };
}

function sameRow<R>(a: R, b: R, columns: readonly (keyof R)[]): boolean {
  return columns.every((c) => a[c] === b[c]);
}
