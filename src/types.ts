/**
 * Public types shared by the page-side client, the worker engine and the
 * service worker. Type-only: importing it never pulls code into a bundle.
 */
import type { NiftiHeaderInfo } from './nifti/NiftiHeaderInfo';
import type { CacheChange } from './shared/cacheChanges';

export type { NiftiHeaderInfo };

/** How a `get()` was answered. */
export type CacheStatus =
  /** Fresh entry served from OPFS; no network. */
  | 'hit'
  /** Downloaded now and cached. */
  | 'miss'
  /** Entry had expired; the server answered 304 and its expiry was renewed. */
  | 'revalidated'
  /** Entry had expired and revalidation failed (offline, 5xx); the old copy was served. */
  | 'stale'
  /** Downloaded but not cached: larger than maxBytes, no room beside pinned entries, or storage unavailable. */
  | 'uncached';

/** Summary of a NIfTI header, kept with each entry. */
export interface NiftiSummary {
  version: 1 | 2;
  /** Sizes of the used dimensions, dims[1..dims[0]]. */
  dims: number[];
  /** Voxel sizes for the spatial dimensions (pixdim[1..3]), in `spatialUnits`. */
  voxelSize: number[];
  /** NIfTI datatype code, e.g. 2 (uint8), 4 (int16), 16 (float32). */
  datatypeCode: number;
  /** Datatype name, e.g. "uint8", "int16", "float32". */
  datatype: string;
  bitsPerVoxel: number;
  littleEndian: boolean;
  /** Whether the stored file is gzip-compressed (.nii.gz). */
  compressed: boolean;
  description: string;
}

/** One cached volume, as `entries()` lists it. Times are epoch milliseconds. */
export interface CacheEntry {
  /** Cache key: the URL without fragment, or what `cacheKey(url)` returned. */
  key: string;
  /** The URL it was last downloaded from. */
  url: string;
  bytes: number;
  /** Lower-case hex SHA-256 of the stored bytes (as the caller receives them). */
  sha256: string;
  contentType: string;
  /**
   * The Content-Encoding the server sent (e.g. "gzip"), which the browser
   * removed: the stored bytes, `bytes` and `sha256` are of the decoded file
   * (a .nii.gz sent with Content-Encoding: gzip is stored as the .nii inside
   * it, and its File is named .nii). null when the transfer was not encoded.
   */
  contentEncoding: string | null;
  etag: string | null;
  lastModified: string | null;
  createdAt: number;
  /** The last use, epoch ms: the clock's time, but never earlier than a use recorded before it (a clock set back does not reorder uses). */
  lastAccessedAt: number;
  expiresAt: number;
  pinned: boolean;
  /** Header summary, or null when cached with `expect: 'any'` and not NIfTI. */
  nifti: NiftiSummary | null;
}

export interface DownloadProgress {
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** Expected bytes, or null when the server did not say. */
  total: number | null;
}

export interface VolumeCacheOptions {
  /**
   * Partition name: separate OPFS directory and IndexedDB database.
   * @default "default"
   */
  name?: string;
  /**
   * Budget for cached bytes; least-recently-used unpinned entries are evicted beyond it.
   * Persisted with the partition.
   * @default 2 GiB
   */
  maxBytes?: number;
  /**
   * How long an entry stays fresh before it is revalidated. Persisted with the partition.
   * @default 7 days
   */
  defaultTtlSeconds?: number;
  /** Maps a URL to its cache key, e.g. to drop signed-URL tokens. Runs on the page. */
  cacheKey?: (url: URL) => string;
  /**
   * Re-hash the stored file on every read; a mismatch drops the entry and downloads again.
   * @default false
   */
  verifyOnRead?: boolean;
  /**
   * When to call `navigator.storage.persist()`: on the first `pin()` (user intent),
   * at start-up, or only when `requestPersistence()` is called.
   * @default "on-first-pin"
   */
  persistence?: 'on-first-pin' | 'at-start' | 'manual';
  /**
   * A download that receives nothing (no headers, no body bytes) for this
   * long is cut and resumed, so a stalled connection never hangs a load.
   * @default 30
   */
  stallTimeoutSeconds?: number;
  /**
   * A File handed out (by get/getFile, or streamed by the service worker)
   * stays readable at least this long even if another tab evicts, replaces
   * or clears its entry: the file's removal waits for it. Read it, or copy
   * it, within this time. `destroy()` and `clearOnLogout()` do not wait.
   * @default 60
   */
  fileLeaseSeconds?: number;
  /**
   * Cache responses to requests that carry an Authorization header. Off by
   * default: such a response belongs to one user, so it is returned
   * `uncached` unless this partition is that user's own.
   * @default false
   */
  cacheAuthorized?: boolean;
  /**
   * Encrypt the partition at rest with this AES-GCM key (ideally
   * non-extractable, from the application's login session). Files are sealed
   * in 1 MiB chunks and identifying metadata is sealed too; see docs/security.md.
   * A partition is created encrypted or not and must always be opened the same way.
   */
  encryption?: { key: CryptoKey };
  /**
   * Keep decoded voxels of volumes opened with getVolume(), so the next open
   * skips gunzip and parsing: for every volume, none, or pinned ones only.
   * @default true
   */
  keepDecoded?: boolean | 'pinned-only';
  /**
   * Budget of the in-memory tier of recently opened decoded volumes (in the
   * worker), so switching back and forth costs nothing. 0 turns it off.
   * @default 256 MiB
   */
  memoryBytes?: number;
  /**
   * Render a thumbnail of each cached volume in the background (needs OffscreenCanvas).
   * @default true
   */
  thumbnails?: boolean;
  /**
   * The engine worker, for bundlers that cannot follow `new URL(..., import.meta.url)`:
   * the URL where the application serves `volume-cache/worker` (dist/worker.js),
   * or a module Worker it started from that file. By default the library starts
   * its own, which Vite and webpack copy into the application's build.
   */
  worker?: Worker | string | URL;
  /**
   * Where the application serves `volume-cache/sha256-worker` (dist/sha256-worker.js),
   * the worker that hashes large downloads beside the engine. Only needed when
   * that file is not next to the engine worker (a bundler renamed or moved it);
   * relative URLs resolve against the page.
   */
  hashWorkerUrl?: string | URL;
}

