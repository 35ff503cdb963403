import type { HookFactory } from './hook-deps';

/** After, not before: a delete that fails in the host must not end the lead's clocks. */
const leadDeleted: HookFactory<'after_lead_deleted'> =
  ({ leads }) =>
  (leadId) =>
    leads?.guarded('after_lead_deleted', leadId, () => leads.deleted(leadId));
export default leadDeleted;
