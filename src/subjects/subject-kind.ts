import type { SubjectType } from '../sla/config/subject-types';
import type { MatchSubject } from '../sla/policy/match-policy';
import type { SubjectRow, SubjectSnapshot } from '../store/subject-repository';

/**
 * What the engine needs to know about one kind of subject (ticket, lead) to turn its timeline
 * into clocks. Everything else kind-specific (host rows, hooks, reconcile, emails) lives in the
 * kind's folder under src/subjects/ and is wired per kind; the clock, subject, timeline and
 * escalation stores take the kind's `type` as their key.
 */
export interface SubjectKind {
  readonly type: SubjectType;
  /** What policy matching reads from the subject's snapshot. */
  matchSubject(subject: SubjectSnapshot): MatchSubject;
  /** The state of a subject under a policy when it has no clock at all. */
  idleState(subject: SubjectRow): 'met' | 'on_track';
}
