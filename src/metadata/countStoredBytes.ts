/**
 * Bytes on disk for a set of entries. Files are content-addressed, so two
 * entries with the same SHA-256 share one file and count once.
 */
export function countStoredBytes(entries: readonly { sha256: string; bytes: number }[]): number {
  const seen = new Map<string, number>();
  for (const entry of entries) seen.set(entry.sha256, entry.bytes);
  let total = 0;
  for (const bytes of seen.values()) total += bytes;
  return total;
}
