import type { Knex } from 'knex';
import { NO_COUNTS, sumBy, type ForecastGroup, type WindowCounts } from '../../sla/forecast/breach-forecast';
import { forecastCells, type ForecastCell } from './forecast-query';
import { openSubjectOf } from './sla-sql';
import { openLeadOf } from './lead-monitor-service';

/** The tickets' forecast: totals, per department and per assignee (0 = unassigned), most urgent first. */
export interface TicketForecast {
  totals: WindowCounts;
  byDepartment: ForecastGroup[];
  byAgent: ForecastGroup[];
}

/** The leads' forecast: totals and per owner (0 = unassigned), most urgent first. */
export interface LeadForecast {
  totals: WindowCounts;
  byOwner: ForecastGroup[];
}

/**
 * The dashboard's breach forecast (src/sla/forecast/breach-forecast.ts): one grouped query per
 * subject kind (forecast-query.ts), the groups folded here. `now` comes from the caller.
 */
export class ForecastService {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    /** Only tickets of these departments (the viewer's access scope); undefined: every ticket. */
    private readonly departments?: readonly number[],
  ) {}

  /** The same numbers over the tickets of these departments only (undefined: all). */
  scopedTo(departments: readonly number[] | undefined): ForecastService {
    return new ForecastService(this.db, this.prefix, departments);
  }

  async tickets(now: Date): Promise<TicketForecast> {
    // Department x assignee cells: both breakdowns and the totals from one query.
    const cells = await forecastCells(
      this.db,
      this.prefix,
      {
        subjectType: 'ticket',
        open: openSubjectOf,
        equals: [['department', this.departments]],
        groupBy: ['department', 'assigned'],
      },
      now,
    );
    return {
      totals: total(cells),
      byDepartment: sumBy(cells, (c) => c.department, counts),
      byAgent: sumBy(cells, (c) => c.assigned, counts),
    };
  }

  /** Leads have no department: the ticket scope does not apply to them (as on the rest of the dashboard). */
  async leads(now: Date): Promise<LeadForecast> {
    const cells = await forecastCells(
      this.db,
      this.prefix,
      { subjectType: 'lead', open: openLeadOf, equals: [], groupBy: ['assigned'] },
      now,
    );
    return { totals: total(cells), byOwner: sumBy(cells, (c) => c.assigned, counts) };
  }
}

const counts = (c: ForecastCell): WindowCounts => ({ '1h': c['1h'], '4h': c['4h'], '24h': c['24h'] });

function total(cells: readonly ForecastCell[]): WindowCounts {
  return sumBy(cells, () => 0, counts)[0]?.counts ?? NO_COUNTS;
}
