import { proxy } from 'comlink';
import { DEFAULTS } from '../defaults';
import { VolumeCacheError } from '../errors';
import { deriveCacheKey } from '../metadata/deriveCacheKey';
import { resolveVolumeUrl } from '../metadata/resolveVolumeUrl';
import { validateTtlSeconds } from '../metadata/validateConfig';
import type { EngineRequest, ProgressCallback } from '../protocol';
import { subscribeToCacheChanges, type CacheChange } from '../shared/cacheChanges';
import { installErrorTransferHandler } from '../shared/errorTransfer';
import { memoKey } from '../derived/memoKey';
import { parseEncryptionOption } from '../shared/parseEncryptionOption';
import type { MemoPayload } from '../protocol';
import type {
  MemoOptions,
  VolumeResult,
  CacheConfig,
  CacheEntry,
  CacheStats,
  CleanupReport,
  DownloadProgress,
  GetOptions,
  GetResult,
  PinOptions,
  PrefetchOptions,
  PrefetchResult,
  VolumeCache,
  VolumeCacheOptions,
} from '../types';
import { startEngine, type EngineWorkerSource } from './startEngine';
import { persistWithin } from './persistWithin';

/** Opens (or creates) a cache partition and starts its worker. */
export async function createVolumeCache(options: VolumeCacheOptions = {}): Promise<VolumeCache> {
  if (!isBrowserContext()) {
    // Server-side rendering imports the page's modules in Node: the import must
    // work there, and a call says plainly that a cache needs a browser.
    throw new VolumeCacheError('unsupported', 'createVolumeCache() needs a browser (a page or a worker); call it on the client, not during server-side rendering.');
  }
  if (typeof options !== 'object' || options === null) throw new VolumeCacheError('invalid-argument', 'createVolumeCache() takes an options object.');
  if (options.cacheKey !== undefined && typeof options.cacheKey !== 'function') {
    throw new VolumeCacheError('invalid-argument', 'cacheKey must be a function (url: URL) => string.');
  }
  const persistence = options.persistence ?? DEFAULTS.persistence;
  if (!['on-first-pin', 'at-start', 'manual'].includes(persistence)) {
    throw new VolumeCacheError('invalid-argument', `persistence must be "on-first-pin", "at-start" or "manual", got ${JSON.stringify(persistence)}.`);
  }
  const encryptionKey = parseEncryptionOption(options.encryption);
  installErrorTransferHandler();
  const name = options.name ?? DEFAULTS.name;
  const { engine, inWorker, terminate, missing: clientMissing } = await startEngine(
    {
      name,
      verifyOnRead: options.verifyOnRead === true,
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      ...(options.defaultTtlSeconds !== undefined ? { defaultTtlSeconds: options.defaultTtlSeconds } : {}),
      ...(options.stallTimeoutSeconds !== undefined ? { stallTimeoutSeconds: options.stallTimeoutSeconds } : {}),
      ...(options.fileLeaseSeconds !== undefined ? { fileLeaseSeconds: options.fileLeaseSeconds } : {}),
      ...(options.cacheAuthorized !== undefined ? { cacheAuthorized: options.cacheAuthorized === true } : {}),
      ...(encryptionKey ? { encryptionKey } : {}),
      ...(options.keepDecoded !== undefined ? { keepDecoded: options.keepDecoded } : {}),
      ...(options.memoryBytes !== undefined ? { memoryBytes: options.memoryBytes } : {}),
      ...(options.thumbnails !== undefined ? { thumbnails: options.thumbnails } : {}),
      ...(options.hashWorkerUrl !== undefined ? { hashWorkerUrl: absoluteUrl(options.hashWorkerUrl, 'hashWorkerUrl') } : {}),
    },
    workerOption(options.worker),
  );

  let closed = false;
  let persistenceAsked = false;
  const unsubscribers = new Set<() => void>();
  const base = typeof location !== 'undefined' ? location.href : undefined;

  const ensureOpen = (): void => {
    if (closed) throw new VolumeCacheError('closed', 'This cache was closed.');
  };
  /** Rejections of calls still running, so close() can settle them: the worker's answers die with it. */
  const running = new Set<(error: VolumeCacheError) => void>();
  const track = <T>(call: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      running.add(reject);
      call.then(resolve, reject).finally(() => running.delete(reject));
    });
  const keyOf = (url: string | URL): { url: string; key: string } => {
    const resolved = resolveVolumeUrl(url, base);
    return { url: resolved.href, key: deriveCacheKey(resolved, options.cacheKey) };
  };
  const progressArg = (callback: ((progress: DownloadProgress) => void) | undefined): ProgressCallback | undefined => {
    if (callback === undefined) return undefined;
    if (typeof callback !== 'function') throw new VolumeCacheError('invalid-argument', 'onProgress must be a function.');
    return inWorker ? proxy(callback) : callback;
  };

  /** Runs one engine call with its AbortSignal wired to the engine's abort(requestId). */
  async function withRequest<T>(
    url: string | URL,
    callOptions: GetOptions | PinOptions,
    call: (request: EngineRequest, onProgress: ProgressCallback | undefined) => Promise<T>,
  ): Promise<T> {
    ensureOpen();
    if (typeof callOptions !== 'object' || callOptions === null) throw new VolumeCacheError('invalid-argument', 'options must be an object.');
    const { url: href, key } = keyOf(url);
    const { signal } = callOptions;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new VolumeCacheError('invalid-argument', 'signal must be an AbortSignal.');
    if (signal?.aborted) throw new VolumeCacheError('aborted', `The request for ${href} was aborted before it started.`, { url: href });
    const request: EngineRequest = { requestId: crypto.randomUUID(), url: href, key };
    const get = callOptions as GetOptions;
    if (get.ttlSeconds !== undefined) request.ttlSeconds = get.ttlSeconds;
    if (get.integrity !== undefined) request.integrity = get.integrity;
    if (get.respectNoStore !== undefined) request.respectNoStore = get.respectNoStore;
    if (callOptions.headers !== undefined) request.headers = callOptions.headers;
    if (callOptions.expect !== undefined) request.expect = callOptions.expect;
    const onAbort = (): void => void engine.abort(request.requestId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await track(call(request, progressArg(callOptions.onProgress)));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  const cache: VolumeCache = {
    name,
    async get(url, getOptions = {}) {
      return withRequest(url, getOptions, (request, onProgress) => engine.get(request, onProgress));
    },
    async getFile(url, getOptions = {}) {
      return (await cache.get(url, getOptions)).file;
    },
    async getArrayBuffer(url, getOptions = {}) {
      return withRequest(url, getOptions, async (request, onProgress) => (await engine.getArrayBuffer(request, onProgress)).buffer);
    },
    async getVolume(url, getOptions = {}) {
      return withRequest(url, getOptions, (request, onProgress) => engine.getVolume(request, onProgress));
    },
    async memo<T>(key: string, inputs: Record<string, unknown>, compute: () => T | Promise<T>, memoOptions: MemoOptions): Promise<T> {
      ensureOpen();
      if (typeof key !== 'string' || key === '') throw new VolumeCacheError('invalid-argument', 'memo() key must be a non-empty string.');
      if (typeof compute !== 'function') throw new VolumeCacheError('invalid-argument', 'memo() compute must be a function.');
      if (typeof memoOptions !== 'object' || memoOptions === null || (typeof memoOptions.version !== 'string' && typeof memoOptions.version !== 'number')) {
        throw new VolumeCacheError('invalid-argument', 'memo() needs options with a version (string or number).');
      }
      const id = await memoKey(key, inputs, { version: memoOptions.version, ...(memoOptions.ignore ? { ignore: memoOptions.ignore } : {}) });
      if (!memoOptions.force) {
        const stored = await track(engine.readMemo(id));
        if (stored) return fromMemoPayload(stored) as T;
      }
      // Checked before computing, which may take long: the store would refuse the result anyway.
      if (memoOptions.ttlSeconds !== undefined) validateTtlSeconds(memoOptions.ttlSeconds);
      const sourceKeys = (memoOptions.sources ?? []).map((source) => keyOf(source).key);
      const uncached = await track(engine.uncachedKeys(sourceKeys));
      if (uncached.length > 0) {
        throw new VolumeCacheError('invalid-argument', `memo() source ${uncached[0]} is not in the cache; cache it first, or leave it out of sources.`);
      }
      const value = await compute();
      try {
        await track(engine.writeMemo(id, toMemoPayload(value), { sourceKeys, ...(memoOptions.ttlSeconds !== undefined ? { ttlSeconds: memoOptions.ttlSeconds } : {}) }));
      } catch (error) {
        throw memoWriteFailure(key, error);
      }
      return value;
    },
    async thumbnail(url) {
      ensureOpen();
      return track(engine.thumbnail(keyOf(url).key));
    },
    async getCachedFile(url) {
      ensureOpen();
      const found = await track(engine.getCachedFile(keyOf(url).key));
      return found ? found.file : null;
    },
    async prefetch(urls, prefetchOptions = {}) {
      ensureOpen();
      const list = [...urls];
      const concurrency = prefetchOptions.concurrency ?? DEFAULTS.prefetchConcurrency;
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new VolumeCacheError('invalid-argument', `concurrency must be a whole number of at least 1, got ${String(concurrency)}.`);
      }
      const results: PrefetchResult[] = new Array(list.length);
      let next = 0;
      const getOptions: GetOptions = {};
      if (prefetchOptions.onProgress) getOptions.onProgress = prefetchOptions.onProgress;
      if (prefetchOptions.signal) getOptions.signal = prefetchOptions.signal;
      const lane = async (): Promise<void> => {
        while (next < list.length) {
          const index = next++;
          const url = String(list[index]);
          try {
            const { status } = await cache.get(url, getOptions);
            results[index] = { url, ok: true, status };
          } catch (error) {
            const code = error instanceof VolumeCacheError ? error.code : 'network';
            results[index] = { url, ok: false, code, message: error instanceof Error ? error.message : String(error) };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, lane));
      return results;
    },
    pin: (async (target: string | URL | Iterable<string | URL>, pinOptions: PinOptions = {}) => {
      ensureOpen();
      if (persistence === 'on-first-pin' && !persistenceAsked) {
        persistenceAsked = true;
        void cache.requestPersistence();
      }
      if (typeof target === 'string' || target instanceof URL) {
        return withRequest(target, pinOptions, (request, onProgress) => engine.pin(request, onProgress));
      }
      const pinned: CacheEntry[] = [];
      for (const url of target) pinned.push(await withRequest(url, pinOptions, (request, onProgress) => engine.pin(request, onProgress)));
      return pinned;
    }) as VolumeCache['pin'],
    async unpin(url) {
      ensureOpen();
      return track(engine.unpin(keyOf(url).key));
    },
    async invalidate(url) {
      ensureOpen();
      return track(engine.invalidate(keyOf(url).key));
    },
    async clear() {
      ensureOpen();
      await track(engine.clear());
    },
    async cleanup() {
      ensureOpen();
      return track(engine.cleanup());
    },
    async stats() {
      ensureOpen();
      const stats = await track(engine.stats());
      return { ...stats, missing: [...clientMissing, ...stats.missing] };
    },
    async entries() {
      ensureOpen();
      return track(engine.entries());
    },
    async configure(patch) {
      ensureOpen();
      return track(engine.configure(patch));
    },
    async requestPersistence() {
      ensureOpen();
      return persistWithin(typeof navigator === 'undefined' ? undefined : navigator.storage, DEFAULTS.persistenceAnswerMs);
    },
    subscribe(listener) {
      ensureOpen();
      if (typeof listener !== 'function') throw new VolumeCacheError('invalid-argument', 'subscribe() takes a function.');
      const unsubscribe = subscribeToCacheChanges(name, listener);
      unsubscribers.add(unsubscribe);
      return () => {
        unsubscribers.delete(unsubscribe);
        unsubscribe();
      };
    },
    async destroy() {
      ensureOpen();
      // Settled first, with closed as close() settles them (docs/api.md): the
      // engine's close() aborts the calls it runs, whose answers, 'aborted',
      // would otherwise reach them before destroy() returns.
      settleRunning('The cache was destroyed while this call was running.');
      // Not tracked: the engine's own 'destroyed' broadcast may reach us first and shut down the rest.
      await engine.destroy();
      shutDown('The cache was destroyed.');
    },
    close() {
      shutDown('The cache was closed while this call was running.');
    },
  };

  /** Rejects the calls still running with closed. */
  function settleRunning(reason: string): void {
    const error = new VolumeCacheError('closed', reason);
    for (const reject of running) reject(error);
    running.clear();
  }

  /** Settles what is running, stops listening and stops the worker. Idempotent. */
  function shutDown(reason: string): void {
    if (closed) return;
    closed = true;
    stopWatchingDestroy();
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers.clear();
    settleRunning(reason);
    void Promise.resolve(engine.close())
      .catch(() => undefined)
      .finally(terminate);
  }

  // Destroyed elsewhere (another tab logging out): this cache can no longer work.
  const stopWatchingDestroy = subscribeToCacheChanges(name, (change) => {
    if (change.type === 'destroyed') shutDown('The cache was destroyed (log-out).');
  });

  if (persistence === 'at-start') void cache.requestPersistence();
  return cache;
}

/** A page, or a worker of the application's own; not Node during server-side rendering. */
function isBrowserContext(): boolean {
  return typeof window !== 'undefined' || 'WorkerGlobalScope' in globalThis;
}

/** Resolved on the page: relative to the worker's script it would mean something else. */
function absoluteUrl(value: unknown, option: string): string {
  if (value instanceof URL) return value.href;
  if (typeof value === 'string') {
    try {
      return new URL(value, location.href).href;
    } catch {
      // Reported below with the option's name.
    }
  }
  throw new VolumeCacheError('invalid-argument', `${option} must be a URL or a URL string, got ${JSON.stringify(String(value))}.`);
}

function workerOption(value: unknown): EngineWorkerSource | undefined {
  if (value === undefined || (typeof Worker !== 'undefined' && value instanceof Worker)) return value as Worker | undefined;
  if (typeof value === 'string' || value instanceof URL) return absoluteUrl(value, 'worker');
  throw new VolumeCacheError('invalid-argument', 'worker must be a Worker, a URL or a URL string.');
}

/** Bytes go to the worker as a copy (the caller keeps its own), with the array type to rebuild them. */
function toMemoPayload(value: unknown): MemoPayload {
  if (value instanceof ArrayBuffer) return { kind: 'binary', arrayType: 'ArrayBuffer', data: value.slice(0) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
    return { kind: 'binary', arrayType: value.constructor.name, data: bytes.buffer };
  }
  return { kind: 'value', value };
}

/**
 * A result the worker could not be sent, as invalid-argument: posting it is
 * a structured clone, which throws a DataCloneError for a function or a
 * symbol (only the result can hold one by then: memoKey() refused them in
 * the inputs before compute ran) and a RangeError for a value nested too
 * deep. Nothing reached the engine, so nothing was stored.
 */
function memoWriteFailure(key: string, error: unknown): unknown {
  if (error instanceof VolumeCacheError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name !== 'DataCloneError' && !(error instanceof RangeError)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new VolumeCacheError(
    'invalid-argument',
    `memo() result of ${JSON.stringify(key)} cannot be kept: a result must be structured-cloneable (no functions or symbols, not nested too deep), and structured clone refused this one (${reason}). Nothing was stored.`,
    { cause: error },
  );
}

const ARRAY_TYPES: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

function fromMemoPayload(payload: MemoPayload): unknown {
  if (payload.kind === 'value') return payload.value;
  if (payload.arrayType === 'ArrayBuffer') return payload.data;
  const ArrayType = ARRAY_TYPES[payload.arrayType];
  return ArrayType ? new ArrayType(payload.data) : payload.data;
}
