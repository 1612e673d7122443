import type { Page } from 'playwright-core';
import type { CacheConfig, CacheEntry, CacheStats, CacheStatus, CleanupReport, PrefetchResult, VolumeCache } from '../../../src/index';
import { serverRequests, type RequestRecord } from './harness';

declare global {
  interface Window {
    /** Caches opened by policyHelpers, kept open across page.evaluate calls. */
    policyCaches?: Map<string, VolumeCache>;
  }
}

export interface OpenCacheOptions {
  maxBytes?: number;
  defaultTtlSeconds?: number;
  verifyOnRead?: boolean;
  fileLeaseSeconds?: number;
  /** Query parameters the cache key drops (e.g. "v", "status"); by default the key is the URL. */
  ignoreParams?: string[];
}

/** A File as the test sees it: size, name and the SHA-256 of the bytes read back. */
export interface FileFacts {
  size: number;
  name: string;
  sha256: string;
}

export interface GetFacts extends FileFacts {
  status: CacheStatus;
  entry: CacheEntry | null;
}

/** A library rejection rebuilt in Node: `code` and `httpStatus` come from the VolumeCacheError. */
export interface PageError extends Error {
  code?: string;
  httpStatus?: number;
  isVolumeCacheError: boolean;
}

type Options = Record<string, unknown>;

let opened = 0;

/**
 * A VolumeCache living in the page (in window.policyCaches), driven one call
 * per page.evaluate. Files come back as FileFacts, rejections as PageError.
 */
export class PageCache {
  constructor(
    readonly page: Page,
    readonly id: string,
    readonly partition: string,
  ) {}

  get(path: string, options: Options = {}): Promise<GetFacts> {
    return this.call('get', [path, options]);
  }
  getCachedFile(path: string): Promise<FileFacts | null> {
    return this.call('getCachedFile', [path]);
  }
  prefetch(paths: string[], options: Options = {}): Promise<PrefetchResult[]> {
    return this.call('prefetch', [paths, options]);
  }
  pin(path: string): Promise<CacheEntry>;
  pin(paths: string[]): Promise<CacheEntry[]>;
  pin(target: string | string[]): Promise<CacheEntry | CacheEntry[]> {
    return this.call('pin', [target]);
  }
  unpin(path: string): Promise<boolean> {
    return this.call('unpin', [path]);
  }
  invalidate(path: string): Promise<boolean> {
    return this.call('invalidate', [path]);
  }
  clear(): Promise<void> {
    return this.call('clear', []);
  }
  cleanup(): Promise<CleanupReport> {
    return this.call('cleanup', []);
  }
  stats(): Promise<CacheStats> {
    return this.call('stats', []);
  }
  entries(): Promise<CacheEntry[]> {
    return this.call('entries', []);
  }
  /** `patch` is passed as is, so tests can send values the types forbid. */
  configure(patch: unknown): Promise<CacheConfig> {
    return this.call('configure', [patch]);
  }
  async close(): Promise<void> {
    await this.page.evaluate((id) => {
      window.policyCaches?.get(id)?.close();
      window.policyCaches?.delete(id);
    }, this.id);
  }

  private async call<T>(method: string, args: unknown[]): Promise<T> {
    const outcome = await this.page.evaluate(
      async ({ id, method, args }) => {
        const lib = window.volumeCache!;
        const cache = window.policyCaches?.get(id) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>> | undefined;
        if (!cache) throw new Error(`no open cache ${id}`);
        const facts = async (file: File) => ({ size: file.size, name: file.name, sha256: await window.sha256Hex(file) });
        const plain = async (value: unknown): Promise<unknown> => {
          if (value instanceof File) return facts(value);
          if (Array.isArray(value)) return Promise.all(value.map(plain));
          if (typeof value === 'object' && value !== null && 'file' in value && 'status' in value) {
            const result = value as { file: File; status: string; entry: unknown };
            return { ...(await facts(result.file)), status: result.status, entry: result.entry };
          }
          return value ?? null;
        };
        try {
          return { ok: true as const, value: await plain(await cache[method]!(...args)) };
        } catch (error) {
          const e = error as { code?: string; status?: number; message?: string };
          return {
            ok: false as const,
            code: e.code,
            httpStatus: e.status,
            message: e.message ?? String(error),
            isVolumeCacheError: error instanceof lib.VolumeCacheError,
          };
        }
      },
      { id: this.id, method, args },
    );
    if (outcome.ok) return outcome.value as T;
    const error = new Error(`${method}() rejected [${outcome.code}]: ${outcome.message}`) as PageError;
    if (outcome.code !== undefined) error.code = outcome.code;
    if (outcome.httpStatus !== undefined) error.httpStatus = outcome.httpStatus;
    error.isVolumeCacheError = outcome.isVolumeCacheError;
    throw error;
  }
}

