import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { sharedDataDir } from '../support/repoPaths';
import { launchBrowser, resetServer, serverRequests, urlFor, type TestBrowser, type TestPage } from './support/harness';

// Smoke test of the test infrastructure itself: real Chromium, real dev server,
// real fault-injecting routes. It does not need the library to exist.

const manifest = JSON.parse(readFileSync(join(sharedDataDir, 'manifest.json'), 'utf8')) as {
  files: { file: string; bytes: number; sha256: string }[];
};
const functional = manifest.files.find((entry) => entry.file === 'nifti/functional.nii')!;

interface FetchSummary {
  status: number;
  headers: Record<string, string>;
  bytes: number;
  sha256: string;
}

/** The serialisable part of RequestInit these tests need. */
interface PageFetchInit {
  cache?: RequestCache;
  headers?: Record<string, string>;
}

/** Fetches in the page and reads the whole body; rejects if the body fails. */
function fetchInPage(testPage: TestPage, path: string, init: PageFetchInit = {}): Promise<FetchSummary> {
  return testPage.page.evaluate(
    async ({ url, init }) => {
      const response = await fetch(url, init);
      const body = await response.arrayBuffer();
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        bytes: body.byteLength,
        sha256: await window.sha256Hex(body),
      };
    },
    { url: urlFor(path), init },
  );
}

