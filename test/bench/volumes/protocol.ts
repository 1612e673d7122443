// Results the browser side of `npm run bench` hands back to the Node driver
// (test/bench/run.mjs). Everything is plain JSON: page.evaluate() carries it.

/** One timed operation: wall time in ms (performance.now()) and the bytes it moved. */
export interface Timed {
  ms: number;
  bytes: number;
}

export interface Hashed extends Timed {
  /** Lower-case hex SHA-256 of the bytes, checked by the driver against the server's. */
  sha256: string;
}

/** A store-then-read peer: store includes the download; read is the warm read back into one ArrayBuffer. */
export interface StoreRead {
  storeMs: number;
  readMs: number;
  bytes: number;
}

export type MirrorVariant =
  /** The same loop as src/engine/downloadVolume.ts, with the library's own sink, hasher and validator. */
  | 'default'
  /** As default, but the body is read with a BYOB reader into one reused 1 MiB buffer. */
  | 'byob'
  /** As default, but chunks are coalesced into 1 MiB before write, hash and validation. */
  | 'coalesce'
  /** As default, but hashing runs in a second worker (chunks transferred after the write). */
  | 'parallel-hash'
  /** As default, plus a per-read watchdog timer (setTimeout + Promise.race + clearTimeout), as a stall timeout would add. */
  | 'stall-timeout';

/**
 * Time per step of one cold download done the way downloadVolume() does it.
 * Step times are sums over chunks of performance.now() differences.
 */
export interface MirrorResult extends Hashed {
  variant: MirrorVariant;
  /** fetch() until the response headers (time to first byte). */
  headersMs: number;
  /** Temporary file, SyncAccessHandle, hasher and validator creation. */
  setupMs: number;
  /** Awaiting reader.read(): the network (or the stream) not having the next chunk ready. */
  waitMs: number;
  /** SyncAccessHandle.write(), plus flush() and close() at the end. */
  writeMs: number;
  /** hash-wasm update() per chunk and the final digest (parallel-hash: posting, back-pressure and the final digest wait). */
  hashMs: number;
  /** NiftiStreamValidator.push() per chunk and finish(). */
  validateMs: number;
  /** Web Lock, eviction check, move to blobs/<sha256>, IndexedDB row and totals, reading the File back. */
  commitMs: number;
  /** Coalescing copies (coalesce variant only). */
  copyMs: number;
  /** Everything else inside the loop: promise turns, progress bookkeeping. */
  otherMs: number;
  chunks: number;
}

export interface ColdGetResult extends Hashed {
  status: string;
}

export interface WorkerInfo {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  userAgent: string;
  /** Smallest non-zero step of performance.now() seen, ms. */
  timerResolutionMs: number;
}

export interface SwFetchResult extends Timed {
  status: number;
  /** X-Volume-Cache of the real service worker's answer (null from the bare one). */
  cacheHeader: string | null;
}

/** The steps of a warm get done the way the engine does them (getFile: get, readBlob, touch, totals; getArrayBuffer adds readBlobBytes). */
export interface WarmSteps {
  /** get + file + touch + totals: what a warm getFile costs inside the worker. */
  ms: number;
  bytes: number;
  getMs: number;
  fileMs: number;
  touchMs: number;
  totalsMs: number;
  readBytesMs: number;
}
