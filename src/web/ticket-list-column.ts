import { manifest } from '../manifest';
import type { i18n } from 'i18next';
import type { HostContext, TicketListColumn, TicketListQueryExtension } from '../host/host-context';
import type { ClockState } from '../sla/clocks/sla-event';
import { translatorFor } from '../i18n/translator';
import { escapeHtml } from './escape-html';
import { stateBadge } from './state-badge';
import { badgeFor, badgeRows, badgeWords, groupBadgeRows } from './list-badges';
import { listDateTimeFormatter } from '../i18n/compiled-date-format';
import { phrasesFor } from '../i18n/phrase-cache';
import { TICKET_LIST_STATES, ticketSortKeySql, ticketStateIsSql } from '../store/read/ticket-state-sql';
import { staffLanguage } from './ticket-widgets';
import { ListFilterForms } from '../store/read/list-filter-form';
import {
  inTicketScope,
  seesEveryTicket,
  viewerMayOpen,
  widgetViewer,
  type WidgetViewer,
} from './ticket-scope';

/** Filter choices, in the order a manager reads them. */
const FILTER_STATES: readonly ClockState[] = TICKET_LIST_STATES;

/**
 * The SLA cell of the host's ticket list: the most urgent running clock with its time left or
 * overdue ("2h 10m left"), else what the subject stored (met, no policy, or breached when the
 * last cycle of a metric was late): ticketState in src/sla/clocks/live-state.ts. One query on the
 * module's tables for the whole page of rows, plus the host's own permission and language
 * lookups (one each, whatever the page size).
 */
export function createTicketListColumn(host: HostContext, translator: i18n): TicketListColumn {
  return {
    key: 'sla_vigil',
    title: 'SLA',
    permission: { feature: manifest.permissions.feature, capability: 'view_own' },
    render: async (ticketIds, staffId, language) => {
      // The page's badge rows are read beside the permission check rather than after it (one
      // round trip less: the column should cost about what reading its rows costs); only the
      // rows the viewer may see are ever rendered.
      const [viewer, rows, lang] = await Promise.all([
        widgetViewer(host.permissions, staffId),
        badgeRows(host.readDb ?? host.db, host.tablePrefix, 'ticket', ticketIds),
        language ?? staffLanguage(host, staffId),
      ]);
      // Staff without SLA Vigil access see empty cells, like the rest of the module.
      if (!viewer) return new Map();
      const { visible, notOwn } = await visibleIds(host, viewer, ticketIds);
      const phrases = phrasesFor(translator, lang);
      const words = badgeWords(phrases);
      const now = host.clock.now();
      const fmt = listDateTimeFormatter(lang, host.timezone, now);
      const byTicket = groupBadgeRows(rows);
      // View own: a row that is not the viewer's says so, rather than an empty cell read as "no SLA".
      const notYours = `<span class="sv-not-yours" style="color:#9ca3af" title="${escapeHtml(phrases.text('column.not_yours'))}">–</span>`;
      const notSeen = stateBadge('no_policy', '—', phrases.text('column.not_seen'));
      const cells = new Map<number, string>();
      for (const id of notOwn) cells.set(id, notYours);
      for (const id of visible) {
        const ticket = byTicket.get(id);
        cells.set(
          id,
          ticket ? badgeFor(ticket, words, now, fmt, (c) => phrases.text(`metrics.${c.metric}`)) : notSeen,
        );
      }
      return cells;
    },
    listQuery: createListQuery(host, translator),
  };
}

/**
 * The ids whose cells the viewer may see: the host's list already shows only tickets its own
 * rules allow (Perfex: their departments), but a cell is never filled for any other ticket, nor,
 * for view own, for a ticket that is not theirs (ticket-scope.ts).
 */
async function visibleIds(
  host: HostContext,
  viewer: WidgetViewer,
  ticketIds: readonly number[],
): Promise<{ visible: number[]; notOwn: Set<number> }> {
  if (seesEveryTicket(viewer) || ticketIds.length === 0)
    return { visible: [...ticketIds], notOwn: new Set() };
  const tickets = await host.tickets.getTickets(ticketIds);
  const allowed = new Set(tickets.filter((t) => viewerMayOpen(viewer, t)).map((t) => t.id));
  // Tickets the host lets the viewer open that view own does not count as theirs.
  const notOwn = new Set(
    tickets.filter((t) => !allowed.has(t.id) && inTicketScope(viewer.scope, t.department)).map((t) => t.id),
  );
  return { visible: ticketIds.filter((id) => allowed.has(id)), notOwn };
}

/**
 * Filter and sort the host's list by the state its badge shows at this moment (ticketState in
 * live-state.ts, here as SQL): `?sla=breached` lists the rows whose badge reads breached, of open
 * tickets only (OPEN_ONLY_LIST_STATES), so it counts what the dashboard's Breached card counts; the
 * labels say "open tickets" because a closed ticket's badge may still read breached.
 * Sorting goes breached, at risk, on track, paused, then met and no policy, and within a state by
 * the due time of the clock the badge shows (ascending = most urgent first).
 */
function createListQuery(host: HostContext, translator: i18n): TicketListQueryExtension {
  const prefix = host.tablePrefix;
  const forms = new ListFilterForms(host.readDb ?? host.db, prefix, host.clock);
  return {
    param: 'sla',
    // View own sees the badges of its own tickets only; filtering the whole list by SLA state
    // would show which other tickets are breached. Perfex's filter asks for View too.
    permission: { feature: manifest.permissions.feature, capability: 'view' },
    filterOptions: (lang) => {
      const t = translatorFor(translator, lang);
      return FILTER_STATES.map((value) => ({ value, label: t(`list_filter.${value}`) }));
    },
    apply: (qb, ticketIdColumn, { filter, sort }) => {
      const now = host.clock.now();
      if (filter !== undefined) {
        if (!FILTER_STATES.includes(filter as ClockState)) throw new Error(`unknown SLA filter ${filter}`);
        const state = filter as ClockState;
        const condition = ticketStateIsSql(
          prefix,
          ticketIdColumn,
          now,
          state,
          'ticket',
          forms.formFor('ticket', state),
        );
        qb.whereRaw(condition.sql, condition.bindings);
      }
      if (sort !== undefined) {
        const dir = sort === 'desc' ? 'DESC' : 'ASC';
        // Rank, then the due time of the clock the badge shows, in one value (no running clock:
        // met, no policy, or a closed breach, after the running ones of its rank).
        const key = ticketSortKeySql(prefix, ticketIdColumn, now);
        qb.orderByRaw(`${key.sql} ${dir}`, key.bindings);
      }
    },
  };
}
