import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { launchBrowser, resetServer, type TestBrowser } from './support/harness';
import { sample } from './support/manifest';
import { listPartitionFiles } from './support/pageCache';
import { closeAllCaches, getsFor, openCache, pathsOf, tamperWithBlob, writeStrayFile } from './support/policyHelpers';

let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  ({ page } = await browser.newTestPage());
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  await resetServer();
});
afterEach(async () => {
  await closeAllCaches(page);
});

/** /gen/2-<seed>.nii: 131,424 bytes. Budgets below are chosen in multiples of it. */
const SIZE2 = generatedVolumeBytes(2);
const SIZE4 = generatedVolumeBytes(4);
const SIZE8 = generatedVolumeBytes(8);
/** Room for two /gen/2-* files but not three. */
const TWO_OF_2 = 2 * SIZE2 + 1000;

const gen = (k: number, seed: number, query = '') => `/gen/${k}-${seed}.nii${query}`;
const sha2 = (seed: number, version = 1) => generatedVolumeSha256(2, seed, version);
const sorted = (values: string[]) => [...values].sort();

describe('LRU eviction by bytes', () => {
  it('loading A, B, touching A, then C evicts B (least recently used), not A', async () => {
    const partition = 'lru';
    // B's key sorts before A's, so even a same-millisecond tie in lastAccessedAt picks B.
    const [A, B, C] = [gen(2, 102), gen(2, 101), gen(2, 103)];
    const cache = await openCache(page, partition, { maxBytes: TWO_OF_2 });

    expect(await cache.get(A)).toMatchObject({ status: 'miss', size: SIZE2, sha256: await sha2(102) });
    expect(await cache.get(B)).toMatchObject({ status: 'miss', size: SIZE2, sha256: await sha2(101) });
    expect(await cache.get(A)).toMatchObject({ status: 'hit', sha256: await sha2(102) });
    expect(await cache.get(C)).toMatchObject({ status: 'miss', sha256: await sha2(103) });

    const entries = await cache.entries();
    expect(pathsOf(entries)).toEqual([C, A]);
    const stats = await cache.stats();
    expect(stats).toMatchObject({ evictions: 1, entries: 2, bytes: 2 * SIZE2, maxBytes: TWO_OF_2 });
    expect(stats.bytes).toBe(entries.reduce((sum, entry) => sum + entry.bytes, 0));
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: sorted([await sha2(102), await sha2(103)]), tmp: [] });
    expect(await cache.getCachedFile(B)).toBeNull();
    // The hit on A did not reach the network.
    expect(await getsFor(A)).toHaveLength(1);
    expect(await getsFor(B)).toHaveLength(1);
  });
});

