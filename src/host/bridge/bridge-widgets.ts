import { z } from 'zod';
import type {
  DashboardWidget,
  LeadListColumn,
  LeadPanel,
  TicketListColumn,
  TicketPanel,
} from '../host-context';
import { idNumber } from '../../sla/strict-input';
import { languageCode } from '../perfex/perfex-languages';
import { adminBase, DEFAULT_ADMIN_BASE, rebaseHtml } from './admin-base';

/**
 * The module's pieces inside Perfex's own pages (bridge-contract addendum 2): the list badges and
 * the SLA tab of tickets and of leads, and the home widget, answered by the registrations the
 * module made on activation (the devhost's lists, ticket and lead views and home page call the
 * very same ones).
 */

/** Perfex's ticket and lead tables show at most a few hundred rows per page. */
export const MAX_BADGE_IDS = 500;

/** A Perfex language name (`english`, `portuguese_br`): a short word, never markup. */
const language = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z_-]+$/, 'must be a Perfex language name');

/** Who is looking, in which language, and Perfex's admin base path (`admin_url()`'s path). */
const VIEWER = { staff_id: idNumber, language, admin_base: adminBase.optional() };

/** The ids of one list page. */
const pageIds = z.array(idNumber).max(MAX_BADGE_IDS, `at most ${MAX_BADGE_IDS} ids`);

export const WIDGET_BODIES = {
  ticketList: z.strictObject({ ...VIEWER, ticket_ids: pageIds }),
  ticketPanel: z.strictObject({ ...VIEWER, ticket_id: idNumber }),
  leadList: z.strictObject({ ...VIEWER, lead_ids: pageIds }),
  leadPanel: z.strictObject({ ...VIEWER, lead_id: idNumber }),
  myRisks: z.strictObject(VIEWER),
} as const;

type Viewer = z.infer<typeof WIDGET_BODIES.myRisks>;

/** The fragment's links under the admin base PHP named (`/admin/` when it named none). */
const rebased = (html: string, body: { admin_base?: string }) =>
  rebaseHtml(html, body.admin_base ?? DEFAULT_ADMIN_BASE);

/** Where the activated module's registrations live (the bridge's admin registry). */
export interface WidgetRegistry {
  columns: ReadonlyMap<string, TicketListColumn>;
  panels: ReadonlyMap<string, TicketPanel>;
  widgets: ReadonlyMap<string, DashboardWidget>;
  leadListColumns: ReadonlyMap<string, LeadListColumn>;
  leadPanels: ReadonlyMap<string, LeadPanel>;
}

/** A list's SLA column, ticket or lead: one batched render for a page of ids. */
type BadgeColumn = Pick<TicketListColumn & LeadListColumn, 'render'>;
/** A view's SLA tab, ticket or lead (the bridge always names the subject). */
interface SlaPanel {
  title: string;
  render(id: number, staffId: number, language?: string): Promise<string | null>;
}

/** The one registration of a kind (one module per service); none while the module is inactive. */
export function first<T>(map: ReadonlyMap<string, T>): T | undefined {
  return map.values().next().value;
}

/**
 * `{"badges": {"<id>": html}}` for a page of tickets or leads; `{}` without view own (or above);
 * view own gets its own subjects' badges only (ticket-scope.ts, lead-scope.ts).
 */
export async function listBadges(
  column: BadgeColumn | undefined,
  ids: readonly number[],
  viewer: Viewer,
): Promise<{ badges: Record<string, string> }> {
  if (!column || ids.length === 0) return { badges: {} };
  const cells = await column.render(ids, viewer.staff_id, languageCode(viewer.language));
  return { badges: Object.fromEntries([...cells].map(([id, html]) => [String(id), rebased(html, viewer)])) };
}

/** `{"title", "html"}` of a ticket's or lead's SLA tab, `{"title": null, "html": ""}` when it is not shown. */
export async function panelAnswer(
  panel: SlaPanel | undefined,
  id: number,
  viewer: Viewer,
): Promise<{ title: string | null; html: string }> {
  const html = panel ? await panel.render(id, viewer.staff_id, languageCode(viewer.language)) : null;
  return panel && html !== null
    ? { title: panel.title, html: rebased(html, viewer) }
    : { title: null, html: '' };
}

/** `{"title", "html"}` of "My SLA risks"; empty html when there is nothing to show or no view own (or above). */
export async function myRisksAnswer(
  registry: WidgetRegistry,
  body: Viewer,
): Promise<{ title: string | null; html: string }> {
  const widget = first(registry.widgets);
  if (!widget) return { title: null, html: '' };
  const lang = languageCode(body.language);
  return { title: widget.title(lang), html: rebased((await widget.render(body.staff_id, lang)) ?? '', body) };
}
