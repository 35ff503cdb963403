import type { HostTicket } from '../../host/host-context';
import type { TimelineEventInput, TimelineSource } from '../../store/timeline-repository';

/**
 * The `created` timeline event of a ticket, the same whether a hook reported it or the
 * reconcile found the row: what the ticket looked like when opened (its `to_value` snapshot).
 */
export function createdEvent(ticket: HostTicket, source: TimelineSource, status: number): TimelineEventInput {
  return {
    subjectType: 'ticket',
    subjectId: ticket.id,
    eventType: 'created',
    toValue: JSON.stringify({
      status,
      priority: ticket.priority,
      department: ticket.department,
      assigned: ticket.assigned,
      userid: ticket.userid,
      service: ticket.service,
    }),
    actorStaffId: ticket.admin,
    dedupeKey: 'created',
    occurredAt: ticket.createdAt,
    source,
  };
}