export interface GetOptions {
  /** Freshness for this entry; overrides `defaultTtlSeconds`. */
  ttlSeconds?: number;
  /** Subresource Integrity string, `sha256-<base64>`. A mismatch fails with `integrity`. */
  integrity?: string;
  /** Called at most every ~100 ms while downloading, and once at the end. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborting stops the network transfer (unless another caller shares it). */
  signal?: AbortSignal;
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /**
   * `'nifti'` validates the whole file as NIfTI and fails with `not-nifti` or `corrupt`;
   * `'any'` caches any body.
   * @default "nifti"
   */
  expect?: 'nifti' | 'any';
  /**
   * Honour `Cache-Control: no-store` on the response (return it with status `uncached`).
   * @default false
   */
  respectNoStore?: boolean;
}

export interface GetResult {
  /** OPFS-backed File: reading it streams from disk, it is not held in memory. */
  file: File;
  status: CacheStatus;
  /** The entry, or null when the result was not cached. */
  entry: CacheEntry | null;
}

export interface PrefetchOptions {
  /** @default 2 */
  concurrency?: number;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export type PrefetchResult =
  | { url: string; ok: true; status: CacheStatus }
  | { url: string; ok: false; code: string; message: string };

export interface PinOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  expect?: 'nifti' | 'any';
}

/** A capability the cache could not use in this browser, which limits what it does. */
export type MissingCapability = 'worker' | 'hash-worker' | 'opfs' | 'sync-access-handle' | 'indexeddb' | 'webassembly' | 'web-locks';

export interface CacheStats {
  /** Requests answered from the cache (hit, revalidated or stale). A HEAD to the service worker counts in neither this nor `misses`. */
  hits: number;
  /** Requests that downloaded (miss or uncached). */
  misses: number;
  /** hits / (hits + misses), from 0 to 1; 0 before any request. */
  hitRate: number;
  entries: number;
  /** Bytes on disk for cached entries (shared files counted once). */
  bytes: number;
  maxBytes: number;
  defaultTtlSeconds: number;
  pinnedBytes: number;
  downloads: number;
  bytesFromNetwork: number;
  /** Bytes served from the cache: the whole file for a page-API hit, the body of each service-worker answer (a range counts its length, HEAD nothing). */
  bytesFromCache: number;
  evictions: number;
  revalidations: number;
  stale: number;
  uncached: number;
  /** Stored files found damaged and dropped. */
  corrupt: number;
  /** Volumes decoded (gunzipped and parsed) by getVolume() or a thumbnail job. */
  decodes: number;
  /** getVolume() calls answered from a stored decoded copy or the memory tier, without decoding. */
  decodedHits: number;
  /** Derived results kept (decoded volumes, thumbnails, memo) and their bytes, which count against maxBytes. */
  derivedResults: number;
  derivedBytes: number;
  /**
   * Background thumbnail jobs: `pending` counts those queued or running (a
   * get that caches a volume queues its job before it answers), `done` those
   * that made a thumbnail, `failed` those that threw.
   */
  thumbnails: { pending: number; done: number; failed: number };
  /** From navigator.storage.estimate(), or null if unavailable. */
  usage: number | null;
  quota: number | null;
  /** From navigator.storage.persisted(), or null if unavailable. */
  persisted: boolean | null;
  /** `'opfs'` when caching works; `'network-only'` when storage is unavailable and every get is `uncached`. */
  mode: 'opfs' | 'network-only';
  missing: MissingCapability[];
  /**
   * How this context writes downloads: `sync-access-handle` (the engine's
   * dedicated worker; the fastest), `writable-stream` (createWritable(): the
   * engine on the page, and browsers whose SyncAccessHandles are missing or
   * refuse to open, as WebKitGTK's do), `none` (network-only).
   */
  writePath: 'sync-access-handle' | 'writable-stream' | 'none';
  /** What the service worker serving this partition can do, or null if none has started. */
  serviceWorker: ServiceWorkerStatus | null;
}

