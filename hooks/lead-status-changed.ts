import type { HookFactory } from './hook-deps';

const leadStatusChanged: HookFactory<'lead_status_changed'> =
  ({ leads }) =>
  (payload) =>
    leads?.guarded('lead_status_changed', payload.lead_id, () => leads.statusChanged(payload));
export default leadStatusChanged;
