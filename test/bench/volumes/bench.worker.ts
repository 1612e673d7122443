// The dedicated worker of `npm run bench`: the limits (what the platform can do
// at best), the storage peers, and a step-by-step mirror of the library's cold
// path. Driven from page.ts through comlink; see run.mjs for what is compared.

import { expose } from 'comlink';
import { createSHA256 } from 'hash-wasm';
import { MetadataStore } from '../../../src/metadata/MetadataStore';
import { selectEntriesToEvict } from '../../../src/metadata/selectEntriesToEvict';
import type { CacheEntry } from '../../../src/types';
import { NiftiStreamValidator } from '../../../src/nifti/NiftiStreamValidator';
import { PartitionFiles } from '../../../src/storage/PartitionFiles';
import { createStreamingSha256 } from '../../../src/engine/StreamingSha256';
import type { Hashed, MirrorResult, MirrorVariant, StoreRead, Timed, WarmSteps, WorkerInfo } from './protocol';

const MiB = 1 << 20;
const OPFS_LIMIT_DIR = 'bench-opfs';
const MIRROR_PARTITION = 'bench-mirror';
const IDB_PEER = 'bench-idb';
const CACHE_PEER = 'bench-cache-api';
const now = (): number => performance.now();

async function fetchOk(url: string, init: RequestInit = { cache: 'no-store' }): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 200 || !response.body) throw new Error(`GET ${url}: ${response.status}`);
  return response;
}

async function benchDirectory(name: string): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

function openPeerDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(IDB_PEER, 1);
  open.onupgradeneeded = () => open.result.createObjectStore('blobs');
  return request(open);
}

/** A second worker that only hashes, for the parallel-hash variant. */
class HashWorker {
  private readonly worker = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'bench-hash' });
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private digestWaiter: ((hex: string) => void) | null = null;
  private readyWaiter: (() => void) | null = null;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<{ type: 'ready' } | { type: 'ack'; bytes: number } | { type: 'digest'; hex: string }>) => {
      const message = event.data;
      if (message.type === 'ready') this.readyWaiter?.();
      else if (message.type === 'ack') {
        this.inFlight -= message.bytes;
        const waiting = this.waiters;
        this.waiters = [];
        for (const wake of waiting) wake();
      } else this.digestWaiter?.(message.hex);
    };
  }

  start(): Promise<void> {
    this.inFlight = 0;
    return new Promise((resolve) => {
      this.readyWaiter = resolve;
      this.worker.postMessage({ type: 'init' });
    });
  }

  /** Hands a chunk over (transferred when it owns its buffer); waits while more than `limit` bytes are queued. */
  async push(chunk: Uint8Array, limit: number): Promise<void> {
    while (this.inFlight > limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : chunk.slice();
    this.inFlight += owned.byteLength;
    this.worker.postMessage({ type: 'chunk', buffer: owned.buffer }, [owned.buffer as ArrayBuffer]);
  }

  digest(): Promise<string> {
    return new Promise((resolve) => {
      this.digestWaiter = resolve;
      this.worker.postMessage({ type: 'digest' });
    });
  }
}

let hashWorker: HashWorker | null = null;
let mirrorStorage: Promise<{ files: PartitionFiles; store: MetadataStore }> | null = null;

function openMirrorStorage(): Promise<{ files: PartitionFiles; store: MetadataStore }> {
  mirrorStorage ??= (async () => ({
    files: await PartitionFiles.open(() => navigator.storage.getDirectory(), MIRROR_PARTITION),
    store: await MetadataStore.open(MIRROR_PARTITION),
  }))();
  return mirrorStorage;
}

