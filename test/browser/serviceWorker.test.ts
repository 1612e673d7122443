import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource } from '../server/generatedVolume';
import { resetServer, serverGets, serverRequests, useBrowserSuite } from './support/harness';
import { sample } from './support/manifest';
import { tamperWithBlob } from './support/policyHelpers';
import { VERSION } from '../../src/version';


/** Registers the prebuilt service worker on the test page, with the partition the page's cache uses. */
async function registerServiceWorker(target: Page, extra: Record<string, unknown> = {}): Promise<void> {
  await target.evaluate(async (extra) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'sw', match: { pathPrefixes: ['/data/', '/gen/'] }, ...extra });
  }, extra);
}

/** A plain fetch from the page, as a viewer would make it. */
async function viewerFetch(target: Page, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return target.evaluate(
    async ({ path, headers, method }) => {
      try {
        const response = await fetch(path, { headers, method });
        const buffer = await response.arrayBuffer();
        return {
          status: response.status,
          cache: response.headers.get('X-Volume-Cache'),
          contentRange: response.headers.get('Content-Range'),
          contentLength: response.headers.get('Content-Length'),
          contentType: response.headers.get('Content-Type'),
          acceptRanges: response.headers.get('Accept-Ranges'),
          etag: response.headers.get('ETag'),
          size: buffer.byteLength,
          sha256: await window.sha256Hex(buffer),
          text: buffer.byteLength < 2000 ? new TextDecoder().decode(buffer) : '',
        };
      } catch (error) {
        return { status: -1, error: String(error) };
      }
    },
    { path, headers, method },
  );
}

/** The entries of the shared partition, through the page API. */
async function entryKeys(target: Page): Promise<string[]> {
  return target.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const cache = await lib.createVolumeCache({ name: 'sw' });
    const keys = (await cache.entries()).map((entry) => new URL(entry.key).pathname + new URL(entry.key).search);
    cache.close();
    return keys;
  });
}

async function pageCacheCall<T>(target: Page, call: string, arg: unknown): Promise<T> {
  return target.evaluate(
    async ({ call, arg }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'sw' });
      try {
        const method = (cache as unknown as Record<string, (a: unknown, b?: unknown) => Promise<unknown>>)[call]!;
        const result = (await method.call(cache, ...((Array.isArray(arg) ? arg : [arg]) as [unknown, unknown?]))) as { status?: string; file?: File } | null;
        return (result && typeof result === 'object' && 'file' in result ? { status: result.status, size: result.file?.size } : result) as unknown;
      } finally {
        cache.close();
      }
    },
    { call, arg },
  ) as Promise<T>;
}

async function expectedSlice(slices: number, seed: number, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedVolumeSource({ slices, seed, version: 1 }).chunks(start, end)) hash.update(chunk);
  return hash.digest('hex');
}

const suite = useBrowserSuite({ page: true });
beforeAll(async () => {
  await registerServiceWorker(suite.page);
});

