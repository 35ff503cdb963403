import type { Knex } from 'knex';
import type { HostBatch, NamedRow, UnreadableRow } from '../host-context';
import type { CountryRow, HostLead, LeadGateway, LeadStatusRow } from '../lead-gateway';
import { readHostDatetime } from './host-datetime';
import { hostInt, splitReadable } from './host-rows';

/** As the driver returns it: Perfex runs with a permissive sql_mode, so any value may be odd. */
interface LeadRow {
  id: number;
  name: string | null;
  company: string | null;
  dateadded: string | Date | null;
  status: number | null;
  source: number | null;
  country: number | null;
  assigned: number | null;
  last_status_change: string | Date | null;
  dateassigned: string | Date | null;
  lastcontact: string | Date | null;
  lost: number | null;
  junk: number | null;
  date_converted: string | Date | null;
}

const LEAD_COLUMNS = [
  'id',
  'name',
  'company',
  'dateadded',
  'status',
  'source',
  'country',
  'assigned',
  'last_status_change',
  'dateassigned',
  'lastcontact',
  'lost',
  'junk',
  'date_converted',
];

/** Reads Perfex's lead tables in the module's vocabulary; converts wall-clock datetimes to instants. */
export class PerfexLeadGateway implements LeadGateway {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly timezone: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** A lead without a readable creation date cannot start a clock: it is skipped, not guessed. */
  private toLead(row: LeadRow): HostLead | UnreadableRow {
    const created = readHostDatetime(row.dateadded, this.timezone);
    if (!created.ok) return { id: row.id, subjectId: row.id, reason: `lead ${created.reason}` };
    return {
      id: row.id,
      name: row.name ?? '',
      company: row.company ?? '',
      createdAt: created.at,
      status: hostInt(row.status),
      source: hostInt(row.source),
      country: hostInt(row.country),
      assigned: hostInt(row.assigned),
      statusChangedAt: this.optionalTime(row.last_status_change),
      assignedOn: this.optionalTime(row.dateassigned),
      lastContactAt: this.optionalTime(row.lastcontact),
      lost: hostInt(row.lost) === 1,
      junk: hostInt(row.junk) === 1,
      convertedAt: this.optionalTime(row.date_converted),
    };
  }

  /** These only date what the reconcile finds; an odd or empty one is simply unknown. */
  private optionalTime(value: unknown): Date | null {
    if (value === null || value === undefined || value === '') return null;
    // `dateassigned` is a DATE: a bare day reads as its midnight in the host's zone.
    const text = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value} 00:00:00` : value;
    const read = readHostDatetime(text, this.timezone);
    return read.ok ? read.at : null;
  }

  async getLead(id: number): Promise<HostLead | null> {
    return (await this.getLeads([id]))[0] ?? null;
  }

  async getLeads(ids: readonly number[]): Promise<HostLead[]> {
    if (ids.length === 0) return [];
    const rows: LeadRow[] = await this.db(this.t('leads')).select(LEAD_COLUMNS).whereIn('id', ids);
    return splitReadable(rows.map((r) => this.toLead(r))).rows;
  }

  async existingLeadIds(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows: { id: number }[] = await this.db(this.t('leads')).select('id').whereIn('id', ids);
    return new Set(rows.map((r) => r.id));
  }

  async openLeadIds(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    // As toLead reads them: only 1 is lost / junk (NULL or an odd value is not). A converted lead
    // is left out; one with an odd date_converted is left out too (toLead would read it open).
    const rows: { id: number }[] = await this.db(this.t('leads'))
      .select('id')
      .whereIn('id', ids)
      .where((q) => q.whereNull('lost').orWhereNot('lost', 1))
      .where((q) => q.whereNull('junk').orWhereNot('junk', 1))
      .whereNull('date_converted');
    return new Set(rows.map((r) => r.id));
  }

  async listLeadsAfter(afterId: number, limit: number): Promise<HostBatch<HostLead>> {
    const rows: LeadRow[] = await this.db(this.t('leads'))
      .select(LEAD_COLUMNS)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return splitReadable(rows.map((r) => this.toLead(r)));
  }

  async listLeadStatuses(): Promise<LeadStatusRow[]> {
    const rows: {
      id: number;
      name: string;
      color: string | null;
      statusorder: number | null;
      isdefault: number;
    }[] = await this.db(this.t('leads_status'))
      .select('id', 'name', 'color', 'statusorder', 'isdefault')
      .orderBy([{ column: 'statusorder' }, { column: 'id' }]);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      color: r.color ?? '',
      order: hostInt(r.statusorder),
      isCustomer: hostInt(r.isdefault) === 1,
    }));
  }

  async listLeadSources(): Promise<NamedRow[]> {
    return this.db(this.t('leads_sources')).select('id', 'name').orderBy('name');
  }

  async listCountries(): Promise<CountryRow[]> {
    const rows: { country_id: number; short_name: string; iso2: string | null }[] = await this.db(
      this.t('countries'),
    )
      .select('country_id', 'short_name', 'iso2')
      .orderBy('short_name');
    return rows.map((r) => ({ id: r.country_id, name: r.short_name, iso2: (r.iso2 ?? '').toUpperCase() }));
  }
}
