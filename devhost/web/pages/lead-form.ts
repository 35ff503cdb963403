/**
 * The lead's profile fields, as both the new-lead form and the lead's edit form post them (Perfex
 * uses one form for both); what their values must be is LeadService's job.
 */
export const LEAD_PROFILE_FIELDS = [
  'name',
  'company',
  'email',
  'phonenumber',
  'country',
  'status',
  'source',
  'assigned',
  'lead_value',
] as const;
