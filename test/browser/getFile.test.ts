import { describe, expect, it } from 'vitest';
import { serverGets, useBrowserSuite } from './support/harness';
import { BAD_FILE_CODES, manifest, sample } from './support/manifest';
import { generatedGzipVolumeSha256 } from '../server/generatedGzipVolume';

const suite = useBrowserSuite({ page: true });

/** Runs cache.get in the page and reports what a test needs, including the SHA-256 of the File read back. */
async function getInPage(partition: string, path: string, options: Record<string, unknown> = {}) {
  return suite.page.evaluate(
    async ({ partition, path, options }) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: partition });
      try {
        const result = await cache.get(path, options);
        return {
          ok: true as const,
          status: result.status,
          size: result.file.size,
          name: result.file.name,
          sha256: await window.sha256Hex(result.file),
          entry: result.entry,
          entries: (await cache.entries()).length,
        };
      } catch (error) {
        const e = error as { name: string; code?: string; status?: number; message: string };
        return {
          ok: false as const,
          isVolumeCacheError: error instanceof (window.volumeCache as typeof import('../../src/index')).VolumeCacheError,
          name: e.name,
          code: e.code,
          status: e.status,
          message: e.message,
          entries: (await cache.entries()).length,
        };
      } finally {
        cache.close();
      }
    },
    { partition, path, options },
  );
}

describe('cold then warm load of real NIfTI files', () => {
  for (const name of ['functional.nii', 'spm152.nii.gz', 'avg152T1_LR_nifti.nii', 'example_nifti2.nii.gz', 'row_major.dconn.nii']) {
    it(`${name}: miss then hit, same SHA-256 as the manifest, one request`, async () => {
      const facts = sample(name);
      const path = `/data/nifti/${name}`;
      const cold = await getInPage(`cold-warm-${name.replace(/\W/g, '')}`, path);
      const warm = await getInPage(`cold-warm-${name.replace(/\W/g, '')}`, path);
      expect(cold).toMatchObject({ ok: true, status: 'miss', size: facts.bytes, sha256: facts.sha256, name });
      expect(warm).toMatchObject({ ok: true, status: 'hit', size: facts.bytes, sha256: facts.sha256, name });
      if (!warm.ok) throw new Error('unreachable');
      expect(warm.entry).toMatchObject({
        bytes: facts.bytes,
        sha256: facts.sha256,
        nifti: { version: facts.niftiVersion, dims: facts.dims, datatypeCode: facts.datatypeCode, compressed: facts.compressed },
      });
      const gets = await serverGets(path);
      expect(gets).toHaveLength(1);
    });
  }

  it('caches a multi-member .nii.gz (cat a.gz b.gz, BGZF), plain and encrypted, which one DecompressionStream cannot read', async () => {
    for (const [partition, members] of [['multi-member', 3], ['multi-member-bgzf', 40]] as const) {
      const path = `/gen/8-77.nii.gz?members=${members}`;
      const expected = generatedGzipVolumeSha256({ slices: 8, seed: 77, version: 1 }, members);
      const miss = await getInPage(partition, path);
      expect(miss).toMatchObject({ ok: true, status: 'miss', sha256: expected, entry: { nifti: { compressed: true, dims: [256, 256, 8] } } });
      expect(await getInPage(partition, path)).toMatchObject({ ok: true, status: 'hit', sha256: expected });
    }
    // Encrypted: the check reads the body back decrypted.
    const encrypted = await suite.page.evaluate(async (path) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const cache = await createVolumeCache({ name: 'multi-member-sealed', encryption: { key } });
      const result = await cache.get(path);
      const outcome = { status: result.status, sha256: await window.sha256Hex(result.file), compressed: result.entry?.nifti?.compressed };
      await cache.destroy();
      return outcome;
    }, '/gen/8-78.nii.gz?members=5');
    expect(encrypted).toEqual({ status: 'miss', sha256: generatedGzipVolumeSha256({ slices: 8, seed: 78, version: 1 }, 5), compressed: true });
  });

  it('getArrayBuffer and getCachedFile return the cached bytes without touching the network', async () => {
    const facts = sample('example4d.nii.gz');
    const path = '/data/nifti/example4d.nii.gz';
    const result = await suite.page.evaluate(async (path) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: 'offline-read' });
      const before = await cache.getCachedFile(path);
      const buffer = await cache.getArrayBuffer(path);
      const cached = await cache.getCachedFile(path);
      const stats = await cache.stats();
      cache.close();
      return {
        before,
        bufferSha: await window.sha256Hex(buffer),
        cachedSha: cached ? await window.sha256Hex(cached) : null,
        stats,
      };
    }, path);
    expect(result.before).toBeNull();
    expect(result.bufferSha).toBe(facts.sha256);
    expect(result.cachedSha).toBe(facts.sha256);
    expect(result.stats).toMatchObject({ entries: 1, bytes: facts.bytes, downloads: 1, hits: 1, misses: 1, hitRate: 0.5, mode: 'opfs', missing: [] });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('stores the file once in OPFS, named by its SHA-256, with no temporary left', async () => {
    await getInPage('layout', '/data/nifti/functional.nii');
    const files = await suite.page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const partition = await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle('layout');
      const list = async (name: string) => {
        const names: string[] = [];
        for await (const key of (await partition.getDirectoryHandle(name)).keys()) names.push(key);
        return names;
      };
      return { blobs: await list('blobs'), tmp: await list('tmp') };
    });
    expect(files).toEqual({ blobs: [sample('functional.nii').sha256], tmp: [] });
  });
});

