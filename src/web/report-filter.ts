import { z } from 'zod';
import { CLOCK_METRICS, CLOCK_SCOPES } from '../sla/config';
import { REPORT_GROUPS, type ReportFilter } from '../store/read/report-service';
import { dayRange, daySchema, fieldErrors, lastDays, withoutBlanks } from './filter-params';

/** The report form as the viewer filled it in (or its defaults), to show it again. */
export interface ReportForm {
  from: string;
  to: string;
  group: string;
  metric: string;
  /** `customer` (the SLA, default) or `internal` (the teams' internal targets). */
  scope: string;
}

export type ParsedReportQuery =
  | { ok: true; form: ReportForm; filter: ReportFilter }
  | { ok: false; form: ReportForm; errors: Record<string, string> };

const ReportQuerySchema = z
  .object({
    from: daySchema,
    to: daySchema,
    group: z.enum(REPORT_GROUPS, { error: 'bad_group' }).default('policy'),
    metric: z.enum(CLOCK_METRICS, { error: 'bad_metric' }).optional(),
    scope: z.enum(CLOCK_SCOPES, { error: 'bad_scope' }).default('customer'),
  })
  .refine((q) => q.from <= q.to, { error: 'from_after_to', path: ['from'] });

/** Reads `?from&to&group&metric&scope` (default: the last 30 days in the host's zone, by policy, customer SLA). */
export function parseReportQuery(query: unknown, zone: string, now: Date): ParsedReportQuery {
  const input: Record<string, unknown> = { ...lastDays(now, zone, 30), ...withoutBlanks(query) };
  const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : '');
  const form: ReportForm = {
    from: text(input.from),
    to: text(input.to),
    group: text(input.group ?? 'policy'),
    metric: text(input.metric),
    scope: text(input.scope ?? 'customer'),
  };
  const parsed = ReportQuerySchema.safeParse(input);
  if (!parsed.success) return { ok: false, form, errors: fieldErrors(parsed.error) };
  const q = parsed.data;
  return {
    ok: true,
    form,
    filter: { ...dayRange(q.from, q.to, zone), groupBy: q.group, metric: q.metric, scope: q.scope },
  };
}

/** `from=..&to=..` for links that repeat the current filters (the CSV downloads). */
export function reportQueryString(form: ReportForm): string {
  const params = new URLSearchParams({ from: form.from, to: form.to, group: form.group });
  if (form.metric) params.set('metric', form.metric);
  // The customer SLA is the default: its links stay as they were before internal targets.
  if (form.scope && form.scope !== 'customer') params.set('scope', form.scope);
  return params.toString();
}
