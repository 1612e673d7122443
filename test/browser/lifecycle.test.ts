import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { baseURL, launchBrowser, resetServer, serverGets, type TestBrowser } from './support/harness';
import { firstBroadcast, openPatchedPage, plantLeftovers, REMOVE_OPFS, removeOpfsInWorkerPrelude } from './support/lifecyclePages';
import { sample } from './support/manifest';
import { repoRoot } from '../support/repoPaths';
import { listPartitionFiles } from './support/pageCache';
import { findBrowserProcess, watchRendererMemory, type RendererMemoryReport } from './support/processMemory';

/**
 * The cache across its lifetime: a real browser restart, the start-up sweep
 * of leftovers, a large download with bounded memory, degraded modes (no
 * OPFS, no worker), quota exhaustion, and close().
 */

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


const TOTALS = ['hits', 'misses', 'downloads', 'bytesFromNetwork', 'bytesFromCache', 'evictions', 'revalidations', 'stale', 'uncached', 'corrupt'] as const;

describe('restart persistence', () => {
  it('entries, pins, config and totals survive a real Chromium restart; gets are hits without the network', async () => {
    const partition = 'restart';
    const plain = '/data/nifti/functional.nii';
    const pinned = '/data/nifti/avg152T1_LR_nifti.nii';
    // Its own browser: restart() closes Chromium, which must not take the shared one down.
    const own = await launchBrowser();
    try {
      const first = (await own.newTestPage()).page;
      const before = await first.evaluate(
        async ({ partition, plain, pinned }) => {
          const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
          const cache = await createVolumeCache({ name: partition });
          const cold = await cache.get(plain);
          const pin = await cache.pin(pinned);
          const config = await cache.configure({ maxBytes: 64_000_000, defaultTtlSeconds: 3600 });
          const warm = await cache.get(plain);
          const result = { statuses: [cold.status, warm.status], pinned: pin.pinned, config, entries: await cache.entries(), stats: await cache.stats() };
          cache.close();
          return result;
        },
        { partition, plain, pinned },
      );
      expect(before.statuses).toEqual(['miss', 'hit']);
      expect(before.pinned).toBe(true);
      expect(before.config).toEqual({ maxBytes: 64_000_000, defaultTtlSeconds: 3600 });
      expect(before.stats).toMatchObject({ entries: 2, hits: 1, misses: 2, downloads: 2, maxBytes: 64_000_000, defaultTtlSeconds: 3600 });
      const getsBefore = (await serverGets(plain)).length + (await serverGets(pinned)).length;
      expect(getsBefore).toBe(2);

      const browserBefore = findBrowserProcess(own.userDataDir);
      await own.restart();
      // A new Chromium process on the same profile, not a new tab of the old one.
      expect(findBrowserProcess(own.userDataDir)).not.toBe(browserBefore);

      const second = (await own.newTestPage()).page;
      const after = await second.evaluate(
        async ({ partition, plain, pinned }) => {
          const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
          // No options: config must come from the partition, not from defaults.
          const cache = await createVolumeCache({ name: partition });
          const entries = await cache.entries();
          const stats = await cache.stats();
          const results = [];
          for (const url of [plain, pinned]) {
            const result = await cache.get(url);
            results.push({ status: result.status, size: result.file.size, sha256: await window.sha256Hex(result.file), pinned: result.entry?.pinned });
          }
          const statsAfterGets = await cache.stats();
          cache.close();
          return { entries, stats, results, statsAfterGets };
        },
        { partition, plain, pinned },
      );

      // The same rows, field for field (keys, sha256, pinned flag, times): nothing touched them on start-up.
      expect(after.entries).toEqual(before.entries);
      const byKey = Object.fromEntries(after.entries.map((entry) => [new URL(entry.key).pathname, entry]));
      expect(byKey[plain]).toMatchObject({ sha256: sample('functional.nii').sha256, pinned: false });
      expect(byKey[pinned]).toMatchObject({ sha256: sample('avg152T1_LR_nifti.nii').sha256, pinned: true });
      expect(after.stats).toMatchObject({
        mode: 'opfs',
        maxBytes: 64_000_000,
        defaultTtlSeconds: 3600,
        entries: 2,
        bytes: before.stats.bytes,
        pinnedBytes: sample('avg152T1_LR_nifti.nii').bytes,
      });
      for (const total of TOTALS) expect([total, after.stats[total]]).toEqual([total, before.stats[total]]);

      expect(after.results).toEqual([
        { status: 'hit', size: sample('functional.nii').bytes, sha256: sample('functional.nii').sha256, pinned: false },
        { status: 'hit', size: sample('avg152T1_LR_nifti.nii').bytes, sha256: sample('avg152T1_LR_nifti.nii').sha256, pinned: true },
      ]);
      expect(after.statsAfterGets).toMatchObject({ hits: before.stats.hits + 2, misses: before.stats.misses, downloads: before.stats.downloads, bytesFromNetwork: before.stats.bytesFromNetwork });
      expect((await serverGets(plain)).length + (await serverGets(pinned)).length).toBe(getsBefore);
    } finally {
      await own.close();
    }
  });
});

