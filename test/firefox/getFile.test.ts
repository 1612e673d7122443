import { describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { manifest, sample } from '../browser/support/manifest';
import { serverGets, useFirefoxSuite } from './support/harness';

const suite = useFirefoxSuite({ page: true });

/** cache.get in the page: how it was answered, the SHA-256 of the File read back, the entry; or the error's code. */
function getInPage(partition: string, path: string) {
  return suite.page.evaluate(
    async (partition: string, path: string) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: partition });
      try {
        const { status, file, entry } = await cache.get(path);
        return { ok: true as const, status, size: file.size, name: file.name, sha256: await window.sha256Hex(file), entry };
      } catch (error) {
        const { name, code, message } = error as { name: string; code?: string; message: string };
        return { ok: false as const, name, code, message };
      } finally {
        cache.close();
      }
    },
    partition,
    path,
  );
}

describe('cold then warm get in Firefox', () => {
  for (const name of ['functional.nii', 'spm152.nii.gz', 'example_nifti2.nii.gz']) {
    it(`${name}: miss then hit, the manifest's SHA-256, one GET`, async () => {
      const facts = sample(name);
      const path = `/data/nifti/${name}`;
      const partition = `ff-${name.replace(/\W/g, '')}`;
      expect(await getInPage(partition, path)).toMatchObject({ ok: true, status: 'miss', size: facts.bytes, sha256: facts.sha256, name });
      const warm = await getInPage(partition, path);
      expect(warm).toMatchObject({
        ok: true,
        status: 'hit',
        size: facts.bytes,
        sha256: facts.sha256,
        entry: { bytes: facts.bytes, sha256: facts.sha256, nifti: { version: facts.niftiVersion, dims: facts.dims, compressed: facts.compressed } },
      });
      expect(await serverGets(path)).toHaveLength(1);
    });
  }

  it('a generated 10 MB volume (hashed in the hash worker): miss then hit, one GET, nothing missing, written through a SyncAccessHandle', async () => {
    const slices = 160; // 10.5 MB: over the 8 MiB from which the hash worker runs
    const path = `/gen/${slices}-51.nii`;
    const expected = { size: generatedVolumeBytes(slices), sha256: await generatedVolumeSha256(slices, 51) };
    expect(await getInPage('ff-gen', path)).toMatchObject({ ok: true, status: 'miss', ...expected });
    expect(await getInPage('ff-gen', path)).toMatchObject({ ok: true, status: 'hit', ...expected, entry: { nifti: { dims: [256, 256, slices] } } });
    expect(await serverGets(path)).toHaveLength(1);
    const stats = await suite.page.evaluate(async () => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-gen' });
      const { missing, mode, writePath, entries, bytes } = await cache.stats();
      cache.close();
      return { missing, mode, writePath, entries, bytes };
    });
    // A failed engine worker would add 'worker', a hash worker that did not start 'hash-worker'.
    expect(stats).toEqual({ missing: [], mode: 'opfs', writePath: 'sync-access-handle', entries: 1, bytes: expected.size });
  });
});

