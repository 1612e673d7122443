import type { StoredEntry } from '../metadata/EntryCodec';
import type { CacheTotals } from '../metadata/MetadataStore';
import type { MemoPayload, RecordedServiceWorkerStatus, ServiceWorkerEngine } from '../protocol';
import type { CacheChangePoster } from '../shared/cacheChanges';
import type { CacheConfig, CacheEntry, CleanupReport, GetResult } from '../types';
import type { CacheStatsInputs } from './buildCacheStats';
import type { PartitionContext } from './PartitionContext';
import type { StoreDownloadJob } from './storeDownload';

/** A download as the get pipeline hands it over; the backend decides where its bytes go. */
export interface BackendDownload extends Omit<StoreDownloadJob, 'cacheAuthorized' | 'download'> {
  download: StoreDownloadJob['download'];
  /** Hears of each new entry (the engine queues its thumbnail). */
  onStored(entry: StoredEntry): void;
}

export type StoredLookup = NonNullable<Awaited<ReturnType<ServiceWorkerEngine['lookup']>>>;

/**
 * Where the engine keeps what it caches, chosen once when it opens: the
 * partition's storage (StoredBackend), or nothing at all (NetworkOnlyBackend,
 * where IndexedDB, OPFS or WebAssembly is missing). The get pipeline and the
 * method table ask this instead of testing, call by call, whether there is
 * storage.
 */
export interface EngineBackend {
  readonly mode: 'opfs' | 'network-only';
  /** Announces changes to other tabs and the panel; a no-op without storage. */
  readonly changes: CacheChangePoster;
  /** The partition context while open, for decoded volumes; null without storage or once closed. */
  partition(): PartitionContext | null;
  config(): CacheConfig;
  /** Applies a configuration: kept for the next open, and the budget enforced. */
  configure(config: CacheConfig): Promise<void>;
  addTotals(delta: Partial<CacheTotals>): Promise<void>;

  /** The stored row of `key`, fresh or not; null when there is none. */
  entry(key: string): Promise<StoredEntry | null>;
  /** The entry's file, plaintext; null (the entry dropped) when it is missing or damaged. */
  readFile(entry: StoredEntry): Promise<File | null>;
  /** The entry's bytes in one buffer, decrypted; null when missing or damaged. */
  readBytes(entry: StoredEntry): Promise<ArrayBuffer | null>;
  /** The stored file's bytes of an entry just answered, when they can be read straight (not encrypted); else null. */
  plainBytes(entry: CacheEntry): Promise<ArrayBuffer | null>;
  /** Downloads and keeps (or hands out uncached) a volume; 'refetch' when a 304 renewed an entry whose file is gone. */
  download(job: BackendDownload): Promise<GetResult | 'refetch'>;

  /** Counts a hit served from `entry`; returns the entry with its new last access. */
  countHit(entry: StoredEntry): StoredEntry;
  /** Marks `entry` used now without counting a hit; the entry as stored. */
  touch(entry: CacheEntry): Promise<CacheEntry>;
  /** Settles once every hit counted so far is written down. */
  hitsRecorded(): Promise<void>;

  /** Gets the volume with `get` and pins its entry; refused without storage before anything downloads. */
  pin(url: string, key: string, get: () => Promise<GetResult>): Promise<CacheEntry>;
  unpin(key: string): Promise<boolean>;
  invalidate(key: string): Promise<boolean>;
  /** `forgetDerived` drops the in-memory copies of derived results with the stored ones. */
  clear(forgetDerived: () => void): Promise<void>;
  cleanup(): Promise<CleanupReport>;
  entries(): Promise<StoredEntry[]>;

  readMemo(id: string): Promise<MemoPayload | null>;
  uncachedKeys(keys: readonly string[]): Promise<string[]>;
  writeMemo(id: string, payload: MemoPayload, options: { ttlSeconds?: number; sourceKeys: string[] }): Promise<void>;

  /** The service worker's read of an entry: a burst of ranges opens the file once. */
  lookup(key: string): Promise<StoredLookup | null>;
  setServiceWorkerStatus(status: RecordedServiceWorkerStatus): Promise<void>;
  /** What stats() reads from storage. */
  statsInputs(): Promise<Pick<CacheStatsInputs, 'entries' | 'totals' | 'derived' | 'serviceWorker' | 'writePath'>>;

  /** Waits for hits to be written down, then closes the database; running reads see a miss. */
  close(): Promise<void>;
}
