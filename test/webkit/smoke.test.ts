import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource } from '../server/generatedVolume';
import { sharedDataDir } from '../support/repoPaths';
import { sample } from '../browser/support/manifest';
import type { VolumeCacheErrorCode } from '../../src/errors';
import { openTestPage, resetServer, serverGets, useWebKit } from './support/harness';
import { STORAGE_FEATURES } from './support/launchWebKit';
import { cacheCalls, platformSurface, recordedServiceWorkerMode, registerServiceWorker, viewerFetch, type CacheCall } from './support/pageCalls';

// A smoke set for WebKitGTK (see docs/webkit.md for what it does and does not
// say about Safari): the engine, encryption and the service worker, once as
// the GTK port ships (no OPFS: network-only) and once with its storage
// features on and a persistent profile.

/** Where a NIfTI-1 header keeps vox_offset (a float32), the byte where the voxels start. */
const NIFTI1_VOX_OFFSET_AT = 108;

/** SHA-256 of the voxels of a NIfTI-1 sample with 1-byte voxels (no byte order to apply), computed here from the file. */
function voxelsSha256(name: string): string {
  const raw = readFileSync(join(sharedDataDir, 'nifti', name));
  const bytes = name.endsWith('.gz') ? gunzipSync(raw) : raw;
  const voxOffset = bytes.readFloatLE(NIFTI1_VOX_OFFSET_AT);
  return createHash('sha256').update(bytes.subarray(voxOffset)).digest('hex');
}

async function generatedSliceSha256(slices: number, seed: number, start: number, endInclusive: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedVolumeSource({ slices, seed, version: 1 }).chunks(start, endInclusive)) hash.update(chunk);
  return hash.digest('hex');
}

/** Failures every mode must report as a VolumeCacheError with this code. */
const FAILURES: { call: CacheCall; code: VolumeCacheErrorCode }[] = [
  { call: { method: 'get', path: '/data/nifti/no-such-file.nii' }, code: 'http-status' },
  { call: { method: 'get', path: '/data/bad/wrong_magic.nii' }, code: 'not-nifti' },
  { call: { method: 'get', path: '/data/bad/truncated_voxels.nii' }, code: 'corrupt' },
  { call: { method: 'get', path: '/data/nifti/functional.nii', integrity: `sha256-${Buffer.alloc(32).toString('base64')}` }, code: 'integrity' },
  { call: { method: 'get', path: '/gen/4-1.nii?status=403' }, code: 'http-status' },
];

beforeEach(resetServer);

