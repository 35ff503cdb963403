import type { HookFactory } from './hook-deps';

const ticketDeleted: HookFactory<'after_ticket_deleted'> =
  ({ recorder }) =>
  (ticketId) =>
    recorder.guarded('after_ticket_deleted', ticketId, () => recorder.ticketDeleted(ticketId));
export default ticketDeleted;
