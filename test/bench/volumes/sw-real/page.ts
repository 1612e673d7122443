// Page controlled by the real volume-cache service worker
// (registerVolumeCacheServiceWorker, scope: this folder), sharing partition
// "bench-sw" with this page's own cache, which stores the entries.
import { createVolumeCache, registerVolumeCacheServiceWorker, type VolumeCache } from '../../../../src/index';
import type { ColdGetResult, SwFetchResult } from '../protocol';

const PARTITION = 'bench-sw';
const now = (): number => performance.now();
let cache: VolumeCache | null = null;

async function start(): Promise<void> {
  await registerVolumeCacheServiceWorker({ scope: new URL('./', location.href).pathname, name: PARTITION, match: { pathPrefixes: ['/gen/'] } });
  cache = await createVolumeCache({ name: PARTITION, maxBytes: 16 * 1024 ** 3 });
}

async function viewerFetch(url: string, headers: Record<string, string> = {}): Promise<SwFetchResult> {
  const started = now();
  const response = await fetch(url, { headers });
  const buffer = await response.arrayBuffer();
  return { ms: now() - started, bytes: buffer.byteLength, status: response.status, cacheHeader: response.headers.get('X-Volume-Cache') };
}

const calls = {
  /** Caches `url` in the shared partition through this page's cache (untimed setup). */
  async store(url: string): Promise<ColdGetResult> {
    const started = now();
    const { file, status, entry } = await cache!.get(url);
    return { ms: now() - started, bytes: file.size, status, sha256: entry?.sha256 ?? '' };
  },
  /** A viewer's plain fetch() of the whole cached volume, answered by the service worker. */
  full: (url: string): Promise<SwFetchResult> => viewerFetch(url),
  /** A 1 MiB Range request, answered by the service worker from the cached volume. */
  range: (url: string, start: number, length: number): Promise<SwFetchResult> => viewerFetch(url, { Range: `bytes=${start}-${start + length - 1}` }),
  /** SHA-256 of the whole answer (verification, untimed). */
  async fullSha256(url: string): Promise<string> {
    const buffer = await (await fetch(url)).arrayBuffer();
    return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)), (b) => b.toString(16).padStart(2, '0')).join('');
  },
  async clear(): Promise<void> {
    await cache!.clear();
  },
  controlled: (): string | null => navigator.serviceWorker.controller?.scriptURL ?? null,
};

window.swBench = {
  ready: start(),
  async call(name, ...args) {
    const call = (calls as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    if (!call) throw new Error(`no call ${name}`);
    return call(...args);
  },
};
