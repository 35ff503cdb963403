import type { HostStaff, TicketGateway } from '../host/host-context';
import type { LeadGateway } from '../host/lead-gateway';
import { perfexLeadPath, perfexTicketPath } from '../host/perfex/perfex-urls';
import type { DigestItemState, DigestQueries, DigestSubjectType } from '../store/read/digest-queries';
import type { DashboardService } from '../store/read/dashboard-service';
import type { Report, ReportService } from '../store/read/report-service';
import { endOfLocalDay, weeklyRanges } from '../sla/digest/digest-schedule';

/** One line of a daily digest: a ticket or lead, its most urgent clock and where to open it. */
export interface DailyItem {
  subjectType: DigestSubjectType;
  subjectId: number;
  title: string;
  metric: string;
  state: DigestItemState;
  dueAt: Date;
  url: string;
}

/** Compliance of one department or policy in the two weeks compared (null: nothing finished). */
export interface ComplianceRow {
  key: string;
  name: string;
  last: number | null;
  before: number | null;
  /** Finished clocks last week: a figure of 100 % over two tickets reads differently than over 200. */
  finishedLast: number;
}

/** What a weekly digest reports; the same for every manager who receives it. */
export interface WeeklyContent {
  last: { from: Date; to: Date };
  before: { from: Date; to: Date };
  total: { last: number | null; before: number | null };
  departments: ComplianceRow[];
  policies: ComplianceRow[];
  worstAgents: { staffId: number; name: string; breached: number }[];
  topBreaches: { ticketId: number; title: string; metric: string; dueAt: Date; url: string }[];
  noPolicy: number;
}

/** How many agents and breaches the weekly digest lists. */
const TOP = 5;

/**
 * The digests' content from the read models: every figure of the weekly digest comes from the
 * reports' and the dashboard's own queries (ReportService, DashboardService), so a manager who opens
 * the report for the same week reads the same numbers.
 */
export class DigestContent {
  constructor(
    private readonly queries: DigestQueries,
    private readonly reports: ReportService,
    private readonly dashboard: DashboardService,
    private readonly policyNames: () => Promise<Map<number, string>>,
    private readonly tickets: TicketGateway,
    private readonly leads: LeadGateway | undefined,
    private readonly adminBaseUrl: () => string,
  ) {}

  /** Each staff member's items at `now` ("due today" ends at the local midnight in `zone`). */
  async daily(now: Date, zone: string, staffIds?: readonly number[]): Promise<Map<number, DailyItem[]>> {
    const rows = await this.queries.dailyItems(now, endOfLocalDay(now, zone), staffIds);
    const ticketIds = rows.filter((r) => r.subjectType === 'ticket').map((r) => r.subjectId);
    const leadIds = rows.filter((r) => r.subjectType === 'lead').map((r) => r.subjectId);
    // Two batched host reads for every title, whoever the items belong to.
    const [tickets, leads] = await Promise.all([
      ticketIds.length ? this.tickets.getTickets(ticketIds) : [],
      leadIds.length && this.leads ? this.leads.getLeads(leadIds) : [],
    ]);
    const ticketTitles = new Map(tickets.map((t) => [t.id, t.subject]));
    const leadTitles = new Map(leads.map((l) => [l.id, l.company ? `${l.name} (${l.company})` : l.name]));
    const base = this.adminBaseUrl();
    const byStaff = new Map<number, DailyItem[]>();
    for (const r of rows) {
      const lead = r.subjectType === 'lead';
      const item: DailyItem = {
        subjectType: r.subjectType,
        subjectId: r.subjectId,
        title: (lead ? leadTitles : ticketTitles).get(r.subjectId) ?? `#${r.subjectId}`,
        metric: r.metric,
        state: r.state,
        dueAt: r.dueAt,
        url: `${base}${lead ? perfexLeadPath(r.subjectId) : perfexTicketPath(r.subjectId)}`,
      };
      const list = byStaff.get(r.staffId) ?? [];
      list.push(item);
      byStaff.set(r.staffId, list);
    }
    // Breached first, then at risk, then the rest due today; each by due time.
    const rank: Record<DigestItemState, number> = { breached: 0, at_risk: 1, on_track: 2 };
    for (const list of byStaff.values())
      list.sort((a, b) => rank[a.state] - rank[b.state] || a.dueAt.getTime() - b.dueAt.getTime());
    return byStaff;
  }

  /** The weekly figures for the firing at `firing` (its ISO week's two predecessors), live counts at `now`. */
  async weekly(firing: Date, now: Date, zone: string, staff: readonly HostStaff[]): Promise<WeeklyContent> {
    const { last, before } = weeklyRanges(firing, zone);
    const [depLast, depBefore, polLast, polBefore, agents, departments, policies, overdue, scorecard] =
      await Promise.all([
        this.reports.report({ ...last, groupBy: 'department' }),
        this.reports.report({ ...before, groupBy: 'department' }),
        this.reports.report({ ...last, groupBy: 'policy' }),
        this.reports.report({ ...before, groupBy: 'policy' }),
        this.reports.report({ ...last, groupBy: 'agent' }),
        this.tickets.listDepartments(),
        this.policyNames(),
        this.queries.longestOverdue(now, TOP),
        this.dashboard.scorecard(now, zone, 1),
      ]);
    const staffNames = new Map(staff.map((s) => [s.id, `${s.firstname} ${s.lastname}`.trim()]));
    const departmentNames = new Map(departments.map((d) => [String(d.id), d.name]));
    const policyNames = new Map([...policies].map(([id, name]) => [String(id), name]));
    const titles = new Map(
      (overdue.length ? await this.tickets.getTickets(overdue.map((o) => o.subjectId)) : []).map((t) => [
        t.id,
        t.subject,
      ]),
    );
    const base = this.adminBaseUrl();
    return {
      last,
      before,
      total: { last: depLast.total.compliancePercent, before: depBefore.total.compliancePercent },
      departments: compare(depLast, depBefore, departmentNames),
      policies: compare(polLast, polBefore, policyNames),
      worstAgents: agents.groups
        .filter((g) => g.key !== 'none' && g.key !== '0' && g.breached > 0)
        .sort((a, b) => b.breached - a.breached || Number(a.key) - Number(b.key))
        .slice(0, TOP)
        .map((g) => ({
          staffId: Number(g.key),
          name: staffNames.get(Number(g.key)) ?? `#${g.key}`,
          breached: g.breached,
        })),
      topBreaches: overdue.map((o) => ({
        ticketId: o.subjectId,
        title: titles.get(o.subjectId) ?? `#${o.subjectId}`,
        metric: o.metric,
        dueAt: o.dueAt,
        url: `${base}${perfexTicketPath(o.subjectId)}`,
      })),
      noPolicy: scorecard.noPolicy,
    };
  }
}

/** One row per group of either week, last week's busiest first. */
function compare(last: Report, before: Report, names: Map<string, string>): ComplianceRow[] {
  const keys = new Set([...last.groups, ...before.groups].map((g) => g.key));
  const lastBy = new Map(last.groups.map((g) => [g.key, g]));
  const beforeBy = new Map(before.groups.map((g) => [g.key, g]));
  return [...keys]
    .map((key) => ({
      key,
      name: names.get(key) ?? (key === 'none' ? '—' : `#${key}`),
      last: lastBy.get(key)?.compliancePercent ?? null,
      before: beforeBy.get(key)?.compliancePercent ?? null,
      finishedLast: lastBy.get(key)?.finished ?? 0,
    }))
    .sort((a, b) => b.finishedLast - a.finishedLast || a.name.localeCompare(b.name));
}
