/**
 * Page-side functions the smoke tests run in WebKit. Each is sent as source
 * text (WebDriver's execute async script), so each must be self-contained:
 * no imports, no helpers or constants from outside its own body.
 */

/** What one cache call returned, read back and hashed on the page; or how it failed. */
export type CallOutcome =
  | {
      ok: true;
      status: string | null;
      size: number;
      sha256: string;
      /** getVolume only. */
      volume?: { dims: number[]; datatype: string; voxelBytes: number; voxelsSha256: string; decodedFrom: string };
    }
  | { ok: false; isVolumeCacheError: boolean; name: string; code: string | null };

export interface CacheCall {
  method: 'get' | 'getArrayBuffer' | 'getVolume';
  path: string;
  integrity?: string;
}

export interface CacheCallsInput {
  partition: string;
  /** Open the partition with the page's AES-GCM key (made once per page, non-extractable). */
  encrypted?: boolean;
  calls: CacheCall[];
  /** Also try a get() after close(), which must fail with code `closed`. */
  getAfterClose?: string;
}

export interface CacheCallsResult {
  /** createVolumeCache()'s failure, if it failed; then nothing else ran. */
  openFailure: CallOutcome | null;
  outcomes: CallOutcome[];
  afterClose: CallOutcome | null;
  stats: { mode: string; missing: string[]; writePath: string; entries: number; serviceWorker: { mode: string } | null } | null;
}

/** Opens a partition, runs `calls` in order, and reports each outcome and stats() at the end. */
export async function cacheCalls(input: CacheCallsInput): Promise<CacheCallsResult> {
  const lib = window.volumeCache!;
  const failure = (error: unknown): CallOutcome => ({
    ok: false,
    isVolumeCacheError: error instanceof lib.VolumeCacheError,
    name: error instanceof Error ? error.name : typeof error,
    code: error instanceof lib.VolumeCacheError ? error.code : null,
  });
  const page = window as unknown as { testKey?: CryptoKey };
  if (input.encrypted) page.testKey ??= await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  let cache: Awaited<ReturnType<typeof lib.createVolumeCache>>;
  try {
    cache = await lib.createVolumeCache({ name: input.partition, ...(input.encrypted ? { encryption: { key: page.testKey! } } : {}) });
  } catch (error) {
    return { openFailure: failure(error), outcomes: [], afterClose: null, stats: null };
  }
  const outcomes: CallOutcome[] = [];
  for (const call of input.calls) {
    const options = call.integrity ? { integrity: call.integrity } : {};
    try {
      if (call.method === 'get') {
        const { status, file } = await cache.get(call.path, options);
        outcomes.push({ ok: true, status, size: file.size, sha256: await window.sha256Hex(file) });
      } else if (call.method === 'getArrayBuffer') {
        const buffer = await cache.getArrayBuffer(call.path, options);
        outcomes.push({ ok: true, status: null, size: buffer.byteLength, sha256: await window.sha256Hex(buffer) });
      } else {
        const { status, file, header, voxels, decodedFrom } = await cache.getVolume(call.path, options);
        outcomes.push({
          ok: true,
          status,
          size: file.size,
          sha256: await window.sha256Hex(file),
          volume: { dims: header.dims, datatype: header.datatype, voxelBytes: voxels.byteLength, voxelsSha256: await window.sha256Hex(voxels), decodedFrom },
        });
      }
    } catch (error) {
      outcomes.push(failure(error));
    }
  }
  const { mode, missing, writePath, entries, serviceWorker } = await cache.stats();
  cache.close();
  let afterClose: CallOutcome | null = null;
  if (input.getAfterClose) {
    try {
      await cache.get(input.getAfterClose);
      afterClose = { ok: true, status: 'resolved after close()', size: 0, sha256: '' };
    } catch (error) {
      afterClose = failure(error);
    }
  }
  return { openFailure: null, outcomes, afterClose, stats: { mode, missing, writePath, entries, serviceWorker } };
}