describe('as shipped: MiniBrowser --automation, default features', () => {
  const suite = useWebKit({ kind: 'minibrowser' });

  it('has no Storage API, so the cache runs network-only and says why', async () => {
    expect(await suite.browser.evaluate(platformSurface, null)).toEqual({
      storageManager: 'undefined',
      getDirectory: 'undefined',
      syncAccessHandle: 'no-opfs',
      serviceWorker: true,
      subtleCrypto: 'function',
      byteStreams: false,
    });
    const { openFailure, stats } = await suite.browser.evaluate(cacheCalls, { partition: 'shipped', calls: [] });
    expect(openFailure).toBeNull();
    expect(stats).toMatchObject({ mode: 'network-only', missing: ['opfs'], writePath: 'none', entries: 0 });
  });

  it('get, getArrayBuffer and getVolume return the right bytes, uncached, each from the network', async () => {
    const functional = sample('functional.nii');
    const spm = sample('spm152.nii.gz');
    const { outcomes, stats } = await suite.browser.evaluate(cacheCalls, {
      partition: 'shipped',
      calls: [
        { method: 'get', path: '/data/nifti/functional.nii' },
        { method: 'get', path: '/data/nifti/functional.nii' },
        { method: 'getArrayBuffer', path: '/data/nifti/spm152.nii.gz' },
        { method: 'getVolume', path: '/data/nifti/spm152.nii.gz' },
      ],
    });
    expect(outcomes).toEqual([
      { ok: true, status: 'uncached', size: functional.bytes, sha256: functional.sha256 },
      { ok: true, status: 'uncached', size: functional.bytes, sha256: functional.sha256 },
      { ok: true, status: null, size: spm.bytes, sha256: spm.sha256 },
      {
        ok: true,
        status: 'uncached',
        size: spm.bytes,
        sha256: spm.sha256,
        volume: { dims: spm.dims, datatype: 'uint8', voxelBytes: spm.dims.reduce((a, b) => a * b), voxelsSha256: voxelsSha256('spm152.nii.gz'), decodedFrom: 'decode' },
      },
    ]);
    expect(stats).toMatchObject({ mode: 'network-only', entries: 0 });
    expect(await serverGets('/data/nifti/functional.nii')).toHaveLength(2);
    expect(await serverGets('/data/nifti/spm152.nii.gz')).toHaveLength(2);
  });

  it('every failure is a VolumeCacheError with its code, and a closed cache says closed', async () => {
    const { outcomes, afterClose } = await suite.browser.evaluate(cacheCalls, {
      partition: 'shipped',
      calls: FAILURES.map(({ call }) => call),
      getAfterClose: '/data/nifti/functional.nii',
    });
    expect(outcomes).toEqual(FAILURES.map(({ code }) => ({ ok: false, isVolumeCacheError: true, name: 'VolumeCacheError', code })));
    expect(afterClose).toEqual({ ok: false, isVolumeCacheError: true, name: 'VolumeCacheError', code: 'closed' });
  });

  it('an encrypted partition opens and returns the right bytes, uncached', async () => {
    const facts = sample('example4d.nii.gz');
    const path = '/data/nifti/example4d.nii.gz';
    const { openFailure, outcomes, stats } = await suite.browser.evaluate(cacheCalls, {
      partition: 'shipped-encrypted',
      encrypted: true,
      calls: [
        { method: 'get', path },
        { method: 'get', path },
      ],
    });
    expect(openFailure).toBeNull();
    expect(outcomes).toEqual([
      { ok: true, status: 'uncached', size: facts.bytes, sha256: facts.sha256 },
      { ok: true, status: 'uncached', size: facts.bytes, sha256: facts.sha256 },
    ]);
    expect(stats).toMatchObject({ mode: 'network-only' });
  });

  it('the service worker controls the page and passes every request through (pass-through), Range included', async () => {
    const partition = 'shipped-sw';
    const path = '/gen/8-5.nii';
    expect(await suite.browser.evaluate(registerServiceWorker, partition)).toBe('/volume-cache-sw.js');
    const whole = { status: 200, cache: null, contentRange: null, size: generatedVolumeBytes(8), sha256: await generatedVolumeSha256(8, 5) };
    expect(await suite.browser.evaluate(viewerFetch, { partition, path })).toEqual(whole);
    expect(await suite.browser.evaluate(viewerFetch, { partition, path })).toEqual(whole);
    expect(await suite.browser.evaluate(viewerFetch, { partition, path, range: 'bytes=100-299' })).toEqual({
      status: 206,
      cache: null,
      contentRange: `bytes 100-299/${generatedVolumeBytes(8)}`,
      size: 200,
      sha256: await generatedSliceSha256(8, 5, 100, 299),
    });
    expect(await serverGets(path)).toHaveLength(3);
    // What the service worker found: it records its mode in the partition's database.
    await expect.poll(() => suite.browser.evaluate(recordedServiceWorkerMode, partition), { timeout: 10_000 }).toBe('pass-through');
  });
});

