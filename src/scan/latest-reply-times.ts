/**
 * The latest reply time per ticket that one reconcile found, kept in typed arrays: 12 bytes per
 * reply while the replies are read, 12 per ticket once sealed. A `Map<number, Date>` costs about
 * 100 bytes per ticket, and a first scan of a helpdesk whose every ticket has a reply holds one
 * entry per ticket for the whole ticket walk (about 100 MB at a million tickets).
 *
 * Adds come first (in any order), then lookups: the first lookup seals the set (sorts by ticket,
 * keeps each ticket's latest time); adding after that is a programming error.
 */
export class LatestReplyTimes {
  private ids = new Int32Array(1024);
  private times = new Float64Array(1024);
  private length = 0;
  private sealed = false;

  /** Records a reply of `ticketId` at `at`; the ticket's latest time wins. */
  add(ticketId: number, at: Date): void {
    if (this.sealed) throw new Error('LatestReplyTimes: add after the first lookup');
    if (this.length === this.ids.length) {
      const ids = new Int32Array(this.length * 2);
      const times = new Float64Array(this.length * 2);
      ids.set(this.ids);
      times.set(this.times);
      this.ids = ids;
      this.times = times;
    }
    this.ids[this.length] = ticketId;
    this.times[this.length] = at.getTime();
    this.length++;
  }

  has(ticketId: number): boolean {
    return this.indexOf(ticketId) >= 0;
  }

  /** The latest reply time of `ticketId`, or undefined when none was added. */
  get(ticketId: number): Date | undefined {
    const i = this.indexOf(ticketId);
    return i < 0 ? undefined : new Date(this.times[i]);
  }

  /** Tickets with a reply. */
  get size(): number {
    this.seal();
    return this.length;
  }

  private indexOf(ticketId: number): number {
    this.seal();
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const id = this.ids[mid];
      if (id === ticketId) return mid;
      if (id < ticketId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Sorts by ticket id and keeps one entry per ticket, its latest time, in arrays of that size. */
  private seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    const ids = this.ids;
    const times = this.times;
    const order = new Uint32Array(this.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => ids[a] - ids[b]);
    let kept = 0;
    const keptIds = new Int32Array(this.length);
    const keptTimes = new Float64Array(this.length);
    for (const i of order) {
      if (kept > 0 && keptIds[kept - 1] === ids[i]) {
        if (times[i] > keptTimes[kept - 1]) keptTimes[kept - 1] = times[i];
        continue;
      }
      keptIds[kept] = ids[i];
      keptTimes[kept] = times[i];
      kept++;
    }
    this.ids = keptIds.slice(0, kept);
    this.times = keptTimes.slice(0, kept);
    this.length = kept;
  }
}
