import type { SubjectKind } from '../subject-kind';
import { PERFEX_CLOSED_STATUS } from '../../host/perfex/perfex-statuses';

/** Tickets: matched on client, department, priority and service. */
export const ticketKind: SubjectKind = {
  type: 'ticket',
  matchSubject: (s) => ({
    department: s.department,
    priority: s.priority,
    userid: s.userid,
    service: s.service,
  }),
  // Nothing is owed on a closed or merged ticket, nothing is late on an open one.
  idleState: (s) => (s.status === PERFEX_CLOSED_STATUS || s.mergedInto !== null ? 'met' : 'on_track'),
};