describe('test server in real Chromium', () => {
  let browser: TestBrowser;
  let testPage: TestPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    testPage = await browser.newTestPage({ requireLibrary: false });
  });
  afterAll(() => browser?.close());
  beforeEach(() => resetServer());

  test('serves shared data byte-exact with validators', async () => {
    const result = await fetchInPage(testPage, '/data/nifti/functional.nii', { cache: 'no-store' });
    expect(result).toMatchObject({ status: 200, bytes: functional.bytes, sha256: functional.sha256 });
    expect(result.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(functional.bytes),
      etag: `"${functional.sha256}"`,
      'accept-ranges': 'bytes',
      'cache-control': 'no-cache',
    });
    expect(result.headers['last-modified']).toBeDefined();
  });

  test('answers a Range request with 206 and the right bytes', async () => {
    const range = await testPage.page.evaluate(
      (url) => window.readRangeFromServer(url, 344, 351),
      urlFor('/data/nifti/functional.nii'),
    );
    expect(range.status).toBe(206);
    expect(range.contentRange).toBe(`bytes 344-351/${functional.bytes}`);
    const expected = readFileSync(join(sharedDataDir, functional.file)).subarray(344, 352);
    expect(range.bytes).toEqual([...expected]); // "n+1\0" magic, then the extension flag
    expect(String.fromCharCode(...range.bytes.slice(0, 3))).toBe('n+1');
  });

  test('answers a matching If-None-Match with 304', async () => {
    const result = await fetchInPage(testPage, '/data/nifti/functional.nii', {
      headers: { 'If-None-Match': `"${functional.sha256}"` },
    });
    expect(result.status).toBe(304);
    expect(result.bytes).toBe(0);
  });

  test('drop=1000&drops=1 breaks only the first download', async () => {
    const path = '/data/nifti/functional.nii?drop=1000&drops=1';
    const first = await fetchInPage(testPage, path, { cache: 'no-store' }).then(
      () => 'completed',
      (error: Error) => error.message,
    );
    expect(first).toMatch(/network error|Failed to fetch/i);
    const second = await fetchInPage(testPage, path, { cache: 'no-store' });
    expect(second).toMatchObject({ status: 200, sha256: functional.sha256 });

    const log = await serverRequests('/data/nifti/functional.nii?drop');
    expect(log.map(({ bytesSent, aborted }) => ({ bytesSent, aborted }))).toEqual([
      { bytesSent: 1000, aborted: true },
      { bytesSent: functional.bytes, aborted: false },
    ]);
  });

  test('generates a deterministic NIfTI volume with a predictable hash', async () => {
    const result = await fetchInPage(testPage, '/gen/16-7.nii', { cache: 'no-store' });
    expect(result.status).toBe(200);
    expect(result.bytes).toBe(352 + 256 * 256 * 16);
    expect(result.bytes).toBe(generatedVolumeBytes(16));
    expect(result.sha256).toBe(await generatedVolumeSha256(16, 7, 1));
    expect(result.headers.etag).toBe('"gen-16-7-v1"');

    const nextVersion = await fetchInPage(testPage, '/gen/16-7.nii?v=2', { cache: 'no-store' });
    expect(nextVersion.sha256).toBe(await generatedVolumeSha256(16, 7, 2));
    expect(nextVersion.sha256).not.toBe(result.sha256);
  });

  test('status=404 answers 404', async () => {
    const result = await fetchInPage(testPage, '/data/nifti/functional.nii?status=404');
    expect(result.status).toBe(404);
    expect(result.bytes).toBeLessThan(100);
  });

  test('the request log records Range and conditional headers', async () => {
    await testPage.page.evaluate((url) => window.readRangeFromServer(url, 0, 351), urlFor('/gen/4-1.nii'));
    await fetchInPage(testPage, '/gen/4-1.nii', { headers: { 'If-None-Match': '"gen-4-1-v1"' } });
    const log = await serverRequests('/gen/4-1.nii');
    expect(log).toMatchObject([
      { method: 'GET', path: '/gen/4-1.nii', range: 'bytes=0-351', status: 206, bytesSent: 352, aborted: false },
      { method: 'GET', path: '/gen/4-1.nii', range: null, ifNoneMatch: '"gen-4-1-v1"', status: 304, bytesSent: 0 },
    ]);
  });

  test('an outdated If-Range gets the whole new body; an unsatisfiable Range gets 416', async () => {
    const stale = await fetchInPage(testPage, '/data/nifti/functional.nii', {
      cache: 'no-store',
      headers: { Range: 'bytes=0-9', 'If-Range': '"outdated"' },
    });
    expect(stale).toMatchObject({ status: 200, bytes: functional.bytes });
    const beyond = await testPage.page.evaluate(
      ({ url, size }) => window.readRangeFromServer(url, size, size + 10),
      { url: urlFor('/data/nifti/functional.nii'), size: functional.bytes },
    );
    expect(beyond).toMatchObject({ status: 416, contentRange: `bytes */${functional.bytes}` });
  });

  test('short= is a network error with Content-Length but a silently short body when chunked', async () => {
    const advertised = await fetchInPage(testPage, '/gen/4-1.nii?short=1000', { cache: 'no-store' }).then(
      () => 'completed',
      (error: Error) => error.message,
    );
    expect(advertised).toMatch(/network error|Failed to fetch/i);
    const chunked = await fetchInPage(testPage, '/gen/4-1.nii?short=1000&chunked=1', { cache: 'no-store' });
    expect(chunked).toMatchObject({ status: 200, bytes: 1000 });
    expect(chunked.headers['content-length']).toBeUndefined();
  });

  test('gzipenc=1 is decoded by the browser into the original bytes', async () => {
    const result = await fetchInPage(testPage, '/data/nifti/functional.nii?gzipenc=1', { cache: 'no-store' });
    expect(result).toMatchObject({ status: 200, bytes: functional.bytes, sha256: functional.sha256 });
    expect(result.headers['content-encoding']).toBe('gzip');
    const [record] = await serverRequests('/data/nifti/functional.nii?gzipenc');
    expect(record!.bytesSent).toBeLessThan(functional.bytes); // what went over the wire was compressed
  });

  test('module workers and pre-bundled deps load through the dev server without a reload', async () => {
    const { page } = testPage;
    await page.evaluate(() => Object.assign(window, { loadedOnce: true }));
    const bytes = [...new TextEncoder().encode('volume-cache')];
    const hashes = await page.evaluate(
      async ({ probe, bytes }) => {
        const { hashInModuleWorker } = (await window.importModule(probe)) as {
          hashInModuleWorker(bytes: number[]): Promise<string>;
        };
        return { worker: await hashInModuleWorker(bytes), page: await window.sha256Hex(new Uint8Array(bytes)) };
      },
      { probe: '/test/browser/pages/fixtures/moduleWorkerProbe.ts', bytes },
    );
    expect(hashes.worker).toBe(hashes.page);
    expect(await page.evaluate(() => 'loadedOnce' in window)).toBe(true);
  });
});

describe('browser restart', () => {
  test('restart() keeps the profile, so OPFS survives a real browser restart', async () => {
    const browser = await launchBrowser();
    try {
      const before = await browser.newTestPage({ requireLibrary: false });
      await before.page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const writable = await (await root.getFileHandle('survivor.bin', { create: true })).createWritable();
        await writable.write(new Uint8Array([1, 2, 3]));
        await writable.close();
      });
      await browser.restart();
      const after = await browser.newTestPage({ requireLibrary: false });
      const bytes = await after.page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const file = await (await root.getFileHandle('survivor.bin')).getFile();
        return Array.from(new Uint8Array(await file.arrayBuffer()));
      });
      expect(bytes).toEqual([1, 2, 3]);
    } finally {
      await browser.close();
    }
    expect(existsSync(browser.userDataDir)).toBe(false);
  });
});
