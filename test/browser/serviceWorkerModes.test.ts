import { expect, it } from 'vitest';
import { serverGets, useBrowserSuite } from './support/harness';
import { sample } from './support/manifest';

const suite = useBrowserSuite({ browserPerTest: true });

/**
 * Serves the prebuilt service worker with `prefix` run before it, to take a
 * capability away from the service worker only, as an older browser would.
 */
async function withServiceWorkerPrefix(prefix: string): Promise<void> {
  await suite.browser.context.route('**/volume-cache-sw.js*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: `${prefix}\n${await response.text()}` });
  });
}

async function fetchTwiceThroughServiceWorker(path: string) {
  const { page } = await suite.browser.newTestPage();
  return page.evaluate(async (path) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'modes', match: { pathPrefixes: ['/data/'] } });
    const read = async () => {
      const response = await fetch(path);
      return { status: response.status, header: response.headers.get('X-Volume-Cache'), sha256: await window.sha256Hex(await response.arrayBuffer()) };
    };
    const first = await read();
    await window.cachingSettled('modes', path);
    const second = await read();
    const cache = await lib.createVolumeCache({ name: 'modes' });
    const stats = await cache.stats();
    const pageGet = await cache.get(path);
    const third = await read();
    cache.close();
    return { first, second, third, pageStatus: pageGet.status, serviceWorker: stats.serviceWorker, entries: stats.entries };
  }, path);
}

it('without createWritable() in the service worker it serves hits but passes misses through uncached (read-only)', async () => {
  await withServiceWorkerPrefix('delete FileSystemFileHandle.prototype.createWritable;');
  const path = '/data/nifti/functional.nii';
  const facts = sample('functional.nii');
  const outcome = await fetchTwiceThroughServiceWorker(path);
  expect(outcome.serviceWorker).toMatchObject({ mode: 'read-only' });
  expect(outcome.first).toMatchObject({ status: 200, header: null, sha256: facts.sha256 });
  expect(outcome.second).toMatchObject({ status: 200, header: null, sha256: facts.sha256 });
  // The page's worker can still write; after it cached the file the service worker serves it.
  expect(outcome.pageStatus).toBe('miss');
  expect(outcome.third).toMatchObject({ status: 200, header: 'hit', sha256: facts.sha256 });
  expect(await serverGets(path)).toHaveLength(3);
});

it('without OPFS in the service worker every request passes through (pass-through), and stats say so', async () => {
  await withServiceWorkerPrefix('delete StorageManager.prototype.getDirectory;');
  const path = '/data/nifti/big.nii.gz';
  const facts = sample('big.nii.gz');
  const outcome = await fetchTwiceThroughServiceWorker(path);
  expect(outcome.serviceWorker).toMatchObject({ mode: 'pass-through' });
  expect(outcome.first).toMatchObject({ status: 200, header: null, sha256: facts.sha256 });
  expect(outcome.second).toMatchObject({ status: 200, header: null, sha256: facts.sha256 });
  expect(outcome.third).toMatchObject({ status: 200, header: null, sha256: facts.sha256 });
});

it('with cacheNoStore: true, a response marked no-store is cached and then answered from the cache', async () => {
  // What a deployment that serves volumes no-store (to spare Chromium's read-ahead, see the Memory point in docs/how-it-works.md) configures.
  const { page } = await suite.browser.newTestPage();
  const path = '/data/nifti/functional.nii?cc=no-store';
  const facts = sample('functional.nii');
  const outcome = await page.evaluate(async (path) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'modes', match: { pathPrefixes: ['/data/'] }, cacheNoStore: true });
    const read = async () => {
      const response = await fetch(path);
      return { status: response.status, header: response.headers.get('X-Volume-Cache'), sha256: await window.sha256Hex(await response.arrayBuffer()) };
    };
    const first = await read();
    // The cache side of a miss is written after the page has its copy.
    const cache = await lib.createVolumeCache({ name: 'modes' });
    let keys: string[] = [];
    for (let i = 0; i < 100 && keys.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      keys = (await cache.entries()).map((entry) => entry.key);
    }
    const second = await read();
    cache.close();
    return { first, second, keys };
  }, path);
  expect(outcome.first).toMatchObject({ status: 200, header: 'miss', sha256: facts.sha256 });
  expect(outcome.keys).toEqual([expect.stringContaining(path)]);
  expect(outcome.second).toMatchObject({ status: 200, header: 'hit', sha256: facts.sha256 });
  expect(await serverGets(path)).toHaveLength(1);
});
