import type { HookFactory } from './hook-deps';

/** Owner, source and country edits arrive here: the recorder compares the row with the snapshot. */
const leadUpdated: HookFactory<'after_lead_updated'> =
  ({ leads }) =>
  (leadId) =>
    leads?.guarded('after_lead_updated', leadId, () => leads.updated(leadId));
export default leadUpdated;
