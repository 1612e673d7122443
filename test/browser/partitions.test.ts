import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserSuite } from './support/harness';
import { sample } from './support/manifest';

const suite = useBrowserSuite();

/** Partition folders in OPFS and volume-cache databases, as the page sees them. */
function storageListing(page: Page) {
  return page.evaluate(async () => {
    const folders: string[] = [];
    try {
      const base = await (await navigator.storage.getDirectory()).getDirectoryHandle('volume-cache');
      for await (const name of base.keys()) folders.push(name);
    } catch {
      // No volume-cache folder at all.
    }
    const databases = (await indexedDB.databases()).map((db) => db.name ?? '').filter((name) => name.startsWith('volume-cache:'));
    return { folders: folders.sort(), databases: databases.sort() };
  });
}

it('two partitions cannot see each other’s entries', async () => {
  const { page } = await suite.browser.newTestPage();
  const outcome = await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const alice = await lib.createVolumeCache({ name: 'alice' });
    const bob = await lib.createVolumeCache({ name: 'bob' });
    await alice.get('/data/nifti/functional.nii');
    const result = {
      alice: (await alice.entries()).length,
      bobEntries: (await bob.entries()).length,
      bobCached: await bob.getCachedFile('/data/nifti/functional.nii'),
      bobGet: (await bob.get('/data/nifti/functional.nii')).status,
    };
    await alice.destroy();
    await bob.destroy();
    return result;
  });
  expect(outcome).toEqual({ alice: 1, bobEntries: 0, bobCached: null, bobGet: 'miss' });
  await page.close();
});

it('destroy() leaves no files or database behind and closes the partition in other tabs', async () => {
  const { page: first } = await suite.browser.newTestPage();
  const { page: second } = await suite.browser.newTestPage();
  await second.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    (window as unknown as { other: unknown }).other = await lib.createVolumeCache({ name: 'logout-one' });
  });
  await first.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const keep = await lib.createVolumeCache({ name: 'stays' });
    await keep.get('/data/nifti/big.nii.gz');
    keep.close();
    const cache = await lib.createVolumeCache({ name: 'logout-one' });
    await cache.get('/data/nifti/functional.nii');
    await cache.pin('/data/nifti/example4d.nii.gz');
    await cache.destroy();
  });
  expect(await storageListing(first)).toEqual({ folders: ['stays'], databases: ['volume-cache:stays'] });
  const otherTab = await second.evaluate(async () => {
    const other = (window as unknown as { other: import('../../src/index').VolumeCache }).other;
    try {
      await other.entries();
      return 'resolved';
    } catch (error) {
      return (error as { code?: string }).code;
    }
  });
  expect(otherTab).toBe('closed');
  await Promise.all([first.close(), second.close()]);
});

it('clearOnLogout() removes every partition of the origin, its offline app copy and the service worker', async () => {
  const { page } = await suite.browser.newTestPage();
  const report = await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'ward-a', match: { pathPrefixes: ['/data/'] }, offlineShell: true });
    for (const name of ['ward-a', 'ward-b']) {
      const cache = await lib.createVolumeCache({ name });
      await cache.get('/data/nifti/functional.nii');
      cache.close();
    }
    await fetch('/test/browser/pages/index.html');
    const report = await lib.clearOnLogout();
    return {
      report,
      caches: (await caches.keys()).filter((key) => key.startsWith('volume-cache')),
      registrations: (await navigator.serviceWorker.getRegistrations()).length,
    };
  });
  expect(report.report.partitions).toEqual(expect.arrayContaining(['ward-a', 'ward-b', 'stays']));
  expect(report.caches).toEqual([]);
  expect(report.registrations).toBe(0);
  expect(await storageListing(page)).toEqual({ folders: [], databases: [] });
  await page.close();
});

it('a response to a request with Authorization is returned uncached unless the partition opts in', async () => {
  const { page } = await suite.browser.newTestPage();
  const facts = sample('functional.nii');
  const outcome = await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const shared = await lib.createVolumeCache({ name: 'auth-shared' });
    const own = await lib.createVolumeCache({ name: 'auth-own', cacheAuthorized: true });
    const headers = { Authorization: 'Bearer secret' };
    const a = await shared.get('/data/nifti/functional.nii', { headers });
    const b = await own.get('/data/nifti/functional.nii', { headers });
    const result = {
      shared: { status: a.status, sha256: await window.sha256Hex(a.file), entries: (await shared.entries()).length },
      own: { status: b.status, entries: (await own.entries()).length },
    };
    await shared.destroy();
    await own.destroy();
    return result;
  });
  expect(outcome).toEqual({ shared: { status: 'uncached', sha256: facts.sha256, entries: 0 }, own: { status: 'miss', entries: 1 } });
  await page.close();
});

it('the service worker does not cache Authorization requests, nor private responses when shared', async () => {
  const { page } = await suite.browser.newTestPage();
  const outcome = await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'sw-rules', match: { pathPrefixes: ['/data/'] }, shared: true });
    const read = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(path, { headers });
      await response.arrayBuffer();
      return response.headers.get('X-Volume-Cache');
    };
    const first = {
      authorized: await read('/data/nifti/functional.nii?a=1', { Authorization: 'Bearer secret' }),
      private: await read('/data/nifti/functional.nii?cc=private'),
      public: await read('/data/nifti/functional.nii?cc=public'),
    };
    for (const path of ['/data/nifti/functional.nii?a=1', '/data/nifti/functional.nii?cc=private', '/data/nifti/functional.nii?cc=public']) {
      await window.cachingSettled('sw-rules', path);
    }
    const cache = await lib.createVolumeCache({ name: 'sw-rules' });
    const keys = (await cache.entries()).map((entry) => new URL(entry.key).search);
    await lib.unregisterVolumeCacheServiceWorker();
    await cache.destroy();
    return { first, keys };
  });
  expect(outcome.first).toEqual({ authorized: null, private: null, public: 'miss' });
  expect(outcome.keys).toEqual(['?cc=public']);
  await page.close();
});