/**
 * The storage and stream APIs WebKit offers, before the library looks: on the
 * page, and whether a dedicated worker's createSyncAccessHandle() exists and
 * opens (`works`, `absent`, `refused: <error name>`, or `no-opfs`).
 */
export async function platformSurface() {
  let byteStreams = true;
  try {
    new ReadableStream({ type: 'bytes' });
  } catch {
    byteStreams = false;
  }
  const workerSource = `onmessage = async () => {
    if (!self.navigator.storage || !navigator.storage.getDirectory) return postMessage('no-opfs');
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle('webkit-smoke-probe', { create: true });
    let answer = 'absent';
    if ('createSyncAccessHandle' in handle) {
      try { (await handle.createSyncAccessHandle()).close(); answer = 'works'; } catch (error) { answer = 'refused: ' + error.name; }
    }
    await root.removeEntry('webkit-smoke-probe').catch(() => undefined);
    postMessage(answer);
  };`;
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const syncAccessHandle = await new Promise<string>((resolve) => {
    worker.onmessage = (event) => resolve(String(event.data));
    worker.onerror = (event) => resolve(`worker failed: ${event.message}`);
    worker.postMessage(null);
  });
  worker.terminate();
  URL.revokeObjectURL(url);
  return {
    storageManager: typeof navigator.storage,
    getDirectory: typeof navigator.storage?.getDirectory,
    syncAccessHandle,
    serviceWorker: 'serviceWorker' in navigator,
    subtleCrypto: typeof crypto.subtle?.importKey,
    /** Byte streams, which BYOB readers of fetch bodies need. */
    byteStreams,
  };
}

/** Registers the prebuilt service worker for /data/ and /gen/ with `partition`; resolves with the script controlling the page. */
export async function registerServiceWorker(partition: string): Promise<string | null> {
  await window.volumeCache!.registerVolumeCacheServiceWorker({ name: partition, match: { pathPrefixes: ['/data/', '/gen/'] } });
  return navigator.serviceWorker.controller ? new URL(navigator.serviceWorker.controller.scriptURL).pathname : null;
}

export interface ViewerFetchResult {
  status: number;
  /** X-Volume-Cache: hit or miss when the service worker answered from the partition; null when it passed the request through. */
  cache: string | null;
  contentRange: string | null;
  size: number;
  sha256: string;
}

/** A plain fetch, as a viewer makes it (optionally a Range), then waits until the service worker has finished caching it. */
export async function viewerFetch({ partition, path, range }: { partition: string; path: string; range?: string }): Promise<ViewerFetchResult> {
  const response = await fetch(path, range ? { headers: { Range: range } } : {});
  const body = await response.arrayBuffer();
  await window.cachingSettled(partition, path);
  return {
    status: response.status,
    cache: response.headers.get('X-Volume-Cache'),
    contentRange: response.headers.get('Content-Range'),
    size: body.byteLength,
    sha256: await window.sha256Hex(body),
  };
}

/** The status row the service worker wrote to the partition's database (its mode), read with plain IndexedDB; null if none. */
export async function recordedServiceWorkerMode(partition: string): Promise<string | null> {
  // Never open a database that does not exist yet: that would create it empty, at version 1, under the library.
  if (!(await indexedDB.databases()).some((database) => database.name === `volume-cache:${partition}`)) return null;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`volume-cache:${partition}`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    if (!db.objectStoreNames.contains('meta')) return null;
    const row = await new Promise<{ serviceWorker?: { mode: string } } | undefined>((resolve, reject) => {
      const request = db.transaction('meta').objectStore('meta').get('service-worker');
      request.onsuccess = () => resolve(request.result as { serviceWorker?: { mode: string } } | undefined);
      request.onerror = () => reject(request.error);
    });
    return row?.serviceWorker?.mode ?? null;
  } finally {
    db.close();
  }
}