describe('pinning', () => {
  it('a pinned entry is never evicted when others must go; unpin makes it evictable again', async () => {
    const partition = 'pin-evict';
    const [A, B, C, D] = [gen(2, 111), gen(2, 112), gen(2, 113), gen(2, 114)];
    const cache = await openCache(page, partition, { maxBytes: TWO_OF_2 });

    // pin() of an uncached URL downloads it.
    const pinned = await cache.pin(A);
    expect(pinned).toMatchObject({ pinned: true, bytes: SIZE2, sha256: await sha2(111) });
    expect(pathsOf([pinned])).toEqual([A]);
    expect(await getsFor(A)).toHaveLength(1);

    await cache.get(B);
    await cache.get(C); // must evict: A is older but pinned, so B goes
    expect(sorted(pathsOf(await cache.entries()))).toEqual(sorted([A, C]));
    await cache.get(D); // C goes
    expect(sorted(pathsOf(await cache.entries()))).toEqual(sorted([A, D]));
    expect(await cache.stats()).toMatchObject({ evictions: 2, pinnedBytes: SIZE2, bytes: 2 * SIZE2 });

    expect(await cache.unpin(A)).toBe(true);
    expect(await cache.unpin(gen(2, 119))).toBe(false);
    await cache.get(B); // A is now the least recently used unpinned entry
    const entries = await cache.entries();
    expect(pathsOf(entries)).toEqual([B, D]);
    expect(entries.every((entry) => !entry.pinned)).toBe(true);
    expect(await cache.stats()).toMatchObject({ evictions: 3, pinnedBytes: 0 });
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: sorted([await sha2(112), await sha2(114)]), tmp: [] });
  });

  it('pin() of a file larger than maxBytes, or with no room beside pinned entries, rejects with quota and caches nothing', async () => {
    const partition = 'pin-quota';
    const cache = await openCache(page, partition, { maxBytes: TWO_OF_2 });
    const big = gen(8, 121);
    await expect(cache.pin(big)).rejects.toMatchObject({ code: 'quota', isVolumeCacheError: true });
    expect(await cache.entries()).toEqual([]);
    expect((await listPartitionFiles(page, partition)).blobs).toEqual([]);
    expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0, uncached: 1 });

    const [A, B, C] = [gen(2, 122), gen(2, 123), gen(2, 124)];
    await cache.pin(A);
    await cache.pin(B);
    await expect(cache.pin(C)).rejects.toMatchObject({ code: 'quota' });
    // A plain get of C is served but not cached, and evicts nothing pinned.
    expect(await cache.get(C)).toMatchObject({ status: 'uncached', entry: null, size: SIZE2, sha256: await sha2(124) });
    const entries = await cache.entries();
    expect(sorted(pathsOf(entries))).toEqual(sorted([A, B]));
    expect(entries.every((entry) => entry.pinned)).toBe(true);
    expect(await cache.stats()).toMatchObject({ evictions: 0, pinnedBytes: 2 * SIZE2 });
    expect((await listPartitionFiles(page, partition)).blobs).toEqual(sorted([await sha2(122), await sha2(123)]));
  });

  it('pin([urls]) returns an array of pinned entries; pinning a cached entry does not download it again', async () => {
    const partition = 'pin-array';
    const [A, B] = [gen(2, 131), gen(2, 132)];
    const cache = await openCache(page, partition);
    await cache.get(A);
    const pinned = await cache.pin([A, B]);
    expect(Array.isArray(pinned)).toBe(true);
    expect(pathsOf(pinned)).toEqual([A, B]);
    expect(pinned.map((entry) => entry.pinned)).toEqual([true, true]);
    expect(pinned.map((entry) => entry.sha256)).toEqual([await sha2(131), await sha2(132)]);
    expect(await getsFor(A)).toHaveLength(1);
    expect(await getsFor(B)).toHaveLength(1);
    expect(await cache.stats()).toMatchObject({ entries: 2, pinnedBytes: 2 * SIZE2 });
  });
});

describe('a file larger than maxBytes', () => {
  it('is returned with status uncached (bytes correct, readable File), counted in stats().uncached, not in entries()', async () => {
    const partition = 'too-big';
    const path = gen(4, 141);
    const cache = await openCache(page, partition, { maxBytes: SIZE2 });
    const result = await cache.get(path);
    expect(result).toEqual({ status: 'uncached', entry: null, size: SIZE4, name: '4-141.nii', sha256: await generatedVolumeSha256(4, 141) });
    expect(await cache.entries()).toEqual([]);
    expect(await cache.stats()).toMatchObject({ uncached: 1, misses: 1, hits: 0, downloads: 1, entries: 0, bytes: 0, bytesFromNetwork: SIZE4 });
    expect((await listPartitionFiles(page, partition)).blobs).toEqual([]);
    // Not cached, so the next get downloads again.
    expect(await cache.get(path)).toMatchObject({ status: 'uncached', size: SIZE4 });
    expect(await getsFor(path)).toHaveLength(2);
    expect(await cache.stats()).toMatchObject({ uncached: 2, misses: 2 });
  });
});

