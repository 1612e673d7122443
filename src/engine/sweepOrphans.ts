import type { PartitionContext } from './PartitionContext';

/**
 * Removes what no row references: temporaries older than a file lease (a
 * download killed with its tab) and stored or derived files left by a crash
 * between a row's removal and its file's. A leased file waits for its
 * reader, and is not counted until it goes.
 */
export function sweepOrphans(partition: PartitionContext): Promise<{ temporaries: number; orphanFiles: number }> {
  const { files, store, derived, removals } = partition;
  return partition.withCommitLock(async () => {
    const temporaries = await files.sweepTemporaries(partition.now() - partition.fileLeaseMs);
    // Every row's file, the ones this context cannot read included (another tab's, with or without the key).
    const referenced = await store.storedNames();
    let orphanFiles = await derived.sweep(referenced);
    for (const name of (await files.listBlobs()).keys()) {
      if (!referenced.has(name)) {
        await removals.remove(name);
        if (!removals.isWaiting(name)) orphanFiles++;
      }
    }
    return { temporaries, orphanFiles };
  });
}
