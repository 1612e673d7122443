/** Pure TTL decisions; `now` is passed in so tests control time. */

export function computeExpiresAt(now: number, ttlSeconds: number): number {
  return now + ttlSeconds * 1000;
}

export function isExpired(entry: { expiresAt: number }, now: number): boolean {
  return entry.expiresAt <= now;
}

/** Expired entries that `cleanup()` may remove: pinned ones are kept whatever their age. */
export function selectExpiredEntries<T extends { expiresAt: number; pinned: boolean }>(entries: readonly T[], now: number): T[] {
  return entries.filter((entry) => !entry.pinned && isExpired(entry, now));
}