/**
 * How the service worker handles volume requests in this browser:
 * `read-write` serves hits and caches misses; `read-only` serves hits but
 * passes misses through uncached (no createWritable() in service workers);
 * `pass-through` touches nothing (no OPFS or IndexedDB there).
 */
export interface ServiceWorkerStatus {
  mode: 'read-write' | 'read-only' | 'pass-through';
  missing: MissingCapability[];
  /** When the service worker last started, epoch ms. */
  startedAt: number;
  /** The service worker's library version; null for one from before versions were recorded. */
  version: string | null;
  /**
   * false when the service worker comes from another release than this
   * library: copy volume-cache-sw.js again (`npx volume-cache init <dir>`).
   */
  sameVersion: boolean;
  /**
   * Storage failures the service worker met since it started (its database
   * closed under it, a removed folder...); after each it reopens the
   * partition, passing requests through meanwhile. 0 for a row from before
   * this was recorded.
   */
  failures: number;
  /** The last of them, as a message; null when there was none. */
  lastFailure: string | null;
}

export interface CacheConfig {
  maxBytes: number;
  defaultTtlSeconds: number;
}

/** What `cleanup()` removed. */
export interface CleanupReport {
  /** Expired, unpinned entries. */
  expired: number;
  /** Entries evicted to get back under maxBytes. */
  evicted: number;
  /** Leftover temporary files (killed downloads, old uncached results). */
  temporaries: number;
  /** Stored files no entry referenced. */
  orphanFiles: number;
}

/** A volume ready to render: its header and voxels. */
export interface VolumeResult {
  /** Parsed NIfTI header (structured-cloneable; see NiftiHeaderInfo). */
  header: NiftiHeaderInfo;
  /** Exactly the voxel bytes, in the platform's byte order, transferred (not copied) from the worker. */
  voxels: ArrayBuffer;
  /** The source file, as get() returns it. */
  file: File;
  status: CacheStatus;
  /** Where the voxels came from: decoded now, a stored decoded copy, or the memory tier. */
  decodedFrom: 'decode' | 'disk' | 'memory';
}

export interface MemoOptions {
  /** Part of the key: a new version invalidates older results. */
  version: string | number;
  /** Expire the result after this long; by default it lives as long as its sources. */
  ttlSeconds?: number;
  /** Top-level inputs left out of the key (e.g. a progress callback or a display-only label). */
  ignore?: string[];
  /** Recompute and store, ignoring a stored result. */
  force?: boolean;
  /** Cached volumes (URLs) the result derives from: it is removed when any of them leaves the cache. */
  sources?: (string | URL)[];
}

