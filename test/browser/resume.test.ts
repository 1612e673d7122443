import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../support/repoPaths';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { serverGets, useBrowserSuite } from './support/harness';
import { sample } from './support/manifest';
import { getIgnoringFaults, listPartitionFiles } from './support/pageCache';

const suite = useBrowserSuite({ page: true });

const gets = serverGets;

describe('a connection dropped mid-body', () => {
  it('resumes with a Range request guarded by If-Range and ends with the right SHA-256', async () => {
    const path = '/gen/64-1.nii';
    // Throttled so the page reads bytes as they arrive, and dropped twice:
    // Chromium may discard what it buffered but had not yet handed to the
    // reader when a connection dies, so one attempt can end with nothing read.
    const result = await getIgnoringFaults(suite.page, 'resume', `${path}?drop=1000000&drops=2&rate=8000000`);
    expect(result).toMatchObject({ ok: true, status: 'miss', size: generatedVolumeBytes(64), sha256: await generatedVolumeSha256(64, 1) });
    const requests = await gets(path);
    expect(requests[0]).toMatchObject({ range: null, aborted: true });
    const resumed = requests.filter((r) => r.range !== null);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    for (const request of resumed) {
      expect(request).toMatchObject({ status: 206, ifRange: '"gen-64-1-v1"' });
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(request.range ?? '')?.[1]);
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThanOrEqual(2_000_000);
    }
    expect(requests.at(-1)).toMatchObject({ aborted: false, done: true });
  });

  it('restarts from zero when the server ignores ranges', async () => {
    const path = '/gen/64-2.nii';
    const result = await getIgnoringFaults(suite.page, 'resume-norange', `${path}?norange=1&drop=1000000&drops=1`);
    expect(result).toMatchObject({ ok: true, size: generatedVolumeBytes(64), sha256: await generatedVolumeSha256(64, 2) });
    const requests = await gets(path);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({ status: 200 });
  });

  it('restarts from zero without a validator to resume against', async () => {
    const path = '/gen/64-3.nii';
    const result = await getIgnoringFaults(suite.page, 'resume-noetag', `${path}?noetag=1&drop=1000000&drops=1`);
    expect(result).toMatchObject({ ok: true, sha256: await generatedVolumeSha256(64, 3) });
    const requests = await gets(path);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({ range: null, status: 200 });
  });

  it('a body that ends cleanly short of Content-Length is resumed until complete', async () => {
    const path = '/gen/8-4.nii';
    // Throttled for the same reason as above: bytes still buffered when the
    // connection ends are discarded by Chromium, not handed to the reader.
    const result = await getIgnoringFaults(suite.page, 'resume-short', `${path}?short=200000&rate=4000000`);
    expect(result).toMatchObject({ ok: true, size: generatedVolumeBytes(8), sha256: await generatedVolumeSha256(8, 4) });
    const requests = await gets(path);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.some((r) => r.status === 206 && /^bytes=[1-9]\d*-$/.test(r.range ?? ''))).toBe(true);
  });

  it('a server that keeps dropping fails with network, caches nothing, leaves no temporary file', async () => {
    const path = '/gen/16-5.nii';
    // drop=0: every attempt, resumes included, dies before its first byte, so no attempt makes progress.
    const result = await getIgnoringFaults(suite.page, 'keeps-dropping', `${path}?drop=0`);
    expect(result).toMatchObject({ ok: false, isVolumeCacheError: true, code: 'network' });
    expect(await listPartitionFiles(suite.page, 'keeps-dropping')).toEqual({ blobs: [], tmp: [] });
    // 1 try + 4 retries, each a real request.
    expect(await gets(path)).toHaveLength(5);
  });

  it('a previous good entry survives a failed refresh and is served as stale', async () => {
    const path = '/gen/16-6.nii';
    const good = await getIgnoringFaults(suite.page, 'keep-good', `${path}?v=1`, { ttlSeconds: 0 });
    expect(good).toMatchObject({ ok: true, status: 'miss', sha256: await generatedVolumeSha256(16, 6, 1) });
    // v=2 changes the bytes and the ETag, so the revalidation gets a 200 whose body keeps dropping.
    const refresh = await getIgnoringFaults(suite.page, 'keep-good', `${path}?v=2&drop=0`, { ttlSeconds: 0 });
    expect(refresh).toMatchObject({ ok: true, status: 'stale', sha256: await generatedVolumeSha256(16, 6, 1) });
    expect(await listPartitionFiles(suite.page, 'keep-good')).toEqual({ blobs: [await generatedVolumeSha256(16, 6, 1)], tmp: [] });
  });
});

