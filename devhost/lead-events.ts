import type { HostEvents } from '../src/host/host-context';

/**
 * Perfex's lead hooks (PERFEX.md, "Leads") with the arguments the devhost passes. The host
 * contract (src/host/host-context.ts) names only ticket hooks so far; these live here until the
 * module subscribes to them, with the same convention as the ticket hooks: an in-process host
 * hands over ints (Perfex's PHP passes strings on admin paths; the bridge casts them).
 */
export interface LeadHookEvents {
  /** `Leads_model.php:126`: the new lead's id. */
  lead_created: number;
  /** Edit form (`:286`) and kanban drag (`:835`): statuses are `tblleads_status.id`s. */
  lead_status_changed: { lead_id: number; old_status: number; new_status: number };
  /** The edit form (`:308`, `:313`): assignment, source, country and other edits arrive here. */
  after_lead_updated: number;
  lead_marked_as_lost: number;
  lead_marked_as_junk: number;
  before_lead_deleted: number;
  after_lead_deleted: number;
}

/** Every hook the devhost fires: the contract's ticket and cron hooks, and the lead hooks. */
export type DevhostEvents = HostEvents & LeadHookEvents;
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
