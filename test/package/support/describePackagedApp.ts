import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource } from '../../server/generatedVolume.ts';
import { openFixturePage, type FixturePage } from './openFixturePage.ts';
import { resetServerLog, serverRequests } from './serverRequests.ts';

/** A fixture app, built and served, ready for a browser. */
export interface PackagedApp {
  /** The app's index page. */
  pageURL: string;
  /** The origin that also serves /gen and /__test (the page's own). */
  origin: string;
  close(): Promise<void>;
}

export interface PackagedAppOptions {
  /** The app serves volume-cache-sw.js at its root (installed with `volume-cache init`): check the drop-in too. */
  serviceWorker?: boolean;
}

const MiB = 1024 * 1024;
// 256 x 256 one-byte voxels per slice: 320 slices make 20 MiB plus the
// 352-byte header. Over 8 MiB (PARALLEL_HASH_MIN_BYTES), so the engine worker
// hashes it in its nested hash worker, which this download must prove runs too.
const VOLUME_SLICES = 320;
const VOLUME_SEED = 16;
const VOLUME_PATH = `/gen/${VOLUME_SLICES}-${VOLUME_SEED}.nii`;
const VOLUME_BYTES = generatedVolumeBytes(VOLUME_SLICES);
const RANGE = { header: 'bytes=100-1099', start: 100, end: 1099 };

/**
 * The checks every fixture app must pass, in order (each builds on the one
 * before: the warm get() needs the download, the service worker the entry).
 * `start` builds and serves the app; it runs once, before the browser opens.
 */
export function describePackagedApp(title: string, start: () => Promise<PackagedApp>, options: PackagedAppOptions = {}): void {
  describe(title, () => {
    let app: PackagedApp | undefined;
    let browser: FixturePage | undefined;
    const fixture = () => {
      if (!app || !browser) throw new Error(`${title}: the app did not start (see the beforeAll error)`);
      return { app, browser, page: browser.page };
    };
    /** What the browser said so far, to explain a failure. */
    const browserLog = () => {
      const { consoleMessages, pageErrors } = fixture().browser;
      const lines = consoleMessages.map(({ type, text }) => `${type}: ${text}`);
      return `\nConsole:\n  ${lines.join('\n  ') || '(nothing)'}\nPage errors:\n  ${pageErrors.join('\n  ') || '(none)'}`;
    };
    const missing = () => fixture().page.evaluate(() => window.packageTest.missing());

    beforeAll(async () => {
      app = await start();
      browser = await openFixturePage(app.pageURL);
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    it('runs the cache in a dedicated worker, with no capability missing', async () => {
      expect(await missing(), `stats().missing must be empty ("worker": the engine fell back to the page).${browserLog()}`).toEqual([]);
      const { page } = fixture();
      await expect
        .poll(() => page.workers().map((worker) => worker.url()), {
          message: `Playwright lists no dedicated worker of ${page.url()}.${browserLog()}`,
          timeout: 10_000,
        })
        .not.toEqual([]);
    });

    it(`downloads a ${Math.floor(VOLUME_BYTES / MiB)} MiB volume into an entry with the SHA-256 of its bytes`, async () => {
      expect(VOLUME_BYTES, 'the volume must be at least 20 MiB').toBeGreaterThanOrEqual(20 * MiB);
      const { page } = fixture();
      const cold = await page.evaluate((path) => window.packageTest.get(path), VOLUME_PATH);
      const sha256 = await generatedVolumeSha256(VOLUME_SLICES, VOLUME_SEED);
      expect(cold, `get(${VOLUME_PATH}), cold${browserLog()}`).toEqual({ status: 'miss', fileBytes: VOLUME_BYTES, entry: { sha256, bytes: VOLUME_BYTES } });
      expect(
        await missing(),
        `stats().missing after a ${VOLUME_BYTES} byte download ("worker": the engine runs on the page; "hash-worker": its nested hash worker did not start).${browserLog()}`,
      ).toEqual([]);
      // The hash worker stays after a clean download, kept for the next one: the engine's and its own.
      expect(page.workers().length, `workers of the page: ${page.workers().map((worker) => worker.url()).join(', ')}`).toBeGreaterThanOrEqual(2);
    });

    it('answers a warm get() with a hit and no request to the server', async () => {
      const { app, page } = fixture();
      await resetServerLog(app.origin);
      const warm = await page.evaluate((path) => window.packageTest.get(path), VOLUME_PATH);
      const sha256 = await generatedVolumeSha256(VOLUME_SLICES, VOLUME_SEED);
      expect(warm, `get(${VOLUME_PATH}), warm${browserLog()}`).toEqual({ status: 'hit', fileBytes: VOLUME_BYTES, entry: { sha256, bytes: VOLUME_BYTES } });
      expect(await serverRequests(app.origin, '/gen/'), 'requests the server saw for the warm get()').toEqual([]);
    });

    if (options.serviceWorker) {
      it('answers plain fetch() of the cached volume from the dropped-in service worker, whole and ranged', async () => {
        const { app, page } = fixture();
        const controller = await page.evaluate(() => window.packageTest.registerServiceWorker(['/gen/']));
        expect(controller && new URL(controller).pathname, `the page's controller after registerVolumeCacheServiceWorker()${browserLog()}`).toBe('/volume-cache-sw.js');

        await resetServerLog(app.origin);
        const whole = await page.evaluate((path) => window.packageTest.fetch(path), VOLUME_PATH);
        const sha256 = await generatedVolumeSha256(VOLUME_SLICES, VOLUME_SEED);
        expect(whole, `fetch(${VOLUME_PATH})${browserLog()}`).toEqual({ status: 200, volumeCache: 'hit', contentRange: null, bytes: VOLUME_BYTES, sha256 });

        const ranged = await page.evaluate(({ path, range }) => window.packageTest.fetch(path, { Range: range }), { path: VOLUME_PATH, range: RANGE.header });
        expect(ranged, `fetch(${VOLUME_PATH}, { Range: '${RANGE.header}' })${browserLog()}`).toEqual({
          status: 206,
          volumeCache: 'hit',
          contentRange: `bytes ${RANGE.start}-${RANGE.end}/${VOLUME_BYTES}`,
          bytes: RANGE.end - RANGE.start + 1,
          sha256: await expectedSliceSha256(RANGE.start, RANGE.end),
        });
        expect(await serverRequests(app.origin, '/gen/'), 'requests the server saw for the two fetches').toEqual([]);
      });
    }

    // Last, so it covers everything above.
    it('logs no volume-cache: warning and throws no page error', () => {
      const { consoleMessages, pageErrors } = fixture().browser;
      const degradations = consoleMessages.filter(({ text }) => text.startsWith('volume-cache:'));
      expect(degradations, `the library warned that it degraded${browserLog()}`).toEqual([]);
      expect(pageErrors, `uncaught errors${browserLog()}`).toEqual([]);
    });
  });
}

/** SHA-256 of bytes start..end (inclusive) of the volume, as the server generates them. */
async function expectedSliceSha256(start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedVolumeSource({ slices: VOLUME_SLICES, seed: VOLUME_SEED, version: 1 }).chunks(start, end)) hash.update(chunk);
  return hash.digest('hex');
}
