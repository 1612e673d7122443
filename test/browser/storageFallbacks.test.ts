import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { launchBrowser, resetServer, serverGets, type TestBrowser } from './support/harness';
import { firstBroadcast, openPatchedPage } from './support/lifecyclePages';
import { listPartitionFiles } from './support/pageCache';

/**
 * The engine's dedicated worker without what WebKit lacks, taken away in
 * Chromium by a prelude that runs in the worker before the engine starts:
 * SyncAccessHandles that are missing, that refuse to open (WebKitGTK 2.50
 * with OPFS on: NotSupportedError "Backend does not support this
 * operation"), or that stop opening after start-up; fetch bodies without
 * BYOB readers or async iteration. Every path must cache, read and decode
 * the same bytes, and stats() must say which way it writes.
 */

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  await resetServer();
});

const SLICES = 40; // 2.5 MiB: several reads and writes, and a decoded copy to keep.
const notSupported = `new DOMException('Backend does not support this operation', 'NotSupportedError')`;

const PRELUDES: { how: string; prelude: string; writePath: 'sync-access-handle' | 'writable-stream' }[] = [
  {
    how: 'createSyncAccessHandle() refuses every call (WebKitGTK)',
    prelude: `FileSystemFileHandle.prototype.createSyncAccessHandle = async function () { throw ${notSupported}; };`,
    writePath: 'writable-stream',
  },
  {
    how: 'no createSyncAccessHandle() at all',
    prelude: 'delete FileSystemFileHandle.prototype.createSyncAccessHandle;',
    writePath: 'writable-stream',
  },
  {
    how: 'createSyncAccessHandle() opens once (the start-up probe), then refuses',
    prelude: `{
      const open = FileSystemFileHandle.prototype.createSyncAccessHandle;
      let calls = 0;
      FileSystemFileHandle.prototype.createSyncAccessHandle = function (...args) {
        if (++calls > 1) return Promise.reject(${notSupported});
        return open.apply(this, args);
      };
    }`,
    writePath: 'writable-stream',
  },
  {
    how: 'no BYOB readers and no async iteration of ReadableStream',
    prelude: `{
      const getReader = ReadableStream.prototype.getReader;
      ReadableStream.prototype.getReader = function (options) {
        if (options && options.mode === 'byob') throw new TypeError('no BYOB readers here');
        return getReader.call(this, options);
      };
      delete ReadableStream.prototype[Symbol.asyncIterator];
      delete ReadableStream.prototype.values;
    }`,
    writePath: 'sync-access-handle',
  },
];

describe('storage without what WebKit lacks, in the engine worker', () => {
  for (const [index, { how, prelude, writePath }] of PRELUDES.entries()) {
    it(`${how}: miss then hit, getArrayBuffer and getVolume right, stats().writePath ${writePath}`, async () => {
      const seed = 700 + index;
      const path = `/gen/${SLICES}-${seed}.nii`;
      const partition = `fallback-${index}`;
      const channel = `fallback-prelude-${index}`;
      const patched = await openPatchedPage(browser.context, {
        workerPrelude: `${prelude}\nnew BroadcastChannel(${JSON.stringify(channel)}).postMessage('patched');`,
      });
      try {
        const patchedInWorker = firstBroadcast(patched.page, channel);
        const outcome = await patched.page.evaluate(
          async ({ path, partition }) => {
            const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
            // No memory tier: the second getVolume reads the decoded copy written through the sink.
            const cache = await createVolumeCache({ name: partition, memoryBytes: 0 });
            try {
              const gets = [];
              for (let i = 0; i < 2; i++) {
                const result = await cache.get(path);
                gets.push({ status: result.status, sha256: await window.sha256Hex(result.file) });
              }
              const buffer = await cache.getArrayBuffer(path);
              const volumes = [];
              for (let i = 0; i < 2; i++) {
                const volume = await cache.getVolume(path);
                volumes.push({ from: volume.decodedFrom, dims: volume.header.dims, bytes: volume.voxels.byteLength, sha256: await window.sha256Hex(volume.voxels) });
              }
              const stats = await cache.stats();
              return { gets, arrayBufferSha256: await window.sha256Hex(buffer), volumes, stats: { writePath: stats.writePath, missing: stats.missing, entries: stats.entries, corrupt: stats.corrupt } };
            } finally {
              cache.close();
            }
          },
          { path, partition },
        );
        expect(await patchedInWorker).toBe('patched');
        const sha256 = await generatedVolumeSha256(SLICES, seed);
        expect(outcome.gets).toEqual([
          { status: 'miss', sha256 },
          { status: 'hit', sha256 },
        ]);
        expect(outcome.arrayBufferSha256).toBe(sha256);
        const voxelBytes = generatedVolumeBytes(SLICES) - 352;
        expect(outcome.volumes.map((volume) => ({ from: volume.from, dims: volume.dims, bytes: volume.bytes }))).toEqual([
          { from: 'decode', dims: [256, 256, SLICES], bytes: voxelBytes },
          { from: 'disk', dims: [256, 256, SLICES], bytes: voxelBytes },
        ]);
        expect(outcome.volumes[1]!.sha256).toBe(outcome.volumes[0]!.sha256);
        expect(outcome.stats).toMatchObject({ writePath, entries: 1, corrupt: 0 });
        if (writePath === 'writable-stream') expect(outcome.stats.missing).toContain('sync-access-handle');
        else expect(outcome.stats.missing).not.toContain('sync-access-handle');
        expect(outcome.stats.missing).not.toContain('worker');
        expect(patched.errors).toEqual([]);
        expect(await listPartitionFiles(patched.page, partition)).toEqual({ blobs: [sha256], tmp: [] });
        expect(await serverGets(path)).toHaveLength(1);
      } finally {
        await patched.close();
      }
    });
  }
});

describe('a browser that only prompts for persistence (Firefox; headless, nobody answers)', () => {
  it("persistence 'at-start' and the first pin() wait on no prompt; requestPersistence() answers false after its bounded wait", async () => {
    const patched = await openPatchedPage(browser.context, {
      initScript: 'navigator.storage.persist = () => new Promise(() => {});',
    });
    try {
      const outcome = await patched.page.evaluate(async () => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const atStart = await createVolumeCache({ name: 'prompting-at-start', persistence: 'at-start' });
        const gotStatus = (await atStart.get('/gen/2-711.nii')).status;
        atStart.close();
        const onFirstPin = await createVolumeCache({ name: 'prompting-on-pin' });
        const pinned = (await onFirstPin.pin('/gen/2-712.nii')).pinned;
        const asked = performance.now();
        const granted = await onFirstPin.requestPersistence();
        const askedMs = performance.now() - asked;
        onFirstPin.close();
        return { gotStatus, pinned, granted, askedMs };
      });
      expect(outcome).toMatchObject({ gotStatus: 'miss', pinned: true, granted: false });
      // Nothing answers the prompt: anything awaiting it would never settle, and this test would time out.
      // The explicit ask answered false after its wait (5 s), not at once.
      expect(outcome.askedMs).toBeGreaterThanOrEqual(4900);
    } finally {
      await patched.close();
    }
  });
});
