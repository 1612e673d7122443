import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedGzipVolumeBytes, generatedGzipVolumeSha256 } from '../server/generatedGzipVolume';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource } from '../server/generatedVolume';
import { launchBrowser, serverGets, serverRequests, useBrowserSuite, type TestBrowser } from './support/harness';
import { FAULT_PARAMS, listPartitionFiles } from './support/pageCache';

const suite = useBrowserSuite({ page: true });
const gets = serverGets;

/** Fault parameters that name no resource; partitions that ignore them key a faulty URL like the clean one. */
const IGNORED = FAULT_PARAMS;

interface CacheSetup {
  /** Query parameters the cache key leaves out; none by default (the key is the URL). */
  ignore?: string[];
  stallTimeoutSeconds?: number;
}

interface Outcome {
  ok: boolean;
  status?: string;
  size?: number;
  sha256?: string;
  entry?: { key: string; url: string; sha256: string } | null;
  code?: string;
  httpStatus?: number;
  retryAfterSeconds?: number;
  message?: string;
  isVolumeCacheError?: boolean;
  elapsedMs: number;
}

/** cache.get(path) in the page, timed; `abortAfterMs` aborts it through its signal. */
function getInPage(partition: string, path: string, options: { integrity?: string; ttlSeconds?: number; abortAfterMs?: number } = {}, setup: CacheSetup = {}): Promise<Outcome> {
  return suite.page.evaluate(
    async ({ partition, path, options, setup }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({
        name: partition,
        ...(setup.ignore ? { cacheKey: lib.cacheKeyIgnoring(setup.ignore) } : {}),
        ...(setup.stallTimeoutSeconds === undefined ? {} : { stallTimeoutSeconds: setup.stallTimeoutSeconds }),
      });
      const { abortAfterMs, ...getOptions } = options;
      const controller = new AbortController();
      if (abortAfterMs !== undefined) setTimeout(() => controller.abort(), abortAfterMs);
      const started = performance.now();
      try {
        const result = await cache.get(path, { ...getOptions, signal: controller.signal });
        const elapsedMs = performance.now() - started;
        const entry = result.entry ? { key: result.entry.key, url: result.entry.url, sha256: result.entry.sha256 } : null;
        return { ok: true, status: result.status, size: result.file.size, sha256: await window.sha256Hex(result.file), entry, elapsedMs };
      } catch (error) {
        const elapsedMs = performance.now() - started;
        const e = error as { code?: string; status?: number; retryAfterSeconds?: number; message: string };
        return {
          ok: false,
          code: e.code,
          httpStatus: e.status,
          retryAfterSeconds: e.retryAfterSeconds,
          message: e.message,
          isVolumeCacheError: error instanceof lib.VolumeCacheError,
          elapsedMs,
        };
      } finally {
        cache.close();
      }
    },
    { partition, path, options, setup },
  );
}

/** SHA-256 of what getCachedFile() returns (never the network), and the partition's entry count. */
function cachedInPage(partition: string, path: string, setup: CacheSetup = {}): Promise<{ sha256: string | null; entries: number }> {
  return suite.page.evaluate(
    async ({ partition, path, setup }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: partition, ...(setup.ignore ? { cacheKey: lib.cacheKeyIgnoring(setup.ignore) } : {}) });
      try {
        const file = await cache.getCachedFile(path);
        return { sha256: file ? await window.sha256Hex(file) : null, entries: (await cache.entries()).length };
      } finally {
        cache.close();
      }
    },
    { partition, path, setup },
  );
}

function integrityOf(sha256Hex: string): string {
  return `sha256-${Buffer.from(sha256Hex, 'hex').toString('base64')}`;
}

