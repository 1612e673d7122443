import { describe, expect, it } from 'vitest';
import { storeDownload, type StoreDownloadJob } from '../../../src/engine/storeDownload';
import { sha256OfBytes } from '../../../src/engine/StreamingSha256';
import type { StoredEntry } from '../../../src/metadata/EntryCodec';
import type { EngineRequest } from '../../../src/protocol';
import { VolumeCacheError } from '../../../src/errors';
import { entry, useTestPartitions, rowKeys, storeEntries, type TestPartition } from './support/partitionContext';

const partition = useTestPartitions();

const URL_K = 'https://data.example/k.bin';
const BODY = new Uint8Array(64).fill(3);

/** A job for URL_K whose fetch answers `answer`, with the request's headers as given. */
function job(answer: () => Response, overrides: Partial<StoreDownloadJob> = {}, request: Partial<EngineRequest> = {}): StoreDownloadJob {
  const { download, ...rest } = overrides;
  return {
    request: { requestId: 'r', url: URL_K, key: URL_K, expect: 'any', ...request },
    expectedSha256: null,
    existing: null,
    wasPinned: false,
    ttlSeconds: 60,
    cacheAuthorized: false,
    download: {
      url: URL_K,
      headers: request.headers ?? {},
      signal: new AbortController().signal,
      expect: 'any',
      onProgress: () => undefined,
      fetch: async () => answer(),
      retries: 0,
      backoffMs: 0,
      stallTimeoutMs: 5_000,
      ...download,
    },
    ...rest,
  };
}
const ok = (headers: Record<string, string> = {}) => () => new Response(BODY.slice(), { status: 200, headers: { 'Content-Length': String(BODY.byteLength), ETag: '"v1"', ...headers } });

describe('storeDownload', () => {
  it('commits a complete body as an entry with its SHA-256 and tells onStored', async () => {
    const test = await partition();
    const stored: StoredEntry[] = [];
    const result = await storeDownload(test.context, job(ok()), (entry) => stored.push(entry));
    expect(result).not.toBe('refetch');
    if (result === 'refetch') return;
    expect(result.status).toBe('miss');
    expect(result.entry).toMatchObject({ key: URL_K, bytes: 64, sha256: await sha256OfBytes(BODY), etag: '"v1"', contentEncoding: null });
    expect(stored.map((entry) => entry.key)).toEqual([URL_K]);
    expect(await rowKeys(test.context)).toEqual([URL_K]);
  });

  it.each<[string, Record<string, string>, Partial<EngineRequest>]>([
    ['respectNoStore and Cache-Control: no-store', { 'Cache-Control': 'no-store' }, { respectNoStore: true }],
    ['a request with Authorization in a partition not opted in', {}, { headers: { Authorization: 'Bearer x' } }],
  ])('hands out %s uncached, keeping no row', async (_name, responseHeaders, request) => {
    const test = await partition();
    const result = await storeDownload(test.context, job(ok(responseHeaders), {}, request), () => undefined);
    expect(result !== 'refetch' && result.status).toBe('uncached');
    expect(await rowKeys(test.context)).toEqual([]);
    expect((await test.context.store.getTotals()).uncached).toBe(1);
  });

  it('a body whose SHA-256 is not the integrity asked for fails with integrity and leaves no temporary', async () => {
    const test = await partition();
    const failed = await storeDownload(test.context, job(ok(), { expectedSha256: '0'.repeat(64) }), () => undefined).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(VolumeCacheError);
    expect((failed as VolumeCacheError).code).toBe('integrity');
    expect(test.disk.list().filter((path) => path.includes('/tmp/'))).toEqual([]);
    expect(await rowKeys(test.context)).toEqual([]);
  });

  it('a 304 renews the entry being revalidated; with its file gone it asks for a fresh download', async () => {
    const test = await partition();
    const existing = entry(URL_K, 'file-k', 10, 100, { url: URL_K, etag: '"v1"', expiresAt: 0 });
    await storeEntries(test.context, [existing]);
    test.clock.now += 1000;
    const notModified = () => new Response(null, { status: 304, headers: { ETag: '"v1"' } });
    const revalidation = job(notModified, { existing, download: { revalidate: { etag: '"v1"', lastModified: null } } as StoreDownloadJob['download'] });
    const renewed = await storeDownload(test.context, revalidation, () => undefined);
    expect(renewed !== 'refetch' && renewed.status).toBe('revalidated');
    expect((await test.context.store.get(URL_K))?.expiresAt).toBe(test.clock.now + 60_000);

    await test.context.files.removeBlob('file-k');
    expect(await storeDownload(test.context, revalidation, () => undefined)).toBe('refetch');
  });
});
