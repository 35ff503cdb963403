import type { i18n } from 'i18next';
import type { HostContext, TicketListColumn, TicketPanel } from '../host/host-context';
import type { ModuleServices } from '../services/module-services';
import { languageCode, translatorFor } from './i18n';
import { renderView } from './render';
import { manifest } from '../manifest';
import { stateBadge } from './state-badge';
import { describeChange, loadNames, timeFormatter } from './view-helpers';

/** The "semaphore" in the host's ticket list: one query for the whole page of rows. */
export function createTicketListColumn(
  host: HostContext,
  services: ModuleServices,
  translator: i18n,
): TicketListColumn {
  return {
    key: 'sla_vigil',
    title: 'SLA',
    render: async (ticketIds, staffId) => {
      // Staff without SLA Vigil access see empty cells, like the rest of the module.
      if (!(await canView(host, staffId))) return new Map();
      const [subjects, lang] = await Promise.all([
        services.subjects.getMany(ticketIds),
        staffLanguage(host, staffId),
      ]);
      const t = translatorFor(translator, lang);
      return new Map(
        ticketIds.map((id) => {
          const subject = subjects.get(id);
          if (!subject) return [id, stateBadge('no_policy', '—', t('column.not_seen'))];
          return [id, stateBadge(subject.slaState, t(`states.${subject.slaState}`))];
        }),
      );
    },
  };
}

/** The SLA tab of the ticket view: every clock with its explanation, then the timeline. */
export function createTicketPanel(
  host: HostContext,
  services: ModuleServices,
  translator: i18n,
): TicketPanel {
  return {
    key: 'sla_vigil',
    title: 'SLA',
    render: async (ticketId, staffId) => {
      if (!(await canView(host, staffId))) return null;
      const now = host.clock.now();
      const [sla, events, names, lang] = await Promise.all([
        services.ticketSla.get(ticketId, now, host.timezone),
        services.timeline.forSubject('ticket', ticketId),
        loadNames(host.tickets),
        staffLanguage(host, staffId),
      ]);
      return renderView('partials/ticket-panel', {
        t: translatorFor(translator, lang),
        sla,
        events,
        stateBadge,
        names,
        describeChange,
        fmt: timeFormatter(host.timezone),
        zone: host.timezone,
      });
    },
  };
}

/** The staff member's language (Perfex `default_language`) as a locale code. */
async function staffLanguage(host: HostContext, staffId: number): Promise<string> {
  const staff = (await host.tickets.listStaff()).find((s) => s.id === staffId);
  return languageCode(staff?.defaultLanguage);
}

function canView(host: HostContext, staffId: number): Promise<boolean> {
  return host.permissions.can(staffId, manifest.permissions.feature, 'view');
}
