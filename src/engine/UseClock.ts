/**
 * Stamps for the order of use (an entry's lastAccessedAt, which LRU sorts
 * by): the clock's time, but never earlier than a use already stamped. A
 * clock set back (an NTP fix, a resumed laptop) would otherwise make every
 * use after it look older than the uses stamped while the clock ran ahead,
 * and eviction would take the volume just opened. Starts from the latest
 * stamp stored when the partition opens, and learns of later ones from the
 * rows it reads (other tabs stamp too).
 */
export class UseClock {
  private latest: number;

  constructor(
    private readonly now: () => number,
    latestStored = Number.NEGATIVE_INFINITY,
  ) {
    this.latest = latestStored;
  }

  /** A stamp for a use happening now. */
  next(): number {
    this.latest = Math.max(this.now(), Math.floor(this.latest) + 1);
    return this.latest;
  }

  /** Takes note of a stamp read from a row. */
  observe(stamp: number): void {
    if (stamp > this.latest) this.latest = stamp;
  }
}
