/** What can happen to a ticket, as the timeline records it (hook or reconcile). */
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
  | 'policy_changed';

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

export type ClockState = 'on_track' | 'at_risk' | 'breached' | 'paused' | 'met' | 'no_policy';
