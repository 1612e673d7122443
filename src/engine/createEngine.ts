import { transfer } from 'comlink';
import { VolumeCacheError } from '../errors';
import { MetadataStore } from '../metadata/MetadataStore';
import { toPublicEntry } from '../metadata/EntryCodec';
import { validateConfigPatch } from '../metadata/validateConfig';
import type { ArrayBufferResult, ServiceWorkerEngine } from '../protocol';
import { openCacheChangePoster } from '../shared/cacheChanges';
import { fitsInOneBuffer, readWholeBlob, tooLargeForOneBuffer } from '../shared/volumeBuffer';
import { PartitionFiles } from '../storage/PartitionFiles';
import type { CacheEntry } from '../types';
import { VERSION } from '../version';
import { BackgroundJobs } from './BackgroundJobs';
import { buildCacheStats } from './buildCacheStats';
import { browserPlatform, type EnginePlatform } from './EnginePlatform';
import { openEngineSession, type EngineSession } from './EngineSession';
import { readStorageEstimate } from './readStorageEstimate';
import { releaseCallback } from './releaseCallback';

export { browserPlatform, type EnginePlatform };

/**
 * The cache engine: runs in the dedicated worker (or, as a fallback, on the
 * page, and in-process in the service worker). This is its open/closed state
 * and its method table; each method delegates to the session init() opened:
 * the get pipeline, the backend (the partition's storage, or network-only,
 * chosen once) and the decoded volumes.
 */
