import { describe, expect, it } from 'vitest';
import { sample } from '../browser/support/manifest';
import { serverGets, useFirefoxSuite, waitForTestPage } from './support/harness';

const suite = useFirefoxSuite({ page: true });

/** The partition's entries and a get of `path`, from a fresh cache on the page. */
function readBack(partition: string, path: string) {
  return suite.page.evaluate(
    async (partition: string, path: string) => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: partition });
      try {
        const offline = await cache.getCachedFile(path);
        const { status, file } = await cache.get(path);
        return {
          entries: (await cache.entries()).map((entry) => new URL(entry.url).pathname),
          offlineSha: offline ? await window.sha256Hex(offline) : null,
          status,
          sha256: await window.sha256Hex(file),
        };
      } finally {
        cache.close();
      }
    },
    partition,
    path,
  );
}

describe('persistence in Firefox', () => {
  it('a cached volume survives a page reload: read back without the network, then a hit', async () => {
    const facts = sample('MNI152_2009_template.nii.gz');
    const path = '/data/nifti/MNI152_2009_template.nii.gz';
    expect(await readBack('ff-reload', path)).toEqual({ entries: [path], offlineSha: null, status: 'miss', sha256: facts.sha256 });

    await suite.page.reload();
    await waitForTestPage(suite.page);
    // A new document: nothing of the first one's caches or workers is left.
    expect(await suite.page.evaluate(() => performance.getEntriesByType('navigation').map((entry) => (entry as PerformanceNavigationTiming).type))).toEqual(['reload']);

    expect(await readBack('ff-reload', path)).toEqual({ entries: [path], offlineSha: facts.sha256, status: 'hit', sha256: facts.sha256 });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('requestPersistence() answers false within its 5 s, though headless Firefox never answers persist()', async () => {
    const result = await suite.page.evaluate(async () => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-persist', persistence: 'manual' });
      const started = performance.now();
      const granted = await cache.requestPersistence();
      const elapsedMs = performance.now() - started;
      const { persisted } = await cache.stats();
      cache.close();
      return { granted, persisted, elapsedMs };
    });
    expect(result).toMatchObject({ granted: false, persisted: false });
    expect(result.elapsedMs).toBeLessThan(8_000);
  });

  it('a second tab of the same profile sees the same cache', async () => {
    const facts = sample('avg152T1_LR_nifti2.nii.gz');
    const path = '/data/nifti/avg152T1_LR_nifti2.nii.gz';
    expect(await readBack('ff-tabs', path)).toMatchObject({ status: 'miss', sha256: facts.sha256 });
    const other = (await suite.browser.newTestPage()).page;
    try {
      const seen = await other.evaluate(async (path: string) => {
        const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-tabs' });
        const { status, file } = await cache.get(path);
        cache.close();
        return { status, sha256: await window.sha256Hex(file) };
      }, path);
      expect(seen).toEqual({ status: 'hit', sha256: facts.sha256 });
    } finally {
      await other.close();
    }
    expect(await serverGets(path)).toHaveLength(1);
  });
});
