import { releaseProxy, transfer } from 'comlink';
import { DEFAULTS } from '../defaults';
import { VERSION } from '../version';
import { VolumeCacheError } from '../errors';
import { isExpired } from '../metadata/freshness';
import { MetadataStore, ZERO_TOTALS, type CacheTotals } from '../metadata/MetadataStore';
import { parseIntegrity } from '../metadata/parseIntegrity';
import { validateConfigPatch, validateTtlSeconds } from '../metadata/validateConfig';
import type { ArrayBufferResult, EngineInfo, EngineInitOptions, EngineRequest, ProgressCallback, ServiceWorkerEngine } from '../protocol';
import type { CacheConfig, CacheEntry, CacheStats, CleanupReport, DownloadProgress, GetResult, MissingCapability } from '../types';
import type { HashWorkerSource, StartHashWorker } from './ChunkHasher';
import { downloadLockName } from './downloadLockName';
import type { ResponseValidators } from './downloadVolume';
import { PartitionFiles } from '../storage/PartitionFiles';
import { ReadLeases } from '../storage/ReadLeases';
import { BackgroundJobs } from './BackgroundJobs';
import { StoredFileRemovals } from '../storage/StoredFileRemovals';
import { SharedDownloads } from './SharedDownloads';
import { dropEntries as dropPartitionEntries, type DropOptions } from './dropEntries';
import { downloadUncached } from './downloadUncached';
import { storeDownload } from './storeDownload';
import { HitLog } from './HitLog';
import { browserPlatform, type EnginePlatform } from './EnginePlatform';
import { openPartitionStorage } from './openPartitionStorage';
import { readMemo, uncachedKeys, writeMemo } from './memoResults';
import { cleanupPartition, clearPartition, invalidateEntry, unpinEntry } from './maintainPartition';

export { browserPlatform, type EnginePlatform };
import { DecodedVolumes, type DecodedVolume } from './DecodedVolumes';
import { enforceBudget as enforcePartitionBudget, evictForQuota } from './evictEntries';
import { buildCacheStats } from './buildCacheStats';
import { parseEngineOptions } from './parseEngineOptions';
import { dropDamaged as dropDamagedEntry, fileFor, openStoredFile, readEntryFile as readStoredEntryFile, readStoredBytes } from './readStoredFile';
import type { PartitionContext } from './PartitionContext';
import { sweepOrphans as sweepPartitionOrphans } from './sweepOrphans';
import { DerivedResults } from '../storage/DerivedResults';
import { MemoryLru } from '../derived/MemoryLru';
import { openCacheChangePoster, type CacheChangePoster } from '../shared/cacheChanges';
import { canHashHere } from './StreamingSha256';
import { toPublicEntry, type StoredEntry } from '../metadata/EntryCodec';

/**
 * How long the service worker reuses a stored file it opened for one request
 * for the next ones (see ReadLeases.recentlyOpened). It also bounds how long
 * damage done to the file on disk behind the cache's back goes unnoticed.
 */
const REUSE_OPENED_FILE_MS = 2000;

/**
 * The cache engine: runs in the dedicated worker (or, as a fallback, on the
 * page). It owns the download pipeline and applies the metadata policies.
 */
