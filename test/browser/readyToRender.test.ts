import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, resetServer, type TestBrowser } from './support/harness';
import { manifest } from './support/manifest';

type ChecksModule = typeof import('./derived/pages/derivedChecks');

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

const samples = manifest.files as unknown as { file: string; voxelBytes: number; bitPix: number; dims: number[]; datatypeCode: number }[];

describe('getVolume', () => {
  for (const sample of samples.filter((s) => !s.file.includes('row_major'))) {
    const name = sample.file.replace('nifti/', '');
    it(`${name}: cold decodes, warm reads the stored decoded copy, both equal nifti-reader-js`, async () => {
      const result = await page.evaluate(
        async ({ url, voxelBytes, unitBytes, partition }) => {
          const lib = window.volumeCache as typeof import('../../src/index');
          const checks = (await window.importModule('/test/browser/derived/pages/derivedChecks.ts')) as ChecksModule;
          // memoryBytes 0: the warm open must come from the stored copy, not memory.
          const cache = await lib.createVolumeCache({ name: partition, memoryBytes: 0, thumbnails: false });
          const cold = await cache.getVolume(url);
          const afterCold = await cache.stats();
          const warm = await cache.getVolume(url);
          const afterWarm = await cache.stats();
          cache.close();
          return {
            cold: { status: cold.status, from: cold.decodedFrom, sha: await window.sha256Hex(cold.voxels), dims: cold.header.dims, datatypeCode: cold.header.datatypeCode, kind: cold.header.typedArrayKind },
            warm: { status: warm.status, from: warm.decodedFrom, sha: await window.sha256Hex(warm.voxels), fileSize: warm.file.size },
            decodes: [afterCold.decodes, afterWarm.decodes],
            derived: afterWarm.derivedResults,
            reference: await checks.referenceDecode(url, voxelBytes, unitBytes),
          };
        },
        { url: `/data/${sample.file}`, voxelBytes: sample.voxelBytes, unitBytes: sample.bitPix / 8, partition: `volume-${name.replace(/\W/g, '')}` },
      );
      expect(result.cold).toMatchObject({ status: 'miss', from: 'decode', sha: result.reference.readImageSha256, dims: sample.dims, datatypeCode: sample.datatypeCode });
      expect(result.warm).toMatchObject({ status: 'hit', from: 'disk', sha: result.reference.readImageSha256 });
      // No decompression on the warm open.
      expect(result.decodes).toEqual([1, 1]);
      expect(result.derived).toBe(1);
    });
  }

  it('the memory tier answers a repeat open without touching disk; keepDecoded: false stores nothing', async () => {
    const outcome = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'volume-memory', thumbnails: false });
      await cache.getVolume('/data/nifti/example4d.nii.gz');
      const again = await cache.getVolume('/data/nifti/example4d.nii.gz');
      cache.close();
      const none = await lib.createVolumeCache({ name: 'volume-none', keepDecoded: false, memoryBytes: 0, thumbnails: false });
      await none.getVolume('/data/nifti/example4d.nii.gz');
      const second = await none.getVolume('/data/nifti/example4d.nii.gz');
      const stats = await none.stats();
      none.close();
      return { memory: again.decodedFrom, none: second.decodedFrom, decodes: stats.decodes, derived: stats.derivedResults };
    });
    expect(outcome).toEqual({ memory: 'memory', none: 'decode', decodes: 2, derived: 0 });
  });

  it('evicting or invalidating a source removes its decoded copy; derived bytes count against maxBytes', async () => {
    const outcome = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'volume-evict', memoryBytes: 0, thumbnails: false });
      await cache.getVolume('/data/nifti/spm152.nii.gz');
      const before = await cache.stats();
      await cache.invalidate('/data/nifti/spm152.nii.gz');
      const afterInvalidate = await cache.stats();
      // spm152 is 4.1 MB gzipped and 11.4 MB decoded. A 12 MB budget cannot hold both: the voxels are
      // returned, the volume kept, and the decoded copy not kept, evicting nothing.
      await cache.configure({ maxBytes: 12_000_000 });
      const tooBig = await cache.getVolume('/data/nifti/spm152.nii.gz');
      const tooBigStats = await cache.stats();
      const tooBigEntries = (await cache.entries()).map((entry) => new URL(entry.url).pathname);
      // 16 MB holds both, but not the 2.9 MB MNI file beside them: it pushes out spm152 and its copy.
      await cache.configure({ maxBytes: 16_000_000 });
      await cache.getVolume('/data/nifti/spm152.nii.gz');
      const kept = await cache.stats();
      await cache.get('/data/nifti/MNI152_2009_template.nii.gz');
      const afterBudget = await cache.stats();
      const entries = (await cache.entries()).map((entry) => new URL(entry.url).pathname);
      cache.close();
      const root = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('volume-cache')).getDirectoryHandle('volume-evict');
      const derivedFiles: string[] = [];
      for await (const name of (await root.getDirectoryHandle('derived')).keys()) derivedFiles.push(name);
      return {
        before: [before.derivedResults, before.derivedBytes],
        afterInvalidate: [afterInvalidate.derivedResults, afterInvalidate.derivedBytes],
        tooBig: { voxels: tooBig.voxels.byteLength, decodedFrom: tooBig.decodedFrom, derivedResults: tooBigStats.derivedResults, evictions: tooBigStats.evictions, entries: tooBigEntries },
        kept: [kept.derivedResults, kept.derivedBytes],
        afterBudget,
        entries,
        derivedFiles,
      };
    });
    expect(outcome.before[0]).toBe(1);
    expect(outcome.before[1]).toBe(207 * 256 * 215);
    expect(outcome.afterInvalidate).toEqual([0, 0]);
    expect(outcome.tooBig).toEqual({ voxels: 207 * 256 * 215, decodedFrom: 'decode', derivedResults: 0, evictions: 0, entries: ['/data/nifti/spm152.nii.gz'] });
    expect(outcome.kept).toEqual([1, 207 * 256 * 215]);
    // The newer MNI file pushed out spm152 and its decoded copy; nothing derived dangles.
    expect(outcome.entries).toEqual(['/data/nifti/MNI152_2009_template.nii.gz']);
    expect(outcome.afterBudget).toMatchObject({ derivedResults: 0, derivedBytes: 0 });
    expect(outcome.derivedFiles).toEqual([]);
  });
});