/**
 * createVolumeCache({ name: partition, ... }) in the page. Read leases are off
 * unless asked for: policy tests look at OPFS right after an eviction, and
 * readLeases.test.ts tests the leases.
 */
export async function openCache(page: Page, partition: string, options: OpenCacheOptions = {}): Promise<PageCache> {
  options = { fileLeaseSeconds: 0, ...options };
  const id = `${partition}#${++opened}`;
  await page.evaluate(
    async ({ id, partition, options }) => {
      const { ignoreParams, ...rest } = options;
      const cache = await window.volumeCache!.createVolumeCache({
        name: partition,
        ...rest,
        ...(ignoreParams
          ? {
              cacheKey: (url: URL) => {
                for (const name of ignoreParams) url.searchParams.delete(name);
                url.hash = '';
                return url.href;
              },
            }
          : {}),
      });
      (window.policyCaches ??= new Map()).set(id, cache);
    },
    { id, partition, options },
  );
  return new PageCache(page, id, partition);
}

/** Closes every cache openCache() left open in the page. */
export async function closeAllCaches(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const cache of window.policyCaches?.values() ?? []) cache.close();
    window.policyCaches?.clear();
  });
}

/** Entry keys (absolute URLs) as path + query, in the order given. */
export function pathsOf(entries: readonly { key: string }[]): string[] {
  return entries.map((entry) => {
    const url = new URL(entry.key);
    return url.pathname + url.search;
  });
}

/** GET requests the test server saw for exactly `path` (with query), oldest first. */
export async function getsFor(path: string): Promise<RequestRecord[]> {
  return (await serverRequests(path)).filter((r) => r.method === 'GET' && r.path === path);
}

/**
 * Rewrites a stored blob behind the cache's back: 'same-length' flips bytes
 * and keeps the size, 'shorter' drops the last 1000 bytes.
 */
export function tamperWithBlob(page: Page, partition: string, sha256: string, how: 'same-length' | 'shorter'): Promise<{ before: number; after: number }> {
  return page.evaluate(
    async ({ partition, sha256, how }) => {
      const root = await navigator.storage.getDirectory();
      const blobs = await (await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle(partition)).getDirectoryHandle('blobs');
      const handle = await blobs.getFileHandle(sha256);
      const original = await handle.getFile();
      const length = how === 'same-length' ? original.size : original.size - 1000;
      const bytes = new Uint8Array(await original.slice(0, length).arrayBuffer());
      for (let i = 400; i < 1400; i++) bytes[i] = bytes[i]! ^ 0xff;
      const writable = await handle.createWritable();
      await writable.write(bytes);
      await writable.close();
      return { before: original.size, after: (await handle.getFile()).size };
    },
    { partition, sha256, how },
  );
}

/** Creates a stray file in the partition's blobs/ or tmp/ folder. */
export function writeStrayFile(page: Page, partition: string, folder: 'blobs' | 'tmp', name: string): Promise<void> {
  return page.evaluate(
    async ({ partition, folder, name }) => {
      const root = await navigator.storage.getDirectory();
      const dir = await (await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle(partition)).getDirectoryHandle(folder);
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await writable.write(new Uint8Array(1234));
      await writable.close();
    },
    { partition, folder, name },
  );
}
