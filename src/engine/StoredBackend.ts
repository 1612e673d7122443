import { VolumeCacheError } from '../errors';
import { DEFAULTS } from '../defaults';
import { isExpired } from '../metadata/freshness';
import type { StoredEntry } from '../metadata/EntryCodec';
import type { CacheTotals, MetadataStore } from '../metadata/MetadataStore';
import { openCacheChangePoster, type CacheChangePoster } from '../shared/cacheChanges';
import type { PartitionFiles } from '../storage/PartitionFiles';
import type { CacheConfig, CacheEntry, GetResult } from '../types';
import { assertPartitionKey } from './assertPartitionKey';
import { createPartitionContext } from './createPartitionContext';
import type { EngineBackend, StoredLookup } from './EngineBackend';
import type { EnginePlatform } from './EnginePlatform';
import { enforceBudget } from './evictEntries';
import { HitLog } from './HitLog';
import { UseClock } from './UseClock';
import { cleanupPartition, clearPartition, invalidateEntry, unpinEntry } from './maintainPartition';
import { readMemo, uncachedKeys, writeMemo } from './memoResults';
import type { EngineSettings } from './parseEngineOptions';
import type { PartitionContext } from './PartitionContext';
import { fileFor, openStoredFile, readEntryFile, readStoredBytes } from './readStoredFile';
import { storeDownload } from './storeDownload';
import { sweepOrphans } from './sweepOrphans';
import { isQuotaExceeded } from '../storage/isQuotaExceeded';

/**
 * The engine over a partition's storage: the partition context, made once
 * here, and each operation handed to the module that does it (reads,
 * storing downloads, eviction, maintenance, memo results).
 */
export class StoredBackend implements EngineBackend {
  readonly mode = 'opfs' as const;
  readonly changes: CacheChangePoster;
  private readonly context: PartitionContext;
  private readonly hits: HitLog;
  private closed = false;

  /** Opens the engine over `store` and `files`: the stored configuration under the options, then a sweep of leftovers. */
  static async open(platform: EnginePlatform, settings: EngineSettings, store: MetadataStore, files: PartitionFiles): Promise<StoredBackend> {
    const stored = await store.getConfig();
    const config: CacheConfig = {
      maxBytes: settings.maxBytes ?? stored?.maxBytes ?? DEFAULTS.maxBytes,
      defaultTtlSeconds: settings.defaultTtlSeconds ?? stored?.defaultTtlSeconds ?? DEFAULTS.defaultTtlSeconds,
    };
    const latestUse = (await store.all()).reduce((latest, entry) => Math.max(latest, entry.lastAccessedAt), Number.NEGATIVE_INFINITY);
    const backend = new StoredBackend(platform, settings, store, files, config, new UseClock(platform.now, latestUse));
    // A full disk must not keep the cache from opening: the config is written
    // only when it changed (and, refused for lack of room, by the next open or
    // configure()), and the sweep, which only frees room, is left for later.
    const changed = stored?.maxBytes !== config.maxBytes || stored?.defaultTtlSeconds !== config.defaultTtlSeconds;
    if (changed) await store.putConfig(config).catch(unlessQuotaExceeded);
    await sweepOrphans(backend.context).catch(unlessQuotaExceeded);
    return backend;
  }

  private constructor(
    platform: EnginePlatform,
    private readonly settings: EngineSettings,
    store: MetadataStore,
    files: PartitionFiles,
    private current: CacheConfig,
    clock: UseClock,
  ) {
    this.changes = openCacheChangePoster(settings.partition);
    this.hits = new HitLog(clock, () => this.partition(), (delta) => this.addTotals(delta));
    this.context = createPartitionContext({
      settings,
      store,
      files,
      locks: platform.locks,
      now: platform.now,
      changes: this.changes,
      maxBytes: () => this.current.maxBytes,
      useStamp: () => clock.next(),
      addTotals: (delta) => this.addTotals(delta),
      hitsRecorded: () => this.hits.settled(),
    });
  }

  partition = (): PartitionContext | null => (this.closed ? null : this.context);
  config = (): CacheConfig => this.current;

  async configure(config: CacheConfig): Promise<void> {
    this.current = config;
    await this.context.store.putConfig(config);
    this.changes.post({ type: 'config' });
    await enforceBudget(this.context);
  }