describe('start-up sweep of leftovers', () => {
  const ORPHAN_SHA = 'ab'.repeat(32);
  const killedDownload = () => `download-${crypto.randomUUID()}.part`;

  it('createVolumeCache removes a killed download in tmp/ and an unreferenced blob, and keeps the real entry', async () => {
    const partition = 'sweep-startup';
    const real = sample('functional.nii');
    const created = await page.evaluate(async (partition) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: partition });
      const { status } = await cache.get('/data/nifti/functional.nii');
      cache.close();
      return status;
    }, partition);
    expect(created).toBe('miss');

    const leftover = killedDownload();
    await plantLeftovers(page, partition, { tmp: [leftover], blobs: [ORPHAN_SHA] });
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [real.sha256, ORPHAN_SHA].sort(), tmp: [leftover] });

    const reopened = await page.evaluate(async (partition) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: partition });
      const entries = await cache.entries();
      const result = await cache.get('/data/nifti/functional.nii');
      const outcome = { entries: entries.map((entry) => entry.sha256), status: result.status, sha256: await window.sha256Hex(result.file) };
      cache.close();
      return outcome;
    }, partition);
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [real.sha256], tmp: [] });
    expect(reopened).toEqual({ entries: [real.sha256], status: 'hit', sha256: real.sha256 });
  });

  it('a download killed with its page leaves a .part that the next start-up removes', async () => {
    const partition = 'sweep-killed';
    const path = '/gen/64-21.nii';
    const doomed = await browser.newTestPage();
    // Throttled so it is still running when the page goes away; never awaited.
    await doomed.page.evaluate(
      ({ partition, path }) => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        void createVolumeCache({ name: partition }).then((cache) => cache.get(`${path}?rate=500000`)).catch(() => undefined);
      },
      { partition, path },
    );
    await expect.poll(async () => (await serverGets(path))[0]?.bytesSent ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    const during = await listPartitionFiles(page, partition);
    expect(during.tmp).toHaveLength(1);
    expect(during.tmp[0]).toMatch(/^download-[0-9a-f-]{36}\.part$/);
    await doomed.page.close();

    // The file outlives the page that was writing it (nothing could remove it)...
    await expect.poll(async () => (await serverGets(path))[0]?.done, { timeout: 10_000 }).toBe(true);
    expect((await listPartitionFiles(page, partition)).tmp).toEqual(during.tmp);
    // ...until a cache starts on the partition.
    await page.evaluate(async (partition) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      (await createVolumeCache({ name: partition })).close();
    }, partition);
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [], tmp: [] });
  });

  it('cleanup() reports and removes leftovers created after start-up, and keeps a fresh uncached result', async () => {
    const partition = 'sweep-cleanup';
    const real = sample('functional.nii');
    const cache = 'sweepCleanupCache';
    const created = await page.evaluate(
      async ({ partition, cache }) => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const opened = await createVolumeCache({ name: partition });
        (window as unknown as Record<string, unknown>)[cache] = opened;
        return (await opened.get('/data/nifti/functional.nii')).status;
      },
      { partition, cache },
    );
    expect(created).toBe('miss');
    const leftovers = { tmp: [killedDownload(), killedDownload()], blobs: [ORPHAN_SHA] };
    const freshUncached = `uncached-${crypto.randomUUID()}`;
    await plantLeftovers(page, partition, { tmp: [...leftovers.tmp, freshUncached], blobs: leftovers.blobs });

    const report = await page.evaluate(async (cache) => {
      const opened = (window as unknown as Record<string, import('../../src/index').VolumeCache>)[cache]!;
      const result = await opened.cleanup();
      const again = await opened.cleanup();
      const hit = await opened.get('/data/nifti/functional.nii');
      const outcome = { result, again, status: hit.status, sha256: await window.sha256Hex(hit.file) };
      opened.close();
      return outcome;
    }, cache);
    expect(report.result).toEqual({ expired: 0, evicted: 0, temporaries: 2, orphanFiles: 1 });
    expect(report.again).toEqual({ expired: 0, evicted: 0, temporaries: 0, orphanFiles: 0 });
    expect(report).toMatchObject({ status: 'hit', sha256: real.sha256 });
    // An uncached result younger than the grace period may still be read through a File handed out: it stays.
    expect(await listPartitionFiles(page, partition)).toEqual({ blobs: [real.sha256], tmp: [freshUncached] });
  });
});

