// Page controlled by the bench's bare service worker (scope: this folder).
import type { SwFetchResult } from '../protocol';

const FOLDER = 'bench-sw-bare';
const now = (): number => performance.now();

async function controlled(): Promise<void> {
  await navigator.serviceWorker.register(new URL('./bare-sw.js', import.meta.url), { scope: './' });
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller) return;
  await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
}

const calls = {
  /** Stores a download as OPFS bench-sw-bare/<name> (untimed setup). */
  async store(url: string, name: string): Promise<number> {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER, { create: true });
    const handle = await folder.getFileHandle(name, { create: true });
    const response = await fetch(url, { cache: 'no-store' });
    if (response.status !== 200 || !response.body) throw new Error(`GET ${url}: ${response.status}`);
    await response.body.pipeTo(await handle.createWritable());
    return (await handle.getFile()).size;
  },
  /** The whole stored file through the bare service worker, read into one ArrayBuffer. */
  async full(name: string): Promise<SwFetchResult> {
    const started = now();
    const response = await fetch(`./bare-opfs/${name}`);
    const buffer = await response.arrayBuffer();
    return { ms: now() - started, bytes: buffer.byteLength, status: response.status, cacheHeader: null };
  },
  /** A 1 MiB Range through the bare service worker. */
  async range(name: string, start: number, length: number): Promise<SwFetchResult> {
    const started = now();
    const response = await fetch(`./bare-opfs/${name}`, { headers: { Range: `bytes=${start}-${start + length - 1}` } });
    const buffer = await response.arrayBuffer();
    return { ms: now() - started, bytes: buffer.byteLength, status: response.status, cacheHeader: null };
  },
  /** `length` bytes the bare service worker keeps in memory: what any service worker's answer of that size costs. */
  async fromMemory(length: number): Promise<SwFetchResult> {
    const started = now();
    const response = await fetch(`./bare-memory/${length}`);
    const buffer = await response.arrayBuffer();
    return { ms: now() - started, bytes: buffer.byteLength, status: response.status, cacheHeader: null };
  },
  async remove(): Promise<void> {
    await (await navigator.storage.getDirectory()).removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
  },
  controlled: (): boolean => navigator.serviceWorker.controller !== null,
};

declare global {
  interface Window {
    swBench?: { ready: Promise<void>; call(name: string, ...args: unknown[]): Promise<unknown> };
  }
}

window.swBench = {
  ready: controlled(),
  async call(name, ...args) {
    const call = (calls as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    if (!call) throw new Error(`no call ${name}`);
    return call(...args);
  },
};
