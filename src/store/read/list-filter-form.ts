import type { Knex } from 'knex';
import { STATE_RANK } from '../../sla/clocks/live-state';
import type { ClockState } from '../../sla/clocks/sla-event';
import { num, selectRows } from './sla-sql';
import type { ListFilterForm, ListKind } from './ticket-state-sql';

/**
 * Above this share of a kind's subjects, a list filter probes (ListFilterForm in
 * ticket-state-sql.ts). Measured at 100 000 tickets (BENCHMARKS.md, Pages, "The list's filter and
 * sort"): the semi-join costs ~7-10 µs per match and the probe ~1 µs per listed row plus the
 * state's one materialization, so they cross near a tenth (paused at 10 %: semi-join 2.1x the
 * plain list, probe 2.6x; on track at 21 %: 5.4x against 3.7x).
 */
export const PROBE_ABOVE_SHARE = 0.12;

/** How long a kind's shares serve before the next filter reads them again. */
export const SHARES_TTL_MS = 5 * 60_000;

/** The form for a state holding `share` (0..1) of the kind's subjects; unknown: the probe, bounded by the list. */
export function filterFormFor(share: number | undefined): ListFilterForm {
  return share !== undefined && share <= PROBE_ABOVE_SHARE ? 'semijoin' : 'probe';
}

interface Shares {
  /** Subjects per stored list rank, and in all. */
  byRank: Map<number, number>;
  total: number;
  readAt: number;
}

/**
 * Each state's share of a kind's subjects, by the stored list rank (one covering read of the
 * `list_rank` index, grouped), kept in memory for SHARES_TTL_MS: the form of a list filter is
 * chosen synchronously when the host builds its query, so a stale or missing share only picks the
 * other, equally exact form. Breached and at risk also hold the subjects whose due or warning time
 * passed since the last tick, which a minute's tick keeps few.
 */
export class ListFilterForms {
  private readonly shares = new Map<ListKind, Shares>();
  private readonly reading = new Set<ListKind>();

  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly clock: { now(): Date },
  ) {}

  /** The form for `state` of `kind` now; starts a read of the shares when they are missing or old. */
  formFor(kind: ListKind, state: ClockState): ListFilterForm {
    const known = this.shares.get(kind);
    if (!known || this.clock.now().getTime() - known.readAt > SHARES_TTL_MS) this.refresh(kind);
    if (!known || known.total === 0) return filterFormFor(undefined);
    return filterFormFor((known.byRank.get(STATE_RANK[state]) ?? 0) / known.total);
  }

  /** Reads the shares of `kind` now (the first filter of a process may await it). */
  async read(kind: ListKind): Promise<void> {
    const rows = await selectRows<{ list_rank: unknown; n: unknown }>(
      this.db,
      `SELECT list_rank, COUNT(*) AS n FROM ?? WHERE subject_type = ? GROUP BY list_rank`,
      [`${this.prefix}sla_vigil_subjects`, kind],
    );
    const byRank = new Map(rows.map((r) => [num(r.list_rank), num(r.n)]));
    const total = [...byRank.values()].reduce((a, b) => a + b, 0);
    this.shares.set(kind, { byRank, total, readAt: this.clock.now().getTime() });
  }

  private refresh(kind: ListKind): void {
    if (this.reading.has(kind)) return;
    this.reading.add(kind);
    // Only a plan choice: a failed read keeps the last shares (or the probe) until the next try.
    this.read(kind)
      .catch(() => undefined)
      .finally(() => this.reading.delete(kind));
  }
}