describe('drop-in cache for plain fetch()', () => {
  it('is controlled and reports read-write mode in stats()', async () => {
    const controlled = await suite.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
    expect(controlled).toContain('/volume-cache-sw.js');
    // The service worker records its mode when it opens storage, on the first volume request.
    await viewerFetch(suite.page, '/data/nifti/big.nii.gz');
    const stats = await pageCacheCall<{ serviceWorker: { mode: string } | null }>(suite.page, 'stats', []);
    // From this build, like the page's library.
    expect(stats.serviceWorker).toMatchObject({ mode: 'read-write', version: VERSION, sameVersion: true });
  });

  it('first fetch goes to the server once and is cached; the second never reaches the server', async () => {
    const facts = sample('functional.nii');
    const path = '/data/nifti/functional.nii';
    const first = await viewerFetch(suite.page, path);
    expect(first).toMatchObject({ status: 200, cache: 'miss', size: facts.bytes, sha256: facts.sha256 });
    await expect.poll(() => entryKeys(suite.page), { timeout: 10_000 }).toContain(path);
    const second = await viewerFetch(suite.page, path);
    expect(second).toMatchObject({
      status: 200,
      cache: 'hit',
      size: facts.bytes,
      sha256: facts.sha256,
      contentLength: String(facts.bytes),
      acceptRanges: 'bytes',
    });
    expect(second.etag).toBeTruthy();
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('two tabs fetching the same uncached volume at once download it once', async () => {
    // No validators, so Chromium's HTTP cache cannot turn a second download into a 304.
    const path = '/gen/48-91.nii?noetag=1&rate=4000000';
    const other = (await suite.browser.newTestPage()).page;
    const [first, second] = await Promise.all([viewerFetch(suite.page, path), viewerFetch(other, path)]);
    const expected = { status: 200, size: generatedVolumeBytes(48), sha256: await generatedVolumeSha256(48, 91) };
    expect(first).toMatchObject(expected);
    expect(second).toMatchObject(expected);
    expect([first.cache, second.cache].sort()).toEqual(['hit', 'miss']);
    expect(await serverGets(path)).toHaveLength(1);
    await other.close();
  });

  it('a file cached through the page API is a hit through the service worker, and vice versa', async () => {
    const facts = sample('example4d.nii.gz');
    const path = '/data/nifti/example4d.nii.gz';
    expect(await pageCacheCall<{ status: string }>(suite.page, 'get', path)).toMatchObject({ status: 'miss' });
    expect(await viewerFetch(suite.page, path)).toMatchObject({ status: 200, cache: 'hit', sha256: facts.sha256 });
    expect(await serverGets(path)).toHaveLength(1);

    const other = '/data/nifti/avg152T1_LR_nifti.nii';
    expect(await viewerFetch(suite.page, other)).toMatchObject({ cache: 'miss' });
    await expect.poll(() => entryKeys(suite.page), { timeout: 10_000 }).toContain(other);
    expect(await pageCacheCall<{ status: string }>(suite.page, 'get', other)).toMatchObject({ status: 'hit' });
    expect(await serverGets(other)).toHaveLength(1);
  });

  it('a body that is not NIfTI reaches the page but is not cached', async () => {
    const path = '/data/nifti/functional.nii?html200=1';
    const result = await viewerFetch(suite.page, path);
    expect(result).toMatchObject({ status: 200, cache: 'miss' });
    expect(result.text).toContain('<html');
    await suite.page.evaluate((path) => window.cachingSettled('sw', path), path);
    expect(await entryKeys(suite.page)).not.toContain(path);
  });

  it('responses marked no-store and non-2xx responses pass through uncached', async () => {
    const noStore = '/data/nifti/row_major.dconn.nii?cc=no-store';
    expect(await viewerFetch(suite.page, noStore)).toMatchObject({ status: 200, cache: null, sha256: sample('row_major.dconn.nii').sha256 });
    const missing = '/data/nifti/nothing-here.nii';
    expect(await viewerFetch(suite.page, missing)).toMatchObject({ status: 404, cache: null });
    for (const path of [noStore, missing]) await suite.page.evaluate((path) => window.cachingSettled('sw', path), path);
    const keys = await entryKeys(suite.page);
    expect(keys).not.toContain(noStore);
    expect(keys).not.toContain(missing);
  });
});

describe('counting', () => {
  it('a HEAD before each load counts nothing: two cold and two warm loads count 2 misses and 2 hits', async () => {
    type Totals = { hits: number; misses: number; uncached: number };
    const totals = async (): Promise<Totals> => {
      const { hits, misses, uncached } = await pageCacheCall<Totals>(suite.page, 'stats', []);
      return { hits, misses, uncached };
    };
    const lastAccess = async (path: string) => (await pageCacheCall<{ key: string; lastAccessedAt: number }[]>(suite.page, 'entries', [])).find((e) => e.key.endsWith(path))!.lastAccessedAt;
    const files = ['avg152T1_LR_nifti2.nii.gz', 'example_nifti2.nii.gz'];
    // Settled first: an earlier test's counts (written after its responses) may still be on their way.
    let before = await totals();
    await expect
      .poll(async () => {
        const now = await totals();
        const settled = JSON.stringify(now) === JSON.stringify(before);
        before = now;
        return settled;
      }, { interval: 300 })
      .toBe(true);
    const counted = async (): Promise<Totals> => {
      const now = await totals();
      return { hits: now.hits - before.hits, misses: now.misses - before.misses, uncached: now.uncached - before.uncached };
    };

    // As the demo's URL mode loads (and viewers that probe first): a HEAD to learn what is there, then the GET.
    for (const round of ['miss', 'hit'] as const) {
      for (const file of files) {
        const path = `/data/nifti/${file}`;
        expect(await viewerFetch(suite.page, path, {}, 'HEAD')).toMatchObject({ status: 200, size: 0, cache: round === 'hit' ? 'hit' : null });
        expect(await viewerFetch(suite.page, path)).toMatchObject({ status: 200, cache: round, sha256: sample(file).sha256 });
        if (round === 'miss') await expect.poll(() => entryKeys(suite.page), { timeout: 10_000 }).toContain(path);
      }
    }
    await expect.poll(counted).toEqual({ hits: 2, misses: 2, uncached: 0 });

    // Nor is a HEAD a use: the entry's last access stays, so it does not keep a volume from eviction.
    const path = `/data/nifti/${files[0]}`;
    const accessed = await lastAccess(path);
    expect(await viewerFetch(suite.page, path, {}, 'HEAD')).toMatchObject({ status: 200, cache: 'hit' });
    // A wait for something that must not happen: no signal says "no write is coming".
    // A GET's write lands within milliseconds here; 500 ms leaves room on a loaded machine.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await lastAccess(path)).toBe(accessed);
    expect(await counted()).toEqual({ hits: 2, misses: 2, uncached: 0 });
  });
});

describe('a stored file damaged on disk', () => {
  it('is noticed by the first request after the reuse window: dropped, fetched again, then a hit', async () => {
    // No reuse window: each request opens and checks the file afresh, so the
    // test need not wait out the default 2 s (reuse itself is unit-tested).
    await registerServiceWorker(suite.page, { reuseOpenedFileMs: 0 });
    const path = '/gen/2-77.nii';
    const expected = { status: 200, size: generatedVolumeBytes(2), sha256: await generatedVolumeSha256(2, 77) };
    expect(await viewerFetch(suite.page, path)).toMatchObject({ ...expected, cache: 'miss' });
    await expect.poll(() => entryKeys(suite.page), { timeout: 10_000 }).toContain(path);
    expect(await viewerFetch(suite.page, path)).toMatchObject({ ...expected, cache: 'hit' });
    const corruptBefore = (await pageCacheCall<{ corrupt: number }>(suite.page, 'stats', [])).corrupt;
    expect(await tamperWithBlob(suite.page, 'sw', expected.sha256, 'shorter')).toEqual({ before: expected.size, after: expected.size - 1000 });

    expect(await viewerFetch(suite.page, path)).toMatchObject({ ...expected, cache: 'miss' });
    expect((await pageCacheCall<{ corrupt: number }>(suite.page, 'stats', [])).corrupt).toBe(corruptBefore + 1);
    await expect.poll(() => entryKeys(suite.page), { timeout: 10_000 }).toContain(path);
    expect(await viewerFetch(suite.page, path)).toMatchObject({ ...expected, cache: 'hit' });
    expect(await serverGets(path)).toHaveLength(2);
    await registerServiceWorker(suite.page);
  });
});

describe('ranges and HEAD from a cached 300 MB volume', () => {
  const slices = 4800;
  const seed = 11;
  const path = `/gen/${slices}-${seed}.nii`;
  const size = generatedVolumeBytes(slices);

  beforeAll(async () => {
    const cached = await pageCacheCall<{ status: string; size: number }>(suite.page, 'get', path);
    expect(cached).toMatchObject({ size });
  });

  const ranges: [string, number, number][] = [
    ['bytes=0-99', 0, 99],
    ['bytes=1000000-1999999', 1_000_000, 1_999_999],
    ['bytes=-100', size - 100, size - 1],
    [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
    [`bytes=${size - 65_536}-`, size - 65_536, size - 1],
    [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1],
  ];
  for (const [header, start, end] of ranges) {
    it(`${header} -> 206 with bytes ${start}-${end}`, async () => {
      const result = await viewerFetch(suite.page, path, { Range: header });
      expect(result).toMatchObject({
        status: 206,
        cache: 'hit',
        contentRange: `bytes ${start}-${end}/${size}`,
        contentLength: String(end - start + 1),
        size: end - start + 1,
        sha256: await expectedSlice(slices, seed, start, end),
      });
      expect(await serverGets(path)).toHaveLength(0);
    });
  }

  it('40 ranges at once are each right, and each is counted as a hit of its own length', async () => {
    type Totals = { hits: number; bytesFromCache: number };
    const lastAccess = async () => (await pageCacheCall<{ key: string; lastAccessedAt: number }[]>(suite.page, 'entries', [])).find((e) => e.key.endsWith(path))!.lastAccessedAt;
    const before = await pageCacheCall<Totals>(suite.page, 'stats', []);
    const accessedBefore = await lastAccess();
    const MiB = 1 << 20;
    const answers = await suite.page.evaluate(
      async ({ path, MiB }) =>
        Promise.all(
          Array.from({ length: 40 }, async (_, i) => {
            const response = await fetch(path, { headers: { Range: `bytes=${i * MiB}-${(i + 1) * MiB - 1}` } });
            const body = await response.arrayBuffer();
            return { status: response.status, cache: response.headers.get('X-Volume-Cache'), size: body.byteLength, sha256: await window.sha256Hex(body) };
          }),
        ),
      { path, MiB },
    );
    for (const [i, answer] of answers.entries()) {
      expect(answer).toEqual({ status: 206, cache: 'hit', size: MiB, sha256: await expectedSlice(slices, seed, i * MiB, (i + 1) * MiB - 1) });
    }
    // Counted after each response is built, so the totals settle a moment later.
    await expect
      .poll(async () => {
        const after = await pageCacheCall<Totals>(suite.page, 'stats', []);
        return { hits: after.hits - before.hits, bytesFromCache: after.bytesFromCache - before.bytesFromCache };
      })
      .toEqual({ hits: 40, bytesFromCache: 40 * MiB });
    expect(await lastAccess()).toBeGreaterThan(accessedBefore);
    expect(await serverGets(path)).toHaveLength(0);
  });

  it('an unsatisfiable range gets 416 with the length', async () => {
    const result = await viewerFetch(suite.page, path, { Range: `bytes=${size}-` });
    expect(result).toMatchObject({ status: 416, contentRange: `bytes */${size}` });
  });

  it('HEAD is answered from metadata', async () => {
    const result = await viewerFetch(suite.page, path, {}, 'HEAD');
    expect(result).toMatchObject({ status: 200, cache: 'hit', contentLength: String(size), acceptRanges: 'bytes', size: 0 });
    expect(await serverRequests(path)).toHaveLength(0);
  });

  it('the full response is the whole file', async () => {
    const result = await viewerFetch(suite.page, path);
    expect(result).toMatchObject({ status: 200, cache: 'hit', size, sha256: await generatedVolumeSha256(slices, seed) });
  });
});

describe('offline', () => {
  it('serves cached volumes after a reload with the network gone, 504 JSON for the rest, and revalidates when back', async () => {
    const cachedPath = '/data/nifti/MNI152_2009_template.nii.gz';
    const facts = sample('MNI152_2009_template.nii.gz');
    // Expired at once, so going back online must revalidate it.
    expect(await pageCacheCall<{ status: string }>(suite.page, 'get', [cachedPath, { ttlSeconds: 0 }])).toMatchObject({ status: 'miss' });

    // The page itself must come from the service worker when offline.
    await registerServiceWorker(suite.page, { offlineShell: true });
    await suite.page.reload();
    await suite.page.waitForFunction(() => window.testReady === true);

    await suite.browser.context.setOffline(true);
    try {
      await suite.page.reload();
      await suite.page.waitForFunction(() => window.testReady === true);
      const cached = await viewerFetch(suite.page, cachedPath);
      expect(cached).toMatchObject({ status: 200, cache: 'stale', sha256: facts.sha256 });
      const missing = await viewerFetch(suite.page, '/data/nifti/spm152.nii.gz');
      expect(missing.status).toBe(504);
      expect(JSON.parse(missing.text ?? '')).toMatchObject({ error: 'not-available-offline', url: expect.stringContaining('/data/nifti/spm152.nii.gz') });
    } finally {
      await suite.browser.context.setOffline(false);
    }

    await resetServer();
    const back = await viewerFetch(suite.page, cachedPath);
    expect(back).toMatchObject({ status: 200, cache: 'revalidated', sha256: facts.sha256 });
    const requests = await serverGets(cachedPath);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ status: 304, ifNoneMatch: expect.stringContaining(facts.sha256) });
  });
});

describe('lifecycle', () => {
  it('a service-worker update keeps the cached volumes', async () => {
    const path = '/data/nifti/functional.nii';
    await pageCacheCall(suite.page, 'get', path);
    const before = await suite.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    // A different configuration is a different script URL: the browser installs it as an update.
    await registerServiceWorker(suite.page, { offlineShell: true, ignoreSearchParams: ['token'] });
    const after = await suite.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(after).not.toBe(before);
    expect(before).toContain('offlineShell=1');
    expect(after).toContain('ignoreSearchParams=token');
    expect(await entryKeys(suite.page)).toContain(path);
    expect(await viewerFetch(suite.page, `${path}?token=abc`)).toMatchObject({ status: 200, cache: 'hit', sha256: sample('functional.nii').sha256 });
    expect(await serverGets(path)).toHaveLength(0);
  });

  it('unregister removes the service worker and leaves the volumes', async () => {
    const removed = await suite.page.evaluate(async () => (window.volumeCache as typeof import('../../src/index')).unregisterVolumeCacheServiceWorker());
    expect(removed).toBe(true);
    expect(await entryKeys(suite.page)).toContain('/data/nifti/functional.nii');
    await registerServiceWorker(suite.page);
  });
});

describe('log-out and log-in', () => {
  it('after destroy() and a new cache on the same name, the service worker caches and serves offline again; a clean log-out counts no failure', async () => {
    const before = '/data/nifti/avg152T1_LR_nifti.nii';
    const after = '/data/nifti/functional.nii';
    expect(await viewerFetch(suite.page, before)).toMatchObject({ status: 200 });
    await suite.page.evaluate((path) => window.cachingSettled('sw', path), before);

    // Log-out: the partition goes, files and database, while the service worker keeps running.
    await suite.page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      await (await lib.createVolumeCache({ name: 'sw' })).destroy();
    });
    // Log-in: a new cache on the same name; the service worker, never restarted, must cache into it.
    expect(await entryKeys(suite.page)).toEqual([]);
    expect(await viewerFetch(suite.page, after)).toMatchObject({ status: 200, cache: 'miss', sha256: sample('functional.nii').sha256 });
    await suite.page.evaluate((path) => window.cachingSettled('sw', path), after);
    expect(await entryKeys(suite.page)).toEqual([after]);

    await suite.browser.context.setOffline(true);
    try {
      expect(await viewerFetch(suite.page, after)).toMatchObject({ status: 200, cache: 'hit', sha256: sample('functional.nii').sha256 });
    } finally {
      await suite.browser.context.setOffline(false);
    }
    const stats = await pageCacheCall<{ serviceWorker: { failures: number; lastFailure: string | null } | null }>(suite.page, 'stats', []);
    expect(stats.serviceWorker).toMatchObject({ mode: 'read-write', failures: 0, lastFailure: null });
  });
});