describe('TTL and revalidation', () => {
  it('an expired entry is revalidated with If-None-Match, answered 304 without a body, and its expiry renewed', async () => {
    const partition = 'revalidate';
    const path = gen(2, 151);
    const cache = await openCache(page, partition);
    const first = await cache.get(path, { ttlSeconds: 0 });
    expect(first).toMatchObject({ status: 'miss', entry: { etag: '"gen-2-151-v1"' } });
    const second = await cache.get(path, { ttlSeconds: 3600 });
    expect(second).toMatchObject({ status: 'revalidated', size: SIZE2, sha256: await sha2(151) });
    expect(second.entry!.expiresAt).toBeGreaterThanOrEqual(first.entry!.expiresAt + 3600 * 1000);

    const requests = await getsFor(path);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ status: 200, ifNoneMatch: null });
    expect(requests[1]).toMatchObject({ status: 304, ifNoneMatch: '"gen-2-151-v1"', bytesSent: 0 });
    expect(await cache.stats()).toMatchObject({ revalidations: 1, hits: 1, misses: 1, downloads: 1, bytesFromNetwork: SIZE2 });

    // Fresh again: a plain hit, no request.
    expect(await cache.get(path)).toMatchObject({ status: 'hit' });
    expect(await getsFor(path)).toHaveLength(2);
    expect((await cache.entries())[0]!.expiresAt).toBe(second.entry!.expiresAt);
  });

  it('a changed resource is downloaded again (miss, new SHA-256) and the old blob removed', async () => {
    const partition = 'changed';
    const base = gen(2, 152);
    const cache = await openCache(page, partition, { ignoreParams: ['v'] });
    expect(await cache.get(`${base}?v=1`, { ttlSeconds: 0 })).toMatchObject({ status: 'miss', sha256: await sha2(152, 1) });
    const changed = await cache.get(`${base}?v=2`, { ttlSeconds: 0 });
    expect(changed).toMatchObject({ status: 'miss', sha256: await sha2(152, 2), entry: { sha256: await sha2(152, 2), etag: '"gen-2-152-v2"' } });
    expect(await getsFor(`${base}?v=2`)).toEqual([expect.objectContaining({ ifNoneMatch: '"gen-2-152-v1"', status: 200 })]);

    const entries = await cache.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.sha256).toBe(await sha2(152, 2));
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [await sha2(152, 2)], tmp: [] });
    expect(await cache.stats()).toMatchObject({ revalidations: 0, misses: 2, bytes: SIZE2 });
  });

  it('an expired entry whose server answers 503 is served stale with the old bytes', async () => {
    const partition = 'stale-503';
    const path = gen(2, 153);
    const cache = await openCache(page, partition, { ignoreParams: ['status'] });
    await cache.get(path, { ttlSeconds: 0 });
    const stale = await cache.get(`${path}?status=503`, { ttlSeconds: 0 });
    expect(stale).toMatchObject({ status: 'stale', size: SIZE2, sha256: await sha2(153), entry: { sha256: await sha2(153) } });
    expect(await getsFor(`${path}?status=503`)).toEqual([expect.objectContaining({ status: 503, ifNoneMatch: '"gen-2-153-v1"' })]);
    expect(await cache.stats()).toMatchObject({ stale: 1, hits: 1, misses: 1, entries: 1 });
    // Once the server is back, the still-expired entry is revalidated.
    expect(await cache.get(path)).toMatchObject({ status: 'revalidated', sha256: await sha2(153) });
  });

  it('an expired entry whose server answers 404 rejects with http-status, but the entry is kept', async () => {
    const partition = 'expired-404';
    const path = gen(2, 154);
    const cache = await openCache(page, partition, { ignoreParams: ['status'] });
    await cache.get(path, { ttlSeconds: 0 });
    await expect(cache.get(`${path}?status=404`)).rejects.toMatchObject({ code: 'http-status', httpStatus: 404, isVolumeCacheError: true });
    expect(await cache.getCachedFile(path)).toMatchObject({ size: SIZE2, sha256: await sha2(154) });
    expect(pathsOf(await cache.entries())).toEqual([path]);
    expect((await listPartitionFiles(page, partition)).blobs).toEqual([await sha2(154)]);
  });
});

