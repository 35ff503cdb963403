import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import { utcFromSql } from '../datetime';
import {
  RUNNING_CLOCK,
  num,
  selectRows,
  sqlTime,
  urgencyKeyDueOf,
  urgencyKeyOf,
  urgencyKeyStateOf,
} from './sla-sql';

/** One open lead and its most urgent running clock (none: no policy, or no windowed stay now). */
export interface LeadMonitorRow {
  leadId: number;
  status: number;
  country: number;
  source: number;
  assigned: number;
  policyId: number | null;
  state: ClockState;
  dueAt: Date | null;
}

interface Row {
  subject_id: number;
  status: number | null;
  country: number | null;
  source: number | null;
  assigned: number | null;
  policy_id: number | null;
  due_at: string | Date | null;
  row_state: string;
}

/**
 * The monitor's lead list: open leads (not deleted, lost, junk or converted) with their most
 * urgent running clock, most urgent first, paged in SQL (the ticket monitor's urgency key).
 */
export class LeadMonitorService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  async list(now: Date, page: number, perPage: number): Promise<{ rows: LeadMonitorRow[]; total: number }> {
    const at = sqlTime(now);
    const open = `s.subject_type = 'lead' AND s.deleted = 0 AND s.ended IS NULL`;
    const k = 'u.k';
    const [countRow] = await selectRows<{ n: unknown }>(
      this.db,
      `SELECT COUNT(*) AS n FROM ?? s WHERE ${open}`,
      [this.t('subjects')],
    );
    const rows = await selectRows<Row>(
      this.db,
      `SELECT x.* FROM (
         SELECT s.subject_id, s.status, s.country, s.source, s.assigned, s.policy_id,
                ${urgencyKeyDueOf(k)} AS due_at,
                CASE WHEN ${k} IS NOT NULL THEN ${urgencyKeyStateOf(k)}
                     WHEN s.policy_id IS NULL THEN 'no_policy' ELSE s.sla_state END AS row_state
           FROM ?? s
           LEFT JOIN (
             SELECT c.subject_id, MIN(${urgencyKeyOf('c')}) AS k
               FROM ?? c
              WHERE c.subject_type = 'lead' AND ${RUNNING_CLOCK}
              GROUP BY c.subject_id
           ) u ON u.subject_id = s.subject_id
          WHERE ${open}
       ) x
       ORDER BY (x.due_at IS NULL) ASC, (x.row_state = 'paused') ASC, x.due_at ASC, x.subject_id ASC
       LIMIT ? OFFSET ?`,
      [this.t('subjects'), at, at, this.t('clocks'), perPage, (page - 1) * perPage],
    );
    return {
      total: num(countRow.n),
      rows: rows.map((r) => ({
        leadId: r.subject_id,
        status: Number(r.status ?? 0),
        country: Number(r.country ?? 0),
        source: Number(r.source ?? 0),
        assigned: Number(r.assigned ?? 0),
        policyId: r.policy_id,
        state: r.row_state as ClockState,
        dueAt: r.due_at ? utcFromSql(r.due_at) : null,
      })),
    };
  }
}
