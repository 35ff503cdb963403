import type { HookFactory } from './hook-deps';

const ticketReplyAdded: HookFactory<'after_ticket_reply_added'> =
  ({ recorder }) =>
  (payload) =>
    recorder.guarded('after_ticket_reply_added', payload.id, () => recorder.replyAdded(payload));
export default ticketReplyAdded;
