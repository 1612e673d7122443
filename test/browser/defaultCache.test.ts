import { expect, it } from 'vitest';
import { serverGets, useBrowserSuite } from './support/harness';
import { sample } from './support/manifest';

const suite = useBrowserSuite();

it('getCachedVolume, getCacheStats and clearCache work on one default cache', async () => {
  const { page } = await suite.browser.newTestPage();
  const facts = sample('functional.nii');
  const outcome = await page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const first = await lib.getCachedVolume('/data/nifti/functional.nii');
    const second = await lib.getCachedVolume('/data/nifti/functional.nii');
    const stats = await lib.getCacheStats();
    await lib.clearCache();
    const cleared = await lib.getCacheStats();
    return {
      first: await window.sha256Hex(first),
      second: await window.sha256Hex(second),
      stats: { hits: stats.hits, misses: stats.misses, entries: stats.entries },
      entriesAfterClear: cleared.entries,
    };
  });
  expect(outcome).toEqual({
    first: facts.sha256,
    second: facts.sha256,
    stats: { hits: 1, misses: 1, entries: 1 },
    entriesAfterClear: 0,
  });
  expect(await serverGets('/data/nifti/functional.nii')).toHaveLength(1);
});
