import { z } from 'zod';
import { CLOCK_METRICS } from '../sla/config';
import { idText } from '../sla/strict-input';
import { MONITOR_SORTS } from '../store/read/monitor-service';
import { LEAD_MONITOR_SORTS } from '../store/read/lead-monitor-service';
import { FORECAST_WINDOWS } from '../sla/forecast/breach-forecast';

export const PAGE_SIZES = ['25', '50', '100'] as const;
/** What the monitor lists: tickets (the default) or leads. */
export const MONITOR_SUBJECTS = ['ticket', 'lead'] as const;
/** The states both lists filter by (the one colour code of every page). */
export const MONITOR_STATES = ['breached', 'at_risk', 'on_track', 'paused', 'met', 'no_policy'] as const;

/** An empty form field ("All") means no filter. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
/** "0" is the monitor's own value for "none" (unassigned, no market), not an id. */
const idOrNone = z.union([z.literal('0').transform(() => 0), idText()]);

/** What both lists take: the state, the policy, the order and the page; `partial=1` asks for the rows only. */
const SHARED = {
  subject: optional(z.enum(MONITOR_SUBJECTS)),
  state: optional(z.enum(MONITOR_STATES)),
  policy: optional(idText()),
  /** Only subjects with a clock that breaches within 1, 4 or 24 hours if nothing changes. */
  breach_within: optional(z.enum(FORECAST_WINDOWS)),
  dir: optional(z.enum(['asc', 'desc'])),
  page: optional(idText().refine((n) => n <= 100_000)),
  per: optional(z.enum(PAGE_SIZES)),
  partial: optional(z.literal('1')),
};

export const TicketMonitorQuery = z.strictObject({
  ...SHARED,
  q: optional(z.string().trim().max(100)),
  department: optional(idText()),
  priority: optional(idText()),
  agent: optional(idOrNone),
  metric: optional(z.enum(CLOCK_METRICS)),
  sort: optional(z.enum(MONITOR_SORTS)),
});
export type TicketMonitorQuery = z.infer<typeof TicketMonitorQuery>;

/** `?subject=lead`: the leads' own filters; a ticket filter here is an unknown parameter (422). */
export const LeadMonitorQuery = z.strictObject({
  ...SHARED,
  market: optional(idOrNone),
  source: optional(idText()),
  owner: optional(idOrNone),
  status: optional(idText()),
  sort: optional(z.enum(LEAD_MONITOR_SORTS)),
});
export type LeadMonitorQuery = z.infer<typeof LeadMonitorQuery>;

/** Either list's parsed query: the fields the shared page code reads. */
export type MonitorParams = Pick<TicketMonitorQuery, 'subject' | 'dir' | 'page' | 'per' | 'partial'> & {
  sort?: string;
};

/** This monitor's URL with some parameters changed (undefined removes one); defaults are left out. */
export function monitorUrl(
  query: Record<string, unknown>,
  change: Record<string, string | number | undefined>,
): string {
  const params = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, partial: undefined, ...change };
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === '' || v === null) continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `/admin/sla_vigil/monitor${qs ? `?${qs}` : ''}`;
}