describe('storage features on, persistent profile (webkitLauncher.py)', () => {
  const suite = useWebKit({ kind: 'persistent', features: STORAGE_FEATURES });

  it('has OPFS; the cache stores, writing with createWritable() because SyncAccessHandles refuse to open', async () => {
    expect(await suite.browser.evaluate(platformSurface, null)).toEqual({
      storageManager: 'object',
      getDirectory: 'function',
      // Exposed (the AccessHandle feature is on) but refused: the library must try one for real to know.
      syncAccessHandle: 'refused: NotSupportedError',
      serviceWorker: true,
      subtleCrypto: 'function',
      byteStreams: false,
    });
    const { stats } = await suite.browser.evaluate(cacheCalls, { partition: 'stored', calls: [] });
    expect(stats).toMatchObject({ mode: 'opfs', missing: ['sync-access-handle'], writePath: 'writable-stream', entries: 0 });
  });

  it('cold get is a miss, warm get a hit, with the right bytes; getArrayBuffer and getVolume are right', async () => {
    const functional = sample('functional.nii');
    const spm = sample('spm152.nii.gz');
    const { outcomes, stats } = await suite.browser.evaluate(cacheCalls, {
      partition: 'stored',
      calls: [
        { method: 'get', path: '/data/nifti/functional.nii' },
        { method: 'get', path: '/data/nifti/functional.nii' },
        { method: 'get', path: '/data/nifti/spm152.nii.gz' },
        { method: 'getArrayBuffer', path: '/data/nifti/spm152.nii.gz' },
        { method: 'getVolume', path: '/data/nifti/spm152.nii.gz' },
      ],
    });
    expect(outcomes).toEqual([
      { ok: true, status: 'miss', size: functional.bytes, sha256: functional.sha256 },
      { ok: true, status: 'hit', size: functional.bytes, sha256: functional.sha256 },
      { ok: true, status: 'miss', size: spm.bytes, sha256: spm.sha256 },
      { ok: true, status: null, size: spm.bytes, sha256: spm.sha256 },
      {
        ok: true,
        status: 'hit',
        size: spm.bytes,
        sha256: spm.sha256,
        volume: { dims: spm.dims, datatype: 'uint8', voxelBytes: spm.dims.reduce((a, b) => a * b), voxelsSha256: voxelsSha256('spm152.nii.gz'), decodedFrom: 'decode' },
      },
    ]);
    expect(stats).toMatchObject({ mode: 'opfs', writePath: 'writable-stream', entries: 2 });
    expect(await serverGets('/data/nifti/functional.nii')).toHaveLength(1);
    expect(await serverGets('/data/nifti/spm152.nii.gz')).toHaveLength(1);
  });

  it('every failure is a VolumeCacheError with its code, and nothing failed is stored', async () => {
    const { outcomes, stats } = await suite.browser.evaluate(cacheCalls, { partition: 'stored-failures', calls: FAILURES.map(({ call }) => call) });
    expect(outcomes).toEqual(FAILURES.map(({ code }) => ({ ok: false, isVolumeCacheError: true, name: 'VolumeCacheError', code })));
    expect(stats).toMatchObject({ mode: 'opfs', entries: 0 });
  });

  it('an encrypted partition: miss then hit with the right bytes; opening it without the key fails with key-mismatch', async () => {
    const facts = sample('example4d.nii.gz');
    const path = '/data/nifti/example4d.nii.gz';
    const encrypted = await suite.browser.evaluate(cacheCalls, {
      partition: 'stored-encrypted',
      encrypted: true,
      calls: [
        { method: 'get', path },
        { method: 'get', path },
      ],
    });
    expect(encrypted.outcomes).toEqual([
      { ok: true, status: 'miss', size: facts.bytes, sha256: facts.sha256 },
      { ok: true, status: 'hit', size: facts.bytes, sha256: facts.sha256 },
    ]);
    expect(encrypted.stats).toMatchObject({ mode: 'opfs', entries: 1 });
    expect(await serverGets(path)).toHaveLength(1);
    const withoutKey = await suite.browser.evaluate(cacheCalls, { partition: 'stored-encrypted', calls: [] });
    expect(withoutKey.openFailure).toEqual({ ok: false, isVolumeCacheError: true, name: 'VolumeCacheError', code: 'key-mismatch' });
  });

  it('the service worker: a plain fetch misses then hits (X-Volume-Cache), and a Range is answered 206 from the cache', async () => {
    const partition = 'stored-sw';
    const path = '/gen/8-5.nii';
    expect(await suite.browser.evaluate(registerServiceWorker, partition)).toBe('/volume-cache-sw.js');
    const whole = { status: 200, contentRange: null, size: generatedVolumeBytes(8), sha256: await generatedVolumeSha256(8, 5) };
    expect(await suite.browser.evaluate(viewerFetch, { partition, path })).toEqual({ ...whole, cache: 'miss' });
    expect(await suite.browser.evaluate(viewerFetch, { partition, path })).toEqual({ ...whole, cache: 'hit' });
    expect(await suite.browser.evaluate(viewerFetch, { partition, path, range: 'bytes=100-299' })).toEqual({
      status: 206,
      cache: 'hit',
      contentRange: `bytes 100-299/${generatedVolumeBytes(8)}`,
      size: 200,
      sha256: await generatedSliceSha256(8, 5, 100, 299),
    });
    expect(await serverGets(path)).toHaveLength(1);
    const { stats } = await suite.browser.evaluate(cacheCalls, { partition, calls: [] });
    expect(stats).toMatchObject({ entries: 1, serviceWorker: { mode: 'read-write' } });
  });

  it('after a browser restart on the same profile, the page API and the service worker answer from the cache', async () => {
    const facts = sample('big.nii.gz');
    const [pagePath, viewerPath, partition] = ['/data/nifti/big.nii.gz', '/gen/6-7.nii', 'restart'];
    const before = await suite.browser.evaluate(cacheCalls, { partition, calls: [{ method: 'get', path: pagePath }] });
    expect(before.outcomes).toEqual([{ ok: true, status: 'miss', size: facts.bytes, sha256: facts.sha256 }]);
    await suite.browser.evaluate(registerServiceWorker, partition);
    expect(await suite.browser.evaluate(viewerFetch, { partition, path: viewerPath })).toMatchObject({ status: 200, cache: 'miss' });

    await suite.browser.restart();
    await resetServer();
    await openTestPage(suite.browser);
    const after = await suite.browser.evaluate(cacheCalls, { partition, calls: [{ method: 'get', path: pagePath }] });
    expect(after.outcomes).toEqual([{ ok: true, status: 'hit', size: facts.bytes, sha256: facts.sha256 }]);
    // The registration survived too: the restarted page is controlled before it registers anything.
    expect(await suite.browser.evaluate(viewerFetch, { partition, path: viewerPath })).toEqual({
      status: 200,
      cache: 'hit',
      contentRange: null,
      size: generatedVolumeBytes(6),
      sha256: await generatedVolumeSha256(6, 7),
    });
    expect(await serverGets('/data/')).toHaveLength(0);
    expect(await serverGets('/gen/')).toHaveLength(0);
  });
});