export interface VolumeCache {
  /** The partition name. */
  readonly name: string;
  /** The volume as an OPFS-backed File (downloaded and cached if needed). */
  getFile(url: string | URL, options?: GetOptions): Promise<File>;
  /** The volume with how it was answered and its entry. */
  get(url: string | URL, options?: GetOptions): Promise<GetResult>;
  /** The volume's bytes in memory. */
  getArrayBuffer(url: string | URL, options?: GetOptions): Promise<ArrayBuffer>;
  /**
   * The volume ready to render: its parsed header and voxels (gunzipped,
   * in platform byte order). A repeat open reads the stored decoded copy, or
   * the worker's memory tier, instead of decoding again.
   */
  getVolume(url: string | URL, options?: GetOptions): Promise<VolumeResult>;
  /**
   * Runs `compute` once per key, inputs and version, and keeps its result
   * (ArrayBuffer, typed array, or a structured-cloneable value) in the cache;
   * later calls with the same key, inputs and version return the kept result.
   */
  memo<T>(key: string, inputs: Record<string, unknown>, compute: () => T | Promise<T>, options: MemoOptions): Promise<T>;
  /** A small PNG of the volume's middle axial slice, or null while it is being made in the background. */
  thumbnail(url: string | URL): Promise<Blob | null>;
  /** The cached File, expired or not, without touching the network; null if not cached. */
  getCachedFile(url: string | URL): Promise<File | null>;
  /** Downloads volumes into the cache; settles when all are done, never rejects for one URL. */
  prefetch(urls: Iterable<string | URL>, options?: PrefetchOptions): Promise<PrefetchResult[]>;
  /** Downloads what is missing and pins it: never evicted, never expired away. */
  pin(url: string | URL, options?: PinOptions): Promise<CacheEntry>;
  pin(urls: Iterable<string | URL>, options?: PinOptions): Promise<CacheEntry[]>;
  unpin(url: string | URL): Promise<boolean>;
  /** Removes one entry; true if it existed. */
  invalidate(url: string | URL): Promise<boolean>;
  /** Removes every entry, pinned ones included. */
  clear(): Promise<void>;
  /** Removes expired unpinned entries and leftovers, and evicts down to maxBytes. */
  cleanup(): Promise<CleanupReport>;
  stats(): Promise<CacheStats>;
  /** Entries, most recently used first. */
  entries(): Promise<CacheEntry[]>;
  /** Changes and persists maxBytes / defaultTtlSeconds; shrinking maxBytes evicts at once. */
  configure(patch: Partial<CacheConfig>): Promise<CacheConfig>;
  /**
   * Asks the browser to keep this origin's storage under pressure
   * (navigator.storage.persist()). Resolves false if that throws or has not
   * answered within 5 s: Firefox waits on the user's answer to a prompt, and
   * headless Firefox never answers.
   */
  requestPersistence(): Promise<boolean>;
  /**
   * Calls `listener` whenever this partition changes in any tab, worker or the
   * service worker (entries, config, totals, download progress). Returns an unsubscribe function.
   */
  subscribe(listener: (change: CacheChange) => void): () => void;
  /** Stops the worker; later calls reject with `closed`. */
  close(): void;
  /**
   * Removes this partition entirely (its files and its database) and closes
   * every cache open on it, in this tab and others: for log-out.
   */
  destroy(): Promise<void>;
}

export interface VolumeRequestMatch {
  /** File-name endings that mark a volume. @default [".nii", ".nii.gz"] */
  extensions?: string[];
  /** Only URLs under these path prefixes. */
  pathPrefixes?: string[];
  /** Regular expressions the whole URL (href) may match instead of an extension; a RegExp keeps its flags. */
  patterns?: (RegExp | string)[];
  /** Other origins whose volumes are cached (they must allow CORS). */
  origins?: string[];
}

export interface RegisterServiceWorkerOptions {
  /**
   * Where the application serves `volume-cache-sw.js`: `npx volume-cache init public/`
   * copies it there (run it again after every upgrade). Its path limits the largest scope.
   * @default "/volume-cache-sw.js"
   */
  scriptURL?: string;
  /** @default "/" */
  scope?: string;
  /** Which requests are volumes. A function can only run in your own service worker: see installVolumeCacheRoutes. */
  match?: VolumeRequestMatch;
  /** Partition shared with createVolumeCache({ name }). @default "default" */
  name?: string;
  /** Query parameters left out of cache keys; pass the same list to cacheKeyIgnoring() for the page's cache. */
  ignoreSearchParams?: string[];
  /** Take over at once on install/update. @default true */
  skipWaiting?: boolean;
  /** Control already-open pages at once. @default true */
  clientsClaim?: boolean;
  /** Also cache responses marked Cache-Control: no-store. @default false */
  cacheNoStore?: boolean;
  /** Also cache cross-origin responses to credentialed requests. @default false */
  cacheCredentialed?: boolean;
  /** Also cache responses to requests carrying Authorization. @default false */
  cacheAuthorized?: boolean;
  /** Several people share this browser profile: do not cache responses marked Cache-Control: private. @default false */
  shared?: boolean;
  /** @default "nifti" */
  expect?: 'nifti' | 'any';
  /**
   * Keep the application's own files available offline too (network-first
   * copies of same-origin GETs), so the page opens with the network gone.
   * @default false
   */
  offlineShell?: boolean;
  /**
   * A stored file the service worker opened and checked for one request is
   * reused, unchecked, for the next ones within this many milliseconds (a
   * viewer's burst of ranges); it is also how long damage done to a file on
   * disk behind the cache's back can go unnoticed. 0 checks every request.
   * @default 2000
   */
  reuseOpenedFileMs?: number;
  /**
   * The key of an encrypted partition. It is sent to the service worker,
   * which keeps it in memory only; until a page sends it (after every
   * browser restart) the service worker passes requests through.
   */
  encryption?: { key: CryptoKey };
}
