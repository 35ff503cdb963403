/** What can happen to a subject (ticket or lead), as the timeline records it (hook or reconcile). */
export type TimelineEventType =
  | 'created'
  | 'staff_reply'
  | 'client_reply'
  | 'status_changed'
  | 'department_changed'
  | 'priority_changed'
  | 'assignee_changed'
  | 'client_changed'
  | 'service_changed'
  | 'merged'
  | 'deleted'
  | 'policy_changed'
  // Leads: their market and source, and the three ways a lead's clocks end while it stays.
  | 'country_changed'
  | 'source_changed'
  | 'lost'
  | 'junk'
  | 'converted'
  // A lost or junk lead un-marked (Perfex fires no hook for it): its clocks run again from then.
  | 'reopened';

/** One timeline event as the clock computation needs it. */
export interface SlaEvent {
  type: TimelineEventType;
  at: Date;
  from: string | null;
  to: string | null;
}

/**
 * The two status ids the clock rules depend on, supplied by the host (Perfex: 1 Open,
 * 5 Closed): a ticket starts in `initialStatus`; `closedStatus` resolves it.
 */
export interface StatusLifecycle {
  initialStatus: number;
  closedStatus: number;
}

/**
 * Leads have no closed status: their stays end by `lost`, `junk` or `converted` events, and their
 * `created` event always carries the status they were created in. A status id no host uses.
 */
export const NO_STATUS = -1;
export const LEAD_LIFECYCLE: StatusLifecycle = { initialStatus: NO_STATUS, closedStatus: NO_STATUS };

export type ClockState = 'on_track' | 'at_risk' | 'breached' | 'paused' | 'met' | 'no_policy';
