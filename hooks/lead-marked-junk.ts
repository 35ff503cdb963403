import type { HookFactory } from './hook-deps';

/** Junk ends the lead's clocks; the host row says so, and the recorder reads it. */
const leadMarkedJunk: HookFactory<'lead_marked_as_junk'> =
  ({ leads }) =>
  (leadId) =>
    leads?.guarded('lead_marked_as_junk', leadId, () => leads.updated(leadId));
export default leadMarkedJunk;