  async addTotals(delta: Partial<CacheTotals>): Promise<void> {
    await this.context.store.addTotals(delta).catch(() => undefined);
    this.changes.post({ type: 'stats' });
  }

  entry = async (key: string): Promise<StoredEntry | null> => (await this.context.store.get(key)) ?? null;
  readFile = (entry: StoredEntry): Promise<File | null> => readEntryFile(this.context, entry);
  readBytes = (entry: StoredEntry): Promise<ArrayBuffer | null> => readStoredBytes(this.context, entry);

  async plainBytes(entry: CacheEntry): Promise<ArrayBuffer | null> {
    return this.settings.encryptionKey ? null : this.context.files.readBlobBytes(entry.sha256);
  }

  async download(job: Parameters<EngineBackend['download']>[0]): Promise<GetResult | 'refetch'> {
    const { onStored, download, ...rest } = job;
    await assertPartitionKey(this.context);
    return storeDownload(
      this.context,
      {
        ...rest,
        cacheAuthorized: this.settings.cacheAuthorized,
        download: {
          ...download,
          maxUnknownLengthBytes: this.current.maxBytes,
        },
      },
      onStored,
    );
  }

  countHit = (entry: StoredEntry): StoredEntry => this.hits.count(entry);
  touch = (entry: CacheEntry): Promise<CacheEntry> => this.hits.touch(entry);
  hitsRecorded = (): Promise<void> => this.hits.settled();

  async pin(url: string, key: string, get: () => Promise<GetResult>): Promise<CacheEntry> {
    const result = await get();
    if (!result.entry) {
      throw new VolumeCacheError('quota', `${url} (${result.file.size} bytes) cannot be kept: it does not fit in maxBytes beside the pinned entries.`, { url });
    }
    const pinned = await this.context.store.update(key, (entry) => ({ ...entry, pinned: true }));
    this.changes.post({ type: 'entries', keys: [key] });
    if (!pinned) throw new VolumeCacheError('corrupt', `The entry for ${url} disappeared while pinning it.`, { url });
    return pinned;
  }

  unpin = (key: string): Promise<boolean> => unpinEntry(this.context, key);
  invalidate = (key: string): Promise<boolean> => invalidateEntry(this.context, key);
  clear = (forgetDerived: () => void): Promise<void> => clearPartition(this.context, forgetDerived);
  cleanup = (): ReturnType<EngineBackend['cleanup']> => cleanupPartition(this.context);

  async entries(): Promise<StoredEntry[]> {
    await this.hits.settled();
    return this.context.store.all();
  }

  readMemo = (id: string): ReturnType<EngineBackend['readMemo']> => readMemo(this.context, id);
  uncachedKeys = (keys: readonly string[]): Promise<string[]> => uncachedKeys(this.context, keys);
  writeMemo: EngineBackend['writeMemo'] = (id, payload, options) => writeMemo(this.context, id, payload, options);

  async lookup(key: string): Promise<StoredLookup | null> {
    const entry = await this.context.store.get(key);
    // Closed meanwhile: a miss, as before the read began.
    if (!entry || this.closed) return null;
    const stored = await openStoredFile(this.context, entry, { reuseRecent: true });
    if (!stored) return null;
    const { encryptionKey } = this.settings;
    const file = encryptionKey ? null : fileFor(entry, stored);
    return { entry, file, stored, encryptionKey, fresh: !isExpired(entry, this.context.now()) };
  }

  setServiceWorkerStatus: EngineBackend['setServiceWorkerStatus'] = (status) => this.context.store.putServiceWorkerStatus(status);

  async statsInputs(): ReturnType<EngineBackend['statsInputs']> {
    const { store, derived, files } = this.context;
    return {
      entries: await store.all(),
      totals: await store.getTotals(),
      derived: await derived.bytesBySource(),
      serviceWorker: await store.getServiceWorkerStatus().catch(() => null),
      writePath: files.canUseSyncAccess ? 'sync-access-handle' : 'writable-stream',
    };
  }

  async close(): Promise<void> {
    this.context.removals.close();
    this.context.leases.releaseAll();
    await this.hits.settled();
    this.context.store.close();
    this.closed = true;
    this.changes.close();
  }
}

/** Rethrows anything but the browser's storage being full. */
function unlessQuotaExceeded(error: unknown): void {
  if (!isQuotaExceeded(error)) throw error;
}