describe('cleanup()', () => {
  it('removes expired unpinned entries and leftovers, keeps expired pinned and fresh ones, and reports counts', async () => {
    const partition = 'cleanup';
    const [expiredPath, pinnedPath, freshPath] = [gen(2, 161), gen(2, 162), gen(2, 163)];
    const cache = await openCache(page, partition, { defaultTtlSeconds: 0 });
    await cache.get(expiredPath);
    const pinned = await cache.pin(pinnedPath);
    await cache.get(freshPath, { ttlSeconds: 3600 });
    expect(pinned.expiresAt).toBeLessThanOrEqual(Date.now());
    const orphan = 'f'.repeat(64);
    await writeStrayFile(page, partition, 'blobs', orphan);
    await writeStrayFile(page, partition, 'tmp', 'download-stray.part');

    expect(await cache.cleanup()).toEqual({ expired: 1, evicted: 0, temporaries: 1, orphanFiles: 1 });
    const entries = await cache.entries();
    expect(sorted(pathsOf(entries))).toEqual(sorted([pinnedPath, freshPath]));
    expect(entries.find((entry) => entry.pinned)?.key).toBe(pinned.key);
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: sorted([await sha2(162), await sha2(163)]), tmp: [] });
    expect(await cache.getCachedFile(expiredPath)).toBeNull();
    // Nothing left to do.
    expect(await cache.cleanup()).toEqual({ expired: 0, evicted: 0, temporaries: 0, orphanFiles: 0 });
  });

  it('evicts least-recently-used entries down to maxBytes', async () => {
    const partition = 'cleanup-budget';
    const [A, B, C] = [gen(2, 164), gen(2, 165), gen(2, 166)];
    const roomy = await openCache(page, partition, { maxBytes: 10 * SIZE2 });
    for (const path of [A, B, C]) await roomy.get(path);
    await roomy.close();

    const tight = await openCache(page, partition, { maxBytes: TWO_OF_2 });
    const before = await tight.stats();
    const report = await tight.cleanup();
    const after = await tight.stats();
    expect(pathsOf(await tight.entries())).toEqual([C, B]);
    expect(after).toMatchObject({ maxBytes: TWO_OF_2, entries: 2, bytes: 2 * SIZE2, evictions: 1 });
    // Whether opening with a smaller maxBytes already evicted or cleanup() did, the report says what cleanup() did.
    expect(report.evicted).toBe(after.evictions - before.evictions);
    expect((await listPartitionFiles(page, partition)).blobs).toEqual(sorted([await sha2(165), await sha2(166)]));
  });
});

describe('configure()', () => {
  it('persists maxBytes and defaultTtlSeconds for the next cache on the same partition', async () => {
    const partition = 'configure-persist';
    const first = await openCache(page, partition);
    expect(await first.configure({ maxBytes: 5_000_000 })).toEqual({ maxBytes: 5_000_000, defaultTtlSeconds: 7 * 24 * 3600 });
    expect(await first.configure({ defaultTtlSeconds: 60 })).toEqual({ maxBytes: 5_000_000, defaultTtlSeconds: 60 });
    await first.close();
    const second = await openCache(page, partition);
    expect(await second.stats()).toMatchObject({ maxBytes: 5_000_000, defaultTtlSeconds: 60 });
  });

  it('shrinking maxBytes evicts least-recently-used entries at once', async () => {
    const partition = 'configure-shrink';
    const [A, B, C] = [gen(2, 171), gen(2, 172), gen(2, 173)];
    const cache = await openCache(page, partition, { maxBytes: 10 * SIZE2 });
    for (const path of [A, B, C, A]) await cache.get(path);
    expect(pathsOf(await cache.entries())).toEqual([A, C, B]);

    await cache.configure({ maxBytes: TWO_OF_2 });
    expect(pathsOf(await cache.entries())).toEqual([A, C]);
    expect(await cache.stats()).toMatchObject({ evictions: 1, bytes: 2 * SIZE2, maxBytes: TWO_OF_2 });

    await cache.configure({ maxBytes: SIZE2 });
    expect(pathsOf(await cache.entries())).toEqual([A]);
    expect(await cache.stats()).toMatchObject({ evictions: 2, bytes: SIZE2 });
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [await sha2(171)], tmp: [] });
  });

  it('shrinking maxBytes below the pinned bytes still evicts every unpinned entry', async () => {
    const partition = 'configure-shrink-pinned';
    const [A, B] = [gen(2, 174), gen(2, 175)];
    const cache = await openCache(page, partition, { maxBytes: 10 * SIZE2 });
    await cache.pin(A);
    await cache.get(B);
    await cache.configure({ maxBytes: SIZE2 - 1000 });
    expect(pathsOf(await cache.entries())).toEqual([A]);
    expect(await cache.stats()).toMatchObject({ evictions: 1, bytes: SIZE2, pinnedBytes: SIZE2 });
  });

  it('rejects bad values with invalid-argument and keeps the old config', async () => {
    const partition = 'configure-bad';
    const cache = await openCache(page, partition, { maxBytes: 5_000_000 });
    const bad: unknown[] = [
      { maxBytes: -1 },
      { maxBytes: Number.NaN },
      { maxBytes: Number.POSITIVE_INFINITY },
      { maxBytes: 2 ** 53 },
      { maxBytes: '1000' },
      { maxBytes: null },
      { defaultTtlSeconds: -1 },
      { defaultTtlSeconds: 1e15 },
      { defaultTtlSeconds: Number.NaN },
      null,
      'big',
    ];
    for (const patch of bad) {
      await expect(cache.configure(patch), JSON.stringify(patch)).rejects.toMatchObject({ code: 'invalid-argument', isVolumeCacheError: true });
    }
    expect(await cache.stats()).toMatchObject({ maxBytes: 5_000_000, defaultTtlSeconds: 7 * 24 * 3600 });
  });
});

