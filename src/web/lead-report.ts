import { z } from 'zod';
import type { TFunction } from 'i18next';
import type { LeadGateway } from '../host/lead-gateway';
import type { TicketGateway } from '../host/host-context';
import {
  LEAD_REPORT_GROUPS,
  type LeadReport,
  type LeadReportGroupBy,
  type LeadReportStats,
} from '../store/read/lead-report-service';
import { dayRange, daySchema, fieldErrors, lastDays, withoutBlanks } from './filter-params';
import type { ReportTable } from './report-table';

/** What the reports page lists: ticket clocks (the default) or lead status windows. */
export const REPORT_SUBJECTS = ['ticket', 'lead'] as const;

export interface LeadReportForm {
  from: string;
  to: string;
  group: string;
}

export type ParsedLeadReportQuery =
  | { ok: true; form: LeadReportForm; range: { from: Date; to: Date }; groupBy: LeadReportGroupBy }
  | { ok: false; form: LeadReportForm; errors: Record<string, string> };

const LeadReportQuerySchema = z
  .object({
    from: daySchema,
    to: daySchema,
    group: z.enum(LEAD_REPORT_GROUPS, { error: 'bad_lead_group' }).default('market'),
  })
  .refine((q) => q.from <= q.to, { error: 'from_after_to', path: ['from'] });

/** Reads `?subject=lead&from&to&group` (default: the last 30 days in the host's zone, by market). */
export function parseLeadReportQuery(query: unknown, zone: string, now: Date): ParsedLeadReportQuery {
  const input: Record<string, unknown> = { ...lastDays(now, zone, 30), ...withoutBlanks(query) };
  const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : '');
  const form = { from: text(input.from), to: text(input.to), group: text(input.group ?? 'market') };
  const parsed = LeadReportQuerySchema.safeParse(input);
  if (!parsed.success) return { ok: false, form, errors: fieldErrors(parsed.error) };
  const q = parsed.data;
  return { ok: true, form, range: dayRange(q.from, q.to, zone), groupBy: q.group };
}

export function leadReportQueryString(form: LeadReportForm): string {
  return new URLSearchParams({ subject: 'lead', from: form.from, to: form.to, group: form.group }).toString();
}

/** Group names from the host (markets, sources, statuses, staff), read once per request. */
export async function leadGroupNames(
  leads: LeadGateway,
  tickets: TicketGateway,
  groupBy: LeadReportGroupBy,
): Promise<Map<string, string>> {
  const rows: { id: number; name: string }[] =
    groupBy === 'market'
      ? await leads.listCountries()
      : groupBy === 'source'
        ? await leads.listLeadSources()
        : groupBy === 'status'
          ? await leads.listLeadStatuses()
          : (await tickets.listStaff()).map((s) => ({ id: s.id, name: `${s.firstname} ${s.lastname}` }));
  return new Map(rows.map((r) => [String(r.id), r.name]));
}

/** The lead report as text cells: the page shows exactly these, and export.csv writes exactly these. */
export function buildLeadReportTable(
  report: LeadReport,
  groupBy: LeadReportGroupBy,
  names: Map<string, string>,
  t: TFunction,
  lang: string,
): ReportTable {
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const show = (v: number | null): string => (v === null ? '—' : number.format(v));
  const cells = (s: LeadReportStats): string[] => [
    show(s.finished),
    show(s.metOnTime),
    show(s.breached),
    show(s.compliancePercent),
    show(s.median),
    show(s.p90),
  ];
  const label = (key: string): string =>
    key === 'none'
      ? t(groupBy === 'owner' ? 'reports.unassigned' : 'reports.unknown')
      : (names.get(key) ?? `#${key}`);
  const rows = report.groups
    .map((g) => ({ key: g.key, label: label(g.key), stats: g }))
    .sort((a, b) => a.label.localeCompare(b.label, lang))
    .map((g) => ({ key: g.key, cells: [g.label, ...cells(g.stats)] }));
  const columns = ['finished', 'met_on_time', 'breached', 'compliance', 'median', 'p90'];
  return {
    header: [t(`reports.leads.group_by_${groupBy}`), ...columns.map((c) => t(`reports.leads.col_${c}`))],
    rows,
    total: [t('reports.total'), ...cells(report.total)],
  };
}
