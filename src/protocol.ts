/**
 * The page <-> worker protocol, types only: both sides import it with
 * `import type`, so the page bundle never pulls in worker code.
 */
import type { CacheConfig, CacheEntry, CacheStats, CleanupReport, DownloadProgress, GetResult, MissingCapability, ServiceWorkerStatus, VolumeResult } from './types';

export interface EngineInitOptions {
  name: string;
  maxBytes?: number;
  defaultTtlSeconds?: number;
  verifyOnRead: boolean;
  stallTimeoutSeconds?: number;
  fileLeaseSeconds?: number;
  /**
   * How long the service worker reuses a stored file it opened and checked
   * for one request for the next ones (a viewer's burst of ranges); it also
   * bounds how long damage done on disk behind the cache's back goes
   * unnoticed. Milliseconds, default 2000.
   */
  reuseOpenedFileMs?: number;
  /** Cache responses to requests that carry Authorization. */
  cacheAuthorized?: boolean;
  /** The partition's AES-GCM key, when it is encrypted at rest. */
  encryptionKey?: CryptoKey;
  keepDecoded?: boolean | 'pinned-only';
  memoryBytes?: number;
  /** Background thumbnail jobs (off in the service worker). */
  thumbnails?: boolean;
  /** Absolute URL of the hash worker script, when the application hosts it itself. */
  hashWorkerUrl?: string;
}

/** A memo result as it crosses to and from the worker: bytes with their array type, or a structured value. */
export type MemoPayload = { kind: 'binary'; arrayType: string; data: ArrayBuffer } | { kind: 'value'; value: unknown };

export interface EngineInfo {
  mode: 'opfs' | 'network-only';
  /** The engine's library version (the page compares it with its own). */
  version: string;
  missing: MissingCapability[];
  config: CacheConfig;
}

/** One get/pin call. The page resolves the URL and derives the key (cacheKey runs there). */
export interface EngineRequest {
  /** Lets the page abort this call with `abort(requestId)`: AbortSignal cannot cross to a worker. */
  requestId: string;
  url: string;
  key: string;
  ttlSeconds?: number;
  integrity?: string;
  headers?: Record<string, string>;
  expect?: 'nifti' | 'any';
  respectNoStore?: boolean;
}

/** What the service worker records about itself; the page's engine adds how its version compares. */
export type RecordedServiceWorkerStatus = Omit<ServiceWorkerStatus, 'sameVersion' | 'version' | 'failures' | 'lastFailure'> & {
  version?: string;
  failures?: number;
  lastFailure?: string | null;
};

export type ProgressCallback = (progress: DownloadProgress) => void;

export interface ArrayBufferResult extends Omit<GetResult, 'file'> {
  buffer: ArrayBuffer;
}

/** Stats as the worker knows them; `persisted` is filled in on the page, where persist() lives. */
export type EngineStats = CacheStats;

export interface VolumeCacheEngine {
  init(options: EngineInitOptions): Promise<EngineInfo>;
  get(request: EngineRequest, onProgress?: ProgressCallback): Promise<GetResult>;
  getArrayBuffer(request: EngineRequest, onProgress?: ProgressCallback): Promise<ArrayBufferResult>;
  getCachedFile(key: string): Promise<{ file: File; entry: CacheEntry } | null>;
  pin(request: EngineRequest, onProgress?: ProgressCallback): Promise<CacheEntry>;
  unpin(key: string): Promise<boolean>;
  invalidate(key: string): Promise<boolean>;
  clear(): Promise<void>;
  cleanup(): Promise<CleanupReport>;
  stats(): Promise<EngineStats>;
  entries(): Promise<CacheEntry[]>;
  configure(patch: Partial<CacheConfig>): Promise<CacheConfig>;
  abort(requestId: string): void;
  close(): Promise<void>;
  /** Closes and removes the partition: its files, its database, everything. */
  destroy(): Promise<void>;
  getVolume(request: EngineRequest, onProgress?: ProgressCallback): Promise<VolumeResult>;
  /** `id` is the page's memoKey() digest (64 hex digits, else invalid-argument): the engine keeps memos apart from its own records by it. */
  readMemo(id: string): Promise<MemoPayload | null>;
  /** Which of `keys` have no entry (none when nothing is stored: the cache runs network-only). */
  uncachedKeys(keys: string[]): Promise<string[]>;
  /** `id` as for readMemo; `sourceKeys` are cache keys of entries the result derives from. */
  writeMemo(id: string, payload: MemoPayload, options: { ttlSeconds?: number; sourceKeys: string[] }): Promise<void>;
  /** The PNG thumbnail of a cached volume, or null while it is pending (a job is queued). */
  thumbnail(key: string): Promise<Blob | null>;
}

/** What the service worker needs beyond the page API: it serves bytes itself. */
export interface ServiceWorkerEngine extends VolumeCacheEngine {
  /**
   * The stored entry for a key, fresh or not, without counting anything; null
   * if absent or damaged. `file` is the plaintext File in a plain partition;
   * in an encrypted one it is null and `stored` must be decrypted with `encryptionKey`.
   */
  lookup(key: string): Promise<{ entry: CacheEntry; file: File | null; stored: Blob; encryptionKey: CryptoKey | null; fresh: boolean } | null>;
  /** Caches a response the service worker already fetched (its body is being streamed to the page too). */
  ingest(request: EngineRequest, response: Response): Promise<GetResult>;
  /** Waits until no context holds the download lock of `key`. */
  waitForDownload(key: string): Promise<void>;
  /** Counts a response served from the cache, whose body carried `bodyBytes` of it (a range's length). Not called for HEAD, which counts nothing. */
  recordHit(entry: CacheEntry, kind: 'hit' | 'stale', bodyBytes: number): Promise<void>;
  /** Counts a volume request that went to the network uncached. */
  recordPassThrough(): Promise<void>;
  setServiceWorkerStatus(status: RecordedServiceWorkerStatus): Promise<void>;
}
