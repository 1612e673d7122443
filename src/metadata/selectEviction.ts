import { selectEntriesToEvict, type EvictionCandidate, type IncomingFile } from './selectEntriesToEvict';

/** Why the cache evicts; each reason has its own rule for what it may take. */
export type EvictionReason =
  /** Room for one file about to be committed. Nothing goes when it cannot fit: the file is handed out uncached instead. */
  | { kind: 'fit'; incoming: IncomingFile }
  /** The totals back under maxBytes (after configure(), a memo or a decoded copy). When pinned entries alone are over it, every unpinned entry goes. */
  | { kind: 'budget' }
  /**
   * A write failed for lack of disk: unpinned entries go, oldest first, until
   * their files free `neededBytes`; none goes when all of them could not.
   */
  | { kind: 'quota'; neededBytes: number };

export interface EvictionPlan {
  /** Least recently used first. */
  evictKeys: string[];
  /** Set only for `fit`: why the file cannot fit, in which case nothing is evicted. */
  refused: 'larger-than-budget' | 'no-room-beside-pinned' | null;
}

/**
 * The one decision behind every eviction, pure: which entries go for
 * `reason`, given the entries (as the budget counts them) and maxBytes.
 */
export function selectEviction(entries: readonly EvictionCandidate[], maxBytes: number, reason: EvictionReason): EvictionPlan {
  if (reason.kind === 'quota') return { evictKeys: freeingAtLeast(entries, reason.neededBytes), refused: null };
  const decision = selectEntriesToEvict(entries, maxBytes, reason.kind === 'fit' ? reason.incoming : undefined);
  if (decision.fits) return { evictKeys: decision.evictKeys, refused: null };
  if (reason.kind === 'fit') return { evictKeys: [], refused: decision.reason };
  return { evictKeys: unpinnedByAge(entries), refused: null };
}

function unpinnedByAge(entries: readonly EvictionCandidate[]): string[] {
  return entries
    .filter((entry) => !entry.pinned)
    .sort((a, b) => a.lastAccessedAt - b.lastAccessedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((entry) => entry.key);
}

/**
 * The oldest unpinned entries whose files, once no entry names them, free
 * `neededBytes`; none when evicting every unpinned entry would free less
 * (nothing that cannot be made to fit evicts what is there).
 */
function freeingAtLeast(entries: readonly EvictionCandidate[], neededBytes: number): string[] {
  const references = new Map<string, number>();
  for (const entry of entries) references.set(entry.sha256, (references.get(entry.sha256) ?? 0) + 1);
  const chosen: string[] = [];
  let freed = 0;
  for (const key of unpinnedByAge(entries)) {
    if (freed >= neededBytes) break;
    const entry = entries.find((candidate) => candidate.key === key)!;
    chosen.push(key);
    const left = references.get(entry.sha256)! - 1;
    references.set(entry.sha256, left);
    if (left === 0) freed += entry.bytes;
  }
  return freed >= neededBytes ? chosen : [];
}
