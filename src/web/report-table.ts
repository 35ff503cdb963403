import type { TFunction } from 'i18next';
import type { Report, ReportGroupBy } from '../store/read/report-service';
import type { OutcomeStats } from '../sla/stats/clock-outcomes';
import type { NameBook } from './view-helpers';

/** The report as text cells: the page shows exactly these, and export.csv writes exactly these. */
export interface ReportTable {
  header: string[];
  rows: { key: string; cells: string[] }[];
  total: string[];
}

const COLUMNS = [
  'finished',
  'met_on_time',
  'breached',
  'compliance',
  'fr_median',
  'fr_p90',
  'res_median',
  'res_p90',
  'tickets',
  'last_cycle_breached',
  'ever_breached',
] as const;

export function buildReportTable(
  report: Report,
  groupBy: ReportGroupBy,
  labels: { names: NameBook; policies: Map<string, string> },
  t: TFunction,
  lang: string,
): ReportTable {
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const show = (v: number | null): string => (v === null ? '—' : number.format(v));
  const cells = (s: OutcomeStats): string[] => [
    show(s.finished),
    show(s.metOnTime),
    show(s.breached),
    show(s.compliancePercent),
    show(s.firstResponse.median),
    show(s.firstResponse.p90),
    show(s.resolution.median),
    show(s.resolution.p90),
    show(s.tickets),
    show(s.lastCycleBreached),
    show(s.everBreached),
  ];
  const label = (key: string): string => groupLabel(groupBy, key, labels, t);
  const rows = report.groups
    .map((g) => ({ key: g.key, label: label(g.key), stats: g }))
    .sort((a, b) => a.label.localeCompare(b.label, lang))
    .map((g) => ({ key: g.key, cells: [g.label, ...cells(g.stats)] }));
  return {
    header: [t(`reports.group_by_${groupBy}`), ...COLUMNS.map((c) => t(`reports.col_${c}`))],
    rows,
    total: [t('reports.total'), ...cells(report.total)],
  };
}

function groupLabel(
  groupBy: ReportGroupBy,
  key: string,
  { names, policies }: { names: NameBook; policies: Map<string, string> },
  t: TFunction,
): string {
  if (key === 'none') return groupBy === 'policy' ? t('states.no_policy') : t('reports.unknown');
  switch (groupBy) {
    case 'policy':
      return policies.get(key) ?? t('reports.deleted_policy', { id: key });
    case 'department':
      return names.department.get(key) ?? `#${key}`;
    case 'agent':
      return key === '0' ? t('reports.unassigned') : (names.staff.get(key) ?? `#${key}`);
    case 'metric':
      return t(`metrics.${key}`);
  }
}