describe('bad input is refused with a code and caches nothing', () => {
  it('covers every file in ../shared/data/bad', () => {
    expect(manifest.bad.map((b) => b.file.replace('bad/', '')).sort()).toEqual(Object.keys(BAD_FILE_CODES).sort());
  });
  for (const [name, code] of Object.entries(BAD_FILE_CODES)) {
    it(`${name} -> ${code}`, async () => {
      const result = await getInPage('bad-input', `/data/bad/${name}`);
      expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, name: 'VolumeCacheError', code, entries: 0 });
    });
  }

  it('an HTML error page served with 200 is not-nifti, and cached with expect: "any"', async () => {
    const refused = await getInPage('html200', '/data/nifti/functional.nii?html200=1');
    expect(refused).toMatchObject({ ok: false, code: 'not-nifti', entries: 0 });
    const accepted = await getInPage('html200', '/data/nifti/functional.nii?html200=1', { expect: 'any' });
    expect(accepted).toMatchObject({ ok: true, status: 'miss', entries: 1, entry: { nifti: null, contentType: expect.stringContaining('text/html') } });
  });

  for (const status of [404, 410, 500, 503]) {
    it(`HTTP ${status} -> http-status with the status`, async () => {
      const result = await getInPage('http-errors', `/data/nifti/functional.nii?status=${status}`);
      expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'http-status', status, entries: 0 });
    });
  }

  it('integrity mismatch -> integrity, nothing cached; a matching integrity is accepted', async () => {
    const facts = sample('functional.nii');
    const wrong = `sha256-${Buffer.alloc(32, 7).toString('base64')}`;
    const right = `sha256-${Buffer.from(facts.sha256, 'hex').toString('base64')}`;
    const mismatch = await getInPage('integrity', '/data/nifti/functional.nii', { integrity: wrong });
    expect(mismatch).toMatchObject({ ok: false, code: 'integrity', entries: 0 });
    const match = await getInPage('integrity', '/data/nifti/functional.nii', { integrity: right });
    expect(match).toMatchObject({ ok: true, status: 'miss', sha256: facts.sha256, entries: 1 });
  });
});

describe('bad arguments reject with invalid-argument or closed', () => {
  it('rejects each with the right code, never a bare TypeError', async () => {
    const results = await suite.page.evaluate(async () => {
      const { createVolumeCache, VolumeCacheError } = window.volumeCache as typeof import('../../src/index');
      const outcome = async (run: () => Promise<unknown>) => {
        try {
          await run();
          return 'resolved';
        } catch (error) {
          return error instanceof VolumeCacheError ? error.code : `not a VolumeCacheError: ${String(error)}`;
        }
      };
      const cache = await createVolumeCache({ name: 'bad-arguments' });
      const codes = {
        malformedUrl: await outcome(() => cache.get('http://[not a url')),
        ftp: await outcome(() => cache.get('ftp://example.org/a.nii')),
        dataUrl: await outcome(() => cache.get('data:application/octet-stream,abc')),
        badIntegrity: await outcome(() => cache.get('/data/nifti/functional.nii', { integrity: 'md5-abc' })),
        negativeTtl: await outcome(() => cache.get('/data/nifti/functional.nii', { ttlSeconds: -1 })),
        absurdTtl: await outcome(() => cache.get('/data/nifti/functional.nii', { ttlSeconds: 1e15 })),
        negativeMaxBytes: await outcome(() => cache.configure({ maxBytes: -5 })),
        badPartition: await outcome(() => createVolumeCache({ name: '../escape' })),
        negativeMaxBytesAtCreate: await outcome(() => createVolumeCache({ name: 'x', maxBytes: -1 })),
        badConcurrency: await outcome(() => cache.prefetch(['/data/nifti/functional.nii'], { concurrency: 0 })),
        negativeFileLease: await outcome(() => createVolumeCache({ name: 'x', fileLeaseSeconds: -1 })),
        absurdFileLease: await outcome(() => createVolumeCache({ name: 'x', fileLeaseSeconds: 1e9 })),
        zeroStallTimeout: await outcome(() => createVolumeCache({ name: 'x', stallTimeoutSeconds: 0 })),
      };
      cache.close();
      const closed = {
        get: await outcome(() => cache.get('/data/nifti/functional.nii')),
        stats: await outcome(() => cache.stats()),
        entries: await outcome(() => cache.entries()),
      };
      return { codes, closed };
    });
    for (const [name, code] of Object.entries(results.codes)) expect([name, code]).toEqual([name, 'invalid-argument']);
    expect(results.closed).toEqual({ get: 'closed', stats: 'closed', entries: 'closed' });
  });
});
