import type { HookFactory } from './hook-deps';

const ticketCreated: HookFactory<'ticket_created'> =
  ({ recorder }) =>
  (ticketId) =>
    recorder.guarded('ticket_created', ticketId, () => recorder.ticketCreated(ticketId));
export default ticketCreated;
