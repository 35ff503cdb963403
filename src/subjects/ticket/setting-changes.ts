import type { TimelineEventType } from '../../sla/clocks/sla-event';

/**
 * The ticket settings whose changes the timeline records, with the event each becomes. The
 * field names are Perfex's `tbltickets` columns and the module's snapshot fields alike; the
 * hook path and the reconcile both use this one list.
 */
export const SETTING_CHANGES = [
  { field: 'priority', event: 'priority_changed' },
  { field: 'department', event: 'department_changed' },
  { field: 'assigned', event: 'assignee_changed' },
  { field: 'userid', event: 'client_changed' },
  { field: 'service', event: 'service_changed' },
] as const satisfies readonly { field: string; event: TimelineEventType }[];

export type SettingField = (typeof SETTING_CHANGES)[number]['field'];

/**
 * A setting's value as the timeline and the snapshot keep it: a service of 0 (what the host
 * stores when an admin leaves it empty) is no service, like NULL; '' from a form is none too.
 */
export function settingValue(field: SettingField, value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  if (field === 'service' && Number(value) === 0) return null;
  return value;
}