/** SHA-256 of the first `at` bytes of version `head` followed by the rest of version `tail`. */
async function splicedSha256(slices: number, seed: number, at: number, head: number, tail: number): Promise<string> {
  const hash = createHash('sha256');
  const size = generatedVolumeBytes(slices);
  for (const chunk of generatedVolumeSource({ slices, seed, version: head }).chunks(0, at - 1) as Iterable<Uint8Array>) hash.update(chunk);
  for (const chunk of generatedVolumeSource({ slices, seed, version: tail }).chunks(at, size - 1) as Iterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}

describe('503 and 429 with Retry-After', () => {
  it('a 503 asking to retry after 1 s is waited out, then the download succeeds', async () => {
    const path = '/gen/4-601.nii';
    const result = await getInPage('retry-503', `${path}?status=503&fails=1`);
    expect(result).toMatchObject({ ok: true, status: 'miss', size: generatedVolumeBytes(4), sha256: await generatedVolumeSha256(4, 601) });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(950);
    expect((await gets(path)).map((r) => r.status)).toEqual([503, 200]);
  });

  it('a 429 whose Retry-After is an HTTP-date is waited out until then', async () => {
    const path = '/gen/4-602.nii';
    // The server sends a date 2 s ahead, in whole seconds: at least 1 s remains when it arrives.
    const result = await getInPage('retry-429-date', `${path}?status=429&fails=1&retryafter=${encodeURIComponent('date+2')}`);
    expect(result).toMatchObject({ ok: true, status: 'miss', sha256: await generatedVolumeSha256(4, 602) });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(950);
    expect((await gets(path)).map((r) => r.status)).toEqual([429, 200]);
  });

  it('a Retry-After beyond 30 s fails at once with http-status, the status and retryAfterSeconds', async () => {
    const path = '/gen/4-603.nii';
    const url = `${path}?status=503&retryafter=120`;
    const result = await getInPage('retry-too-long', url);
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'http-status', httpStatus: 503, retryAfterSeconds: 120 });
    expect(result.message).toContain(`The server answered 503 Service Unavailable for ${new URL(url, suite.page.url()).href} and asked to retry after 120 s.`);
    expect(await gets(path)).toHaveLength(1);
    expect(await listPartitionFiles(suite.page, 'retry-too-long')).toEqual({ blobs: [], tmp: [] });
  });

  it('a 503 without a usable Retry-After fails at once, without retryAfterSeconds', async () => {
    const path = '/gen/4-604.nii';
    const result = await getInPage('retry-none', `${path}?status=503&retryafter=none`);
    expect(result).toMatchObject({ ok: false, code: 'http-status', httpStatus: 503 });
    expect(result.retryAfterSeconds).toBeUndefined();
    expect(await gets(path)).toHaveLength(1);
  });

  it('a server that keeps answering 503 is asked 1 + 4 times, then http-status with its last Retry-After', async () => {
    const path = '/gen/4-605.nii';
    const result = await getInPage('retry-forever', `${path}?status=503`);
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'http-status', httpStatus: 503, retryAfterSeconds: 1 });
    expect(result.message).toContain('asked to retry after 1 s; 4 retries made no progress.');
    expect((await gets(path)).map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(await listPartitionFiles(suite.page, 'retry-forever')).toEqual({ blobs: [], tmp: [] });
  });

  it('a 503 to a resume is waited out and the download resumes where it stopped', async () => {
    const path = '/gen/16-606.nii';
    // The first answer stalls after 300000 bytes (cut after 1 s), the resume gets one 503, the next resume the rest.
    const result = await getInPage('retry-resume', `${path}?stall=300000&stalls=1&status=503&failafter=1&fails=1`, {}, { stallTimeoutSeconds: 1 });
    expect(result).toMatchObject({ ok: true, status: 'miss', sha256: await generatedVolumeSha256(16, 606) });
    const requests = await gets(path);
    expect(requests).toMatchObject([
      { status: 200, range: null, aborted: true },
      { status: 503, range: 'bytes=300000-' },
      { status: 206, range: 'bytes=300000-', ifRange: '"gen-16-606-v1"' },
    ]);
  });

  for (const [status, seed] of [[503, 607], [429, 609]] as const) {
    it(`revalidating an expired entry does not wait for a ${status}: the old copy is served stale after one request`, async () => {
      const path = `/gen/4-${seed}.nii`;
      const setup = { ignore: IGNORED };
      expect(await getInPage(`retry-stale-${status}`, path, { ttlSeconds: 0 }, setup)).toMatchObject({ ok: true, status: 'miss' });
      const stale = await getInPage(`retry-stale-${status}`, `${path}?status=${status}`, { ttlSeconds: 0 }, setup);
      expect(stale).toMatchObject({ ok: true, status: 'stale', sha256: await generatedVolumeSha256(4, seed) });
      expect(await gets(`${path}?status=${status}`)).toMatchObject([{ status, ifNoneMatch: `"gen-4-${seed}-v1"` }]);
    });
  }

  it('aborting while a Retry-After is waited out rejects with aborted and caches nothing', async () => {
    const path = '/gen/4-608.nii';
    const result = await getInPage('retry-abort', `${path}?status=503&retryafter=20`, { abortAfterMs: 300 });
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'aborted' });
    expect(result.elapsedMs).toBeLessThan(5000);
    expect(await gets(path)).toHaveLength(1);
    expect(await listPartitionFiles(suite.page, 'retry-abort')).toEqual({ blobs: [], tmp: [] });
  });
});