describe('a large file streams with bounded renderer memory', () => {
  it('~300 MB cold get (miss) and warm get (hit) with the right SHA-256, renderer RSS growth far below the file size', async () => {
    const slices = 4800;
    const path = `/gen/${slices}-1.nii`;
    const bytes = generatedVolumeBytes(slices);
    const expectedSha = generatedVolumeSha256(slices, 1);
    const partition = 'large';
    // Streaming keeps growth flat whatever the size: measured ~60 MiB for 75 MB, ~90 MiB for 150 MB,
    // 98-137 MiB for 300 MB and ~118 MiB for 600 MB (garbage chunk buffers awaiting GC). A cache that
    // held the file whole would grow by at least its 300 MiB.
    const limit = 200 * 1024 * 1024;
    const browserPid = findBrowserProcess(browser.userDataDir);

    // Open the cache first so the worker, its WebAssembly hasher and the noble hasher module are in the baseline.
    await page.evaluate(async (partition) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const holder = window as unknown as { largeCache?: unknown; nobleSha256?: unknown };
      holder.largeCache = await createVolumeCache({ name: partition });
      holder.nobleSha256 = ((await window.importModule('/node_modules/@noble/hashes/sha2.js')) as { sha256: unknown }).sha256;
    }, partition);

    const mib = (reports: RendererMemoryReport[]) =>
      reports.map((r) => ({ pid: r.pid, growthMiB: +(r.growth / 2 ** 20).toFixed(1), baselineMiB: +(r.baseline / 2 ** 20).toFixed(1), peakWasReset: r.peakWasReset, samples: r.samples }));
    const expectBounded = (phase: string, reports: RendererMemoryReport[]) => {
      expect(reports.length).toBeGreaterThan(0);
      for (const report of reports) expect({ phase, pid: report.pid, growth: report.growth, under: report.growth < limit }).toMatchObject({ under: true });
    };

    // Cold: the worker streams 300 MB from the network into OPFS while hashing.
    const coldWatch = watchRendererMemory(browserPid);
    const cold = await page.evaluate(async (path) => {
      const holder = window as unknown as { largeCache: import('../../src/index').VolumeCache; largeFile?: File };
      const result = await holder.largeCache.get(path);
      holder.largeFile = result.file;
      return { status: result.status, size: result.file.size, entrySha256: result.entry?.sha256 ?? null };
    }, path);
    const coldMemory = coldWatch.stop();

    // Warm: answered from OPFS, the File handed over without its bytes being read.
    const warmWatch = watchRendererMemory(browserPid);
    const warm = await page.evaluate(async (path) => {
      const holder = window as unknown as { largeCache: import('../../src/index').VolumeCache; largeFile?: File };
      const result = await holder.largeCache.get(path);
      holder.largeFile = result.file;
      const stats = await holder.largeCache.stats();
      return { status: result.status, size: result.file.size, stats: { hits: stats.hits, misses: stats.misses, downloads: stats.downloads, bytesFromNetwork: stats.bytesFromNetwork } };
    }, path);
    const warmMemory = warmWatch.stop();

    // The stored bytes, read back by streaming the File (not the library) through an independent hasher.
    const readWatch = watchRendererMemory(browserPid);
    const readBack = await page.evaluate(async (path) => {
      const holder = window as unknown as { largeCache: import('../../src/index').VolumeCache; largeFile: File; nobleSha256: { create(): { update(b: Uint8Array): void; digest(): Uint8Array } } };
      const file = holder.largeFile;
      const hasher = holder.nobleSha256.create();
      const reader = file.stream().getReader();
      let read = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        hasher.update(value);
        read += value.byteLength;
      }
      const sha256 = Array.from(hasher.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
      // Two slices compared byte for byte with what the server sends for the same ranges.
      const slices = [];
      for (const start of [0, file.size - 65536]) {
        const local = new Uint8Array(await file.slice(start, start + 65536).arrayBuffer());
        const remote = await window.readRangeFromServer(path, start, start + 65535);
        slices.push(remote.status === 206 && remote.bytes.length === local.length && remote.bytes.every((b, i) => b === local[i]));
      }
      return { read, sha256, slices };
    }, path);
    const readMemory = readWatch.stop();
    await page.evaluate(async () => {
      const holder = window as unknown as { largeCache: import('../../src/index').VolumeCache; largeFile?: File };
      delete holder.largeFile;
      await holder.largeCache.clear();
      holder.largeCache.close();
    });
    console.log('renderer memory, growth over baseline:', JSON.stringify({ cold: mib(coldMemory), warm: mib(warmMemory), readBack: mib(readMemory) }));

    expect(cold).toEqual({ status: 'miss', size: bytes, entrySha256: await expectedSha });
    // Sampled all along the download, not only before and after.
    expect(Math.max(...coldMemory.map((report) => report.samples))).toBeGreaterThan(10);
    expectBounded('cold get', coldMemory);
    expect(warm).toEqual({ status: 'hit', size: bytes, stats: { hits: 1, misses: 1, downloads: 1, bytesFromNetwork: bytes } });
    expectBounded('warm get', warmMemory);
    expect(readBack).toEqual({ read: bytes, sha256: await expectedSha, slices: [true, true] });
    // One full GET (the cold download); the others are the two range reads of the slice check.
    expect((await serverGets(path)).filter((r) => r.range === null)).toHaveLength(1);
  });
});

/** One get() of `path` in a fresh cache of `partition`: its status, the bytes' SHA-256, then stats() and entries(). */
function getOnce(page: Page, partition: string, path: string) {
  return page.evaluate(
    async ({ partition, path }) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: partition });
      const got = await cache.get(path);
      const outcome = { status: got.status, sha256: await window.sha256Hex(got.file), stats: await cache.stats(), entries: await cache.entries() };
      cache.close();
      return outcome;
    },
    { partition, path },
  );
}

/** A worker prelude under which the engine worker cannot start nested workers, except from URLs containing `allowed`. */
const BLOCK_NESTED_WORKERS = (reason: string, allowed?: string): string => `
const AllowedWorker = self.Worker;
self.Worker = class extends AllowedWorker {
  constructor(url, options) {
    if (${allowed === undefined ? 'true' : `!String(url).includes(${JSON.stringify(allowed)})`}) throw new Error(${JSON.stringify(reason)});
    super(url, options);
  }
};`;

