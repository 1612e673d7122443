import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { serverGets, useBrowserSuite } from './support/harness';

const suite = useBrowserSuite();

const gets = serverGets;

/** Starts cache.get in a page and returns a promise of { status, sha256 } computed from the entry. */
function getIn(page: Page, partition: string, path: string) {
  return page.evaluate(
    async ({ partition, path }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: partition });
      try {
        const { status, entry, file } = await cache.get(path);
        return { status, sha256: entry?.sha256 ?? null, size: file.size };
      } finally {
        cache.close();
      }
    },
    { partition, path },
  );
}

it('four tabs asking for the same 200 MB volume at once cause exactly one download', async () => {
  const slices = 3052;
  const path = `/gen/${slices}-31.nii`;
  const pages = await Promise.all([1, 2, 3, 4].map(async () => (await suite.browser.newTestPage()).page));
  // Throttled so all four are surely asking while the first is still downloading.
  const results = await Promise.all(pages.map((page) => getIn(page, 'tabs', `${path}?rate=150000000`)));
  const expected = await generatedVolumeSha256(slices, 31);
  for (const result of results) expect(result).toMatchObject({ sha256: expected, size: generatedVolumeBytes(slices) });
  expect(results.filter((result) => result.status === 'miss')).toHaveLength(1);
  expect(results.filter((result) => result.status === 'hit')).toHaveLength(3);
  expect(await gets(path)).toHaveLength(1);
  await Promise.all(pages.map((page) => page.close()));
});

it("the service worker waits for a page worker's download of the same volume instead of starting its own", async () => {
  const { page } = await suite.browser.newTestPage();
  await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'tabs-sw', match: { pathPrefixes: ['/gen/'] }, ignoreSearchParams: ['rate'] });
  });
  const path = '/gen/320-32.nii';
  const outcome = await page.evaluate(async (path) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const cache = await lib.createVolumeCache({ name: 'tabs-sw', cacheKey: lib.cacheKeyIgnoring(['rate']) });
    let viewerFetch: Promise<{ status: number; header: string | null; size: number }> | null = null;
    const download = cache.get(`${path}?rate=20000000`, {
      onProgress: () => {
        // A viewer asks for the same volume with plain fetch while the worker is downloading it.
        viewerFetch ??= fetch(path).then(async (response) => ({
          status: response.status,
          header: response.headers.get('X-Volume-Cache'),
          size: (await response.arrayBuffer()).byteLength,
        }));
      },
    });
    const { status } = await download;
    const viewer = await viewerFetch!;
    cache.close();
    return { status, viewer };
  }, path);
  expect(outcome.status).toBe('miss');
  expect(outcome.viewer).toMatchObject({ status: 200, header: 'hit', size: generatedVolumeBytes(320) });
  expect(await gets(path)).toHaveLength(1);
  await page.evaluate(async () => (window.volumeCache as typeof import('../../src/index')).unregisterVolumeCacheServiceWorker());
  await page.close();
});
