import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { downloadLockName } from '../../src/engine/downloadLockName';
import { launchBrowser, resetServer, serverGets, urlFor, type TestBrowser } from './support/harness';
import { getWithin, reloadTestPage, startUnawaitedGet, unawaitedGetLoaded } from './support/lifecyclePages';
import { listPartitionFiles } from './support/pageCache';
import { auditPartition, expectAuditMatches, writerLocks } from './support/partitionAudit';
import { ServiceWorkerDevTools } from './support/serviceWorkerControl';
import { expectCorrectOrRejected, readBytes, readOutcome, resumeRead, startRead } from './support/streamingReads';

/**
 * Process faults (issue #6): the tab reloaded mid-download, and the service
 * worker stopped by the browser mid-stream. After each: a read returns the
 * right bytes or rejects; nothing partial becomes an entry; stats() equals
 * the files on disk; no temporary file survives cleanup(); no lock is left
 * behind, so the volume loads again. (A page closed mid-download and a
 * killed worker are lifecycle.test.ts.)
 */

beforeEach(async () => {
  await resetServer();
});


/** 2 MiB at 1 MB/s: about two seconds per download, time for a test to see it half-way and strike. */
const SLICES = 32;
const SIZE = generatedVolumeBytes(SLICES);
const RATE = 1_000_000;
const throttled = (seed: number) => `/gen/${SLICES}-${seed}.nii?rate=${RATE}`;

/** Registers the prebuilt service worker for /gen/ on `partition` and waits until it controls the page. */
async function registerServiceWorker(page: Page, partition: string, encryptionKeyGlobal?: string): Promise<void> {
  await page.evaluate(
    async ({ partition, encryptionKeyGlobal }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const key = encryptionKeyGlobal === null ? undefined : (window as unknown as Record<string, CryptoKey>)[encryptionKeyGlobal];
      await lib.registerVolumeCacheServiceWorker({ name: partition, match: { pathPrefixes: ['/gen/'] }, ...(key ? { encryption: { key } } : {}) });
    },
    { partition, encryptionKeyGlobal: encryptionKeyGlobal ?? null },
  );
}

describe('a tab reloaded mid-download', () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('page API: after the reload the same get downloads it again with the right bytes, and nothing of the cut download remains', async () => {
    const partition = 'reload-page';
    const seed = 61;
    const path = throttled(seed);
    const expected = await generatedVolumeSha256(SLICES, seed);
    const { page } = await browser.newTestPage();

    await startUnawaitedGet(page, partition, path);
    await expect.poll(() => unawaitedGetLoaded(page), { timeout: 15_000 }).toBeGreaterThan(SIZE / 2);
    // The reload cuts a download that is really writing into OPFS.
    expect((await listPartitionFiles(page, partition)).tmp).toEqual([expect.stringMatching(/^download-[0-9a-f-]{36}\.part$/)]);
    await reloadTestPage(page);

    await expect.poll(async () => (await serverGets(path))[0]?.done, { timeout: 10_000 }).toBe(true);
    const [cut] = await serverGets(path);
    expect(cut).toMatchObject({ aborted: true });
    expect(cut!.bytesSent).toBeLessThan(SIZE);

    expect(await getWithin(page, partition, path)).toEqual({ status: 'miss', size: SIZE, sha256: expected, entrySha256: expected });
    expect((await serverGets(path)).slice(1).map((request) => request.aborted)).not.toContain(true);
    expectAuditMatches(await auditPartition(page, partition), { [path]: expected });
    expect(await writerLocks(page, partition)).toEqual({ held: [], pending: [] });
  });

  it('service worker: a reload while it caches a fetch does not stop it; the reloaded tab gets the volume from the cache, downloaded once', async () => {
    const partition = 'reload-sw';
    const seed = 62;
    const path = throttled(seed);
    const expected = await generatedVolumeSha256(SLICES, seed);
    const { page } = await browser.newTestPage();
    await registerServiceWorker(page, partition);

    await startRead(page, 'before-reload', path);
    await expect.poll(() => readBytes(page, 'before-reload'), { timeout: 15_000 }).toBeGreaterThan(SIZE / 2);
    await reloadTestPage(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // The page that asked is gone, but the service worker's copy of the body
    // goes on into the cache; the new fetch waits for it instead of downloading again.
    await startRead(page, 'after-reload', path);
    expect(await readOutcome(page, 'after-reload')).toEqual({ status: 200, header: 'hit', contentLength: SIZE, size: SIZE, sha256: expected, error: null });
    const requests = await serverGets(path);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ aborted: false, done: true, bytesSent: SIZE });
    expectAuditMatches(await auditPartition(page, partition), { [path]: expected });
  });
});

