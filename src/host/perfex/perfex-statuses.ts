import type { StatusLifecycle } from '../../sla/clocks/sla-event';

/** Perfex's hard-coded "Open" status id: every new ticket starts in it (`ticket_created` forces it). */
export const PERFEX_INITIAL_STATUS = 1;

/** Perfex's hard-coded "Closed" status id (a merge and the cron's auto-close set it too). */
export const PERFEX_CLOSED_STATUS = 5;

/** The status ids the pure clock rules need, as Perfex numbers them. */
export const PERFEX_STATUS_LIFECYCLE: StatusLifecycle = {
  initialStatus: PERFEX_INITIAL_STATUS,
  closedStatus: PERFEX_CLOSED_STATUS,
};
