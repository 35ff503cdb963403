/** The lead statuses, sources, markets and owners the benchmark leads are spread over. */
export interface BenchLeadPipeline {
  statuses: {
    new: number;
    contacted: number;
    qualified: number;
    proposal: number;
    /** Waiting on the customer: the policy pauses in it. */
    waiting: number;
    /** Perfex's `isdefault` status, the one a converted lead gets. */
    customer: number;
  };
  sources: readonly number[];
  /** `tblcountries.country_id`s; 0 = no market. */
  countries: readonly number[];
  staff: readonly number[];
}

/** A `tblleads` row as the benchmarks insert it; datetimes are host wall clock (the bench host's zone is UTC). */
export interface BenchLeadRow {
  name: string;
  company: string;
  email: string;
  country: number;
  status: number;
  source: number;
  assigned: number;
  dateadded: string;
  dateassigned: string | null;
  last_status_change: string | null;
  lost: number;
  junk: number;
  date_converted: string | null;
}

const sql = (at: Date): string => at.toISOString().slice(0, 19).replace('T', ' ');

type Slot = [status: keyof BenchLeadPipeline['statuses'], end: 'lost' | 'junk' | 'converted' | null];

/** Twenty slots, one per `i % 20`: 9 New, 4 Contacted, 2 Qualified, 1 each of the rest (85 % open). */
const SLOTS: readonly Slot[] = [
  ...Array.from({ length: 9 }, (): Slot => ['new', null]),
  ...Array.from({ length: 4 }, (): Slot => ['contacted', null]),
  ['qualified', null],
  ['qualified', null],
  ['proposal', null],
  ['waiting', null],
  ['contacted', 'lost'],
  ['new', 'junk'],
  ['customer', 'converted'],
];

/**
 * Lead `i` of `n`: added at evenly spread times in [from, to), its status and end by `i % 20`
 * (SLOTS). A lead past New moved there 30 minutes after it was added (sooner when it was added
 * less than an hour before `to`, so nothing is dated after `to`). Markets, sources and owners
 * vary on other strides than the slot, so every status meets every market; one lead in 7 is
 * unassigned.
 */
export function benchLeadRow(
  i: number,
  n: number,
  pipeline: BenchLeadPipeline,
  span: { from: Date; to: Date },
): BenchLeadRow {
  const { statuses, sources, countries, staff } = pipeline;
  const spanMs = span.to.getTime() - span.from.getTime();
  const added = new Date(span.from.getTime() + Math.floor((i * spanMs) / n / 1000) * 1000);
  const moved = new Date(added.getTime() + Math.min(30 * 60_000, (span.to.getTime() - added.getTime()) / 2));
  const [status, end] = SLOTS[i % SLOTS.length];
  const assigned = i % 7 === 0 ? 0 : staff[Math.floor(i / 7) % staff.length];
  return {
    name: `Lead ${i}`,
    company: `Company ${i % 997}`,
    email: `lead${i}@bench.test`,
    country: countries[Math.floor(i / 20) % countries.length],
    source: sources[Math.floor(i / 80) % sources.length],
    status: statuses[status],
    assigned,
    dateadded: sql(added),
    dateassigned: assigned ? sql(added).slice(0, 10) : null,
    last_status_change: status === 'new' ? null : sql(moved),
    lost: end === 'lost' ? 1 : 0,
    junk: end === 'junk' ? 1 : 0,
    date_converted: end === 'converted' ? sql(moved) : null,
  };
}