describe('the service worker stopped by the browser mid-stream', () => {
  const partition = 'sw-stopped';
  // A cached entry the faults must leave readable: 64 MiB, so a read of it is far from done when the worker stops.
  const goodSlices = 1024;
  const goodSeed = 71;
  const good = `/gen/${goodSlices}-${goodSeed}.nii`;
  const goodSize = generatedVolumeBytes(goodSlices);
  let goodSha: string;
  let browser: TestBrowser;
  let page: Page;
  let devTools: ServiceWorkerDevTools;

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page } = await browser.newTestPage());
    await registerServiceWorker(page, partition);
    goodSha = await generatedVolumeSha256(goodSlices, goodSeed);
    expect(await getWithin(page, partition, good)).toMatchObject({ status: 'miss', sha256: goodSha });
    devTools = await ServiceWorkerDevTools.attach(browser.context, page);
  });
  afterAll(async () => {
    await devTools.detach();
    await browser.close();
  });

  /** Stops every service worker the way the browser does, and waits until none runs. */
  async function stopServiceWorkers(): Promise<void> {
    expect(devTools.running()).not.toEqual([]);
    await devTools.stopAll();
    await expect.poll(() => devTools.running(), { timeout: 10_000 }).toEqual([]);
  }

  it('while a page reads a large cached entry: the read still completes with the right bytes, and a restarted worker serves the next fetch', async () => {
    await startRead(page, 'cached', good, { pauseAfterBytes: 1 });
    await expect.poll(() => readBytes(page, 'cached'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await readBytes(page, 'cached')).toBeLessThan(goodSize / 2);
    await stopServiceWorkers();
    await resumeRead(page, 'cached');

    const outcome = await readOutcome(page, 'cached');
    // A plain entry's body is the OPFS File itself, which the browser reads without the worker.
    expect(expectCorrectOrRejected(outcome, { size: goodSize, sha256: goodSha })).toBe('complete');
    expect(outcome).toMatchObject({ status: 200, header: 'hit' });

    await startRead(page, 'cached-again', good);
    expect(await readOutcome(page, 'cached-again')).toEqual({ status: 200, header: 'hit', contentLength: goodSize, size: goodSize, sha256: goodSha, error: null });
    expect(devTools.running()).not.toEqual([]);
    expect(await serverGets(good)).toEqual([]);
    expectAuditMatches(await auditPartition(page, partition), { [good]: goodSha });
  });

  it('while it caches a miss: the fetch rejects, nothing partial is kept, no lock is left, and the volume loads again', async () => {
    const seed = 72;
    const path = throttled(seed);
    const expected = await generatedVolumeSha256(SLICES, seed);
    await startRead(page, 'miss', path);
    await expect.poll(() => readBytes(page, 'miss'), { timeout: 15_000 }).toBeGreaterThan(SIZE / 3);
    // The fault lands while the worker holds the download's lock and writes its temporary file.
    expect((await writerLocks(page, partition)).held).toContain(downloadLockName(partition, urlFor(path)));
    expect((await listPartitionFiles(page, partition)).tmp).toContainEqual(expect.stringMatching(/^download-[0-9a-f-]{36}\.part$/));
    await stopServiceWorkers();
    // The stopped worker's download was cut off, so the page cannot have had the whole body.
    await expect.poll(async () => (await serverGets(path))[0]?.done, { timeout: 10_000 }).toBe(true);
    const [cut] = await serverGets(path);
    expect(cut).toMatchObject({ aborted: true });
    expect(cut!.bytesSent).toBeLessThan(SIZE);

    const outcome = await readOutcome(page, 'miss');
    expect(expectCorrectOrRejected(outcome, { size: SIZE, sha256: expected })).toBe('rejected');
    expect(outcome).toMatchObject({ status: 200, header: 'miss', contentLength: SIZE });

    expect(await writerLocks(page, partition)).toEqual({ held: [], pending: [] });
    expectAuditMatches(await auditPartition(page, partition), { [good]: goodSha });

    // The page's own download of it finishes (no lock of the dead worker in its way) and is cached...
    expect(await getWithin(page, partition, path)).toEqual({ status: 'miss', size: SIZE, sha256: expected, entrySha256: expected });
    // ...and a restarted service worker serves it from there.
    await startRead(page, 'miss-again', path);
    expect(await readOutcome(page, 'miss-again')).toEqual({ status: 200, header: 'hit', contentLength: SIZE, size: SIZE, sha256: expected, error: null });
    expect(devTools.running()).not.toEqual([]);
    expectAuditMatches(await auditPartition(page, partition), { [good]: goodSha, [path]: expected });
  });

  it('while it decrypts an encrypted entry: the read is whole or rejects; the key is gone with the worker, so requests pass through until a page sends it again', async () => {
    const encrypted = 'sw-stopped-encrypted';
    const slices = 256; // 16 MiB: 16 chunks decrypted one by one as the page reads
    const seed = 73;
    const path = `/gen/${slices}-${seed}.nii`;
    const size = generatedVolumeBytes(slices);
    const expected = await generatedVolumeSha256(slices, seed);
    // Its own browser: this partition needs its own registration (with the key), which would replace the shared one.
    const own = await launchBrowser();
    try {
      const { page: encryptedPage } = await own.newTestPage();
      await encryptedPage.evaluate(async () => {
        (window as unknown as { key: CryptoKey }).key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      });
      await registerServiceWorker(encryptedPage, encrypted, 'key');
      expect(
        await encryptedPage.evaluate(
          async ({ encrypted, path }) => {
            const lib = window.volumeCache as typeof import('../../src/index');
            const cache = await lib.createVolumeCache({ name: encrypted, encryption: { key: (window as unknown as { key: CryptoKey }).key }, thumbnails: false });
            const { status } = await cache.get(path);
            cache.close();
            return status;
          },
          { encrypted, path },
        ),
      ).toBe('miss');
      const ownDevTools = await ServiceWorkerDevTools.attach(own.context, encryptedPage);
      await resetServer();

      await startRead(encryptedPage, 'decrypting', path, { pauseAfterBytes: 1 });
      await expect.poll(() => readBytes(encryptedPage, 'decrypting'), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await readBytes(encryptedPage, 'decrypting')).toBeLessThan(size / 2);
      expect(ownDevTools.running()).not.toEqual([]);
      await ownDevTools.stopAll();
      await expect.poll(() => ownDevTools.running(), { timeout: 10_000 }).toEqual([]);
      await resumeRead(encryptedPage, 'decrypting');

      // The worker decrypts chunk by chunk into a stream, which the browser may
      // have buffered whole by the time it stops the worker, or not: either way,
      // never a short body.
      const outcome = await readOutcome(encryptedPage, 'decrypting');
      expectCorrectOrRejected(outcome, { size, sha256: expected });
      expect(outcome).toMatchObject({ status: 200, header: 'hit', contentLength: size });

      // The key lived in the stopped worker's memory only: the restarted one passes the request to the network.
      await startRead(encryptedPage, 'without-key', path);
      expect(await readOutcome(encryptedPage, 'without-key')).toEqual({ status: 200, header: null, contentLength: size, size, sha256: expected, error: null });
      expect(await serverGets(path)).toHaveLength(1);

      await registerServiceWorker(encryptedPage, encrypted, 'key');
      await startRead(encryptedPage, 'with-key', path);
      expect(await readOutcome(encryptedPage, 'with-key')).toEqual({ status: 200, header: 'hit', contentLength: size, size, sha256: expected, error: null });
      expect(await serverGets(path)).toHaveLength(1);
      expect(await writerLocks(encryptedPage, encrypted)).toEqual({ held: [], pending: [] });
      expectAuditMatches(await auditPartition(encryptedPage, encrypted, { keyGlobal: 'key' }), { [path]: expected }, { encrypted: true });
      await ownDevTools.detach();
    } finally {
      await own.close();
    }
  });
});
