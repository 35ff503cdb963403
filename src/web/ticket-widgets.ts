import type { i18n } from 'i18next';
import type { HostContext, TicketListColumn, TicketPanel } from '../host/host-context';
import type { ModuleServices } from '../services/module-services';
import { translatorFor } from './i18n';
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
      const subjects = await services.subjects.getMany(ticketIds);
      const t = translatorFor(translator, 'en');
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
      const [sla, events, names] = await Promise.all([
        services.ticketSla.get(ticketId, now, host.timezone),
        services.timeline.forSubject('ticket', ticketId),
        loadNames(host.tickets),
      ]);
      return renderView('partials/ticket-panel', {
        t: translatorFor(translator, 'en'),
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

function canView(host: HostContext, staffId: number): Promise<boolean> {
  return host.permissions.can(staffId, manifest.permissions.feature, 'view');
}
