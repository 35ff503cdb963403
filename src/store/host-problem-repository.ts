import type { Knex } from 'knex';
import { utcFromSql, utcToSql } from './datetime';

/** What kind of thing could not be read or computed. */
/** Lead rows (`lead`) and lead recomputes (`lead_recompute`) carry the lead id in `ticketId`. */
export type HostProblemKind = 'ticket' | 'reply' | 'recompute' | 'lead' | 'lead_recompute';

export interface HostProblemInput {
  kind: HostProblemKind;
  /** The host row's id (ticket id for `ticket` and `recompute`, reply id for `reply`). */
  rowId: number;
  ticketId: number;
  reason: string;
}

export interface HostProblem extends HostProblemInput {
  firstSeenAt: Date;
  lastSeenAt: Date;
  timesSeen: number;
}

interface Row {
  kind: HostProblemKind;
  row_id: number;
  ticket_id: number;
  reason: string;
  first_seen_at: string;
  last_seen_at: string;
  times_seen: number;
}

const REASON_LENGTH = 255;

/**
 * The host rows the scan skipped. Each scan reports what it met under its own token; `sweep`
 * at the end of a finished scan drops the problems that scan no longer met, so a corrected row
 * leaves the list by itself.
 */
export class HostProblemRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private get table(): string {
    return `${this.prefix}sla_vigil_host_problems`;
  }

  /** Records what this scan met; returns the problems not known before (the ones to log). */
  async report(
    problems: readonly HostProblemInput[],
    scanToken: string,
    now: Date,
  ): Promise<HostProblemInput[]> {
    if (problems.length === 0) return [];
    const known = await this.known(problems);
    const fresh = problems.filter((p) => known.get(key(p)) !== p.reason.slice(0, REASON_LENGTH));
    const at = utcToSql(now);
    await this.db(this.table)
      .insert(
        problems.map((p) => ({
          kind: p.kind,
          row_id: p.rowId,
          ticket_id: p.ticketId,
          reason: p.reason.slice(0, REASON_LENGTH),
          first_seen_at: at,
          last_seen_at: at,
          times_seen: 1,
          scan_token: scanToken,
        })),
      )
      .onConflict(['kind', 'row_id'])
      .merge({
        ticket_id: this.db.raw('VALUES(ticket_id)'),
        reason: this.db.raw('VALUES(reason)'),
        last_seen_at: this.db.raw('VALUES(last_seen_at)'),
        scan_token: this.db.raw('VALUES(scan_token)'),
        times_seen: this.db.raw('times_seen + 1'),
      });
    return fresh;
  }

  /** After a finished scan: forget what it did not meet again (the host row was fixed or removed). */
  async sweep(scanToken: string): Promise<void> {
    await this.db(this.table).whereNot('scan_token', scanToken).delete();
  }

  /** The rows of one kind the scan skipped before (replies are read again by id, stuck recomputes repaired). */
  async rowIds(kind: HostProblemKind): Promise<number[]> {
    return this.db(this.table).where('kind', kind).orderBy('row_id').pluck('row_id');
  }

  async list(limit = 100): Promise<{ problems: HostProblem[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.db(this.table)
        .orderBy([{ column: 'ticket_id' }, { column: 'kind' }, { column: 'row_id' }])
        .limit(limit),
      this.db(this.table).count<{ n: number }[]>({ n: '*' }),
    ]);
    return {
      problems: (rows as Row[]).map((r) => ({
        kind: r.kind,
        rowId: r.row_id,
        ticketId: r.ticket_id,
        reason: r.reason,
        firstSeenAt: utcFromSql(r.first_seen_at),
        lastSeenAt: utcFromSql(r.last_seen_at),
        timesSeen: r.times_seen,
      })),
      total: Number(count[0]?.n ?? 0),
    };
  }

  private async known(problems: readonly HostProblemInput[]): Promise<Map<string, string>> {
    const rows: Pick<Row, 'kind' | 'row_id' | 'reason'>[] = await this.db(this.table)
      .select('kind', 'row_id', 'reason')
      .where((q) => {
        for (const kind of new Set(problems.map((p) => p.kind))) {
          q.orWhere((k) =>
            k.where('kind', kind).whereIn(
              'row_id',
              problems.filter((p) => p.kind === kind).map((p) => p.rowId),
            ),
          );
        }
      });
    return new Map(rows.map((r) => [key({ kind: r.kind, rowId: r.row_id }), r.reason]));
  }
}

function key(p: { kind: HostProblemKind; rowId: number }): string {
  return `${p.kind}:${p.rowId}`;
}
