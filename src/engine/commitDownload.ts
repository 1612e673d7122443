import { storedName, type StoredEntry } from '../metadata/EntryCodec';
import type { TemporaryFile } from '../storage/PartitionFiles';
import { assertPartitionKey } from './assertPartitionKey';
import { evictEntries } from './evictEntries';
import type { PartitionContext } from './PartitionContext';

/**
 * Makes a finished download an entry, under the commit lock: room is made
 * (nothing is evicted for a file that cannot fit), the file is leased before
 * it becomes visible (so no other tab evicts it before it is handed out),
 * moved into place, its row written, and the file of the version it replaced
 * removed once nothing references it. Returns null when the file is not
 * kept (it cannot fit, or `keep` is false): the caller hands it out uncached.
 */
export function commitDownload(partition: PartitionContext, temporary: TemporaryFile, entry: StoredEntry, keep: boolean): Promise<StoredEntry | null> {
  const { store } = partition;
  const name = storedName(entry);
  return partition.withCommitLock(async () => {
    if (!keep) return null;
    await assertPartitionKey(partition);
    const fit = await evictEntries(partition, { kind: 'fit', incoming: { sha256: name, bytes: entry.bytes } }, entry.key);
    if (fit.refused !== null) return null;
    await partition.leases.hold(name);
    await partition.files.commit(temporary, name);
    const previous = await store.get(entry.key);
    await store.put(entry);
    partition.changes.post({ type: 'entries', keys: [entry.key] });
    if (previous && storedName(previous) !== name && (await store.countBySha256(storedName(previous))) === 0) {
      await partition.removals.remove(storedName(previous));
    }
    return entry;
  });
}
