import type { HookFactory } from './hook-deps';

const ticketSettingsUpdated: HookFactory<'ticket_settings_updated'> =
  ({ recorder }) =>
  (payload) =>
    recorder.guarded('ticket_settings_updated', payload.ticket_id, () => recorder.settingsUpdated(payload));
export default ticketSettingsUpdated;
