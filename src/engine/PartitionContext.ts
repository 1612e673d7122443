import type { MetadataStore, CacheTotals } from '../metadata/MetadataStore';
import type { CacheChangePoster } from '../shared/cacheChanges';
import type { DerivedResults } from '../storage/DerivedResults';
import type { PartitionFiles } from '../storage/PartitionFiles';
import type { ReadLeases } from '../storage/ReadLeases';
import type { StoredFileRemovals } from '../storage/StoredFileRemovals';

/**
 * What an open partition with storage is made of, created once when the
 * engine opens it and never reassigned: the modules carved out of the engine
 * take it instead of reaching into the engine's closure. (Network-only mode
 * has no partition context.)
 */
export interface PartitionContext {
  readonly name: string;
  readonly store: MetadataStore;
  readonly files: PartitionFiles;
  readonly derived: DerivedResults;
  readonly removals: StoredFileRemovals;
  readonly leases: ReadLeases;
  readonly changes: CacheChangePoster;
  /** The partition's AES-GCM key; null when it is not encrypted. */
  readonly encryptionKey: CryptoKey | null;
  /** Re-hash stored files on every read. */
  readonly verifyOnRead: boolean;
  /**
   * How long a stored file opened and checked for one read is reused for the
   * next ones, under the same lease (the service worker's many range
   * requests); it also bounds how long damage on disk goes unnoticed, ms.
   */
  readonly reuseOpenedFileMs: number;
  /** How long a temporary or a File handed out stays protected, ms. */
  readonly fileLeaseMs: number;
  readonly now: () => number;
  /** A stamp for a use happening now (lastAccessedAt): the clock, never earlier than a use already stamped (see UseClock). */
  useStamp(): number;
  /** The budget as configured now: configure() may change it while the partition is open. */
  maxBytes(): number;
  addTotals(delta: Partial<CacheTotals>): Promise<void>;
  /** Serialises commits and evictions, in this context and across tabs. */
  withCommitLock<T>(task: () => Promise<T>): Promise<T>;
  /** Settles once every hit answered so far is recorded: least recently used means as of then. */
  hitsRecorded(): Promise<void>;
}
