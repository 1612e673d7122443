import { mkdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/repoPaths';
import { canvasPixelStats, loadSample, loadUrl, openDemo, panelRow, reloadOffline, waitUntilOfflineReady, waitUntilReady } from './support/demoPage';
import { startDemoServer, type DemoServer } from './support/demoServer';
import { launchBrowser, type TestBrowser } from './support/harness';
import { sample } from './support/manifest';

/** A canvas showing a volume: grey levels spread well beyond noise, over a good part of it. */
const MIN_VARIANCE = 200;
const MIN_FOREGROUND = 0.05;

let server: DemoServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});
// A fresh profile per test: its own OPFS, IndexedDB and service worker.
beforeEach(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  await browser?.close();
});

const panelText = (page: import('playwright-core').Page, field: string) => page.locator(`.volume-cache-panel [data-field="${field}"]`).textContent();

describe('demo', () => {
  it('loads a sample cold then warm: one miss, then one hit, with its entry, timings and a screenshot', async () => {
    const { page } = await openDemo(browser.context, server.origin);
    const facts = sample('spm152.nii.gz');
    await expect.poll(() => page.locator('#renderer-pill').textContent()).toContain('NiiVue');

    const cold = await loadSample(page, 'spm152.nii.gz');
    // The badge in words a clinician reads right, not the cache's "miss" (GitHub issue 16).
    expect(cold).toMatchObject({ status: 'miss', text: expect.stringMatching(/^Downloaded spm152\.nii\.gz: saved in the cache for next time; /) });
    await expect.poll(() => panelText(page, 'hit-rate')).toBe('0% (0 hits, 1 miss)');
    const row = panelRow(page, 'spm152.nii.gz');
    await expect.poll(() => row.count()).toBe(1);
    // Name, size (4 056 970 bytes, in binary units as the API's sizes), dims and datatype from the entry's header summary, not pinned.
    const [, name, size, dims, , expires, pinned] = await row.locator('td').allTextContents();
    expect(facts.bytes).toBe(4_056_970);
    expect({ name, size, dims, pinned }).toEqual({ name: 'spm152.nii.gz', size: '3.87 MiB', dims: `${facts.dims.join('×')} ${facts.datatype}`, pinned: 'no' });
    expect(expires).toMatch(/^in /);

    const warm = await loadSample(page, 'spm152.nii.gz');
    expect(warm).toMatchObject({ status: 'hit', text: expect.stringMatching(/^From cache spm152\.nii\.gz: opened without downloading; /) });
    await expect.poll(() => panelText(page, 'hit-rate')).toBe('50% (1 hit, 1 miss)');
    await expect.poll(() => panelText(page, 'entries')).toBe('1 entry');
    await expect.poll(() => page.locator('#header-summary').textContent()).toContain('207 × 256 × 215');
    await expect.poll(() => page.locator('#header-summary').textContent()).toContain('uint8');
    // One row with both a cold and a warm time.
    const timings = await page.locator('#timings tbody tr').first().locator('th, td').allTextContents();
    expect(timings[0]).toBe('spm152.nii.gz');
    expect(timings.slice(2, 6).every((cell) => /\d/.test(cell))).toBe(true);
    await expect.poll(() => page.locator('#samples li[data-file="spm152.nii.gz"] .availability').textContent()).toBe('cached · 3.87 MiB');

    await mkdir(`${repoRoot}test/artifacts`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}test/artifacts/demo-warm.png`, fullPage: true });
  });

  it('renders a canvas that is not blank, with NiiVue and with the 2D fallback', async () => {
    const { page } = await openDemo(browser.context, server.origin);
    expect(await loadSample(page, 'avg152T1_LR_nifti.nii')).toMatchObject({ status: 'miss' });
    const niivue = await canvasPixelStats(page);
    expect(niivue.variance).toBeGreaterThan(MIN_VARIANCE);
    expect(niivue.foreground).toBeGreaterThan(MIN_FOREGROUND);

    const fallback = await openDemo(browser.context, server.origin, '?renderer=2d');
    await expect.poll(() => fallback.page.locator('#renderer-pill').textContent()).toContain('2D slices');
    // Big-endian float32 and gzip: the decoding paths NiiVue does not share with the fallback.
    expect(await loadSample(fallback.page, 'big.nii.gz')).toMatchObject({ status: 'miss' });
    const slices = await canvasPixelStats(fallback.page);
    expect(slices.variance).toBeGreaterThan(MIN_VARIANCE);
    expect(slices.foreground).toBeGreaterThan(MIN_FOREGROUND);
  });

  it('falls back to 2D slices by itself when the browser has no WebGL2', async () => {
    const noWebgl2 = await launchBrowser({ args: ['--disable-webgl2'] });
    try {
      const { page } = await openDemo(noWebgl2.context, server.origin);
      await expect.poll(() => page.locator('#renderer-pill').textContent()).toContain('2D slices (no WebGL2 in this browser)');
      expect(await loadSample(page, 'MNI152_2009_template.nii.gz')).toMatchObject({ status: 'miss' });
      const stats = await canvasPixelStats(page);
      expect(stats.variance).toBeGreaterThan(MIN_VARIANCE);
      expect(stats.foreground).toBeGreaterThan(MIN_FOREGROUND);
    } finally {
      await noWebgl2.close();
    }
  });

  it('a throttled load shows bytes, rate and time left, on the page and in the viewer, and is the same entry as an unthrottled one', async () => {
    const { page } = await openDemo(browser.context, server.origin);
    const canvas = page.locator('#viewer-canvas');
    expect(await canvas.getAttribute('aria-label')).toBe('No volume loaded');
    // 338 KiB at 2 Mbit/s (244 KiB/s): over a second of progress reports.
    await page.getByLabel('Network speed').selectOption({ label: '2 Mbit/s' });
    const loading = loadSample(page, 'example4d.nii.gz');
    // Until the worker has started and the first bytes arrived it says "starting…": on a loaded
    // machine that alone can outlast expect.poll's default second, so wait for the download itself.
    await expect.poll(() => page.locator('#progress-text').textContent(), { timeout: 10_000 }).toMatch(/^[\d.]+ (B|KiB) of 338 KiB · [\d.]+ KiB\/s · (\d+ s left|almost done)$/);
    // The empty viewer says which volume is coming and how far it is, not "Choose a volume".
    await expect.poll(() => canvas.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/^Loading example4d\.nii\.gz\.\.\. \d+%$/);
    expect(await loading).toMatchObject({ status: 'miss' });
    await page.getByLabel('Network speed').selectOption({ index: 0 });
    expect(await loadSample(page, 'example4d.nii.gz')).toMatchObject({ status: 'hit' });
    await expect.poll(() => panelText(page, 'entries')).toBe('1 entry');
  });

  it('reloads offline: the page opens, cached volumes render, uncached ones are unavailable', async () => {
    const { page } = await openDemo(browser.context, server.origin);
    expect(await loadSample(page, 'avg152T1_LR_nifti.nii')).toMatchObject({ status: 'miss' });
    await waitUntilOfflineReady(page);

    await browser.context.setOffline(true);
    try {
      await reloadOffline(browser.context, page);
      await expect.poll(() => page.locator('#network-pill').textContent()).toContain('Offline');
      const cached = page.locator('#samples li[data-file="avg152T1_LR_nifti.nii"]');
      const uncached = page.locator('#samples li[data-file="functional.nii"]');
      await expect.poll(() => cached.locator('.availability').textContent()).toBe('cached · 882 KiB');
      await expect.poll(() => uncached.locator('.availability').textContent()).toBe('unavailable offline');
      await expect.poll(() => uncached.getByRole('button').isDisabled()).toBe(true);
      await expect.poll(() => page.locator('.volume-cache-panel tbody tr').count()).toBe(1);

      expect(await loadSample(page, 'avg152T1_LR_nifti.nii')).toMatchObject({ status: 'hit' });
      await expect.poll(() => page.locator('#viewer-canvas').getAttribute('data-rendered')).toBe(`${server.origin}/data/nifti/avg152T1_LR_nifti.nii`);
      const stats = await canvasPixelStats(page);
      expect(stats.variance).toBeGreaterThan(MIN_VARIANCE);

      // A URL typed in that is not cached fails as unavailable offline, not as a broken page.
      expect(await loadUrl(page, '/data/nifti/example4d.nii.gz')).toMatchObject({ status: 'unavailable', text: 'Not available offline example4d.nii.gz: it is not in the cache and the network cannot be reached.' });
    } finally {
      await browser.context.setOffline(false);
    }
  });

  it("NiiVue's own URL loader gets a volume through the service worker with the network offline", async () => {
    const { page } = await openDemo(browser.context, server.origin);
    const viaUrl = page.getByLabel('the URL, through the service worker');
    await viaUrl.check();
    // Online: NiiVue's fetch() is a miss the service worker caches on the way through.
    expect(await loadSample(page, 'example4d.nii.gz')).toMatchObject({ status: 'miss' });
    await expect.poll(() => page.locator('#samples li[data-file="example4d.nii.gz"] .availability').textContent()).toBe('cached · 338 KiB');
    await waitUntilOfflineReady(page);

    await browser.context.setOffline(true);
    try {
      await reloadOffline(browser.context, page);
      await viaUrl.check();
      const volumeResponses: { fromServiceWorker: boolean; cache: string | undefined; status: number }[] = [];
      page.on('response', (response) => {
        if (response.request().method() === 'GET' && response.url().endsWith('/data/nifti/example4d.nii.gz')) {
          volumeResponses.push({ fromServiceWorker: response.fromServiceWorker(), cache: response.headers()['x-volume-cache'], status: response.status() });
        }
      });
      expect(await loadSample(page, 'example4d.nii.gz')).toMatchObject({ status: 'hit' });
      expect(volumeResponses).toEqual([{ fromServiceWorker: true, cache: 'hit', status: 200 }]);
      // One cold and one warm load, each a HEAD and NiiVue's GET: counted once each (GitHub issue 16).
      await expect.poll(() => panelText(page, 'hit-rate')).toBe('50% (1 hit, 1 miss)');
      const stats = await canvasPixelStats(page);
      expect(stats.variance).toBeGreaterThan(MIN_VARIANCE);
    } finally {
      await browser.context.setOffline(false);
    }
  });
});