describe('responses without a usable length', () => {
  it('chunked transfer (no Content-Length) is stored whole', async () => {
    const result = await getIgnoringFaults(suite.page, 'chunked', '/gen/16-7.nii?chunked=1');
    expect(result).toMatchObject({ ok: true, size: generatedVolumeBytes(16), sha256: await generatedVolumeSha256(16, 7) });
  });

  it('Content-Encoding: gzip arrives decoded and is hashed and stored as received', async () => {
    const facts = sample('functional.nii');
    const result = await getIgnoringFaults(suite.page, 'gzip-encoding', '/data/nifti/functional.nii?gzipenc=1');
    expect(result).toMatchObject({ ok: true, status: 'miss', size: facts.bytes, sha256: facts.sha256, entrySha256: facts.sha256 });
  });

  it('a .nii.gz labelled Content-Encoding: gzip (as Vite and sirv send it) is kept as the .nii inside it, named so, and says how it came', async () => {
    const inner = gunzipSync(readFileSync(`${sharedDataDir}nifti/big.nii.gz`));
    const innerSha256 = createHash('sha256').update(inner).digest('hex');
    const outcome = await suite.page.evaluate(async (path) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'gzip-label' });
      try {
        const describe = async (result: Awaited<ReturnType<typeof cache.get>>) => ({
          status: result.status,
          name: result.file.name,
          size: result.file.size,
          sha256: await window.sha256Hex(result.file),
          firstBytes: [...new Uint8Array(await result.file.slice(0, 2).arrayBuffer())],
          contentEncoding: result.entry?.contentEncoding,
          compressed: result.entry?.nifti?.compressed,
        });
        const cold = await describe(await cache.get(path));
        const warm = await describe(await cache.get(path));
        return { cold, warm, cachedName: (await cache.getCachedFile(path))?.name };
      } finally {
        cache.close();
      }
    }, '/data/nifti/big.nii.gz?gzlabel=1');
    // Named by what the bytes are, so a viewer that picks its decoder by extension reads them.
    const expected = { name: 'big.nii', size: inner.byteLength, sha256: innerSha256, contentEncoding: 'gzip', compressed: false };
    expect(outcome.cold).toMatchObject({ status: 'miss', ...expected });
    expect(outcome.warm).toMatchObject({ status: 'hit', ...expected });
    expect(outcome.cold.firstBytes, 'not gzip magic').not.toEqual([0x1f, 0x8b]);
    expect(outcome.cachedName).toBe('big.nii');
  });
});

describe('abort and sharing', () => {
  it('aborting through the signal stops the network transfer and caches nothing', async () => {
    const path = '/gen/64-8.nii';
    const outcome = await suite.page.evaluate(async (path) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'abort' });
      const controller = new AbortController();
      let progressEvents = 0;
      try {
        await cache.get(`${path}?rate=1000000`, {
          signal: controller.signal,
          onProgress: () => {
            progressEvents++;
            controller.abort();
          },
        });
        return { code: 'resolved', progressEvents };
      } catch (error) {
        return { code: (error as { code?: string }).code, progressEvents, entries: (await cache.entries()).length };
      } finally {
        cache.close();
      }
    }, path);
    expect(outcome).toMatchObject({ code: 'aborted', entries: 0 });
    expect(outcome.progressEvents).toBeGreaterThan(0);
    // The server sees the connection go away long before the 4 MiB at 1 MB/s would have finished.
    await expect.poll(async () => (await gets(path))[0]?.aborted, { timeout: 3000 }).toBe(true);
    const [request] = await gets(path);
    expect(request!.bytesSent).toBeLessThan(generatedVolumeBytes(64));
    await expect.poll(async () => (await listPartitionFiles(suite.page, 'abort')).tmp, { timeout: 3000 }).toEqual([]);
  });

  it('concurrent gets for one key share one download; one caller aborting does not stop the other', async () => {
    const path = '/gen/32-9.nii';
    const outcome = await suite.page.evaluate(async (path) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'shared' });
      const leaving = new AbortController();
      const url = `${path}?rate=8000000`;
      const [a, b, c] = await Promise.allSettled([
        cache.get(url),
        cache.get(url),
        cache.get(url, { signal: leaving.signal, onProgress: () => leaving.abort() }),
      ]);
      cache.close();
      const sha = async (r: PromiseSettledResult<{ file: File }>) => (r.status === 'fulfilled' ? window.sha256Hex(r.value.file) : (r.reason as { code: string }).code);
      return { a: await sha(a), b: await sha(b), c: await sha(c) };
    }, path);
    const expected = await generatedVolumeSha256(32, 9);
    expect(outcome).toEqual({ a: expected, b: expected, c: 'aborted' });
    expect(await gets(path)).toHaveLength(1);
  });
});

describe('a connection that stalls', () => {
  it('is cut after stallTimeoutSeconds and resumed; the download completes with the right SHA-256', async () => {
    const path = '/gen/16-12.nii';
    const result = await suite.page.evaluate(async (path) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'stall', stallTimeoutSeconds: 1 });
      try {
        const { status, file } = await cache.get(`${path}?stall=300000&stalls=1&rate=4000000`);
        return { status, sha256: await window.sha256Hex(file) };
      } catch (error) {
        return { status: 'error', code: (error as { code?: string }).code };
      } finally {
        cache.close();
      }
    }, path);
    expect(result).toEqual({ status: 'miss', sha256: await generatedVolumeSha256(16, 12) });
    const requests = await gets(path);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ aborted: true });
    expect(requests[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('a server that never sends headers fails with network after the stall timeout, caching nothing', async () => {
    const result = await suite.page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'stall-headers', stallTimeoutSeconds: 1 });
      try {
        await cache.get('/gen/16-13.nii?delay=4000');
        return { code: 'resolved', entries: -1 };
      } catch (error) {
        return { code: (error as { code?: string }).code, entries: (await cache.entries()).length };
      } finally {
        cache.close();
      }
    });
    expect(result).toEqual({ code: 'network', entries: 0 });
    expect(await listPartitionFiles(suite.page, 'stall-headers')).toEqual({ blobs: [], tmp: [] });
  });
});
