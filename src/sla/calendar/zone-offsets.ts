import { IANAZone } from 'luxon';
import { DAY_MS } from './wall-time';

/** A change of UTC offset: at instant `at` (UTC ms) the offset goes from `before` to `after` (ms). */
export interface Transition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

interface Bucket {
  /** Offset in force at the bucket's first instant. */
  readonly startOffset: number;
  /** Transitions with `at` in (bucket start, bucket end], ascending. */
  readonly transitions: readonly Transition[];
  /** Local day numbers whose wall-clock -> instant mapping is not a single constant offset. */
  readonly irregularDays: readonly number[];
}

// Offsets are looked up in fixed blocks of UTC days; one block costs ~130 luxon calls once.
const BUCKET_DAYS = 128;
const BUCKET_MS = BUCKET_DAYS * DAY_MS;
// Real zones never change offset twice within this window, and offsets stay below a day.
const NEAR_MS = 2 * DAY_MS;

/**
 * The UTC offsets of one IANA zone, found with luxon once per block of days and cached,
 * so that the hot path of business-time arithmetic only does array look-ups.
 *
 * Wall-clock -> instant follows one rule, `toUtc(L) = min { t : t + offset(t) >= L }`:
 * a wall time inside a spring-forward gap maps to the instant the gap ends, and an
 * ambiguous wall time on a fall-back day maps to its first occurrence. The rule is
 * monotonic, so the real length of `[09:00, 17:00)` is always the elapsed time between
 * those two wall-clock readings (01:00-03:00 is 3 real hours on a fall-back night).
 */
export class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly buckets = new Map<number, Bucket>();

  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  /** UTC offset in ms in force at instant `t`. */
  offsetAt(t: number): number {
    const bucket = this.bucket(Math.floor(t / BUCKET_MS));
    let offset = bucket.startOffset;
    for (const tr of bucket.transitions) {
      if (tr.at > t) break;
      offset = tr.after;
    }
    return offset;
  }

  /** The instant (UTC ms) of local wall-clock epoch value `local` (ms), by the rule above. */
  toUtc(local: number): number {
    const index = Math.floor(local / BUCKET_MS);
    const prev = this.bucket(index - 1);
    const cur = this.bucket(index);
    const next = this.bucket(index + 1);
    if (prev.transitions.length === 0 && cur.transitions.length === 0 && next.transitions.length === 0) {
      return local - cur.startOffset;
    }
    let last: Transition | undefined;
    let first: Transition | undefined;
    for (const list of [prev.transitions, cur.transitions, next.transitions]) {
      for (const tr of list) {
        if (tr.at < local - NEAR_MS || tr.at > local + NEAR_MS) continue;
        if (tr.at + tr.before <= local) last = tr;
        else if (!first) first = tr;
      }
    }
    if (last) return Math.max(last.at, local - last.after);
    if (first) return local - first.before;
    return local - this.offsetAt(local);
  }

  /**
   * The first irregular local day (one containing a transition's wall-clock effect) at or
   * after `day`, or a later day up to which none exists (callers re-ask from there).
   */
  nextIrregularDay(day: number): number {
    // A transition at UTC day u only affects local days u-2..u+1, so buckets b-1..b+3
    // hold every irregular day below `horizon`.
    const b = Math.floor(day / BUCKET_DAYS);
    const horizon = (b + 4) * BUCKET_DAYS - 2;
    for (let i = b - 1; i <= b + 3; i++) {
      for (const d of this.bucket(i).irregularDays) {
        if (d >= day) return Math.min(d, horizon);
      }
    }
    return horizon;
  }

  /** Whether local day `day` is irregular (see {@link nextIrregularDay}). */
  isIrregularDay(day: number): boolean {
    // The horizon is always far beyond `day`, so equality means "irregular".
    return this.nextIrregularDay(day) === day;
  }

  private bucket(index: number): Bucket {
    let bucket = this.buckets.get(index);
    if (!bucket) {
      bucket = this.computeBucket(index);
      this.buckets.set(index, bucket);
    }
    return bucket;
  }

  private rawOffset(t: number): number {
    return Math.round(this.zone.offset(t) * 60_000);
  }

  private computeBucket(index: number): Bucket {
    const start = index * BUCKET_MS;
    const startOffset = this.rawOffset(start);
    const transitions: Transition[] = [];
    let prevT = start;
    let prevOffset = startOffset;
    for (let k = 1; k <= BUCKET_DAYS; k++) {
      const t = start + k * DAY_MS;
      const offset = this.rawOffset(t);
      if (offset !== prevOffset) {
        transitions.push(this.locate(prevT, t, prevOffset));
        prevOffset = offset;
      }
      prevT = t;
    }
    return { startOffset, transitions, irregularDays: irregularDays(transitions) };
  }

  /** Binary-searches the first whole second in (lo, hi] whose offset differs from `before`. */
  private locate(lo: number, hi: number, before: number): Transition {
    let a = lo / 1000;
    let b = hi / 1000;
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (this.rawOffset(mid * 1000) === before) a = mid;
      else b = mid;
    }
    const at = b * 1000;
    return { at, before, after: this.rawOffset(at) };
  }
}

/**
 * Local days whose [00:00, 24:00] wall-clock range does not map to instants with one
 * constant offset: those touching [at + before, at + max(before, after)].
 */
function irregularDays(transitions: readonly Transition[]): number[] {
  const days: number[] = [];
  for (const tr of transitions) {
    const first = Math.ceil((tr.at + tr.before) / DAY_MS) - 1;
    const last = Math.ceil((tr.at + Math.max(tr.before, tr.after)) / DAY_MS) - 1;
    for (let d = first; d <= last; d++) if (days[days.length - 1] !== d) days.push(d);
  }
  return days;
}

const zones = new Map<string, ZoneOffsets>();

/** The shared, lazily filled offset table of an IANA zone (memoised: zones never change). */
export function zoneOffsets(name: string): ZoneOffsets {
  let zone = zones.get(name);
  if (!zone) {
    zone = new ZoneOffsets(name);
    zones.set(name, zone);
  }
  return zone;
}
