import type { i18n } from 'i18next';
import type { HostContext, LeadListColumn, LeadListQueryExtension } from '../host/host-context';
import type { LeadGateway } from '../host/lead-gateway';
import type { ClockState } from '../sla/clocks/sla-event';
import { manifest } from '../manifest';
import { translatorFor } from '../i18n/translator';
import { listDateTimeFormatter } from '../i18n/compiled-date-format';
import { phrasesFor } from '../i18n/phrase-cache';
import { escapeHtml } from './escape-html';
import { stateBadge } from './state-badge';
import { badgeFor, badgeRows, badgeWords, groupBadgeRows, type BadgeClock } from './list-badges';
import { staffLanguage } from './ticket-widgets';
import { leadViewer, viewerMaySeeLead } from './lead-scope';
import { TICKET_LIST_STATES, ticketSortKeySql, ticketStateIsSql } from '../store/read/ticket-state-sql';
import { ListFilterForms } from '../store/read/list-filter-form';

/**
 * The SLA cell of the host's lead list: the ticket list's badge (list-badges.ts) on the lead's
 * status windows, titled "Time in New: due …". One query on the module's tables per page, plus the
 * host's statuses, the viewer's language and (view own only) the page's leads.
 */
export function createLeadListColumn(
  host: HostContext,
  leads: LeadGateway,
  translator: i18n,
): LeadListColumn {
  return {
    key: 'sla_vigil',
    title: 'SLA',
    permission: { feature: manifest.permissions.feature, capability: 'view_own' },
    render: async (leadIds, staffId, language) => {
      // Badge rows, language and statuses are read beside the permission check (one round trip
      // less); only the rows the viewer may see are ever rendered.
      const [viewer, rows, lang, statuses] = await Promise.all([
        leadViewer(host, staffId),
        badgeRows(host.readDb ?? host.db, host.tablePrefix, 'lead', leadIds),
        language ?? staffLanguage(host, staffId),
        leadIds.length === 0 ? Promise.resolve([]) : leads.listLeadStatuses(),
      ]);
      if (!viewer) return new Map();
      // Leads have no department: view own means the leads assigned to the viewer.
      const visible = viewer.canView
        ? [...leadIds]
        : leadIds.length === 0
          ? []
          : (await leads.getLeads(leadIds)).filter((l) => viewerMaySeeLead(viewer, l)).map((l) => l.id);
      const phrases = phrasesFor(translator, lang);
      const words = badgeWords(phrases);
      const now = host.clock.now();
      const fmt = listDateTimeFormatter(lang, host.timezone, now);
      const statusName = new Map(statuses.map((s) => [s.id, s.name]));
      const timeIn = phrases.filler('metrics.status_time_in', 'status');
      const label = (c: BadgeClock): string =>
        c.metric === 'status_time' && c.status !== null
          ? timeIn(statusName.get(c.status) ?? `#${c.status}`)
          : phrases.text(`metrics.${c.metric}`, c.metric);
      const bySubject = groupBadgeRows(rows);
      const shown = new Set(visible);
      const notYours = `<span class="sv-not-yours" style="color:#9ca3af" title="${escapeHtml(phrases.text('lead_column.not_yours'))}">–</span>`;
      const notSeen = stateBadge('no_policy', '—', phrases.text('column.not_seen'));
      const cells = new Map<number, string>();
      for (const id of leadIds) {
        const clocks = shown.has(id) ? bySubject.get(id) : undefined;
        cells.set(
          id,
          !shown.has(id) ? notYours : clocks ? badgeFor(clocks, words, now, fmt, label) : notSeen,
        );
      }
      return cells;
    },
    listQuery: createListQuery(host, translator),
  };
}

/**
 * Filter and sort the lead list by the state its badge shows now, with the ticket list's rules
 * (ticket-state-sql.ts on the lead's rows): `?sla=breached` lists open leads under a policy whose
 * badge reads breached. View own sees only its own badges, so it gets neither.
 */
function createListQuery(host: HostContext, translator: i18n): LeadListQueryExtension {
  const prefix = host.tablePrefix;
  const forms = new ListFilterForms(host.readDb ?? host.db, prefix, host.clock);
  const states: readonly ClockState[] = TICKET_LIST_STATES;
  return {
    param: 'sla',
    permission: { feature: manifest.permissions.feature, capability: 'view' },
    filterOptions: (lang) => {
      const t = translatorFor(translator, lang);
      return states.map((value) => ({ value, label: t(`lead_list_filter.${value}`) }));
    },
    apply: (qb, leadIdColumn, { filter, sort }) => {
      const now = host.clock.now();
      if (filter !== undefined) {
        if (!states.includes(filter as ClockState)) throw new Error(`unknown SLA filter ${filter}`);
        const state = filter as ClockState;
        const condition = ticketStateIsSql(
          prefix,
          leadIdColumn,
          now,
          state,
          'lead',
          forms.formFor('lead', state),
        );
        qb.whereRaw(condition.sql, condition.bindings);
      }
      if (sort !== undefined) {
        const key = ticketSortKeySql(prefix, leadIdColumn, now, 'lead');
        qb.orderByRaw(`${key.sql} ${sort === 'desc' ? 'DESC' : 'ASC'}`, key.bindings);
      }
    },
  };
}
