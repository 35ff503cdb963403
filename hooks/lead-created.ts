import type { HookFactory } from './hook-deps';

const leadCreated: HookFactory<'lead_created'> =
  ({ leads }) =>
  (leadId) =>
    leads?.guarded('lead_created', leadId, () => leads.leadCreated(leadId));
export default leadCreated;