describe('memo', () => {
  it('same inputs hit, a new version or input misses, ignored inputs do not matter, force recomputes, results survive a restart', async () => {
    const run = () =>
      page.evaluate(async () => {
        const lib = window.volumeCache as typeof import('../../src/index');
        const cache = await lib.createVolumeCache({ name: 'memo', thumbnails: false });
        let computed = 0;
        const compute = (factor: number) => () => {
          computed++;
          return new Float32Array([1, 2, 3].map((x) => x * factor));
        };
        const a = await cache.memo('smooth', { sigma: 2, label: 'x' }, compute(2), { version: 1, ignore: ['label'] });
        const b = await cache.memo('smooth', { label: 'y', sigma: 2 }, compute(99), { version: 1, ignore: ['label'] });
        const c = await cache.memo('smooth', { sigma: 3, label: 'x' }, compute(3), { version: 1, ignore: ['label'] });
        const d = await cache.memo('smooth', { sigma: 2, label: 'x' }, compute(4), { version: 2, ignore: ['label'] });
        const e = await cache.memo('smooth', { sigma: 2, label: 'x' }, compute(5), { version: 1, ignore: ['label'], force: true });
        const f = await cache.memo('stats', { n: 1 }, () => ({ mean: 4.5, counts: [1, 2] }), { version: 1 });
        cache.close();
        return { computed, a: [...a], b: [...b], isFloat32: b instanceof Float32Array, c: [...c], d: [...d], e: [...e], f };
      });
    const first = await run();
    // a, c (new input), d (new version) and e (forced) computed; b hit; f counts apart.
    expect(first).toEqual({ computed: 4, a: [2, 4, 6], b: [2, 4, 6], isFloat32: true, c: [3, 6, 9], d: [4, 8, 12], e: [5, 10, 15], f: { mean: 4.5, counts: [1, 2] } });
    await browser.restart();
    ({ page } = await browser.newTestPage());
    const second = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'memo', thumbnails: false });
      let computed = 0;
      const value = await cache.memo('smooth', { sigma: 2, label: 'z' }, () => {
        computed++;
        return new Float32Array([0]);
      }, { version: 1, ignore: ['label'] });
      const stats = await cache.memo('stats', { n: 1 }, () => {
        computed++;
        return null;
      }, { version: 1 });
      cache.close();
      return { computed, value: [...value], stats };
    });
    // force stored [5, 10, 15] over [2, 4, 6].
    expect(second).toEqual({ computed: 0, value: [5, 10, 15], stats: { mean: 4.5, counts: [1, 2] } });
  });

  it('a memo tied to a source goes when the source goes', async () => {
    const outcome = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'memo-source', thumbnails: false });
      await cache.get('/data/nifti/functional.nii');
      let computed = 0;
      const compute = () => {
        computed++;
        return { peak: 42 };
      };
      const options = { version: 1, sources: ['/data/nifti/functional.nii'] };
      await cache.memo('peak', { volume: 'functional' }, compute, options);
      await cache.memo('peak', { volume: 'functional' }, compute, options);
      await cache.invalidate('/data/nifti/functional.nii');
      const derived = (await cache.stats()).derivedResults;
      await cache.get('/data/nifti/functional.nii');
      await cache.memo('peak', { volume: 'functional' }, compute, options);
      cache.close();
      return { computed, derived };
    });
    expect(outcome).toEqual({ computed: 2, derived: 0 });
  });

  it('a memo whose source is not cached, or whose TTL is invalid, is refused before computing', async () => {
    const outcome = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'memo-refused', thumbnails: false });
      let computed = 0;
      const compute = () => {
        computed++;
        return 1;
      };
      const codeOf = (error: unknown) => (lib.isVolumeCacheError(error) ? error.code : String(error));
      const uncachedSource = await cache.memo('m', {}, compute, { version: 1, sources: ['/data/nifti/functional.nii'] }).then(() => 'resolved', codeOf);
      const badTtl = await cache.memo('m', {}, compute, { version: 1, ttlSeconds: -1 }).then(() => 'resolved', codeOf);
      const computedBefore = computed;
      // A source removed while computing: the store still refuses the result.
      await cache.get('/data/nifti/functional.nii');
      const removedMeanwhile = await cache
        .memo('m', {}, async () => {
          computed++;
          await cache.invalidate('/data/nifti/functional.nii');
          return 2;
        }, { version: 1, sources: ['/data/nifti/functional.nii'] })
        .then(() => 'resolved', codeOf);
      const derived = (await cache.stats()).derivedResults;
      cache.close();
      return { uncachedSource, badTtl, computedBefore, removedMeanwhile, computed, derived };
    });
    expect(outcome).toEqual({ uncachedSource: 'invalid-argument', badTtl: 'invalid-argument', computedBefore: 0, removedMeanwhile: 'invalid-argument', computed: 1, derived: 0 });
  });
});