describe('invalidate() and clear()', () => {
  it('invalidate(url) removes the entry and its file; true only if it existed', async () => {
    const partition = 'invalidate';
    const [A, B] = [gen(2, 181), gen(2, 182)];
    const cache = await openCache(page, partition);
    await cache.get(A);
    await cache.get(B);
    expect(await cache.invalidate(A)).toBe(true);
    expect(pathsOf(await cache.entries())).toEqual([B]);
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [await sha2(182)], tmp: [] });
    expect(await cache.getCachedFile(A)).toBeNull();
    expect(await cache.invalidate(A)).toBe(false);
    expect(await cache.get(A)).toMatchObject({ status: 'miss' });
    expect(await getsFor(A)).toHaveLength(2);
  });

  it('clear() empties entries (pinned included) and OPFS; the next get is a miss', async () => {
    const partition = 'clear';
    const [A, B] = [gen(2, 183), gen(2, 184)];
    const cache = await openCache(page, partition);
    await cache.get(A);
    await cache.pin(B);
    await cache.clear();
    expect(await cache.entries()).toEqual([]);
    expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0, pinnedBytes: 0 });
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [], tmp: [] });
    expect(await cache.get(A)).toMatchObject({ status: 'miss', sha256: await sha2(183) });
    expect(await getsFor(A)).toHaveLength(2);
  });
});

describe('content addressing', () => {
  it('two URLs with identical bytes share one blob, counted once; it goes when the last entry does', async () => {
    const partition = 'shared-blob';
    const facts = sample('functional.nii');
    const [plain, variant] = ['/data/nifti/functional.nii', '/data/nifti/functional.nii?cc=public'];
    const cache = await openCache(page, partition);
    expect(await cache.get(plain)).toMatchObject({ status: 'miss', sha256: facts.sha256 });
    expect(await cache.get(variant)).toMatchObject({ status: 'miss', sha256: facts.sha256 });
    expect(sorted(pathsOf(await cache.entries()))).toEqual(sorted([plain, variant]));
    expect(await cache.stats()).toMatchObject({ entries: 2, bytes: facts.bytes });
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [facts.sha256], tmp: [] });

    expect(await cache.invalidate(plain)).toBe(true);
    expect((await listPartitionFiles(page, partition)).blobs).toEqual([facts.sha256]);
    expect(await cache.getCachedFile(variant)).toMatchObject({ size: facts.bytes, sha256: facts.sha256 });
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: facts.bytes });

    expect(await cache.invalidate(variant)).toBe(true);
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [], tmp: [] });
    expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('the byte budget counts a shared blob once, so a second URL for the same bytes evicts nothing', async () => {
    const partition = 'shared-blob-budget';
    const [X, sameAsX, Y] = [gen(2, 185), gen(2, 185, '?cc=public'), gen(2, 186)];
    const cache = await openCache(page, partition, { maxBytes: TWO_OF_2 });
    for (const path of [X, sameAsX, Y]) expect(await cache.get(path)).toMatchObject({ status: 'miss' });
    expect(sorted(pathsOf(await cache.entries()))).toEqual(sorted([X, sameAsX, Y]));
    expect(await cache.stats()).toMatchObject({ entries: 3, bytes: 2 * SIZE2, evictions: 0 });
    expect((await listPartitionFiles(page, partition)).blobs).toEqual(sorted([await sha2(185), await sha2(186)]));
  });
});

