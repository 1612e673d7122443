import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource } from '../server/generatedVolume';
import { sample } from '../browser/support/manifest';
import { sharedDataDir } from '../support/repoPaths';
import { VERSION } from '../../src/version';
import { serverGets, useFirefoxSuite } from './support/harness';

const suite = useFirefoxSuite({ page: true });

beforeAll(async () => {
  await suite.page.evaluate(async () => {
    const lib = window.volumeCache as typeof import('../../src/index');
    await lib.registerVolumeCacheServiceWorker({ name: 'sw', match: { pathPrefixes: ['/data/', '/gen/'] } });
  });
});

/** A plain fetch from the page, as a viewer would make it: status, the library's headers, SHA-256 of the body. */
function viewerFetch(path: string, headers: Record<string, string> = {}) {
  return suite.page.evaluate(
    async (path: string, headers: Record<string, string>) => {
      const response = await fetch(path, { headers });
      const body = await response.arrayBuffer();
      return {
        status: response.status,
        cache: response.headers.get('X-Volume-Cache'),
        contentRange: response.headers.get('Content-Range'),
        contentLength: response.headers.get('Content-Length'),
        size: body.byteLength,
        sha256: await window.sha256Hex(body),
      };
    },
    path,
    headers,
  );
}

/** A call on the page's cache for the service worker's partition. */
function withPageCache<T>(run: string, arg: string | null = null): Promise<T> {
  return suite.page.evaluate(
    async (run: string, arg: string | null) => {
      const cache = await (window.volumeCache as typeof import('../../src/index')).createVolumeCache({ name: 'sw' });
      try {
        if (run === 'paths') return (await cache.entries()).map((entry) => new URL(entry.url).pathname);
        if (run === 'get') return (await cache.get(arg!)).status;
        const { serviceWorker, missing } = await cache.stats();
        return { serviceWorker, missing };
      } finally {
        cache.close();
      }
    },
    run,
    arg,
  ) as Promise<T>;
}

const cachedPaths = () => withPageCache<string[]>('paths');

describe('the service worker in Firefox', () => {
  it('controls the page and caches in read-write mode, from this build', async () => {
    expect(await suite.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toContain('/volume-cache-sw.js');
    // The service worker records its mode when it opens storage, on its first volume request.
    expect(await viewerFetch('/data/nifti/big.nii.gz')).toMatchObject({ status: 200, sha256: sample('big.nii.gz').sha256 });
    expect(await withPageCache('stats')).toMatchObject({
      missing: [],
      // SyncAccessHandles exist only in dedicated workers (in every browser): the
      // service worker writes through createWritable(), and says so.
      serviceWorker: { mode: 'read-write', missing: ['sync-access-handle'], version: VERSION, sameVersion: true, failures: 0 },
    });
  });

  it('a viewer fetch: miss from the server once, then a hit that never reaches it', async () => {
    const facts = sample('functional.nii');
    const path = '/data/nifti/functional.nii';
    expect(await viewerFetch(path)).toMatchObject({ status: 200, cache: 'miss', size: facts.bytes, sha256: facts.sha256 });
    // The service worker stores the body while the page reads it.
    await expect.poll(cachedPaths, { timeout: 10_000 }).toContain(path);
    expect(await viewerFetch(path)).toMatchObject({ status: 200, cache: 'hit', size: facts.bytes, sha256: facts.sha256, contentLength: String(facts.bytes) });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('a volume cached through the page API is a hit through the service worker', async () => {
    const facts = sample('example4d.nii.gz');
    const path = '/data/nifti/example4d.nii.gz';
    expect(await withPageCache('get', path)).toBe('miss');
    expect(await viewerFetch(path)).toMatchObject({ status: 200, cache: 'hit', sha256: facts.sha256 });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('Range requests on a cached real file are answered 206 from the cache with its bytes', async () => {
    const path = '/data/nifti/avg152T1_LR_nifti.nii';
    expect(await withPageCache('get', path)).toBe('miss');
    const source = await readFile(join(sharedDataDir, 'nifti/avg152T1_LR_nifti.nii'));
    for (const [start, end] of [[0, 347], [500_000, 500_999], [source.length - 100, source.length - 1]] as const) {
      expect(await viewerFetch(path, { Range: `bytes=${start}-${end}` })).toEqual({
        status: 206,
        cache: 'hit',
        contentRange: `bytes ${start}-${end}/${source.length}`,
        contentLength: String(end - start + 1),
        size: end - start + 1,
        sha256: createHash('sha256').update(source.subarray(start, end + 1)).digest('hex'),
      });
    }
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('Range requests on a cached generated 20 MB volume, across its 1 MiB chunks and from the end', async () => {
    const slices = 320;
    const seed = 71;
    const path = `/gen/${slices}-${seed}.nii`;
    const size = generatedVolumeBytes(slices);
    expect(await withPageCache('get', path)).toBe('miss');
    const ranges: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1048570-1048590', 1_048_570, 1_048_590],
      ['bytes=3000000-9999999', 3_000_000, 9_999_999],
      ['bytes=-100', size - 100, size - 1],
    ];
    for (const [header, start, end] of ranges) {
      expect(await viewerFetch(path, { Range: header })).toEqual({
        status: 206,
        cache: 'hit',
        contentRange: `bytes ${start}-${end}/${size}`,
        contentLength: String(end - start + 1),
        size: end - start + 1,
        sha256: await sliceSha256(slices, seed, start, end),
      });
    }
    expect(await viewerFetch(path)).toMatchObject({ status: 200, cache: 'hit', size, sha256: await generatedVolumeSha256(slices, seed) });
    expect(await serverGets(path)).toHaveLength(1);
  });
});

async function sliceSha256(slices: number, seed: number, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedVolumeSource({ slices, seed, version: 1 }).chunks(start, end)) hash.update(chunk);
  return hash.digest('hex');
}
