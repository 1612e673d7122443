// The main page of `npm run bench` (not controlled by any service worker):
// owns the volume-cache instance under test and the bench worker, and exposes
// one entry point, window.volumeBench.call(name, ...args), to the Node driver.

import { wrap } from 'comlink';
import { createVolumeCache, type VolumeCache } from '../../../src/index';
import type { BenchWorkerApi } from './bench.worker';
import type { ColdGetResult, Timed } from './protocol';

const worker = wrap<BenchWorkerApi>(new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'bench' }));
let cache: VolumeCache | null = null;

const now = (): number => performance.now();

async function sha256Hex(buffer: ArrayBuffer): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function opened(): VolumeCache {
  if (!cache) throw new Error('cacheOpen first');
  return cache;
}

/**
 * Waits (untimed) for the background thumbnail a cold get schedules for
 * volumes up to 256 MiB of voxels, so its decoding does not run during the
 * next timed case. It is scheduled just after get() returns, hence the pause.
 */
async function thumbnailsSettled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  while ((await opened().stats()).thumbnails.pending > 0) await new Promise((resolve) => setTimeout(resolve, 100));
}

const pageCalls = {
  /** Starts the library's worker (untimed), so cold gets time only the download. */
  async cacheOpen(name: string): Promise<unknown> {
    // No read lease: clear() between cases then removes the file at once.
    // With the default 60 s lease the file a cold get handed out outlived
    // the clear, and the next "cold" download found its bytes already stored
    // (dropping its own copy instead of committing it: a case no first visit has).
    cache = await createVolumeCache({ name, maxBytes: 16 * 1024 ** 3, fileLeaseSeconds: 0 });
    return (await cache.stats()).mode;
  },
  /** getFile() cold: download, hash, write, validate, commit. Uses get() for the entry's SHA-256 (getFile is get().file). */
  async coldGet(url: string): Promise<ColdGetResult> {
    const started = now();
    const { file, status, entry } = await opened().get(url);
    const ms = now() - started;
    return { ms, bytes: file.size, status, sha256: entry?.sha256 ?? '' };
  },
  /** Waits for the background thumbnail a cold get scheduled (untimed, and outside the memory watch: its decoding is not the download's). */
  async thumbnailsSettled(): Promise<void> {
    await thumbnailsSettled();
  },
  /** getArrayBuffer() of a cached entry, the bytes transferred to this page. */
  async warmArrayBuffer(url: string): Promise<Timed> {
    const started = now();
    const buffer = await opened().getArrayBuffer(url);
    return { ms: now() - started, bytes: buffer.byteLength };
  },
  /** getFile() of a cached entry: the OPFS-backed File handle alone. */
  async warmGetFile(url: string): Promise<Timed> {
    const started = now();
    const file = await opened().getFile(url);
    return { ms: now() - started, bytes: file.size };
  },
  /** SHA-256 of what getArrayBuffer() returns (verification, untimed). */
  async warmArrayBufferSha256(url: string): Promise<string> {
    return sha256Hex(await opened().getArrayBuffer(url));
  },
  async cacheStatus(url: string): Promise<string> {
    return (await opened().get(url)).status;
  },
  async cacheClear(): Promise<void> {
    await opened().clear();
  },
  async usage(): Promise<number | null> {
    return (await navigator.storage.estimate()).usage ?? null;
  },
};

type Calls = Record<string, (...args: never[]) => Promise<unknown> | unknown>;

declare global {
  interface Window {
    volumeBench?: { call(name: string, ...args: unknown[]): Promise<unknown> };
  }
}

window.volumeBench = {
  async call(name, ...args) {
    const own = (pageCalls as unknown as Calls)[name];
    if (own) return own(...(args as never[]));
    const remote = (worker as unknown as Calls)[name];
    if (!remote) throw new Error(`no bench call ${name}`);
    return remote(...(args as never[]));
  },
};