describe('prefetch()', () => {
  it('settles with a result per URL, never rejecting for one; what succeeded is then a hit', async () => {
    const partition = 'prefetch';
    const [a, b] = [gen(2, 191), gen(4, 192)];
    const [notNifti, missing] = ['/data/bad/wrong_magic.nii', gen(2, 193, '?status=404')];
    const cache = await openCache(page, partition);
    const results = await cache.prefetch([a, b, notNifti, missing], { concurrency: 2 });
    expect(results).toEqual([
      { url: a, ok: true, status: 'miss' },
      { url: b, ok: true, status: 'miss' },
      { url: notNifti, ok: false, code: 'not-nifti', message: expect.any(String) },
      { url: missing, ok: false, code: 'http-status', message: expect.any(String) },
    ]);
    expect(sorted(pathsOf(await cache.entries()))).toEqual(sorted([a, b]));
    expect(await cache.get(a)).toMatchObject({ status: 'hit', sha256: await sha2(191) });
    expect(await cache.get(b)).toMatchObject({ status: 'hit', sha256: await generatedVolumeSha256(4, 192) });
    expect(await getsFor(a)).toHaveLength(1);
    expect(await getsFor(b)).toHaveLength(1);
  });
});

describe('respectNoStore', () => {
  const path = '/data/nifti/functional.nii?cc=no-store';

  it('a no-store response is cached by default', async () => {
    const partition = 'no-store-default';
    const cache = await openCache(page, partition);
    const result = await cache.get(path);
    expect(result).toMatchObject({ status: 'miss', sha256: sample('functional.nii').sha256 });
    expect(result.entry).not.toBeNull();
    expect(pathsOf(await cache.entries())).toEqual([path]);
  });

  it('with respectNoStore: true it is returned uncached, with no entry and no blob', async () => {
    const partition = 'no-store-respected';
    const facts = sample('functional.nii');
    const cache = await openCache(page, partition);
    expect(await cache.get(path, { respectNoStore: true })).toMatchObject({ status: 'uncached', entry: null, size: facts.bytes, sha256: facts.sha256 });
    // no-store among other directives counts too.
    expect(await cache.get('/data/nifti/functional.nii?cc=private,%20no-store', { respectNoStore: true })).toMatchObject({ status: 'uncached', entry: null });
    expect(await cache.entries()).toEqual([]);
    expect((await listPartitionFiles(page, partition)).blobs).toEqual([]);
    expect(await cache.stats()).toMatchObject({ uncached: 2, entries: 0 });
    // A cacheable response is still cached with the option set.
    expect(await cache.get('/data/nifti/functional.nii?cc=no-cache', { respectNoStore: true })).toMatchObject({ status: 'miss' });
    expect(await cache.entries()).toHaveLength(1);
  });
});

