/**
 * What a policy governs. Tickets and leads match on their own host fields; a policy names its
 * kind (`subject`, default "ticket") and may only use that kind's match fields and metrics.
 */
export const SUBJECT_TYPES = ['ticket', 'lead'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const TICKET_MATCH_FIELDS = ['departmentIds', 'priorityIds', 'clientIds', 'serviceIds'] as const;
export const LEAD_MATCH_FIELDS = ['countryIds', 'sourceIds', 'statusIds', 'assignedIds'] as const;
export type TicketMatchField = (typeof TICKET_MATCH_FIELDS)[number];
export type LeadMatchField = (typeof LEAD_MATCH_FIELDS)[number];
export type MatchField = TicketMatchField | LeadMatchField;

export const MATCH_FIELDS_OF: Record<SubjectType, readonly MatchField[]> = {
  ticket: TICKET_MATCH_FIELDS,
  lead: LEAD_MATCH_FIELDS,
};

/** Escalation actions a lead has no use for: leads have no priority and no department in Perfex. */
export const TICKET_ONLY_ACTIONS = ['raise_priority', 'reassign_department'] as const;
