import worldCountries from 'world-countries';

/** One row of Perfex's `tblcountries`, with its column names. */
export interface CountryRow {
  country_id: number;
  iso2: string;
  short_name: string;
  long_name: string;
  iso3: string;
  numcode: string;
  /** `yes` / `no`, as a flag in words. */
  un_member: string;
  /** The international dialling code without `+` (`49`, `1`); empty when there is none. */
  calling_code: string;
  cctld: string;
}

/**
 * The ISO 3166-1 countries (officially assigned codes only, so no Kosovo "XK") from the
 * `world-countries` package, numbered 1.. in order of English short name: the same ids on every
 * install, so seeds and tests can look a country up by `iso2` and keep its id.
 */
export function isoCountryRows(): CountryRow[] {
  return worldCountries
    .filter((c) => c.status === 'officially-assigned')
    .map((c) => ({
      iso2: c.cca2,
      short_name: c.name.common,
      long_name: c.name.official,
      iso3: c.cca3,
      numcode: c.ccn3,
      un_member: c.unMember ? 'yes' : 'no',
      calling_code: callingCode(c.idd),
      cctld: c.tld[0] ?? '',
    }))
    .sort((a, b) => a.short_name.localeCompare(b.short_name, 'en'))
    .map((row, i) => ({ country_id: i + 1, ...row }));
}

/**
 * `+1` with many suffixes (the NANP islands share +1 with area codes as suffixes) is `1`;
 * `+4` with the single suffix `9` is `49`.
 */
function callingCode(idd: { root?: string; suffixes?: string[] }): string {
  const root = (idd.root ?? '').replace('+', '');
  const suffixes = idd.suffixes ?? [];
  return suffixes.length === 1 ? `${root}${suffixes[0]}` : root;
}
