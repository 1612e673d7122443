import { countStoredBytes } from './countStoredBytes';

export interface EvictionCandidate {
  key: string;
  sha256: string;
  bytes: number;
  lastAccessedAt: number;
  pinned: boolean;
}

export interface IncomingFile {
  /** Known once the download is hashed; a file already stored adds no bytes. */
  sha256?: string;
  bytes: number;
  /**
   * Stored files (by sha256) that must stay: the sources of a derived result
   * coming in, whose eviction would take the result with them.
   */
  protect?: ReadonlySet<string>;
}

export type EvictionDecision =
  | { fits: true; evictKeys: string[] }
  /** Nothing is evicted when evicting could not make room. */
  | { fits: false; reason: 'larger-than-budget' | 'no-room-beside-pinned' };

/**
 * Chooses least-recently-used unpinned entries to evict so that `incoming`
 * fits in `maxBytes`. Pure: the caller applies the decision.
 *
 * Entries sharing the incoming file's hash are never chosen: the new entry
 * reuses their file, so evicting them frees nothing.
 */
export function selectEntriesToEvict(
  entries: readonly EvictionCandidate[],
  maxBytes: number,
  incoming: IncomingFile = { bytes: 0 },
): EvictionDecision {
  const references = new Map<string, number>();
  for (const entry of entries) references.set(entry.sha256, (references.get(entry.sha256) ?? 0) + 1);
  const alreadyStored = incoming.sha256 !== undefined && references.has(incoming.sha256);
  const needed = alreadyStored ? 0 : incoming.bytes;
  if (needed > maxBytes) return { fits: false, reason: 'larger-than-budget' };

  let total = countStoredBytes(entries);
  const evictKeys: string[] = [];
  const byAge = entries
    .filter((entry) => !entry.pinned && entry.sha256 !== incoming.sha256 && !incoming.protect?.has(entry.sha256))
    .sort((a, b) => a.lastAccessedAt - b.lastAccessedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const entry of byAge) {
    if (total + needed <= maxBytes) break;
    evictKeys.push(entry.key);
    const left = (references.get(entry.sha256) ?? 1) - 1;
    references.set(entry.sha256, left);
    if (left === 0) total -= entry.bytes;
  }
  if (total + needed > maxBytes) return { fits: false, reason: 'no-room-beside-pinned' };
  return { fits: true, evictKeys };
}
