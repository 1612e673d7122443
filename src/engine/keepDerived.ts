import { storedName } from '../metadata/EntryCodec';
import type { DerivedPut } from '../storage/DerivedResults';
import { assertPartitionKey } from './assertPartitionKey';
import { evictEntries } from './evictEntries';
import type { PartitionContext } from './PartitionContext';

/**
 * Stores a derived result (a decoded copy, a thumbnail, a memo result) only
 * if it fits in maxBytes beside what it derives from. Room is made by
 * evicting least recently used entries other than its sources (evicting
 * those would take the result with them); a result that cannot fit is not
 * stored and evicts nothing, so a large decoded copy or memo never empties
 * the cache. False when it was not kept, also when a source left meanwhile.
 */
export async function keepDerived(partition: PartitionContext, result: DerivedPut): Promise<boolean> {
  await partition.hitsRecorded(); // least recently used means as of every hit answered
  return partition.withCommitLock(async () => {
    await assertPartitionKey(partition);
    const stored = new Set((await partition.store.all()).map((entry) => storedName(entry)));
    if (result.sources.some((source) => !stored.has(source))) return false;
    // Thumbnails are not counted against the budget (DerivedResults.bytesBySource): they need no room.
    const bytes = result.kind === 'thumbnail' ? 0 : (result.data?.byteLength ?? 0);
    const incoming = { bytes, protect: new Set(result.sources) };
    const plan = await evictEntries(partition, { kind: 'fit', incoming });
    if (plan.refused !== null) return false;
    await partition.derived.put(result);
    partition.changes.post({ type: 'stats' });
    return true;
  });
}
