import type { HostEvents } from '../src/host/host-context';

/**
 * Perfex's lead hooks (PERFEX.md, "Leads"), as the host contract names them: the devhost fires
 * them with ints, as it does the ticket hooks.
 */
export type LeadHookEvents = Pick<
  HostEvents,
  | 'lead_created'
  | 'lead_status_changed'
  | 'after_lead_updated'
  | 'lead_marked_as_lost'
  | 'lead_marked_as_junk'
  | 'before_lead_deleted'
  | 'after_lead_deleted'
>;

/** Every hook the devhost fires: the contract's ticket, lead and cron hooks. */
export type DevhostEvents = HostEvents;
export type DevhostEventName = keyof DevhostEvents;
export type DevhostEventHandler<E extends DevhostEventName> = (
  payload: DevhostEvents[E],
) => void | Promise<void>;

/** The lead hook names, in PERFEX.md's order. */
export const LEAD_HOOKS = [
  'lead_created',
  'lead_status_changed',
  'after_lead_updated',
  'lead_marked_as_lost',
  'lead_marked_as_junk',
  'before_lead_deleted',
  'after_lead_deleted',
] as const satisfies readonly (keyof LeadHookEvents)[];
