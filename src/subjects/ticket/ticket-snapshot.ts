import type { HostTicket } from '../../host/host-context';
import type { SubjectSnapshot } from '../../store/subject-repository';

/** The fields of a ticket the module tracks, in the subjects table's shape (hooks and reconcile). */
export function snapshotOf(ticket: HostTicket): SubjectSnapshot {
  return {
    subjectId: ticket.id,
    status: ticket.status,
    priority: ticket.priority,
    department: ticket.department,
    assigned: ticket.assigned,
    userid: ticket.userid,
    service: ticket.service,
    mergedInto: ticket.mergedTicketId,
    deleted: false,
  };
}