describe('reading the cache in Firefox', () => {
  it('stats() and entries() count two downloads and a hit, most recently used first', async () => {
    const first = sample('functional.nii');
    const second = sample('avg152T1_LR_nifti.nii');
    const result = await suite.page.evaluate(async () => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-stats' });
      await cache.get('/data/nifti/functional.nii');
      await cache.get('/data/nifti/avg152T1_LR_nifti.nii');
      await cache.get('/data/nifti/functional.nii');
      const stats = await cache.stats();
      const entries = (await cache.entries()).map(({ url, bytes, sha256, pinned }) => ({ path: new URL(url).pathname, bytes, sha256, pinned }));
      cache.close();
      return { stats, entries };
    });
    expect(result.stats).toMatchObject({
      entries: 2,
      bytes: first.bytes + second.bytes,
      downloads: 2,
      misses: 2,
      hits: 1,
      bytesFromNetwork: first.bytes + second.bytes,
      bytesFromCache: first.bytes,
      mode: 'opfs',
      missing: [],
    });
    expect(result.entries).toEqual([
      { path: '/data/nifti/functional.nii', bytes: first.bytes, sha256: first.sha256, pinned: false },
      { path: '/data/nifti/avg152T1_LR_nifti.nii', bytes: second.bytes, sha256: second.sha256, pinned: false },
    ]);
  });

  it('getArrayBuffer downloads once; getCachedFile reads the same bytes without the network', async () => {
    const facts = sample('example4d.nii.gz');
    const path = '/data/nifti/example4d.nii.gz';
    const result = await suite.page.evaluate(async (path: string) => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-buffer' });
      const before = await cache.getCachedFile(path);
      const buffer = await cache.getArrayBuffer(path);
      const cached = await cache.getCachedFile(path);
      const { hits, misses } = await cache.stats();
      cache.close();
      return { before, isArrayBuffer: buffer instanceof ArrayBuffer, bufferSha: await window.sha256Hex(buffer), cachedSha: cached ? await window.sha256Hex(cached) : null, hits, misses };
    }, path);
    expect(result).toEqual({ before: null, isArrayBuffer: true, bufferSha: facts.sha256, cachedSha: facts.sha256, hits: 1, misses: 1 });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('getVolume: the header, exactly the voxel bytes, decoded once then read from the stored decoded copy', async () => {
    const facts = manifest.files.find((file) => file.file === 'nifti/spm152.nii.gz') as unknown as { dims: number[]; datatypeCode: number; voxelBytes: number };
    const result = await suite.page.evaluate(async () => {
      // memoryBytes 0: the warm open must come from the stored copy, not memory.
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-volume', memoryBytes: 0, thumbnails: false });
      const cold = await cache.getVolume('/data/nifti/spm152.nii.gz');
      const warm = await cache.getVolume('/data/nifti/spm152.nii.gz');
      const { decodes } = await cache.stats();
      cache.close();
      const summary = (volume: typeof cold) => ({
        status: volume.status,
        from: volume.decodedFrom,
        dims: volume.header.dims,
        datatypeCode: volume.header.datatypeCode,
        voxelBytes: volume.voxels.byteLength,
      });
      return { cold: summary(cold), warm: summary(warm), sameVoxels: (await window.sha256Hex(cold.voxels)) === (await window.sha256Hex(warm.voxels)), decodes };
    });
    const header = { dims: facts.dims, datatypeCode: facts.datatypeCode, voxelBytes: facts.voxelBytes };
    expect(result).toEqual({
      cold: { status: 'miss', from: 'decode', ...header },
      warm: { status: 'hit', from: 'disk', ...header },
      sameVoxels: true,
      decodes: 1,
    });
  });

  it('pin downloads and pins; unpin releases it; unpin of an unknown URL is false', async () => {
    const facts = sample('big.nii.gz');
    const path = '/data/nifti/big.nii.gz';
    // pin() asks for persistent storage without awaiting it; headless Firefox never answers that request.
    const result = await suite.page.evaluate(async (path: string) => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'ff-pin' });
      const pinned = await cache.pin(path);
      const whilePinned = { pinnedBytes: (await cache.stats()).pinnedBytes, pinned: (await cache.entries()).map((entry) => entry.pinned) };
      const unpinned = await cache.unpin(path);
      const unknown = await cache.unpin('/data/nifti/functional.nii');
      const after = { pinnedBytes: (await cache.stats()).pinnedBytes, pinned: (await cache.entries()).map((entry) => entry.pinned) };
      cache.close();
      return { entry: { pinned: pinned.pinned, bytes: pinned.bytes, sha256: pinned.sha256 }, whilePinned, unpinned, unknown, after };
    }, path);
    expect(result).toEqual({
      entry: { pinned: true, bytes: facts.bytes, sha256: facts.sha256 },
      whilePinned: { pinnedBytes: facts.bytes, pinned: [true] },
      unpinned: true,
      unknown: false,
      after: { pinnedBytes: 0, pinned: [false] },
    });
    expect(await serverGets(path)).toHaveLength(1);
  });
});
