import type { NamedRow } from '../../../src/host/host-context';
import type { Devhost } from '../../devhost';

export interface LeadStatusOption extends NamedRow {
  color: string;
  /** The status a converted lead gets ("Customer"). */
  isdefault: boolean;
}

export interface CountryOption extends NamedRow {
  iso2: string;
}

/** The choices lead forms and filters offer, read the way Perfex's dropdowns read them. */
export interface LeadLookups {
  statuses: LeadStatusOption[];
  sources: NamedRow[];
  /** Every country, for the lead form. */
  countries: CountryOption[];
  /** The countries some lead is in, for the list's filter (249 options would bury them). */
  countriesInUse: CountryOption[];
  staff: NamedRow[];
}

export async function leadLookups(devhost: Devhost): Promise<LeadLookups> {
  const p = devhost.config.tablePrefix;
  const db = devhost.db;
  const [statuses, sources, countries, inUse, staff] = await Promise.all([
    db(`${p}leads_status`).orderBy([{ column: 'statusorder' }, { column: 'id' }]),
    db(`${p}leads_sources`).orderBy('name'),
    db(`${p}countries`).orderBy('short_name').select('country_id', 'short_name', 'iso2'),
    db(`${p}leads`).where('country', '>', 0).distinct('country').pluck('country'),
    devhost.host.tickets.listStaff(),
  ]);
  const countryOptions: CountryOption[] = countries.map(
    (c: { country_id: number; short_name: string; iso2: string }) => ({
      id: c.country_id,
      name: c.short_name,
      iso2: c.iso2,
    }),
  );
  const used = new Set<number>(inUse);
  return {
    statuses: statuses.map((s: { id: number; name: string; color: string | null; isdefault: number }) => ({
      id: s.id,
      name: s.name,
      color: s.color ?? '',
      isdefault: s.isdefault === 1,
    })),
    sources: sources.map((s: { id: number; name: string }) => ({ id: s.id, name: s.name })),
    countries: countryOptions,
    countriesInUse: countryOptions.filter((c) => used.has(c.id)),
    staff: staff.filter((s) => s.active).map((s) => ({ id: s.id, name: `${s.firstname} ${s.lastname}` })),
  };
}
