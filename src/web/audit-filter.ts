import { z } from 'zod';
import type { AuditFilter } from '../store/read/audit-queries';
import { dayRange, daySchema, fieldErrors, withoutBlanks } from './filter-params';
import { idText } from '../sla/strict-input';

/** The audit filter form as the viewer filled it in, to show it again and to repeat it in links. */
export interface AuditForm {
  action: string;
  staff: string;
  ticket: string;
  from: string;
  to: string;
}

export type ParsedAuditQuery =
  | { ok: true; form: AuditForm; filter: AuditFilter; page: number }
  | { ok: false; form: AuditForm; errors: Record<string, string> };

const AuditQuerySchema = z
  .object({
    action: z.string({ error: 'bad_action' }).max(64, { error: 'bad_action' }).optional(),
    // "system": actions the module took by itself (no staff member).
    staff: z
      .union([z.literal('system').transform(() => null), idText('bad_staff')], { error: 'bad_staff' })
      .optional(),
    ticket: idText('bad_ticket').optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    page: idText('bad_page')
      .refine((n) => n <= 999_999, { error: 'bad_page' })
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'from_after_to', path: ['from'] });

/** Reads `?action&staff&ticket&from&to&page` (days in the host's zone; page 1 by default). */
export function parseAuditQuery(query: unknown, zone: string): ParsedAuditQuery {
  const input = withoutBlanks(query);
  const text = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : '');
  const form: AuditForm = {
    action: text(input.action),
    staff: text(input.staff),
    ticket: text(input.ticket),
    from: text(input.from),
    to: text(input.to),
  };
  const parsed = AuditQuerySchema.safeParse(input);
  if (!parsed.success) return { ok: false, form, errors: fieldErrors(parsed.error) };
  const q = parsed.data;
  const filter: AuditFilter = {};
  if (q.action) filter.action = q.action;
  if (q.staff !== undefined) filter.staffId = q.staff;
  if (q.ticket !== undefined) filter.ticketId = q.ticket;
  if (q.from) filter.from = dayRange(q.from, q.from, zone).from;
  if (q.to) filter.to = dayRange(q.to, q.to, zone).to;
  return { ok: true, form, filter, page: q.page ?? 1 };
}

/** The filters as a query string (without the page), for pager and export links. */
export function auditQueryString(form: AuditForm): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v) params.set(k, v);
  return params.toString();
}
