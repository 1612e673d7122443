import { selectEntriesToEvict, type EvictionCandidate, type IncomingFile } from './selectEntriesToEvict';

/** Why the cache evicts; each reason has its own rule for what it may take. */
export type EvictionReason =
  /** Room for one file about to be committed. Nothing goes when it cannot fit: the file is handed out uncached instead. */
  | { kind: 'fit'; incoming: IncomingFile }
  /** The totals back under maxBytes (after configure(), a memo or a decoded copy). When pinned entries alone are over it, every unpinned entry goes. */
  | { kind: 'budget' }
  /** A write failed for lack of disk: every unpinned entry goes, oldest first. */
  | { kind: 'quota' };

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
  if (reason.kind === 'quota') return { evictKeys: unpinnedByAge(entries), refused: null };
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