export function createEngine(platform: EnginePlatform = browserPlatform()): ServiceWorkerEngine {
  let partition = '';
  let storage: PartitionContext | null = null;
  let missing: MissingCapability[] = [];
  let hashWorker: HashWorkerSource | null = null;
  let config: CacheConfig = { maxBytes: DEFAULTS.maxBytes, defaultTtlSeconds: DEFAULTS.defaultTtlSeconds };
  let verifyOnRead = false;
  let cacheAuthorized = false;
  /** The partition's AES-GCM key when it is encrypted; files and sealed rows need it. */
  let encryptionKey: CryptoKey | null = null;
  let memoryTier = new MemoryLru<DecodedVolume>(DEFAULTS.memoryBytes);
  const background = new BackgroundJobs(() => state === 'open');
  /** Made at init, with the partition's settings. */
  let volumes: DecodedVolumes;
  let stallTimeoutMs = DEFAULTS.stallTimeoutSeconds * 1000;
  let state: 'new' | 'open' | 'closed' = 'new';
  /** Totals for network-only mode, where there is no database to keep them. */
  const memoryTotals: CacheTotals = { ...ZERO_TOTALS };
  const downloads = new SharedDownloads<GetResult>();
  const callerAborts = new Map<string, AbortController>();
  let commitChain: Promise<unknown> = Promise.resolve();
  const hits = new HitLog(platform.now, () => storage, (delta) => addTotals(delta));
  let leases = new ReadLeases(null, '', 0);
  /** How long a File handed out stays readable; uncached results are kept as long. */
  let fileLeaseMs = DEFAULTS.fileLeaseSeconds * 1000;
  /** Stored files whose rows are gone but which someone still reads; removed when their leases end. */
  let changes: CacheChangePoster = { post: () => undefined, close: () => undefined };

  /** The hash worker to use: the caller's URL, else the platform's; a failed start is reported once. */
  function hashWorkerSource(url: string | null): HashWorkerSource | null {
    const start: StartHashWorker | null =
      url !== null && typeof Worker !== 'undefined' ? () => new Worker(url, { type: 'module', name: 'volume-cache-sha256' }) : platform.startHashWorker;
    if (!start) return null;
    return {
      start,
      onStartFailed(reason) {
        if (missing.includes('hash-worker')) return;
        missing.push('hash-worker');
        console.warn(
          `volume-cache: ${reason}, so downloads of 8 MiB or more are hashed in the cache's own worker: correct, but slower. ` +
            'If your bundler did not copy sha256-worker.js, pass hashWorkerUrl to createVolumeCache() (see the Bundlers section of the README).',
        );
      },
    };
  }

  function ensureOpen(): void {
    if (state === 'closed') throw new VolumeCacheError('closed', 'The cache has been closed.');
    if (state === 'new') throw new VolumeCacheError('closed', 'The cache has not been initialised.');
  }

  async function addTotals(delta: Partial<CacheTotals>): Promise<void> {
    if (storage) {
      await storage.store.addTotals(delta).catch(() => undefined);
      changes.post({ type: 'stats' });
      return;
    }
    for (const [name, value] of Object.entries(delta) as [keyof CacheTotals, number][]) memoryTotals[name] += value;
  }

  /**
   * Serialises commits and evictions: within this worker by a promise chain,
   * across tabs by a Web Lock when the browser has them.
   */
  function withCommitLock<T>(task: () => Promise<T>): Promise<T> {
    const run = (): Promise<T> =>
      platform.locks ? platform.locks.request(`volume-cache:${partition}:commit`, task) : task();
    const result = commitChain.then(run, run);
    commitChain = result.catch(() => undefined);
    return result;
  }

  function callerSignal(requestId: string): AbortSignal {
    const controller = new AbortController();
    callerAborts.set(requestId, controller);
    return controller.signal;
  }

  function validateRequest(request: EngineRequest): { expectedSha256: string | null } {
    if (request.ttlSeconds !== undefined) validateTtlSeconds(request.ttlSeconds);
    if (request.expect !== undefined && request.expect !== 'nifti' && request.expect !== 'any') {
      throw new VolumeCacheError('invalid-argument', `expect must be "nifti" or "any", got ${JSON.stringify(request.expect)}.`);
    }
    if (request.headers !== undefined) {
      if (typeof request.headers !== 'object' || request.headers === null || Object.values(request.headers).some((v) => typeof v !== 'string')) {
        throw new VolumeCacheError('invalid-argument', 'headers must be an object of string values.');
      }
    }
    return { expectedSha256: request.integrity === undefined ? null : parseIntegrity(request.integrity) };
  }

  async function readEntryFile(entry: StoredEntry): Promise<File | null> {
    return storage ? readStoredEntryFile(storage, entry) : null;
  }

  function openedStorage(store: MetadataStore, files: PartitionFiles): PartitionContext {
    const removals = new StoredFileRemovals(
      {
        removeFile: (name) => files.removeBlob(name),
        removeUnlessLeased: (name, remove) => leases.removeUnlessLeased(name, remove),
        isReferenced: async (name) => (await store.countBySha256(name)) > 0,
        underCommitLock: (task) => withCommitLock(task),
      },
      fileLeaseMs,
    );
    changes = openCacheChangePoster(partition);
    return {
      name: partition,
      store,
      files,
      derived: new DerivedResults(store, files, encryptionKey, platform.now),
      removals,
      leases,
      changes,
      encryptionKey,
      verifyOnRead,
      reuseOpenedFileMs: REUSE_OPENED_FILE_MS,
      fileLeaseMs,
      now: platform.now,
      maxBytes: () => config.maxBytes,
      addTotals,
      withCommitLock,
      hitsRecorded,
    };
  }

  async function dropDamaged(entry: StoredEntry, fileExists: boolean): Promise<void> {
    if (storage) await dropDamagedEntry(storage, entry, fileExists);
  }

  async function dropEntries(keys: readonly string[], options: DropOptions = {}): Promise<void> {
    if (storage) await dropPartitionEntries(storage, keys, options);
  }

  function progressReporter(url: string, report: (progress: DownloadProgress) => void): (loaded: number, total: number | null) => void {
    let last = 0;
    return (loaded, total) => {
      const now = Date.now();
      if (now - last < DEFAULTS.progressIntervalMs && loaded !== total) return;
      last = now;
      report({ url, loaded, total });
      changes.post({ type: 'progress', url, loaded, total });
    };
  }

  /** Downloads `request` and caches it (or not, by policy); `existing` makes it a revalidation. */
  async function downloadAndStore(
    request: EngineRequest,
    expectedSha256: string | null,
    existing: CacheEntry | null,
    signal: AbortSignal,
    report: (progress: DownloadProgress) => void,
    initialResponse?: Response,
    /** Keep the pin of an entry that was dropped as damaged and is being fetched again. */
    wasPinned = false,
  ): Promise<GetResult> {
    const ttlSeconds = request.ttlSeconds ?? config.defaultTtlSeconds;
    const headers = request.headers ?? {};
    const expect = request.expect ?? 'nifti';
    const onProgress = progressReporter(request.url, report);
    const revalidate: ResponseValidators | undefined =
      existing && expectedSha256 === null && (existing.etag || existing.lastModified)
        ? { etag: existing.etag, lastModified: existing.lastModified }
        : undefined;
    const base = {
      url: request.url,
      headers,
      signal,
      expect,
      onProgress,
      fetch: platform.fetch,
      hashWorker,
      retries: DEFAULTS.resumeRetries,
      backoffMs: DEFAULTS.resumeBackoffMs,
      stallTimeoutMs,
      onQuotaExceeded: async () => (storage ? evictForQuota(storage) : false),
      ...(revalidate ? { revalidate } : {}),
      ...(initialResponse ? { initialResponse } : {}),
    };

    if (!storage) {
      const { file, bytesFromNetwork } = await downloadUncached(base, expectedSha256);
      await addTotals({ misses: 1, uncached: 1, downloads: 1, bytesFromNetwork });
      return { file, status: 'uncached', entry: null };
    }

    const outcome = await storeDownload(
      storage,
      { request, expectedSha256, existing, wasPinned, download: base, ttlSeconds, cacheAuthorized },
      (stored) => {
        if (stored.nifti) scheduleThumbnail(stored);
      },
    );
    // A 304 for an entry whose file turned out to be gone: download it afresh.
    if (outcome === 'refetch') return downloadAndStore(request, expectedSha256, null, signal, report, undefined, existing?.pinned ?? false);
    return outcome;
  }

  /** The get pipeline: hit, revalidate, or download, with concurrent calls for one key sharing the download. */
  async function getInternal(request: EngineRequest, onProgress: ProgressCallback | undefined): Promise<GetResult> {
    ensureOpen();
    const { expectedSha256 } = validateRequest(request);
    const signal = callerSignal(request.requestId);
    const done = background.enterForeground();
    try {
      const existing = storage ? await storage.store.get(request.key) : undefined;
      let staleFile: File | null = null;
      if (existing) {
        const file = await readEntryFile(existing);
        const wanted = expectedSha256 === null || expectedSha256 === existing.sha256;
        if (file && wanted && !isExpired(existing, platform.now())) {
          return { file, status: 'hit', entry: countHit(existing) };
        }
        if (file && wanted) staleFile = file;
      }
      const revalidating = staleFile !== null && existing ? existing : null;
      const flightKey = `${request.key}\n${expectedSha256 ?? ''}\n${request.expect ?? 'nifti'}`;
      try {
        return await downloads.join(
          flightKey,
          (flightSignal, report) =>
            withDownloadLock(request.key, flightSignal, async () => {
              // Another tab, worker or the service worker may have stored it while we waited.
              const stored = revalidating ? null : await freshStoredResult(request.key, expectedSha256);
              return stored ?? downloadAndStore(request, expectedSha256, revalidating, flightSignal, report, undefined, existing?.pinned ?? false);
            }),
          onProgress ? (progress) => void Promise.resolve(onProgress(progress)).catch(() => undefined) : undefined,
          signal,
          request.url,
        );
      } catch (error) {
        // Serve the old copy when the network, not the content, failed.
        if (revalidating && staleFile && isServableAsStale(error)) {
          await addTotals({ hits: 1, stale: 1, bytesFromCache: revalidating.bytes });
          return { file: staleFile, status: 'stale', entry: await touch(revalidating) };
        }
        throw error;
      }
    } finally {
      done();
      callerAborts.delete(request.requestId);
      releaseCallback(onProgress);
    }
  }

  function scheduleThumbnail(entry: StoredEntry): void {
    volumes.scheduleThumbnail(entry);
  }

  /**
   * Holds a Web Lock named after the key while downloading it, so the
   * service worker and other tabs wait for this download instead of
   * starting their own. Without Web Locks, downloads are shared per context only.
   */
  function withDownloadLock<T>(key: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (!platform.locks) return task();
    return platform.locks.request(downloadLockName(partition, key), { signal }, task).catch((error: unknown) => {
      if (signal.aborted && error instanceof DOMException && error.name === 'AbortError') {
        throw new VolumeCacheError('aborted', 'The download was aborted while waiting for another one of the same volume.');
      }
      throw error;
    });
  }

  /** A fresh stored copy as a hit, or null. Counts the hit. */
  async function freshStoredResult(key: string, expectedSha256: string | null): Promise<GetResult | null> {
    if (!storage) return null;
    const entry = await storage.store.get(key);
    if (!entry || isExpired(entry, platform.now()) || (expectedSha256 !== null && entry.sha256 !== expectedSha256)) return null;
    const file = await readEntryFile(entry);
    if (!file) return null;
    return { file, status: 'hit', entry: countHit(entry) };
  }

  /**
   * getArrayBuffer's hit path: the stored file read straight into the buffer
   * that is transferred (decrypted in place when encrypted), with no File or
   * Blob in between: for an encrypted entry that copy cost more than the
   * decryption. Null for anything but a fresh, intact hit; getInternal then
   * does it all, damage handling included.
   */
  async function freshHitBytes(request: EngineRequest): Promise<ArrayBufferResult | null> {
    ensureOpen();
    const { expectedSha256 } = validateRequest(request);
    if (!storage || verifyOnRead) return null;
    const entry = await storage.store.get(request.key);
    if (!entry || isExpired(entry, platform.now()) || (expectedSha256 !== null && expectedSha256 !== entry.sha256)) return null;
    const done = background.enterForeground();
    try {
      const buffer = await readStoredBytes(storage, entry);
      return buffer ? { buffer, status: 'hit', entry: toPublicEntry(countHit(entry)) } : null;
    } finally {
      done();
    }
  }

  const countHit = (entry: StoredEntry): StoredEntry => hits.count(entry);
  const hitsRecorded = (): Promise<void> => hits.settled();
  const touch = (entry: CacheEntry): Promise<CacheEntry> => hits.touch(entry);

  async function computeStats(): Promise<CacheStats> {
    const estimate = { usage: null as number | null, quota: null as number | null };
    try {
      const answer = await platform.storage?.estimate();
      estimate.usage = answer?.usage ?? null;
      estimate.quota = answer?.quota ?? null;
    } catch {
      // estimate() can be refused in some private modes; report unknown.
    }
    let persisted: boolean | null = null;
    try {
      persisted = platform.storage ? await platform.storage.persisted() : null;
    } catch {
      persisted = null;
    }
    return buildCacheStats({
      entries: storage ? await storage.store.all() : null,
      totals: storage ? await storage.store.getTotals() : memoryTotals,
      derived: storage ? await storage.derived.bytesBySource() : { total: 0, count: 0 },
      thumbnails: background.counts(),
      config,
      estimate,
      persisted,
      missing,
      serviceWorker: storage ? await storage.store.getServiceWorkerStatus().catch(() => null) : null,
    });
  }

  async function sweepOrphans(): Promise<{ temporaries: number; orphanFiles: number }> {
    return storage ? sweepPartitionOrphans(storage) : { temporaries: 0, orphanFiles: 0 };
  }

  const engine: ServiceWorkerEngine = {
    async init(options: EngineInitOptions): Promise<EngineInfo> {
      if (state !== 'new') throw new VolumeCacheError('invalid-argument', 'The engine is already initialised.');
      const settings = parseEngineOptions(options);
      partition = settings.partition;
      verifyOnRead = settings.verifyOnRead;
      cacheAuthorized = settings.cacheAuthorized;
      stallTimeoutMs = settings.stallTimeoutMs;
      fileLeaseMs = settings.fileLeaseMs;
      leases = new ReadLeases(platform.locks, `volume-cache:${partition}:read:`, fileLeaseMs);
      encryptionKey = settings.encryptionKey;
      memoryTier = new MemoryLru(settings.memoryBytes);
      volumes = new DecodedVolumes({
        partition: () => storage,
        keepDecoded: settings.keepDecoded,
        thumbnails: settings.thumbnails,
        memoryTier,
        background,
        addTotals,
      });
      missing = [];
      hashWorker = hashWorkerSource(settings.hashWorkerUrl);
      if (!(await canHashHere())) missing.push('webassembly');
      if (!platform.locks) missing.push('web-locks');

      const opened = await openPartitionStorage(platform, partition, encryptionKey);
      missing.push(...opened.missing);
      const { store, files } = opened;
      // Hashing needs WebAssembly; without it nothing can be verified, so nothing is stored.
      if (store && files && !missing.includes('webassembly')) {
        storage = openedStorage(store, files);
        const stored = await store.getConfig();
        config = {
          maxBytes: settings.maxBytes ?? stored?.maxBytes ?? DEFAULTS.maxBytes,
          defaultTtlSeconds: settings.defaultTtlSeconds ?? stored?.defaultTtlSeconds ?? DEFAULTS.defaultTtlSeconds,
        };
        await store.putConfig(config);
      } else {
        store?.close();
        config = {
          maxBytes: settings.maxBytes ?? DEFAULTS.maxBytes,
          defaultTtlSeconds: settings.defaultTtlSeconds ?? DEFAULTS.defaultTtlSeconds,
        };
      }
      state = 'open';
      if (storage) await sweepOrphans();
      return { mode: storage ? 'opfs' : 'network-only', version: VERSION, missing: [...missing], config: { ...config } };
    },

    get: async (request, onProgress) => withPublicEntry(await getInternal(request, onProgress)),

    async getArrayBuffer(request, onProgress): Promise<ArrayBufferResult> {
      const hit = await freshHitBytes(request);
      if (hit) {
        releaseCallback(onProgress);
        return transfer(hit, [hit.buffer]);
      }
      const { file, status, entry } = await getInternal(request, onProgress);
      const stored = entry && storage && !encryptionKey ? await storage.files.readBlobBytes(entry.sha256) : null;
      const buffer = stored && stored.byteLength === entry?.bytes ? stored : await file.arrayBuffer();
      return transfer({ buffer, status, entry }, [buffer]);
    },

    async getCachedFile(key) {
      ensureOpen();
      if (!storage) return null;
      const entry = await storage.store.get(key);
      if (!entry) return null;
      const file = await readEntryFile(entry);
      if (!file) {
        throw new VolumeCacheError('corrupt', 'The cached copy was missing or damaged and has been removed; it must be downloaded again.', { url: entry.url });
      }
      return { file, entry: toPublicEntry(countHit(entry)) };
    },

    async pin(request, onProgress) {
      ensureOpen();
      if (!storage) throw new VolumeCacheError('unsupported', `Cannot pin ${request.url}: storage is unavailable (${missing.join(', ')}).`, { url: request.url });
      const result = await getInternal(request, onProgress);
      if (!result.entry) {
        throw new VolumeCacheError('quota', `${request.url} (${result.file.size} bytes) cannot be kept: it does not fit in maxBytes beside the pinned entries.`, { url: request.url });
      }
      const pinned = await storage.store.update(request.key, (entry) => ({ ...entry, pinned: true }));
      changes.post({ type: 'entries', keys: [request.key] });
      if (!pinned) throw new VolumeCacheError('corrupt', `The entry for ${request.url} disappeared while pinning it.`, { url: request.url });
      return toPublicEntry(pinned);
    },

    async unpin(key) {
      ensureOpen();
      return storage ? unpinEntry(storage, key) : false;
    },

    async invalidate(key) {
      ensureOpen();
      return storage ? invalidateEntry(storage, key) : false;
    },

    async clear() {
      ensureOpen();
      if (storage) await clearPartition(storage, () => memoryTier.clear());
    },

    async cleanup(): Promise<CleanupReport> {
      ensureOpen();
      return storage ? cleanupPartition(storage) : { expired: 0, evicted: 0, temporaries: 0, orphanFiles: 0 };
    },

    stats: async () => {
      ensureOpen();
      await hitsRecorded();
      return computeStats();
    },

    async entries() {
      ensureOpen();
      if (!storage) return [];
      await hitsRecorded();
      return (await storage.store.all()).sort((a, b) => b.lastAccessedAt - a.lastAccessedAt).map((entry) => toPublicEntry(entry));
    },

    async configure(patch) {
      ensureOpen();
      if (typeof patch !== 'object' || patch === null) throw new VolumeCacheError('invalid-argument', 'configure() takes an object.');
      config = { ...config, ...validateConfigPatch(patch) };
      if (storage) {
        await storage.store.putConfig(config);
        changes.post({ type: 'config' });
        await enforceBudget();
      }
      return { ...config };
    },

    async getVolume(request, onProgress) {
      const result = await getInternal(request, onProgress);
      const done = background.enterForeground();
      try {
        const entry = result.entry && storage ? ((await storage.store.get(request.key)) ?? null) : null;
        const { header, voxels, from } = await volumes.decoded(entry, result.file, request.url);
        return transfer({ header, voxels, file: result.file, status: result.status, decodedFrom: from }, [voxels]);
      } finally {
        done();
      }
    },

    async readMemo(id) {
      ensureOpen();
      return storage ? readMemo(storage, id) : null;
    },

    async uncachedKeys(keys) {
      ensureOpen();
      return storage ? uncachedKeys(storage, keys) : [];
    },

    async writeMemo(id, payload, options) {
      ensureOpen();
      if (storage) await writeMemo(storage, id, payload, options);
    },

    async thumbnail(key) {
      ensureOpen();
      if (!storage) return null;
      const entry = await storage.store.get(key);
      if (!entry) return null;
      return volumes.thumbnail(entry);
    },

    async lookup(key) {
      ensureOpen();
      if (!storage) return null;
      const entry = await storage.store.get(key);
      if (!entry) return null;
      // Closed meanwhile: a miss, as before the read began.
      if (!storage) return null;
      // The service worker's lookups: a viewer's burst of ranges opens the file once.
      const stored = await openStoredFile(storage, entry, { reuseRecent: true });
      if (!stored) return null;
      const fresh = !isExpired(entry, platform.now());
      const file = encryptionKey ? null : fileFor(entry, stored);
      return { entry: toPublicEntry(entry), file, stored, encryptionKey, fresh };
    },

    async ingest(request, response) {
      ensureOpen();
      const { expectedSha256 } = validateRequest(request);
      const flightKey = `${request.key}\n${expectedSha256 ?? ''}\n${request.expect ?? 'nifti'}`;
      const signal = callerSignal(request.requestId);
      try {
        // Already downloading here: leave this body to the page alone.
        if (downloads.has(flightKey)) throw new VolumeCacheError('aborted', `${request.url} is already being cached.`, { url: request.url });
        return await downloads.join(
          flightKey,
          (flightSignal, report) => withDownloadLock(request.key, flightSignal, () => downloadAndStore(request, expectedSha256, null, flightSignal, report, response)),
          undefined,
          signal,
          request.url,
        );
      } finally {
        callerAborts.delete(request.requestId);
        // Whatever happened, stop holding the body, so the page's copy of the
        // stream is never held back by a cache side nobody reads.
        await response.body?.cancel().catch(() => undefined);
      }
    },

    async waitForDownload(key) {
      if (!platform.locks) return;
      await platform.locks.request(downloadLockName(partition, key), async () => undefined);
    },

    async recordHit(entry, kind, bodyBytes) {
      await touch(entry);
      await addTotals({ hits: 1, bytesFromCache: bodyBytes, ...(kind === 'stale' ? { stale: 1 } : {}) });
    },

    async recordPassThrough() {
      await addTotals({ misses: 1, uncached: 1 });
    },

    async setServiceWorkerStatus(status) {
      await storage?.store.putServiceWorkerStatus(status);
    },

    abort(requestId) {
      callerAborts.get(requestId)?.abort(new VolumeCacheError('aborted', 'Aborted by the caller.'));
    },

    async destroy() {
      if (state === 'new') throw new VolumeCacheError('closed', 'The cache has not been initialised.');
      const name = partition;
      // Closing drops queued background jobs; one still writing its thumbnail would make the removal below fail.
      const jobsStopped = background.stop();
      await engine.close();
      await jobsStopped;
      await MetadataStore.destroy(name);
      if (platform.getDirectory) await PartitionFiles.destroy(platform.getDirectory, name);
      const poster = openCacheChangePoster(name);
      poster.post({ type: 'destroyed' });
      poster.close();
    },

    async close() {
      if (state === 'closed') return;
      state = 'closed';
      downloads.abortAll(new VolumeCacheError('closed', 'The cache was closed.'));
      background.clear();
      memoryTier.clear();
      for (const controller of callerAborts.values()) controller.abort();
      storage?.removals.close();
      leases.releaseAll();
      await hitsRecorded();
      storage?.store.close();
      storage = null;
      changes.close();
    },
  };

  async function enforceBudget(): Promise<number> {
    return storage ? enforcePartitionBudget(storage) : 0;
  }

  return engine;
}

/** Revalidation failures that leave the cached copy the best answer (offline, server trouble, rate limiting). */
function isServableAsStale(error: unknown): boolean {
  if (!(error instanceof VolumeCacheError)) return false;
  return error.code === 'network' || (error.code === 'http-status' && ((error.status ?? 0) >= 500 || error.status === 429));
}

function releaseCallback(callback: unknown): void {
  const release = (callback as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy];
  if (typeof release === 'function') {
    try {
      release.call(callback);
    } catch {
      // Already released.
    }
  }
}

function withPublicEntry<T extends { entry: CacheEntry | null }>(result: T): T {
  return { ...result, entry: toPublicEntry(result.entry) };
}