describe('redirects', () => {
  it('a 3-hop chain is downloaded once with the right SHA-256 and cached under the original URL', async () => {
    const path = '/gen/8-610.nii';
    const original = `${path}?redirect=3`;
    const first = await getInPage('redirects', original);
    const originalUrl = new URL(original, suite.page.url()).href;
    expect(first).toMatchObject({
      ok: true,
      status: 'miss',
      size: generatedVolumeBytes(8),
      sha256: await generatedVolumeSha256(8, 610),
      entry: { key: originalUrl, url: originalUrl, sha256: await generatedVolumeSha256(8, 610) },
    });
    expect((await gets(path)).map((r) => [r.path, r.status])).toEqual([
      [`${path}?redirect=3`, 302],
      [`${path}?redirect=2`, 302],
      [`${path}?redirect=1`, 302],
      [path, 200],
    ]);
    const second = await getInPage('redirects', original);
    expect(second).toMatchObject({ ok: true, status: 'hit', sha256: await generatedVolumeSha256(8, 610) });
    expect(await gets(path)).toHaveLength(4);
  });

  it('a redirect loop fails with network, stores nothing and leaves no temporary file', async () => {
    const path = '/gen/4-611.nii';
    const result = await getInPage('redirect-loop', `${path}?redirect=loop`);
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'network' });
    expect(result.message).toContain(`${new URL(`${path}?redirect=loop`, suite.page.url()).href} redirects, and the browser could not follow the redirects to the end`);
    // Chromium follows 20 redirects before it gives up; then one HEAD that follows none tells a loop from an unreachable server.
    expect((await gets(path)).length).toBeGreaterThanOrEqual(20);
    expect((await serverRequests(path)).filter((r) => r.method === 'HEAD')).toMatchObject([{ status: 302 }]);
    expect(await listPartitionFiles(suite.page, 'redirect-loop')).toEqual({ blobs: [], tmp: [] });
    expect(await cachedInPage('redirect-loop', `${path}?redirect=loop`)).toEqual({ sha256: null, entries: 0 });
  });
});

