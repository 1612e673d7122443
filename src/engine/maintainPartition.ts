import { selectExpiredEntries } from '../metadata/freshness';
import type { CleanupReport } from '../types';
import { assertPartitionKey } from './assertPartitionKey';
import { dropEntries } from './dropEntries';
import { enforceBudget } from './evictEntries';
import type { PartitionContext } from './PartitionContext';
import { sweepOrphans } from './sweepOrphans';

/**
 * What the application asks of a partition as a whole, besides reads:
 * unpin, invalidate, clear and cleanup. Each holds the commit lock where it
 * changes rows, so it never races a commit or an eviction in any tab.
 */

/** Unpins an entry; false if there was none. */
export async function unpinEntry(partition: PartitionContext, key: string): Promise<boolean> {
  const unpinned = (await partition.store.update(key, (entry) => ({ ...entry, pinned: false }))) !== undefined;
  if (unpinned) partition.changes.post({ type: 'entries', keys: [key] });
  return unpinned;
}

/** Removes one entry; true if it existed. */
export function invalidateEntry(partition: PartitionContext, key: string): Promise<boolean> {
  return partition.withCommitLock(async () => {
    const existed = (await partition.store.get(key)) !== undefined;
    await dropEntries(partition, [key]);
    return existed;
  });
}

/** Removes every entry and derived result, pinned ones included; `forgetDerived` drops in-memory copies (the memory tier) with them. */
export function clearPartition(partition: PartitionContext, forgetDerived: () => void): Promise<void> {
  const { store, files, removals } = partition;
  return partition.withCommitLock(async () => {
    // A context without the key must not wipe what an encrypted tab keeps (it cannot even list it).
    await assertPartitionKey(partition);
    await store.clearEntries();
    await store.clearDerived();
    forgetDerived();
    // Downloads in progress in other tabs and Files handed out are left to finish; the rest goes now.
    await files.sweepTemporaries(partition.now() - partition.fileLeaseMs);
    await files.sweepDerived(new Set());
    for (const name of (await files.listBlobs()).keys()) await removals.remove(name);
    partition.changes.post({ type: 'cleared' });
  });
}

/** Removes expired unpinned entries and leftovers, and evicts down to the budget. */
export async function cleanupPartition(partition: PartitionContext): Promise<CleanupReport> {
  await partition.hitsRecorded();
  const expiredKeys = await partition.withCommitLock(async () => {
    const keys = selectExpiredEntries(await partition.store.all(), partition.now()).map((entry) => entry.key);
    await dropEntries(partition, keys);
    return keys;
  });
  const evicted = await enforceBudget(partition);
  const swept = await sweepOrphans(partition);
  return { expired: expiredKeys.length, evicted, ...swept };
}
