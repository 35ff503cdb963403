import type { PolicyConfig } from '../config/sla-config-schema';

/** What policy matching looks at on a ticket. */
export interface MatchSubject {
  department: number;
  priority: number;
  userid: number;
  service: number | null;
}

export type MatchablePolicy = Pick<PolicyConfig, 'key' | 'active' | 'position' | 'match'>;

/**
 * How specific a policy is: client > department > priority > service, as bits, so
 * client + department + priority > department + priority > priority > default.
 */
export function specificity(policy: MatchablePolicy): number {
  const m = policy.match;
  return (m.clientIds ? 8 : 0) + (m.departmentIds ? 4 : 0) + (m.priorityIds ? 2 : 0) + (m.serviceIds ? 1 : 0);
}

function matches(policy: MatchablePolicy, subject: MatchSubject): boolean {
  const m = policy.match;
  if (m.clientIds && !m.clientIds.includes(subject.userid)) return false;
  if (m.departmentIds && !m.departmentIds.includes(subject.department)) return false;
  if (m.priorityIds && !m.priorityIds.includes(subject.priority)) return false;
  if (m.serviceIds && (subject.service === null || !m.serviceIds.includes(subject.service))) return false;
  return true;
}

/**
 * The policy that governs a ticket: among active policies that match, the most specific;
 * ties go by `position`, then key. Null when none matches (the "no policy" KPI).
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
