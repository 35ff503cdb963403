import type { PolicyConfig } from '../config/sla-config-schema';
import type { SubjectType } from '../config/subject-types';

/** What policy matching looks at on a ticket (a subject without `type` is a ticket). */
export interface TicketMatchSubject {
  type?: 'ticket';
  department: number;
  priority: number;
  userid: number;
  service: number | null;
}

/** What policy matching looks at on a lead: its market, source, status and owner (0 = none). */
export interface LeadMatchSubject {
  type: 'lead';
  country: number;
  source: number;
  status: number;
  assigned: number;
}

export type MatchSubject = TicketMatchSubject | LeadMatchSubject;

export type MatchablePolicy = Pick<PolicyConfig, 'key' | 'active' | 'position' | 'match'> & {
  /** Missing on policies written before leads: a ticket policy. */
  subject?: SubjectType;
};

const subjectOf = (policy: MatchablePolicy): SubjectType => policy.subject ?? 'ticket';

/**
 * How specific a policy is, as bits, so more criteria always win and the stronger one breaks
 * a tie. Tickets: client > department > priority > service (client + department + priority >
 * department + priority > priority > default). Leads: market > source > status > owner.
 */
export function specificity(policy: MatchablePolicy): number {
  const m = policy.match;
  if (subjectOf(policy) === 'lead') {
    return (m.countryIds ? 8 : 0) + (m.sourceIds ? 4 : 0) + (m.statusIds ? 2 : 0) + (m.assignedIds ? 1 : 0);
  }
  return (m.clientIds ? 8 : 0) + (m.departmentIds ? 4 : 0) + (m.priorityIds ? 2 : 0) + (m.serviceIds ? 1 : 0);
}

function matches(policy: MatchablePolicy, subject: MatchSubject): boolean {
  const m = policy.match;
  if (subject.type === 'lead') {
    if (subjectOf(policy) !== 'lead') return false;
    if (m.countryIds && !m.countryIds.includes(subject.country)) return false;
    if (m.sourceIds && !m.sourceIds.includes(subject.source)) return false;
    if (m.statusIds && !m.statusIds.includes(subject.status)) return false;
    if (m.assignedIds && !m.assignedIds.includes(subject.assigned)) return false;
    return true;
  }
  if (subjectOf(policy) !== 'ticket') return false;
  if (m.clientIds && !m.clientIds.includes(subject.userid)) return false;
  if (m.departmentIds && !m.departmentIds.includes(subject.department)) return false;
  if (m.priorityIds && !m.priorityIds.includes(subject.priority)) return false;
  if (m.serviceIds && (subject.service === null || !m.serviceIds.includes(subject.service))) return false;
  return true;
}

/**
 * The policy that governs a subject: among active policies of its kind that match, the most
 * specific; ties go by `position`, then key. Null when none matches (the "no policy" KPI).
 */
export function matchPolicy<P extends MatchablePolicy>(
  policies: readonly P[],
  subject: MatchSubject,
): P | null {
  let best: P | null = null;
  for (const policy of policies) {
    if (!policy.active || !matches(policy, subject)) continue;
    if (best === null || compare(policy, best) < 0) best = policy;
  }
  return best;
}

function compare(a: MatchablePolicy, b: MatchablePolicy): number {
  return specificity(b) - specificity(a) || a.position - b.position || a.key.localeCompare(b.key);
}
