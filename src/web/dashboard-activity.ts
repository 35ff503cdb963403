import type { TFunction } from 'i18next';
import type { ActivityItem } from '../store/read/dashboard-service';
import type { NameBook } from './view-helpers';
import { perfexTicketPath } from '../host/perfex/perfex-urls';

/** One line of the dashboard's activity timeline, ready to render (the view escapes the text). */
export interface ActivityLine {
  kind: ActivityItem['kind'];
  /** `kind-rowId`: names the line across pages (tests check pages neither overlap nor skip). */
  key: string;
  at: Date;
  text: string;
  /** Ticket id the line is about (shown with the ticket's subject). */
  ticketId: number | null;
  ticketSubject: string | null;
  /** Where the line leads; null when the viewer may not open it (settings need manage). */
  href: string | null;
}

const KNOWN_CONFIG_ACTIONS = [
  'import',
  'save_calendar',
  'save_policy',
  'save_settings',
  'delete_calendar',
  'delete_policy',
  'move_policy',
];

/** Words for an activity item: escalations and breaches link to the ticket, config changes to settings. */
export function describeActivity(
  item: ActivityItem,
  t: TFunction,
  names: NameBook,
  subjects: ReadonlyMap<number, string>,
  canManage: boolean,
): ActivityLine {
  if (item.kind === 'config') {
    const action = item.action.replace(/^config\./, '');
    const known = KNOWN_CONFIG_ACTIONS.includes(action);
    const by =
      item.staffId === null
        ? t('dashboard.activity.by_system')
        : (names.staff.get(String(item.staffId)) ?? `#${item.staffId}`);
    return {
      kind: 'config',
      key: `config-${item.id}`,
      at: item.at,
      text: t(known ? `dashboard.activity.config_${action}` : 'dashboard.activity.config_other', {
        key: item.key ?? '',
        action,
        by,
      }),
      ticketId: null,
      ticketSubject: null,
      href: canManage ? '/admin/sla_vigil/settings' : null,
    };
  }
  const metric = t(`metrics.${item.metric}`);
  const text =
    item.kind === 'escalation'
      ? t('dashboard.activity.escalation', {
          level: item.level,
          metric,
          action: t(`dashboard.actions.${item.actionType}`, { defaultValue: item.actionType }),
          outcome: t(`dashboard.outcomes.${item.outcome}`, { defaultValue: item.outcome }),
        })
      : t('dashboard.activity.breach', { metric, cycle: item.cycle });
  return {
    kind: item.kind,
    key: `${item.kind}-${item.id}`,
    at: item.at,
    text,
    ticketId: item.subjectId,
    ticketSubject: subjects.get(item.subjectId) ?? null,
    href: perfexTicketPath(item.subjectId),
  };
}