describe('a body that changes while its ETag stays the same', () => {
  // Each download below is cut by a stall after STALL_AT bytes (cut after 1 s) rather than a drop: a stalled
  // connection hands over every byte it sent, so the resume starts exactly there and always splices.
  const STALL_AT = 300_000;
  const setup = { ignore: IGNORED, stallTimeoutSeconds: 1 };

  it('with integrity, a resume across the change fails with integrity and the old entry stays readable', async () => {
    const partition = 'splice-integrity';
    const path = '/gen/16-620.nii';
    const v1 = await generatedVolumeSha256(16, 620, 1);
    const v2 = await generatedVolumeSha256(16, 620, 2);
    expect(await getInPage(partition, `${path}?v=1`, {}, setup)).toMatchObject({ ok: true, status: 'miss', sha256: v1 });

    // The first answer is v1, the resume v2 still labelled v1: If-Range matches and the server sends v2's tail.
    const faulty = `${path}?v=1,2&label=1&stall=${STALL_AT}&stalls=1`;
    const result = await getInPage(partition, faulty, { integrity: integrityOf(v2) }, setup);
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'integrity' });
    expect(result.message).toContain(await splicedSha256(16, 620, STALL_AT, 1, 2));
    expect(await gets(faulty)).toMatchObject([
      { status: 200, range: null, aborted: true },
      { status: 206, range: `bytes=${STALL_AT}-`, ifRange: '"gen-16-620-v1"' },
    ]);
    expect(await listPartitionFiles(suite.page, partition)).toEqual({ blobs: [v1], tmp: [] });
    expect(await cachedInPage(partition, path, setup)).toEqual({ sha256: v1, entries: 1 });
  });

  it('a .nii.gz spliced across the change fails its gzip CRC as corrupt; the old entry stays readable', async () => {
    const partition = 'splice-gzip';
    const path = '/gen/16-621.nii.gz';
    const spec = (version: number) => ({ slices: 16, seed: 621, version });
    // Stored deflate blocks: every version has the same length and layout, so only the CRC-32 can tell.
    expect(generatedGzipVolumeBytes(spec(2)).byteLength).toBe(generatedGzipVolumeBytes(spec(3)).byteLength);
    const v1 = generatedGzipVolumeSha256(spec(1));
    expect(await getInPage(partition, `${path}?v=1`, { ttlSeconds: 0 }, setup)).toMatchObject({ ok: true, status: 'miss', sha256: v1 });

    // Revalidation finds v2 (new ETag) and starts it; the resume gets v3 bytes still labelled v2.
    const faulty = `${path}?v=2,3&label=2&stall=${STALL_AT}&stalls=1`;
    const result = await getInPage(partition, faulty, {}, setup);
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'corrupt' });
    expect(result.message).toMatch(/fails its CRC(-32)? (or length )?check/);
    expect(await gets(faulty)).toMatchObject([
      { status: 200, ifNoneMatch: '"gen-16-621-v1.gz"', aborted: true },
      { status: 206, range: `bytes=${STALL_AT}-`, ifRange: '"gen-16-621-v2.gz"' },
    ]);
    expect(await listPartitionFiles(suite.page, partition)).toEqual({ blobs: [v1], tmp: [] });
    expect(await cachedInPage(partition, path, setup)).toEqual({ sha256: v1, entries: 1 });
  });

  it('revalidation answered 304 for the unchanged ETag keeps the old bytes (HTTP semantics)', async () => {
    const partition = 'same-etag-304';
    const path = '/gen/4-622.nii';
    const v1 = await generatedVolumeSha256(4, 622, 1);
    expect(await getInPage(partition, `${path}?v=1`, { ttlSeconds: 0 }, setup)).toMatchObject({ ok: true, status: 'miss', sha256: v1 });
    const result = await getInPage(partition, `${path}?v=2&label=1`, { ttlSeconds: 0 }, setup);
    expect(result).toMatchObject({ ok: true, status: 'revalidated', sha256: v1, entry: { sha256: v1 } });
    expect(await gets(`${path}?v=2&label=1`)).toMatchObject([{ status: 304, ifNoneMatch: '"gen-4-622-v1"' }]);
  });

  it('not guaranteed: without integrity, a plain .nii spliced across the change is stored, under the hash of what was stored', async () => {
    const partition = 'splice-plain';
    const path = '/gen/16-623.nii';
    const faulty = `${path}?v=1,2&label=1&stall=${STALL_AT}&stalls=1`;
    const spliced = await splicedSha256(16, 623, STALL_AT, 1, 2);
    const result = await getInPage(partition, faulty, {}, setup);
    expect(result).toMatchObject({ ok: true, status: 'miss', sha256: spliced, entry: { sha256: spliced } });
    expect(spliced).not.toBe(await generatedVolumeSha256(16, 623, 1));
    expect(spliced).not.toBe(await generatedVolumeSha256(16, 623, 2));
    expect((await gets(faulty)).map((r) => r.status)).toEqual([200, 206]);
  });

  it('a server that ignores If-Range gives the change away in its ETag: the download restarts and stores v2 whole', async () => {
    const partition = 'ignores-if-range';
    const path = '/gen/16-624.nii';
    const faulty = `${path}?v=1,2&ignoreifrange=1&stall=${STALL_AT}&stalls=1`;
    const result = await getInPage(partition, faulty, {}, setup);
    expect(result).toMatchObject({ ok: true, status: 'miss', sha256: await generatedVolumeSha256(16, 624, 2) });
    expect(await gets(faulty)).toMatchObject([
      { status: 200, range: null, aborted: true },
      { status: 206, range: `bytes=${STALL_AT}-`, ifRange: '"gen-16-624-v1"' },
      { status: 200, range: null, aborted: false },
    ]);
  });
});

describe('redirects through the service worker', () => {
  let swBrowser: TestBrowser;
  let swPage: Page;

  beforeAll(async () => {
    swBrowser = await launchBrowser();
    ({ page: swPage } = await swBrowser.newTestPage());
    await swPage.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      await lib.registerVolumeCacheServiceWorker({ name: 'sw-redirects', match: { pathPrefixes: ['/gen/'] } });
    });
  });
  afterAll(async () => {
    await swBrowser.close();
  });

  const viewerFetch = (path: string) =>
    swPage.evaluate(async (path) => {
      const response = await fetch(path);
      const buffer = await response.arrayBuffer();
      return { status: response.status, cache: response.headers.get('X-Volume-Cache'), size: buffer.byteLength, sha256: await window.sha256Hex(buffer) };
    }, path);

  const entryKeys = () =>
    swPage.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'sw-redirects' });
      const keys = (await cache.entries()).map((entry) => entry.key);
      cache.close();
      return keys;
    });

  it('a fetch() of a redirected URL is cached under that URL and then served from the cache', async () => {
    const path = '/gen/8-630.nii';
    const original = `${path}?redirect=3`;
    const expected = { size: generatedVolumeBytes(8), sha256: await generatedVolumeSha256(8, 630) };
    expect(await viewerFetch(original)).toMatchObject({ status: 200, cache: 'miss', ...expected });
    await expect.poll(entryKeys, { timeout: 10_000 }).toEqual([new URL(original, swPage.url()).href]);
    expect(await viewerFetch(original)).toMatchObject({ status: 200, cache: 'hit', ...expected });
    expect((await gets(path)).map((r) => r.status)).toEqual([302, 302, 302, 200]);
  });
});
