import type { HostLead } from '../../host/lead-gateway';
import type { SubjectEnd, SubjectSnapshot } from '../../store/subject-repository';

/**
 * Why a lead's clocks ended while the host keeps the row, or null while it is open. Converted
 * wins over lost and junk: a customer is the outcome that counts.
 */
export function leadEndOf(lead: HostLead): SubjectEnd | null {
  if (lead.convertedAt) return 'converted';
  if (lead.lost) return 'lost';
  if (lead.junk) return 'junk';
  return null;
}

/**
 * The fields of a lead the module tracks, in the subjects table's shape: the shared `status` and
 * `assigned`, the lead's own `country`, `source` and `ended`, and the ticket columns at "none".
 */
export function leadSnapshotOf(lead: HostLead): SubjectSnapshot {
  return {
    subjectId: lead.id,
    status: lead.status,
    assigned: lead.assigned,
    country: lead.country,
    source: lead.source,
    ended: leadEndOf(lead),
    priority: 0,
    department: 0,
    userid: 0,
    service: null,
    mergedInto: null,
    deleted: false,
  };
}
