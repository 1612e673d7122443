import type { Page } from 'playwright-core';

/** Query parameters of the test server that describe faults (and v=, the content version), not the resource. */
export const FAULT_PARAMS = [
  'v', 'drop', 'drops', 'stall', 'stalls', 'norange', 'noetag', 'chunked', 'short', 'gzipenc', 'delay', 'rate',
  'status', 'fails', 'failafter', 'retryafter', 'html200', 'label', 'ignoreifrange', 'cc', 'ttl',
];

export interface PageGetOutcome {
  ok: boolean;
  status?: string;
  size?: number;
  sha256?: string;
  entrySha256?: string | null;
  code?: string;
  httpStatus?: number;
  message?: string;
  isVolumeCacheError?: boolean;
}

/**
 * Runs cache.get(path) in the page on a partition whose cache key ignores the
 * fault parameters, so a faulty URL and a clean one are the same entry.
 */
export function getIgnoringFaults(page: Page, partition: string, path: string, options: Record<string, unknown> = {}): Promise<PageGetOutcome> {
  return page.evaluate(
    async ({ partition, path, options, faultParams }) => {
      const lib = window.volumeCache as typeof import('../../../src/index');
      const cache = await lib.createVolumeCache({
        name: partition,
        cacheKey: (url) => {
          for (const name of faultParams) url.searchParams.delete(name);
          url.hash = '';
          return url.href;
        },
      });
      try {
        const result = await cache.get(path, options);
        return { ok: true, status: result.status, size: result.file.size, sha256: await window.sha256Hex(result.file), entrySha256: result.entry?.sha256 ?? null };
      } catch (error) {
        const e = error as { code?: string; status?: number; message: string };
        return { ok: false, code: e.code, httpStatus: e.status, message: e.message, isVolumeCacheError: error instanceof lib.VolumeCacheError };
      } finally {
        cache.close();
      }
    },
    { partition, path, options, faultParams: FAULT_PARAMS },
  );
}

/** Names in the partition's OPFS folders, to prove what is (not) on disk. */
export function listPartitionFiles(page: Page, partition: string): Promise<{ blobs: string[]; tmp: string[] }> {
  return page.evaluate(async (partition) => {
    const root = await navigator.storage.getDirectory();
    const dir = await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle(partition);
    const list = async (name: string) => {
      const names: string[] = [];
      for await (const key of (await dir.getDirectoryHandle(name)).keys()) names.push(key);
      return names.sort();
    };
    return { blobs: await list('blobs'), tmp: await list('tmp') };
  }, partition);
}
