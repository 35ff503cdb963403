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

/** Perfex's hard-coded "Closed" status id. */
export const CLOSED_STATUS = 5;

export type ClockState = 'on_track' | 'at_risk' | 'breached' | 'paused' | 'met' | 'no_policy';