export function createEngine(platform: EnginePlatform = browserPlatform()): ServiceWorkerEngine {
  let state: 'new' | 'open' | 'closed' = 'new';
  let session: EngineSession | null = null;
  const background = new BackgroundJobs(() => state === 'open');

  // A function, not a test inline: TypeScript would narrow `state` across the await in init().
  const closedMeanwhile = (): boolean => state === 'closed';

  function open(): EngineSession {
    if (state === 'closed') throw new VolumeCacheError('closed', 'The cache has been closed.');
    if (state === 'new' || !session) throw new VolumeCacheError('closed', 'The cache has not been initialised.');
    return session;
  }

  const engine: ServiceWorkerEngine = {
    async init(options) {
      if (state !== 'new') throw new VolumeCacheError('invalid-argument', 'The engine is already initialised.');
      const opened = await openEngineSession(platform, options, background);
      if (closedMeanwhile()) {
        // close() came while the partition was opening: nothing may stay open behind it.
        await opened.backend.close();
        throw new VolumeCacheError('closed', 'The cache was closed while it was opening.');
      }
      session = opened;
      state = 'open';
      const { backend, missing } = opened;
      return { mode: backend.mode, version: VERSION, missing: [...missing], config: { ...backend.config() } };
    },

    async get(request, onProgress) {
      return withPublicEntry(await open().pipeline.get(request, onProgress));
    },

    async getArrayBuffer(request, onProgress): Promise<ArrayBufferResult> {
      const { pipeline, backend, settings } = open();
      const hit = await pipeline.freshHitBytes(request, settings.verifyOnRead);
      if (hit) {
        releaseCallback(onProgress);
        return transfer(hit, [hit.buffer]);
      }
      // Refused as soon as the download's size says no buffer can hold it: nothing is downloaded for nothing.
      const refuseSize = (bytes: number) => (fitsInOneBuffer(bytes) ? null : tooLargeForOneBuffer(bytes, request.url));
      const { file, status, entry } = await pipeline.get(request, onProgress, refuseSize);
      const stored = entry ? await backend.plainBytes(entry) : null;
      const buffer = stored && stored.byteLength === entry?.bytes ? stored : await readWholeBlob(file, request.url);
      return transfer({ buffer, status, entry: toPublicEntry(entry) }, [buffer]);
    },

    async getCachedFile(key) {
      const { backend } = open();
      const entry = await backend.entry(key);
      if (!entry) return null;
      const file = await backend.readFile(entry);
      if (!file) {
        throw new VolumeCacheError('corrupt', 'The cached copy was missing or damaged and has been removed; it must be downloaded again.', { url: entry.url });
      }
      return { file, entry: toPublicEntry(backend.countHit(entry)) };
    },

    async pin(request, onProgress) {
      const { backend, pipeline } = open();
      return toPublicEntry(await backend.pin(request.url, request.key, () => pipeline.get(request, onProgress)));
    },

    unpin: async (key) => open().backend.unpin(key),
    invalidate: async (key) => open().backend.invalidate(key),

    async clear() {
      const { backend, memoryTier } = open();
      await backend.clear(() => memoryTier.clear());
    },

    cleanup: async () => open().backend.cleanup(),

    async stats() {
      const { backend, missing } = open();
      await backend.hitsRecorded();
      return buildCacheStats({
        ...(await backend.statsInputs()),
        ...(await readStorageEstimate(platform.storage)),
        thumbnails: background.counts(),
        config: backend.config(),
        missing,
      });
    },

    async entries() {
      const entries = await open().backend.entries();
      return entries.sort((a, b) => b.lastAccessedAt - a.lastAccessedAt).map((entry) => toPublicEntry(entry));
    },

    async configure(patch) {
      const { backend } = open();
      if (typeof patch !== 'object' || patch === null) throw new VolumeCacheError('invalid-argument', 'configure() takes an object.');
      const config = { ...backend.config(), ...validateConfigPatch(patch) };
      await backend.configure(config);
      return { ...config };
    },

    async getVolume(request, onProgress) {
      const { pipeline, backend, volumes } = open();
      try {
        volumes.refuseUndecodable(await backend.entry(request.key), request.url);
      } catch (error) {
        releaseCallback(onProgress);
        throw error;
      }
      const result = await pipeline.get(request, onProgress);
      const done = background.enterForeground();
      try {
        const entry = result.entry ? await backend.entry(request.key) : null;
        const { header, voxels, from } = await volumes.decoded(entry, result.file, request.url);
        return transfer({ header, voxels, file: result.file, status: result.status, decodedFrom: from }, [voxels]);
      } finally {
        done();
      }
    },

    readMemo: async (id) => open().backend.readMemo(id),
    uncachedKeys: async (keys) => open().backend.uncachedKeys(keys),
    writeMemo: async (id, payload, options) => open().backend.writeMemo(id, payload, options),

    async thumbnail(key) {
      const { backend, volumes } = open();
      const entry = await backend.entry(key);
      return entry ? volumes.thumbnail(entry) : null;
    },

    async lookup(key) {
      const found = await open().backend.lookup(key);
      return found && { ...found, entry: toPublicEntry(found.entry) };
    },

    ingest: async (request, response) => open().pipeline.ingest(request, response),
    // The service worker's calls below may come before init settles or after close: they wait or count nothing.
    waitForDownload: async (key) => session?.pipeline.waitForDownload(key),

    async recordHit(entry, kind, bodyBytes) {
      const backend = session?.backend;
      if (!backend) return;
      await backend.touch(entry);
      await backend.addTotals({ hits: 1, bytesFromCache: bodyBytes, ...(kind === 'stale' ? { stale: 1 } : {}) });
    },

    recordPassThrough: async () => session?.backend.addTotals({ misses: 1, uncached: 1 }),
    setServiceWorkerStatus: async (status) => session?.backend.setServiceWorkerStatus(status),

    abort(requestId) {
      session?.pipeline.abort(requestId);
    },

    async destroy() {
      if (state === 'new' || !session) throw new VolumeCacheError('closed', 'The cache has not been initialised.');
      const name = session.settings.partition;
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
      if (!session) return;
      session.pipeline.close(new VolumeCacheError('closed', 'The cache was closed.'));
      background.clear();
      session.memoryTier.clear();
      await session.backend.close();
    },
  };
  return engine;
}

function withPublicEntry<T extends { entry: CacheEntry | null }>(result: T): T {
  return { ...result, entry: toPublicEntry(result.entry) };
}
