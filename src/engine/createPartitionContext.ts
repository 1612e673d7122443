import type { CacheTotals, MetadataStore } from '../metadata/MetadataStore';
import type { CacheChangePoster } from '../shared/cacheChanges';
import { DerivedResults } from '../storage/DerivedResults';
import type { PartitionFiles } from '../storage/PartitionFiles';
import { ReadLeases } from '../storage/ReadLeases';
import { StoredFileRemovals } from '../storage/StoredFileRemovals';
import { CommitLock } from './CommitLock';
import type { EngineSettings } from './parseEngineOptions';
import type { PartitionContext } from './PartitionContext';

export interface PartitionContextParts {
  settings: Pick<EngineSettings, 'partition' | 'encryptionKey' | 'verifyOnRead' | 'reuseOpenedFileMs' | 'fileLeaseMs'>;
  store: MetadataStore;
  files: PartitionFiles;
  /** Web Locks, for read leases and the commit lock; null where the browser has none. */
  locks: LockManager | null;
  now: () => number;
  changes: CacheChangePoster;
  /** What the engine keeps above the context: the budget as configured now, the totals, the hit log. */
  maxBytes(): number;
  useStamp(): number;
  addTotals(delta: Partial<CacheTotals>): Promise<void>;
  hitsRecorded(): Promise<void>;
}

/**
 * The partition context, wired once: read leases and the commit lock named
 * after the partition, stored-file removals that respect both, and the
 * derived-results store. The engine and the engine's unit tests build it
 * here alike.
 */
export function createPartitionContext(parts: PartitionContextParts): PartitionContext {
  const { settings, store, files, locks, now } = parts;
  const name = settings.partition;
  const commitLock = new CommitLock(locks, `volume-cache:${name}:commit`);
  const leases = new ReadLeases(locks, `volume-cache:${name}:read:`, settings.fileLeaseMs, now);
  const removals = new StoredFileRemovals(
    {
      removeFile: (file) => files.removeBlob(file),
      removeUnlessLeased: (file, remove) => leases.removeUnlessLeased(file, remove),
      isReferenced: async (file) => (await store.countBySha256(file)) > 0,
      underCommitLock: (task) => commitLock.run(task),
    },
    settings.fileLeaseMs,
  );
  return {
    name,
    store,
    files,
    derived: new DerivedResults(store, files, settings.encryptionKey, now),
    removals,
    leases,
    changes: parts.changes,
    encryptionKey: settings.encryptionKey,
    verifyOnRead: settings.verifyOnRead,
    reuseOpenedFileMs: settings.reuseOpenedFileMs,
    fileLeaseMs: settings.fileLeaseMs,
    now,
    maxBytes: parts.maxBytes,
    useStamp: parts.useStamp,
    addTotals: parts.addTotals,
    withCommitLock: (task) => commitLock.run(task),
    hitsRecorded: parts.hitsRecorded,
  };
}
