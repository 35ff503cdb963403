import type { Knex } from 'knex';
import { utcFromSql } from '../datetime';
import { openLeadOf } from './lead-monitor-service';
import {
  effectiveStateOf,
  num,
  openSubjectOf,
  runningClockOf,
  selectRows,
  sqlTime,
  stateRankSql,
} from './sla-sql';

export type DigestSubjectType = 'ticket' | 'lead';
export type DigestItemState = 'breached' | 'at_risk' | 'on_track';

/** One subject in someone's daily digest, with its most urgent running clock. */
export interface DigestItemRow {
  subjectType: DigestSubjectType;
  subjectId: number;
  /** The assignee (tickets) or owner (leads). */
  staffId: number;
  metric: string;
  state: DigestItemState;
  dueAt: Date;
}

/** An open ticket whose clock is overdue, for the weekly "top breaches". */
export interface OverdueRow {
  subjectId: number;
  metric: string;
  dueAt: Date;
  assigned: number;
  department: number;
}

interface ItemSqlRow {
  subject_type: string;
  subject_id: number | string;
  assigned: number | string;
  metric: string;
  state: string;
  due_at: string;
}

/**
 * The digests' reads: one set-based query for every staff member's items (never one per subject
 * or per person), and the longest-overdue open tickets. The states are the pages' live states
 * (effectiveStateOf), so a digest says what the monitor says at the same instant.
 */
export class DigestQueries {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  /**
   * Open tickets and leads with an assignee whose running clocks are at risk or breached at
   * `now`, or due before `dueBefore` (the end of the local day): one row per subject, its most
   * urgent such clock. Paused clocks are left out: their due time is provisional. `staffIds`
   * narrows to some people (a manual send); undefined reads everyone's.
   */
  async dailyItems(now: Date, dueBefore: Date, staffIds?: readonly number[]): Promise<DigestItemRow[]> {
    if (staffIds && staffIds.length === 0) return [];
    const at = sqlTime(now);
    const state = `(${effectiveStateOf('c')})`;
    const staffSql = staffIds ? ` AND s.assigned IN (${staffIds.map(() => '?').join(', ')})` : '';
    const rows = await selectRows<ItemSqlRow>(
      this.db,
      `SELECT s.subject_type, s.subject_id, s.assigned, c.metric, c.due_at, ${state} AS state
         FROM ?? s
         JOIN ?? c ON c.subject_type = s.subject_type AND c.subject_id = s.subject_id
        WHERE ((${openSubjectOf('s')}) OR (${openLeadOf('s')}))
          AND s.policy_id IS NOT NULL AND s.assigned > 0
          AND ${runningClockOf('c')} AND c.state <> 'paused' AND c.due_at IS NOT NULL
          AND (${state} IN ('breached', 'at_risk') OR c.due_at < ?)${staffSql}
        ORDER BY s.assigned, s.subject_type DESC, s.subject_id, ${stateRankSql(state)}, c.due_at, c.metric`,
      [at, at, this.t('subjects'), this.t('clocks'), at, at, sqlTime(dueBefore), ...(staffIds ?? []), at, at],
    );
    // Ordered most urgent first within each subject: the first row of a subject is its item.
    const seen = new Set<string>();
    const items: DigestItemRow[] = [];
    for (const r of rows) {
      const key = `${r.subject_type}:${r.subject_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push({
        subjectType: r.subject_type === 'lead' ? 'lead' : 'ticket',
        subjectId: Number(r.subject_id),
        staffId: Number(r.assigned),
        metric: r.metric,
        state: r.state as DigestItemState,
        dueAt: utcFromSql(r.due_at),
      });
    }
    return items;
  }

  /** Open tickets with a running clock breached at `now`, longest overdue first (one row per ticket). */
  async longestOverdue(now: Date, limit = 5): Promise<OverdueRow[]> {
    const at = sqlTime(now);
    const rows = await selectRows<{
      subject_id: number | string;
      metric: string;
      due_at: string;
      assigned: unknown;
      department: unknown;
    }>(
      this.db,
      `SELECT c.subject_id, c.metric, c.due_at, s.assigned, s.department
         FROM ?? s
         JOIN ?? c ON c.subject_type = s.subject_type AND c.subject_id = s.subject_id
        WHERE ${openSubjectOf('s')} AND s.policy_id IS NOT NULL AND ${runningClockOf('c')}
          AND (${effectiveStateOf('c')}) = 'breached'
        ORDER BY c.due_at ASC, c.subject_id ASC
        LIMIT ?`,
      [this.t('subjects'), this.t('clocks'), at, at, limit * 4],
    );
    const seen = new Set<number>();
    const out: OverdueRow[] = [];
    for (const r of rows) {
      const id = Number(r.subject_id);
      if (seen.has(id) || out.length >= limit) continue;
      seen.add(id);
      out.push({
        subjectId: id,
        metric: r.metric,
        dueAt: utcFromSql(r.due_at),
        assigned: num(r.assigned),
        department: num(r.department),
      });
    }
    return out;
  }
}