describe('graceful degradation', () => {
  it('without OPFS on the page and in the worker: right bytes, uncached, network-only, no entries', async () => {
    const facts = sample('functional.nii');
    const path = '/data/nifti/functional.nii';
    const patched = await openPatchedPage(browser.context, { initScript: REMOVE_OPFS, workerPrelude: removeOpfsInWorkerPrelude('lifecycle-no-opfs') });
    try {
      const workerReport = firstBroadcast(patched.page, 'lifecycle-no-opfs');
      const outcome = await patched.page.evaluate(async (path) => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const cache = await createVolumeCache({ name: 'no-opfs' });
        const first = await cache.get(path);
        const second = await cache.get(path);
        const outcome = {
          pageHasOpfs: typeof navigator.storage.getDirectory,
          statuses: [first.status, second.status],
          entry: first.entry,
          size: first.file.size,
          sha256: await window.sha256Hex(first.file),
          stats: await cache.stats(),
          entries: await cache.entries(),
          cachedFile: await cache.getCachedFile(path),
          pin: await cache.pin(path).then(
            () => 'resolved',
            (error: { code?: string }) => error.code,
          ),
        };
        cache.close();
        return outcome;
      }, path);
      expect(patched.workerRequests).toHaveLength(1);
      // Seen from inside the worker: it had OPFS, the prelude removed it before the engine started.
      expect(await workerReport).toEqual({ inWorker: true, before: 'function', after: 'undefined', inPrototype: false });
      expect(outcome.pageHasOpfs).toBe('undefined');
      expect(outcome).toMatchObject({ statuses: ['uncached', 'uncached'], entry: null, size: facts.bytes, sha256: facts.sha256, entries: [], cachedFile: null, pin: 'unsupported' });
      // The engine that reported OPFS missing is the worker's: 'worker' is not missing.
      expect(outcome.stats.mode).toBe('network-only');
      expect(outcome.stats.missing).toContain('opfs');
      expect(outcome.stats.missing).not.toContain('worker');
      expect(outcome.stats).toMatchObject({ misses: 2, uncached: 2, downloads: 2, bytesFromNetwork: 2 * facts.bytes, entries: 0, bytes: 0 });
      expect(await serverGets(path)).toHaveLength(2);
    } finally {
      await patched.close();
    }
  });

  it('without IndexedDB in the worker: right bytes, uncached, network-only', async () => {
    const facts = sample('functional.nii');
    const path = '/data/nifti/functional.nii';
    const prelude = `{ Object.defineProperty(self, 'indexedDB', { value: undefined }); new BroadcastChannel('lifecycle-no-idb').postMessage(typeof indexedDB); }`;
    const patched = await openPatchedPage(browser.context, { workerPrelude: prelude });
    try {
      const workerReport = firstBroadcast(patched.page, 'lifecycle-no-idb');
      const outcome = await getOnce(patched.page, 'no-idb', path);
      expect(patched.workerRequests).toHaveLength(1);
      expect(await workerReport).toBe('undefined');
      expect(outcome).toMatchObject({ status: 'uncached', sha256: facts.sha256, entries: [] });
      expect(outcome.stats.mode).toBe('network-only');
      expect(outcome.stats.missing).toContain('indexeddb');
      expect(outcome.stats.missing).not.toContain('worker');
    } finally {
      await patched.close();
    }
  });

  const noWebAssembly = [
    // What hospitals' strict policies do: WebAssembly is there but may not compile.
    { how: "a Content-Security-Policy without 'wasm-unsafe-eval'", headers: { 'Content-Security-Policy': "script-src 'self'" }, remove: false, typeInWorker: 'object' },
    { how: 'no WebAssembly object', headers: undefined, remove: true, typeInWorker: 'undefined' },
  ];
  for (const { how, headers, remove, typeInWorker } of noWebAssembly) {
    it(`without usable WebAssembly in the worker (${how}): right bytes, uncached, integrity still checked`, async () => {
      const facts = sample('functional.nii');
      const path = '/data/nifti/functional.nii';
      const channel = `lifecycle-no-wasm-${remove ? 'removed' : 'csp'}`;
      const prelude = `{ ${remove ? 'delete globalThis.WebAssembly;' : ''} new BroadcastChannel(${JSON.stringify(channel)}).postMessage(typeof WebAssembly); }`;
      const patched = await openPatchedPage(browser.context, { workerPrelude: prelude, ...(headers ? { workerHeaders: headers } : {}) });
      try {
        const workerReport = firstBroadcast(patched.page, channel);
        const outcome = await patched.page.evaluate(
          async ({ path, channel, sha256 }) => {
            const { createVolumeCache, isVolumeCacheError } = window.volumeCache as typeof import('../../src/index');
            const base64 = btoa(String.fromCharCode(...(sha256.match(/../g) ?? []).map((byte) => parseInt(byte, 16))));
            const cache = await createVolumeCache({ name: `no-wasm-${channel}` });
            const plain = await cache.get(path);
            const verified = await cache.get(path, { integrity: `sha256-${base64}` });
            const wrong = await cache.get(path, { integrity: `sha256-${btoa('x'.repeat(32))}` }).then(
              () => 'resolved',
              (error: unknown) => (isVolumeCacheError(error) ? error.code : String(error)),
            );
            const outcome = {
              statuses: [plain.status, verified.status],
              sha256: await window.sha256Hex(plain.file),
              size: verified.file.size,
              wrong,
              stats: await cache.stats(),
              entries: await cache.entries(),
            };
            cache.close();
            return outcome;
          },
          { path, channel, sha256: facts.sha256 },
        );
        expect(patched.workerRequests).toHaveLength(1);
        expect(await workerReport).toBe(typeInWorker);
        expect(outcome).toMatchObject({ statuses: ['uncached', 'uncached'], sha256: facts.sha256, size: facts.bytes, wrong: 'integrity', entries: [] });
        expect(outcome.stats.mode).toBe('network-only');
        expect(outcome.stats.missing).toContain('webassembly');
        expect(outcome.stats.missing).not.toContain('worker');
      } finally {
        await patched.close();
      }
    });
  }

  for (const how of ['worker script answers 500', 'Worker constructor throws'] as const) {
    it(`no worker (${how}): the engine runs on the page and caches through createWritable`, async () => {
      const facts = sample('avg152T1_LR_nifti.nii');
      const path = '/data/nifti/avg152T1_LR_nifti.nii';
      const partition = how === 'Worker constructor throws' ? 'no-worker-throws' : 'no-worker-500';
      const patched = await openPatchedPage(
        browser.context,
        how === 'Worker constructor throws'
          ? { initScript: 'window.Worker = class { constructor() { throw new Error("module workers are blocked by the test"); } };' }
          : { workerStatus: 500 },
      );
      try {
        const outcome = await patched.page.evaluate(
          async ({ path, partition }) => {
            const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
            const cache = await createVolumeCache({ name: partition });
            const results = [];
            for (let i = 0; i < 2; i++) {
              const result = await cache.get(path);
              results.push({ status: result.status, size: result.file.size, sha256: await window.sha256Hex(result.file), entrySha256: result.entry?.sha256 ?? null });
            }
            const outcome = { results, stats: await cache.stats(), entries: (await cache.entries()).length };
            cache.close();
            return outcome;
          },
          { path, partition },
        );
        if (how === 'worker script answers 500') expect(patched.workerRequests.length).toBeGreaterThanOrEqual(1);
        expect(outcome.results).toEqual([
          { status: 'miss', size: facts.bytes, sha256: facts.sha256, entrySha256: facts.sha256 },
          { status: 'hit', size: facts.bytes, sha256: facts.sha256, entrySha256: facts.sha256 },
        ]);
        // On the page there is no SyncAccessHandle: the fallback writes through createWritable().
        expect(outcome.stats.missing).toContain('worker');
        expect(outcome.stats.missing).toContain('sync-access-handle');
        expect(outcome.stats).toMatchObject({ mode: 'opfs', hits: 1, misses: 1, entries: 1 });
        expect(await listPartitionFiles(patched.page, partition)).toEqual({ blobs: [facts.sha256], tmp: [] });
        expect(await serverGets(path)).toHaveLength(1);
      } finally {
        await patched.close();
      }
    });
  }

  it('no worker and no OPFS: the page engine still returns the bytes, network-only', async () => {
    const facts = sample('functional.nii');
    const path = '/data/nifti/functional.nii';
    const patched = await openPatchedPage(browser.context, { initScript: REMOVE_OPFS, workerStatus: 500 });
    try {
      const outcome = await getOnce(patched.page, 'no-worker-no-opfs', path);
      expect(patched.workerRequests.length).toBeGreaterThanOrEqual(1);
      expect(outcome).toMatchObject({ status: 'uncached', sha256: facts.sha256, entries: [], stats: { mode: 'network-only', misses: 1, uncached: 1 } });
      expect(outcome.stats.missing).toContain('opfs');
    } finally {
      await patched.close();
    }
  });

  it("stats().missing names 'worker' when the engine had to run on the page", async () => {
    const patched = await openPatchedPage(browser.context, { workerStatus: 500 });
    try {
      const missing = await patched.page.evaluate(async () => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const cache = await createVolumeCache({ name: 'no-worker-missing' });
        const { missing } = await cache.stats();
        cache.close();
        return missing;
      });
      expect(patched.workerRequests.length).toBeGreaterThanOrEqual(1);
      // Proof the engine did run on the page: no SyncAccessHandle outside a worker.
      expect(missing).toContain('sync-access-handle');
      expect(missing).toContain('worker');
      // Said once on the console too, with what to do about it.
      const said = patched.warnings.filter((text) => text.startsWith('volume-cache:'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^volume-cache: the cache's worker could not start \(.+\), so it runs on the page: .*createVolumeCache\(\{ worker: /);
    } finally {
      await patched.close();
    }
  });

  it("a hash worker that cannot start: the download is still hashed right, stats().missing names 'hash-worker', said once", async () => {
    const path = '/gen/160-77.nii'; // 10 MiB: downloads from 8 MiB on hash in the second worker
    // In the engine worker: a request from a nested worker is not one the browser driver can route.
    const patched = await openPatchedPage(browser.context, { workerPrelude: BLOCK_NESTED_WORKERS('no hash worker in this test') });
    try {
      const outcome = await patched.page.evaluate(async (url) => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const cache = await createVolumeCache({ name: 'no-hash-worker' });
        const { entry, file } = await cache.get(url);
        const again = await cache.get(`${url}?again`);
        const result = { entrySha256: entry?.sha256, bytesSha256: await window.sha256Hex(file), againStatus: again.status, missing: (await cache.stats()).missing };
        cache.close();
        return result;
      }, path);
      expect(outcome.entrySha256).toBe(outcome.bytesSha256);
      expect(outcome.againStatus).toBe('miss');
      expect(outcome.missing).toEqual(['hash-worker']);
      const said = patched.warnings.filter((text) => text.startsWith('volume-cache:'));
      expect(said, 'two downloads, one warning').toHaveLength(1);
      expect(said[0]).toMatch(/no hash worker in this test, so downloads of 8 MiB or more are hashed in the cache's own worker: correct, but slower\. .*hashWorkerUrl/);
    } finally {
      await patched.close();
    }
  });

  it('hashWorkerUrl: the engine starts its hash worker from the URL the application gives', async () => {
    const path = '/gen/160-78.nii';
    const given = '/src/worker/sha256Worker.ts?worker_file&type=module&given';
    const patched = await openPatchedPage(browser.context, { workerPrelude: BLOCK_NESTED_WORKERS('only the given hash worker may start', 'given') });
    try {
      const outcome = await patched.page.evaluate(async ({ url, given }) => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const cache = await createVolumeCache({ name: 'hash-worker-url', hashWorkerUrl: given });
        const { entry, file } = await cache.get(url);
        const result = { entrySha256: entry?.sha256, bytesSha256: await window.sha256Hex(file), missing: (await cache.stats()).missing };
        cache.close();
        return result;
      }, { url: path, given });
      expect(outcome.entrySha256).toBe(outcome.bytesSha256);
      // The default hash worker would have been refused and reported.
      expect(outcome.missing).toEqual([]);
      expect(patched.warnings.filter((text) => text.startsWith('volume-cache:'))).toEqual([]);
    } finally {
      await patched.close();
    }
  });

  it('an engine worker from another release: the cache works, and the console says so once', async () => {
    const { page, errors } = await browser.newTestPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    // The page has its version module already; from now on the worker's import of it claims another release.
    await page.route((url) => url.pathname === '/src/version.ts', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: "export const VERSION = '0.0.1-other';\n" }),
    );
    const status = await page.evaluate(async () => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
      const first = await createVolumeCache({ name: 'other-release' });
      const second = await createVolumeCache({ name: 'other-release-2' });
      const { status } = await first.get('/data/nifti/functional.nii');
      first.close();
      second.close();
      return status;
    });
    expect(status).toBe('miss');
    const said = warnings.filter((text) => text.startsWith('volume-cache:'));
    expect(said, `two caches, one warning; errors: ${errors.join(', ')}`).toHaveLength(1);
    expect(said[0]).toMatch(/^volume-cache: the engine worker is version 0\.0\.1-other, the page's library \d+\.\d+\.\d+\./);
    await page.close();
  });

  it('worker: the engine worker starts from the URL the application gives', async () => {
    // The default URL answers 500; the dev server also serves the same module under /@fs/.
    const patched = await openPatchedPage(browser.context, { workerStatus: 500 });
    try {
      const given = `/@fs${repoRoot}src/worker/worker.ts?worker_file&type=module`;
      const outcome = await patched.page.evaluate(async (given) => {
        const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
        const cache = await createVolumeCache({ name: 'worker-url', worker: new URL(given, location.href) });
        const { status } = await cache.get('/data/nifti/functional.nii');
        const result = { status, missing: (await cache.stats()).missing };
        cache.close();
        return result;
      }, given);
      expect(outcome).toEqual({ status: 'miss', missing: [] });
      expect(patched.workerRequests, 'the default URL was not asked for').toEqual([]);
      expect(patched.warnings.filter((text) => text.startsWith('volume-cache:'))).toEqual([]);
    } finally {
      await patched.close();
    }
  });
});

