import type { HostTicket, TicketGateway } from '../../host/host-context';
import { businessMinutesBetween, type CalendarLike } from '../../sla/calendar';
import type { ClockMetric } from '../../sla/config';
import { OutcomeTally, type OutcomeStats } from '../../sla/stats/clock-outcomes';
import type { PolicyBook } from '../../sla/policy/policy-book';
import type { ClockRange, FinishedClock, OutcomeRow, ReportQueries } from './report-queries';
import { utcFromSql } from '../datetime';

export const REPORT_GROUPS = ['policy', 'department', 'agent', 'metric'] as const;
export type ReportGroupBy = (typeof REPORT_GROUPS)[number];

export interface ReportFilter extends ClockRange {
  groupBy: ReportGroupBy;
}

/** One report row: a group (policy id, department id, staff id or metric; `none` for no value) and its figures. */
export interface ReportGroup extends OutcomeStats {
  key: string;
}

export interface Report {
  groups: ReportGroup[];
  total: OutcomeStats;
}

/** One row of the ticket-level export: a finished clock with its ticket's subject and client. */
export interface TicketClockRow {
  clock: FinishedClock;
  ticket: HostTicket | null;
  clientName: string;
}

const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

/**
 * Compliance reports over finished clocks. Response times are business minutes on the
 * clock's policy calendar (24x7 when the policy has none or no longer exists) from start to
 * met, less the business minutes the clock was paused before its due time.
 */
export class ReportService {
  constructor(
    private readonly queries: ReportQueries,
    /** The compiled configuration (ClockService.policyBook): calendars are compiled once per version. */
    private readonly policyBook: () => Promise<PolicyBook>,
    private readonly tickets: TicketGateway,
  ) {}

  async report(filter: ReportFilter): Promise<Report> {
    const book = await this.policyBook();
    const groups = new Map<string, OutcomeTally>();
    const total = new OutcomeTally();
    const column = GROUP_COLUMN[filter.groupBy];
    for await (const batch of this.queries.eachOutcomeBatch(filter)) {
      for (const row of batch) {
        const breached = row.breached_at !== null;
        const outcome = {
          subjectId: row.subject_id,
          metric: row.metric as ClockMetric,
          cycle: row.cycle,
          breached,
          metOnTime: row.met_at !== null && !breached,
          minutesToMet: row.met_at === null ? null : minutesToMet(row, book),
        };
        const value = row[column];
        const key = value === null ? 'none' : String(value);
        let tally = groups.get(key);
        if (!tally) groups.set(key, (tally = new OutcomeTally()));
        tally.add(outcome);
        total.add(outcome);
      }
    }
    return {
      groups: [...groups].map(([key, tally]) => ({ key, ...tally.result() })),
      total: total.result(),
    };
  }

  /** The finished clocks of the range with their tickets, one batch (one host lookup) at a time. */
  async *ticketRows(range: ClockRange, batchSize = 500): AsyncGenerator<TicketClockRow[]> {
    for await (const batch of this.queries.eachFinishedClockBatch(range, batchSize)) {
      const ids = [...new Set(batch.map((c) => c.subjectId))];
      const tickets = new Map((await this.tickets.getTickets(ids)).map((t) => [t.id, t]));
      const clients = await this.tickets.clientNames([
        ...new Set([...tickets.values()].map((t) => t.userid)),
      ]);
      yield batch.map((clock) => {
        const ticket = tickets.get(clock.subjectId) ?? null;
        return { clock, ticket, clientName: ticket ? (clients.get(ticket.userid) ?? '') : '' };
      });
    }
  }
}

/** The column of a report row each grouping reads. */
const GROUP_COLUMN: Record<ReportGroupBy, 'policy_id' | 'department' | 'assigned' | 'metric'> = {
  policy: 'policy_id',
  department: 'department',
  agent: 'assigned',
  metric: 'metric',
};

function minutesToMet(row: OutcomeRow, book: PolicyBook): number {
  // Counted when the clock was met, on the calendar of that time: a later calendar edit changes nothing.
  if (row.met_minutes !== null) return Number(row.met_minutes);
  const calendar: CalendarLike = book.clockPolicy(row.policy_id ?? -1)?.calendar ?? ALWAYS_OPEN;
  const metAt = utcFromSql(row.met_at as string | Date);
  return Math.max(
    0,
    businessMinutesBetween(calendar, utcFromSql(row.started_at), metAt) - Number(row.paused_minutes),
  );
}
