/** Pure TTL decisions; `now` is passed in so tests control time. */

export function computeExpiresAt(now: number, ttlSeconds: number): number {
  return now + ttlSeconds * 1000;
}

/**
 * How far the clock may read earlier than when an entry was last validated
 * before the entry is distrusted: contexts' clocks differ a little, and NTP
 * slews them.
 */
export const CLOCK_TOLERANCE_MS = 60_000;

/** What freshness reads of an entry; validatedAt is absent on rows older than it (createdAt stands in). */
export interface FreshnessFacts {
  expiresAt: number;
  createdAt: number;
  /** When the server last confirmed the bytes (the download, or the last 304), epoch ms. */
  validatedAt?: number;
}

/**
 * Expired when its TTL has run out, or when the clock now reads earlier
 * than the entry's last validation: the clock was set back (an NTP fix, a
 * resumed laptop, a user), so how long it has really been fresh is unknown,
 * and a TTL measured from a clock that ran ahead would otherwise keep it
 * fresh for as long as the clock was wrong. Such an entry is revalidated
 * (usually a cheap 304), never served as fresh.
 */
export function isExpired(entry: FreshnessFacts, now: number): boolean {
  if (now < (entry.validatedAt ?? entry.createdAt) - CLOCK_TOLERANCE_MS) return true;
  return entry.expiresAt <= now;
}

/** Expired entries that `cleanup()` may remove: pinned ones are kept whatever their age. */
export function selectExpiredEntries<T extends FreshnessFacts & { pinned: boolean }>(entries: readonly T[], now: number): T[] {
  return entries.filter((entry) => !entry.pinned && isExpired(entry, now));
}