describe('thumbnails', () => {
  it('appear for cached volumes in the background, after the foreground loads', async () => {
    const outcome = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const checks = (await window.importModule('/test/browser/derived/pages/derivedChecks.ts')) as ChecksModule;
      const cache = await lib.createVolumeCache({ name: 'thumbs', memoryBytes: 0 });
      const order: string[] = [];
      cache.subscribe((change) => {
        if (change.type === 'entries') order.push(`entries:${change.keys.map((key) => new URL(key).pathname).join(',')}`);
      });
      // Two foreground loads back to back: the first one's thumbnail job must wait for the second.
      const first = cache.get('/data/nifti/spm152.nii.gz').then(() => order.push('get spm152 done'));
      const second = cache.get('/data/nifti/avg152T1_LR_nifti.nii').then(() => order.push('get avg152 done'));
      await Promise.all([first, second]);
      // Queued before each get answered, so counted at once (each job stays pending until it ends).
      const queuedRightAfter = (await cache.stats()).thumbnails;
      const pendingRightAfter = await cache.thumbnail('/data/nifti/avg152T1_LR_nifti.nii');
      let thumb: Blob | null = null;
      for (let i = 0; i < 200 && !thumb; i++) {
        thumb = await cache.thumbnail('/data/nifti/spm152.nii.gz');
        if (!thumb) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      let other: Blob | null = null;
      for (let i = 0; i < 200 && !other; i++) {
        other = await cache.thumbnail('/data/nifti/avg152T1_LR_nifti.nii');
        if (!other) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const stats = await cache.stats();
      cache.close();
      return {
        queuedRightAfter,
        pendingRightAfter,
        png: thumb ? await checks.describePng(thumb) : null,
        other: other !== null,
        thumbnails: stats.thumbnails,
        order,
      };
    });
    expect(outcome.queuedRightAfter.pending + outcome.queuedRightAfter.done).toBe(2);
    expect(outcome.queuedRightAfter.failed).toBe(0);
    expect(outcome.pendingRightAfter).toBeNull();
    expect(outcome.png!.signature).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(Math.max(outcome.png!.width, outcome.png!.height)).toBeLessThanOrEqual(128);
    expect(outcome.other).toBe(true);
    expect(outcome.thumbnails).toMatchObject({ pending: 0, done: 2, failed: 0 });
    // Both foreground loads finished before any thumbnail was stored (thumbnail jobs announce their entry again).
    const firstThumbnailNotice = outcome.order.findIndex((item, index) => item.startsWith('entries:') && outcome.order.slice(0, index).filter((x) => x === item).length > 0);
    const lastGet = Math.max(outcome.order.indexOf('get spm152 done'), outcome.order.indexOf('get avg152 done'));
    expect(lastGet).toBeGreaterThanOrEqual(0);
    if (firstThumbnailNotice >= 0) expect(firstThumbnailNotice).toBeGreaterThan(lastGet);
  });
});
