import type { HookFactory } from './hook-deps';

/** Lost ends the lead's clocks; the host row says so, and the recorder reads it. */
const leadMarkedLost: HookFactory<'lead_marked_as_lost'> =
  ({ leads }) =>
  (leadId) =>
    leads?.guarded('lead_marked_as_lost', leadId, () => leads.updated(leadId));
export default leadMarkedLost;
