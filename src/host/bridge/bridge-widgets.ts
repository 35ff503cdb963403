import { z } from 'zod';
import type { DashboardWidget, TicketListColumn, TicketPanel } from '../host-context';
import { idNumber } from '../../sla/strict-input';
import { languageCode } from '../perfex/perfex-languages';
import { adminBase, DEFAULT_ADMIN_BASE, rebaseHtml } from './admin-base';

/**
 * The module's pieces inside Perfex's own pages (bridge-contract addendum 2): the list badges,
 * the ticket tab and the home widget, answered by the registrations the module made on
 * activation (the devhost's list, ticket view and home page call the very same ones).
 */

/** Perfex's ticket table shows at most a few hundred rows per page. */
export const MAX_BADGE_IDS = 500;

/** A Perfex language name (`english`, `portuguese_br`): a short word, never markup. */
const language = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z_-]+$/, 'must be a Perfex language name');

/** Perfex's admin base path (`admin_url()`'s path); the links are rendered under it. */
const admin_base = adminBase.optional();

export const WIDGET_BODIES = {
  ticketList: z.strictObject({
    staff_id: idNumber,
    language,
    ticket_ids: z.array(idNumber).max(MAX_BADGE_IDS, `at most ${MAX_BADGE_IDS} ids`),
    admin_base,
  }),
  ticketPanel: z.strictObject({ staff_id: idNumber, language, ticket_id: idNumber, admin_base }),
  myRisks: z.strictObject({ staff_id: idNumber, language, admin_base }),
} as const;

/** The fragment's links under the admin base PHP named (`/admin/` when it named none). */
const rebased = (html: string, body: { admin_base?: string }) =>
  rebaseHtml(html, body.admin_base ?? DEFAULT_ADMIN_BASE);

/** Where the activated module's registrations live (the bridge's admin registry). */
export interface WidgetRegistry {
  columns: ReadonlyMap<string, TicketListColumn>;
  panels: ReadonlyMap<string, TicketPanel>;
  widgets: ReadonlyMap<string, DashboardWidget>;
}

/** The one registration of a kind (one module per service); none while the module is inactive. */
function first<T>(map: ReadonlyMap<string, T>): T | undefined {
  return map.values().next().value;
}

/** `{"badges": {"<id>": html}}`, one batched render for the whole page; `{}` without view own (or above); view own gets only its own tickets (ticket-scope.ts). */
export async function ticketListBadges(
  registry: WidgetRegistry,
  body: z.infer<typeof WIDGET_BODIES.ticketList>,
): Promise<{ badges: Record<string, string> }> {
  const column = first(registry.columns);
  if (!column || body.ticket_ids.length === 0) return { badges: {} };
  const cells = await column.render(body.ticket_ids, body.staff_id, languageCode(body.language));
  return { badges: Object.fromEntries([...cells].map(([id, html]) => [String(id), rebased(html, body)])) };
}

/** `{"title", "html"}` of the ticket's SLA tab, `{"title": null, "html": ""}` when it is not shown. */
export async function ticketPanelAnswer(
  registry: WidgetRegistry,
  body: z.infer<typeof WIDGET_BODIES.ticketPanel>,
): Promise<{ title: string | null; html: string }> {
  const panel = first(registry.panels);
  const html = panel ? await panel.render(body.ticket_id, body.staff_id, languageCode(body.language)) : null;
  return panel && html !== null
    ? { title: panel.title, html: rebased(html, body) }
    : { title: null, html: '' };
}

/** `{"title", "html"}` of "My SLA risks"; empty html when there is nothing to show or no view own (or above). */
export async function myRisksAnswer(
  registry: WidgetRegistry,
  body: z.infer<typeof WIDGET_BODIES.myRisks>,
): Promise<{ title: string | null; html: string }> {
  const widget = first(registry.widgets);
  if (!widget) return { title: null, html: '' };
  const lang = languageCode(body.language);
  return { title: widget.title(lang), html: rebased((await widget.render(body.staff_id, lang)) ?? '', body) };
}
