import type { HookFactory } from './hook-deps';

const ticketStatusChanged: HookFactory<'after_ticket_status_changed'> =
  ({ recorder }) =>
  (payload) =>
    recorder.guarded('after_ticket_status_changed', payload.id, () => recorder.statusChanged(payload));
export default ticketStatusChanged;
