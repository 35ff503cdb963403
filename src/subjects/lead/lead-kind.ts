import type { SubjectKind } from '../subject-kind';

/** Leads: matched on market (country), source, status and owner. */
export const leadKind: SubjectKind = {
  type: 'lead',
  matchSubject: (s) => ({
    type: 'lead',
    country: s.country ?? 0,
    source: s.source ?? 0,
    status: s.status,
    assigned: s.assigned,
  }),
  // A lead lost, junk or converted owes nothing more.
  idleState: (s) => (s.ended ? 'met' : 'on_track'),
};
