import type { HostBatch, NamedRow } from './host-context';

/**
 * A lead in the module's vocabulary (Perfex `tblleads`); datetimes are instants, ids of "none"
 * are 0 as the host stores them.
 */
export interface HostLead {
  id: number;
  name: string;
  company: string;
  createdAt: Date;
  status: number;
  source: number;
  /** The lead's market; 0 = none. */
  country: number;
  /** Staff id; 0 = unassigned. */
  assigned: number;
  /** When the status last changed, as the host recorded it; null when it never did or is unreadable. */
  statusChangedAt: Date | null;
  /** The day the lead was assigned (a DATE in the host: its start in the host's zone). */
  assignedOn: Date | null;
  /** The last contact staff recorded ("contacted today" or a contact date). */
  lastContactAt: Date | null;
  lost: boolean;
  junk: boolean;
  /** Set when the lead became a customer. */
  convertedAt: Date | null;
}

export interface LeadStatusRow extends NamedRow {
  color: string;
  order: number;
  /** The status a converted lead gets (Perfex `isdefault`). */
  isCustomer: boolean;
}

export interface CountryRow extends NamedRow {
  /** ISO 3166-1 alpha-2, upper case ("DE"); empty when the host has none. */
  iso2: string;
}

/** Reads the host's leads and their vocabularies; every read tolerates odd rows (see HostBatch). */
export interface LeadGateway {
  getLead(id: number): Promise<HostLead | null>;
  getLeads(ids: readonly number[]): Promise<HostLead[]>;
  existingLeadIds(ids: readonly number[]): Promise<Set<number>>;
  /** Of these leads, those the host has open: neither lost, junk nor converted (one narrow query). */
  openLeadIds(ids: readonly number[]): Promise<Set<number>>;
  /** Keyset page of leads by id, for the reconcile's cursor (unreadable rows listed apart). */
  listLeadsAfter(afterId: number, limit: number): Promise<HostBatch<HostLead>>;
  listLeadStatuses(): Promise<LeadStatusRow[]>;
  listLeadSources(): Promise<NamedRow[]>;
  listCountries(): Promise<CountryRow[]>;
  /**
   * Optional: gives the lead to another staff member through the host's own lead logic (so its
   * hooks fire). The devhost offers it; Perfex would need a host action the module does not
   * have yet, so a reassign level on a lead there is recorded as failed.
   */
  reassign?(leadId: number, staffId: number): Promise<void>;
}