describe('quota exhaustion (Storage.overrideQuotaForOrigin)', () => {
  it('a refused write evicts the oldest unpinned entries that make room and retries once; a file that cannot fit fails with quota, evicts nothing, leaves no temporary', async () => {
    // Its own browser: the quota is per origin, so other tests' files must not count against it.
    const own = await launchBrowser();
    try {
      const { page: quotaPage } = await own.newTestPage();
      const cdp = await own.context.newCDPSession(quotaPage);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: baseURL, quotaSize: 12 * 1024 * 1024 });
      const pinned = '/gen/32-31.nii'; // 2 MiB, pinned
      const older = '/gen/32-32.nii'; // 2 MiB, least recently used
      const newer = '/gen/32-35.nii'; // 2 MiB
      // 7 MiB. Chromium reserves a SyncAccessHandle's capacity in growing steps (8 MiB here, see the raw
      // probe below), so it needs 2 + 2 + 2 + 8 > 12 MiB; with only the pinned 2 MiB left it fits.
      const fitsAfterEviction = '/gen/112-33.nii';
      const neverFits = '/gen/300-34.nii'; // 18.75 MiB
      const outcome = await quotaPage.evaluate(
        async ({ pinned, older, newer, fitsAfterEviction, neverFits }) => {
          const { createVolumeCache } = window.volumeCache as typeof import('../../src/index');
          const cache = await createVolumeCache({ name: 'quota' });
          const attempt = async (url: string) => {
            try {
              const result = await cache.get(url);
              return { status: result.status, sha256: result.entry?.sha256 ?? null };
            } catch (error) {
              return { code: (error as { code?: string }).code, message: (error as Error).message };
            }
          };
          const keys = async () => (await cache.entries()).map((entry) => new URL(entry.url).pathname).sort();
          const steps: Record<string, unknown> = {};
          steps.pin = (await cache.pin(pinned)).sha256;
          steps.older = await attempt(older);
          steps.newer = await attempt(newer);
          steps.keysBefore = await keys();
          steps.fitsAfterEviction = await attempt(fitsAfterEviction);
          steps.keysAfterEviction = await keys();
          steps.evictionsAfterFirst = (await cache.stats()).evictions;
          steps.neverFits = await attempt(neverFits);
          steps.keysAfterFailure = await keys();
          const stats = await cache.stats();
          steps.stats = { evictions: stats.evictions, entries: stats.entries, misses: stats.misses, downloads: stats.downloads, usage: stats.usage, quota: stats.quota };
          const kept = await cache.get(pinned);
          steps.kept = { status: kept.status, sha256: await window.sha256Hex(kept.file), size: kept.file.size };
          cache.close();
          return steps;
        },
        { pinned, older, newer, fitsAfterEviction, neverFits },
      );
      console.log('quota outcome:', JSON.stringify(outcome));
      expect(outcome.pin).toBe(await generatedVolumeSha256(32, 31));
      expect(outcome.older).toEqual({ status: 'miss', sha256: await generatedVolumeSha256(32, 32) });
      expect(outcome.newer).toEqual({ status: 'miss', sha256: await generatedVolumeSha256(32, 35) });
      expect(outcome.keysBefore).toEqual([pinned, older, newer].sort());
      // The write was refused (QuotaExceededError), unpinned entries were evicted (the least recently
      // used one at least), the write was retried and the download completed and was cached.
      expect(outcome.fitsAfterEviction).toEqual({ status: 'miss', sha256: await generatedVolumeSha256(112, 33) });
      expect(outcome.keysAfterEviction).toContain(pinned);
      expect(outcome.keysAfterEviction).toContain(fitsAfterEviction);
      expect(outcome.keysAfterEviction).not.toContain(older);
      // (Only the oldest files that cover what the download still had to write go: how many depends on
      // how far it got before the write was refused.)
      expect(outcome.evictionsAfterFirst).toBeGreaterThanOrEqual(1);
      // Cannot fit even after evicting everything unpinned: quota, and nothing is evicted for it (issue 18):
      // the volume cached just before stays.
      expect(outcome.neverFits).toMatchObject({ code: 'quota' });
      expect(outcome.keysAfterFailure).toEqual([fitsAfterEviction, pinned].sort());
      // The failed download counts neither as a miss nor as a download.
      expect(outcome.stats).toMatchObject({ entries: 2, misses: 4, downloads: 4, evictions: outcome.evictionsAfterFirst });
      expect(outcome.kept).toEqual({ status: 'hit', sha256: await generatedVolumeSha256(32, 31), size: generatedVolumeBytes(32) });
      expect(await listPartitionFiles(quotaPage, 'quota')).toEqual({ blobs: [await generatedVolumeSha256(112, 33), await generatedVolumeSha256(32, 31)].sort(), tmp: [] });

      // What Chromium itself does under the override, without the library: a SyncAccessHandle write
      // past the quota throws QuotaExceededError, while navigator.storage.estimate() ignores the override.
      const raw = await quotaPage.evaluate(async () => {
        const source = `onmessage = async () => {
          const root = await navigator.storage.getDirectory();
          const handle = await root.getFileHandle('quota-probe.bin', { create: true });
          const access = await handle.createSyncAccessHandle();
          let written = 0, error = null;
          try {
            for (;;) { written += access.write(new Uint8Array(1 << 20), { at: written }); if (written > (64 << 20)) break; }
          } catch (e) { error = e.name; }
          access.close();
          await root.removeEntry('quota-probe.bin');
          const { quota } = await navigator.storage.estimate();
          postMessage({ written, error, estimateQuota: quota });
        };`;
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
        const answer = new Promise<{ written: number; error: string | null; estimateQuota: number }>((resolve) => (worker.onmessage = (event) => resolve(event.data)));
        worker.postMessage(null);
        const result = await answer;
        worker.terminate();
        return result;
      });
      console.log('raw SyncAccessHandle under a 12 MiB quota override:', JSON.stringify(raw));
      expect(raw.error).toBe('QuotaExceededError');
      expect(raw.written).toBeLessThanOrEqual(12 * 1024 * 1024);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: baseURL });
    } finally {
      await own.close();
    }
  });
});