describe('damaged stored files', () => {
  it('verifyOnRead re-hashes on read: a same-length change is caught, dropped, and downloaded again', async () => {
    const partition = 'verify-on-read';
    const path = gen(2, 201);
    const expected = await sha2(201);
    const plainCache = await openCache(page, partition);
    await plainCache.get(path);
    expect(await tamperWithBlob(page, partition, expected, 'same-length')).toEqual({ before: SIZE2, after: SIZE2 });
    // Documented trade-off: without verifyOnRead only the length is checked, so this goes unnoticed.
    const unnoticed = await plainCache.get(path);
    expect(unnoticed).toMatchObject({ status: 'hit', size: SIZE2 });
    expect(unnoticed.sha256).not.toBe(expected);
    await plainCache.close();

    const verifying = await openCache(page, partition, { verifyOnRead: true });
    const corruptBefore = (await verifying.stats()).corrupt;
    expect(await verifying.get(path)).toMatchObject({ status: 'miss', size: SIZE2, sha256: expected, entry: { sha256: expected } });
    expect(await getsFor(path)).toHaveLength(2);
    expect((await verifying.stats()).corrupt).toBe(corruptBefore + 1);
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [expected], tmp: [] });
    expect(await verifying.get(path)).toMatchObject({ status: 'hit', sha256: expected });
  });

  it('getCachedFile on an entry whose length changed rejects with corrupt and drops the entry (without verifyOnRead)', async () => {
    const partition = 'length-changed';
    const path = gen(2, 202);
    const cache = await openCache(page, partition);
    await cache.get(path);
    expect(await tamperWithBlob(page, partition, await sha2(202), 'shorter')).toEqual({ before: SIZE2, after: SIZE2 - 1000 });
    await expect(cache.getCachedFile(path)).rejects.toMatchObject({ code: 'corrupt', isVolumeCacheError: true });
    expect(await cache.entries()).toEqual([]);
    expect(await cache.stats()).toMatchObject({ corrupt: 1, entries: 0, bytes: 0 });
    expect((await listPartitionFiles(page, partition)).blobs).toEqual([]);
    expect(await cache.getCachedFile(path)).toBeNull();
    expect(await cache.get(path)).toMatchObject({ status: 'miss', sha256: await sha2(202) });
    expect(await getsFor(path)).toHaveLength(2);
  });

  it('a pinned entry repaired after damage stays pinned', async () => {
    const partition = 'verify-pinned';
    const path = gen(2, 203);
    const cache = await openCache(page, partition);
    await cache.pin(path);
    await tamperWithBlob(page, partition, await sha2(203), 'same-length');
    await cache.close();
    const verifying = await openCache(page, partition, { verifyOnRead: true });
    const repaired = await verifying.get(path);
    expect(repaired).toMatchObject({ status: 'miss', sha256: await sha2(203) });
    expect(repaired.entry?.pinned).toBe(true);
  });
});

describe('stats()', () => {
  it('hitRate is hits / (hits + misses); bytesFromNetwork and bytesFromCache add up the sizes served', async () => {
    const partition = 'stats';
    const [A, B] = [gen(2, 211), gen(4, 212)];
    const cache = await openCache(page, partition);
    expect(await cache.stats()).toMatchObject({ hits: 0, misses: 0, hitRate: 0, bytesFromNetwork: 0, bytesFromCache: 0, mode: 'opfs' });

    const statuses: string[] = [];
    for (const path of [A, A, A, B, B]) statuses.push((await cache.get(path)).status);
    expect(statuses).toEqual(['miss', 'hit', 'hit', 'miss', 'hit']);

    const stats = await cache.stats();
    expect(stats).toMatchObject({
      hits: 3,
      misses: 2,
      downloads: 2,
      entries: 2,
      bytes: SIZE2 + SIZE4,
      bytesFromNetwork: SIZE2 + SIZE4,
      bytesFromCache: 2 * SIZE2 + SIZE4,
      evictions: 0,
      revalidations: 0,
      stale: 0,
      uncached: 0,
      corrupt: 0,
    });
    expect(stats.hitRate).toBe(stats.hits / (stats.hits + stats.misses));
    expect(stats.hitRate).toBeCloseTo(0.6, 10);
    expect(stats.hitRate).toBeGreaterThanOrEqual(0);
    expect(stats.hitRate).toBeLessThanOrEqual(1);

    // Totals survive a new cache on the same partition.
    await cache.close();
    const reopened = await openCache(page, partition);
    expect(await reopened.stats()).toMatchObject({ hits: 3, misses: 2, bytesFromNetwork: SIZE2 + SIZE4, bytesFromCache: 2 * SIZE2 + SIZE4 });
  });
});