/** Rejects if `read` does not settle within `ms`: one timer per chunk. */
function withStallTimeout<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no data for ${ms} ms`)), ms);
  });
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

/** Reads `body` as downloadVolume() sees it: the chunks the variant hands to the pipeline. */
async function* chunksOf(body: ReadableStream<Uint8Array>, variant: MirrorVariant, copy: { ms: number }): AsyncGenerator<Uint8Array> {
  if (variant === 'byob') {
    const reader = body.getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(MiB);
    try {
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buffer, 0, MiB));
        if (done || !value) return;
        yield value;
        buffer = value.buffer as ArrayBuffer;
      }
    } finally {
      reader.releaseLock();
    }
  }
  const reader = body.getReader();
  const read = variant === 'stall-timeout' ? () => withStallTimeout(reader.read(), 30_000) : () => reader.read();
  const pending = variant === 'coalesce' ? new Uint8Array(MiB) : null;
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await read();
      if (done) break;
      if (!pending) {
        yield value;
        continue;
      }
      let used = 0;
      while (used < value.byteLength) {
        const started = now();
        const take = Math.min(MiB - filled, value.byteLength - used);
        pending.set(value.subarray(used, used + take), filled);
        filled += take;
        used += take;
        copy.ms += now() - started;
        if (filled === MiB) {
          yield pending;
          filled = 0;
        }
      }
    }
    if (pending && filled > 0) yield pending.subarray(0, filled);
  } finally {
    reader.releaseLock();
  }
}

/**
 * One cold download the way src/engine/downloadVolume.ts and the engine's
 * downloadAndStore() do it (same sink, hasher, validator, commit steps), with
 * each step timed. The variants change one thing each, to size an optimisation.
 */
async function mirror(url: string, variant: MirrorVariant): Promise<MirrorResult> {
  const { files, store } = await openMirrorStorage();
  const started = now();
  const response = await fetchOk(url);
  const headersAt = now();
  const temporary = await files.createDownload();
  const sink = await temporary.openSink();
  const hasher = variant === 'parallel-hash' ? null : await createStreamingSha256();
  if (variant === 'parallel-hash') {
    hashWorker ??= new HashWorker();
    await hashWorker.start();
  }
  const validator = new NiftiStreamValidator(url);
  const loopAt = now();
  const copy = { ms: 0 };
  let waitMs = 0;
  let writeMs = 0;
  let hashMs = 0;
  let validateMs = 0;
  let offset = 0;
  let chunks = 0;
  let lastProgress = 0;
  const iterator = chunksOf(response.body!, variant, copy);
  for (;;) {
    const a = now();
    const next = await iterator.next();
    const b = now();
    waitMs += b - a;
    if (next.done) break;
    const chunk = next.value;
    await sink.write(chunk, offset);
    const c = now();
    writeMs += c - b;
    if (hasher) hasher.update(chunk);
    const d = now();
    hashMs += d - c;
    await validator.push(chunk);
    const e = now();
    validateMs += e - d;
    offset += chunk.byteLength;
    chunks++;
    // The engine's progress reporter: a clock read per chunk, a report every 100 ms.
    const clock = Date.now();
    if (clock - lastProgress >= 100) lastProgress = clock;
    if (hashWorker && variant === 'parallel-hash') {
      const f = now();
      await hashWorker.push(chunk, 16 * MiB);
      hashMs += now() - f;
    }
  }
  const loopEnd = now();
  const nifti = await validator.finish();
  const finishedValidation = now();
  validateMs += finishedValidation - loopEnd;
  const sha256 = hasher ? hasher.digestHex() : await hashWorker!.digest();
  const digested = now();
  hashMs += digested - finishedValidation;
  await sink.close();
  const closed = now();
  writeMs += closed - digested;

  // downloadAndStore(): totals, then under the commit lock the eviction check,
  // the move into blobs/, the row, then the stored File read back.
  await store.addTotals({ downloads: 1, bytesFromNetwork: offset, misses: 1 });
  await navigator.locks.request(`volume-cache:${MIRROR_PARTITION}:commit`, async () => {
    selectEntriesToEvict(await store.all(), 8 * 1024 ** 3, { sha256, bytes: offset });
    await files.commit(temporary, sha256);
    await store.get(url);
    const at = Date.now();
    const entry: CacheEntry = {
      key: url, url, bytes: offset, sha256, contentType: 'application/octet-stream', contentEncoding: null, etag: null, lastModified: null,
      createdAt: at, lastAccessedAt: at, expiresAt: at + 3600_000, pinned: false, nifti,
    };
    await store.put(entry);
  });
  const file = await files.readBlob(sha256);
  if (!file || file.size !== offset) throw new Error(`mirror: stored file is ${file?.size ?? 'missing'}, expected ${offset}`);
  const finished = now();
  const commitMs = finished - closed;
  const ms = finished - started;
  const headersMs = headersAt - started;
  const setupMs = loopAt - headersAt;
  const otherMs = ms - headersMs - setupMs - waitMs - writeMs - hashMs - validateMs - commitMs;
  // waitMs of the coalesce variant includes its copies; report them apart.
  return {
    variant, ms, bytes: offset, sha256, headersMs, setupMs, waitMs: waitMs - copy.ms, writeMs, hashMs, validateMs, commitMs,
    copyMs: copy.ms, otherMs, chunks,
  };
}

const api = {
  info(): WorkerInfo {
    let resolution = Infinity;
    let last = now();
    for (let i = 0; i < 200_000 && resolution > 0.001; i++) {
      const t = now();
      if (t > last) {
        resolution = Math.min(resolution, t - last);
        last = t;
      }
    }
    return { crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent, timerResolutionMs: resolution };
  },

  /** Limit: the body read to its end and dropped. */
  async drain(url: string): Promise<Timed> {
    const started = now();
    const reader = (await fetchOk(url)).body!.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
    return { ms: now() - started, bytes };
  },

  /**
   * Limit: fetch with the body read BYOB into one reused 1 MiB buffer,
   * nothing kept: what reading a body at all costs in renderer memory, the
   * floor under the cold path's (which reads the same way).
   */
  async drainByob(url: string): Promise<Timed> {
    const started = now();
    const reader = (await fetchOk(url)).body!.getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(1024 * 1024);
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      bytes += value.byteLength;
      buffer = value.buffer as ArrayBuffer;
    }
    return { ms: now() - started, bytes };
  },

  /** Limit: fetch → arrayBuffer(), the bytes in one buffer in this worker. */
  async arrayBuffer(url: string, cache: RequestCache = 'no-store'): Promise<Timed> {
    const started = now();
    const buffer = await (await fetchOk(url, { cache })).arrayBuffer();
    return { ms: now() - started, bytes: buffer.byteLength };
  },

  /** Limit: SHA-256 with hash-wasm of bytes already in memory, fed in 1 MiB views (only the hashing is timed). */
  async sha256(url: string): Promise<Hashed> {
    const bytes = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
    const started = now();
    const hasher = await createSHA256();
    hasher.init();
    for (let offset = 0; offset < bytes.byteLength; offset += MiB) hasher.update(bytes.subarray(offset, offset + MiB));
    const sha256 = hasher.digest('hex');
    return { ms: now() - started, bytes: bytes.byteLength, sha256 };
  },

  /** Stores a download in OPFS for the read limit (untimed setup). */
  async opfsStore(url: string, name: string): Promise<number> {
    const handle = await (await benchDirectory(OPFS_LIMIT_DIR)).getFileHandle(name, { create: true });
    const access = await handle.createSyncAccessHandle();
    try {
      access.truncate(0);
      const reader = (await fetchOk(url)).body!.getReader();
      let offset = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (let written = 0; written < value.byteLength; ) written += access.write(value.subarray(written), { at: offset + written });
        offset += value.byteLength;
      }
      access.flush();
      return offset;
    } finally {
      access.close();
    }
  },

  /** Limit: a stored file read with a read-only SyncAccessHandle into one buffer (open, read, close). */
  async opfsRead(name: string): Promise<Timed> {
    const started = now();
    const handle = await (await benchDirectory(OPFS_LIMIT_DIR)).getFileHandle(name);
    const access = await handle.createSyncAccessHandle({ mode: 'read-only' });
    try {
      const buffer = new ArrayBuffer(access.getSize());
      const view = new Uint8Array(buffer);
      for (let offset = 0; offset < view.byteLength; ) {
        const read = access.read(view.subarray(offset), { at: offset });
        if (read === 0) throw new Error('short read');
        offset += read;
      }
      return { ms: now() - started, bytes: buffer.byteLength };
    } finally {
      access.close();
    }
  },

  /** Peer: Cache API put() of the network response, then match().arrayBuffer(). */
  async cacheApi(url: string): Promise<StoreRead> {
    const cache = await caches.open(CACHE_PEER);
    await cache.delete(url);
    const started = now();
    await cache.put(url, await fetchOk(url));
    const stored = now();
    const match = await cache.match(url);
    if (!match) throw new Error('Cache API lost the entry');
    const buffer = await match.arrayBuffer();
    const read = now();
    await cache.delete(url);
    return { storeMs: stored - started, readMs: read - stored, bytes: buffer.byteLength };
  },

  /** Peer: fetch → blob() put in IndexedDB, then get() and blob.arrayBuffer(). */
  async indexedDb(url: string): Promise<StoreRead> {
    const db = await openPeerDatabase();
    try {
      const started = now();
      const blob = await (await fetchOk(url)).blob();
      const put = db.transaction('blobs', 'readwrite');
      put.objectStore('blobs').put(blob, url);
      await transactionDone(put);
      const stored = now();
      const got = (await request(db.transaction('blobs', 'readonly').objectStore('blobs').get(url))) as Blob | undefined;
      if (!got) throw new Error('IndexedDB lost the blob');
      const buffer = await got.arrayBuffer();
      const read = now();
      const removal = db.transaction('blobs', 'readwrite');
      removal.objectStore('blobs').delete(url);
      await transactionDone(removal);
      return { storeMs: stored - started, readMs: read - stored, bytes: buffer.byteLength };
    } finally {
      db.close();
    }
  },

  async mirror(url: string, variant: MirrorVariant): Promise<MirrorResult> {
    return mirror(url, variant);
  },

  /** A warm get of an entry the mirror committed, step by step as the engine does it (getFile path, then readBlobBytes). */
  async warmSteps(url: string): Promise<WarmSteps> {
    const { files, store } = await openMirrorStorage();
    const a = now();
    const entry = await store.get(url);
    if (!entry) throw new Error('warmSteps: run mirror() first');
    const b = now();
    const blob = await files.readBlob(entry.sha256);
    const file = new File([blob!], 'volume.nii', { type: entry.contentType, lastModified: entry.createdAt });
    const c = now();
    await store.update(url, (row) => ({ ...row, lastAccessedAt: Date.now() }));
    const d = now();
    await store.addTotals({ hits: 1, bytesFromCache: entry.bytes });
    const e = now();
    const bytes = await files.readBlobBytes(entry.sha256);
    const f = now();
    if (!bytes || bytes.byteLength !== file.size) throw new Error('warmSteps: short read');
    return { ms: e - a, bytes: file.size, getMs: b - a, fileMs: c - b, touchMs: d - c, totalsMs: e - d, readBytesMs: f - e };
  },

  /** Removes what the mirror committed (files and rows), untimed between runs. */
  async clearMirror(): Promise<void> {
    const { files, store } = await openMirrorStorage();
    await store.clearEntries();
    await files.clearAll();
  },

  /** Everything this worker stored: OPFS folders, the mirror partition, the peers' Cache and database. */
  async clean(): Promise<void> {
    await api.clearMirror();
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(OPFS_LIMIT_DIR, { recursive: true }).catch(() => undefined);
    await caches.delete(CACHE_PEER);
    const db = await openPeerDatabase();
    const tx = db.transaction('blobs', 'readwrite');
    tx.objectStore('blobs').clear();
    await transactionDone(tx);
    db.close();
  },
};

export type BenchWorkerApi = typeof api;
expose(api);