describe('close()', () => {
  it('every call after close() rejects with closed', async () => {
    const codes = await page.evaluate(async () => {
      const { createVolumeCache, VolumeCacheError } = window.volumeCache as typeof import('../../src/index');
      const cache = await createVolumeCache({ name: 'closed-calls' });
      await cache.get('/data/nifti/functional.nii');
      cache.close();
      cache.close(); // twice is harmless
      const outcome = async (run: () => Promise<unknown>) => {
        try {
          await run();
          return 'resolved';
        } catch (error) {
          return error instanceof VolumeCacheError ? error.code : `not a VolumeCacheError: ${String(error)}`;
        }
      };
      const url = '/data/nifti/functional.nii';
      return {
        get: await outcome(() => cache.get(url)),
        getFile: await outcome(() => cache.getFile(url)),
        getArrayBuffer: await outcome(() => cache.getArrayBuffer(url)),
        getCachedFile: await outcome(() => cache.getCachedFile(url)),
        prefetch: await outcome(() => cache.prefetch([url])),
        pin: await outcome(() => cache.pin(url)),
        pinMany: await outcome(() => cache.pin([url])),
        unpin: await outcome(() => cache.unpin(url)),
        invalidate: await outcome(() => cache.invalidate(url)),
        clear: await outcome(() => cache.clear()),
        cleanup: await outcome(() => cache.cleanup()),
        stats: await outcome(() => cache.stats()),
        entries: await outcome(() => cache.entries()),
        configure: await outcome(() => cache.configure({ maxBytes: 1e9 })),
        requestPersistence: await outcome(() => cache.requestPersistence()),
      };
    });
    for (const [call, code] of Object.entries(codes)) expect([call, code]).toEqual([call, 'closed']);
  });

  /** Starts a throttled get on `target` and calls close() on its first progress event; resolves with how the get settled. */
  function closeMidDownload(target: Page, partition: string, url: string, waitForSettleMs: number) {
    return target.evaluate(
      async ({ partition, url, waitForSettleMs }) => {
        const { createVolumeCache, VolumeCacheError } = window.volumeCache as typeof import('../../src/index');
        const cache = await createVolumeCache({ name: partition });
        const missing = (await cache.stats()).missing;
        let progressEvents = 0;
        const pending = cache.get(url, {
          onProgress: () => {
            if (progressEvents++ === 0) cache.close();
          },
        });
        const settledHow = pending.then(
          () => 'resolved',
          (error: unknown) => (error instanceof VolumeCacheError ? error.code : `not a VolumeCacheError: ${String(error)}`),
        );
        // Not a timing assertion: without a bound, a promise that never settles would hang the test.
        const unsettled = new Promise<string>((resolve) => setTimeout(() => resolve('never settled'), waitForSettleMs));
        await new Promise<void>((resolve) => {
          const check = () => (progressEvents > 0 ? resolve() : setTimeout(check, 10));
          check();
        });
        const settled = await Promise.race([settledHow, unsettled]);
        return { settled, progressEvents, missing };
      },
      { partition, url, waitForSettleMs },
    );
  }

  /** The transfer was cut off and the partition holds no temporary (or stored) file. */
  async function expectStoppedAndClean(target: Page, partition: string, path: string) {
    await expect.poll(async () => (await serverGets(path))[0]?.done, { timeout: 10_000 }).toBe(true);
    const [request, ...more] = await serverGets(path);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ aborted: true });
    expect(request!.bytesSent).toBeLessThan(generatedVolumeBytes(64));
    await expect.poll(async () => (await listPartitionFiles(target, partition)).tmp, { timeout: 5_000 }).toEqual([]);
    expect((await listPartitionFiles(target, partition)).blobs).toEqual([]);
  }

  it('a get in progress when close() is called rejects with closed or aborted (worker)', async () => {
    const outcome = await closeMidDownload(page, 'close-mid-download-settles', '/gen/64-43.nii?rate=1000000', 15_000);
    expect(outcome.progressEvents).toBeGreaterThan(0);
    expect(outcome.missing).not.toContain('sync-access-handle');
    expect(['closed', 'aborted']).toContain(outcome.settled);
  });

  it('close() during a download stops the transfer and leaves no temporary file (worker)', async () => {
    const partition = 'close-mid-download';
    const path = '/gen/64-41.nii';
    // The get's own settling is the test above; here only what close() leaves behind.
    const outcome = await closeMidDownload(page, partition, `${path}?rate=1000000`, 0);
    expect(outcome.progressEvents).toBeGreaterThan(0);
    // Ran in the worker (a SyncAccessHandle was available).
    expect(outcome.missing).not.toContain('sync-access-handle');
    await expectStoppedAndClean(page, partition, path);
  });

  it('close() during a download rejects it, stops the transfer and leaves no temporary file (page fallback)', async () => {
    const partition = 'close-mid-download-page';
    const path = '/gen/64-42.nii';
    const patched = await openPatchedPage(browser.context, { workerStatus: 500 });
    try {
      const outcome = await closeMidDownload(patched.page, partition, `${path}?rate=1000000`, 15_000);
      expect(outcome.progressEvents).toBeGreaterThan(0);
      // Ran on the page (no SyncAccessHandle there).
      expect(outcome.missing).toContain('sync-access-handle');
      expect(['closed', 'aborted']).toContain(outcome.settled);
      await expectStoppedAndClean(patched.page, partition, path);
    } finally {
      await patched.close();
    }
  });
});
